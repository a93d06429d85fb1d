use ale_math::checked::CheckedMath;
use ale_math::split::pro_rata_share;
use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, MintTo, Token, TokenAccount};

use crate::constants::EPOCH_RING_LEN;
use crate::error::{OrMathOverflow, StakingError};
use crate::events::CommunityRewardDrawn;
use crate::seeds;
use crate::state::{CommunityWork, RewardPot, StakingConfig, EPOCH_CLOSED};

/// Mints a community's bucket-B share of a closed epoch, pro rata to its paid work and
/// at most that paid work, to a token account ale-protocol names (the community's reward vault). Once per
/// community and epoch; what no community draws before the epoch leaves the ring is
/// never minted.
#[event_cpi]
#[derive(Accounts)]
#[instruction(community: Pubkey)]
pub struct DrawCommunityReward<'info> {
    #[account(seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(address = config.protocol_reporter @ StakingError::UnauthorizedReporter)]
    pub reporter: Signer<'info>,
    #[account(mut, address = config.reward_pot)]
    pub reward_pot: AccountLoader<'info, RewardPot>,
    #[account(mut, seeds = [seeds::COMMUNITY_WORK, community.as_ref()], bump)]
    pub community_work: AccountLoader<'info, CommunityWork>,
    #[account(mut, address = config.ale_mint @ StakingError::WrongMint)]
    pub ale_mint: Box<Account<'info, Mint>>,
    /// CHECK: the mint authority PDA, checked by its seeds.
    #[account(seeds = [seeds::MINT_AUTHORITY], bump = config.mint_authority_bump)]
    pub mint_authority: UncheckedAccount<'info>,
    #[account(mut)]
    pub destination: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

impl DrawCommunityReward<'_> {
    pub fn validate(&self) -> Result<()> {
        require_keys_eq!(
            self.destination.mint,
            self.config.ale_mint,
            StakingError::WrongMint
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn draw_community_reward(
    ctx: Context<DrawCommunityReward>,
    community: Pubkey,
    epoch: u64,
) -> Result<()> {
    let amount = {
        let config = &ctx.accounts.config;
        let closes_at = config.epoch_start(epoch.safe_add(1).or_overflow()?)?;
        require!(
            closes_at <= config.last_emission_ts,
            StakingError::EpochNotClosed
        );
        let index = (epoch % EPOCH_RING_LEN as u64) as usize;
        let mut pot = ctx.accounts.reward_pot.load_mut()?;
        let mut work = ctx.accounts.community_work.load_mut()?;
        let slot = &mut pot.epochs[index];
        require!(
            slot.in_use != 0 && slot.epoch == epoch,
            StakingError::EpochExpired
        );
        require!(
            slot.flags & EPOCH_CLOSED != 0,
            StakingError::InvariantViolated
        );
        let entry = &mut work.epochs[index];
        require!(
            entry.in_use != 0 && entry.epoch == epoch && entry.paid_work > 0,
            StakingError::NoPaidWork
        );
        require!(entry.drawn == 0, StakingError::AlreadyDrawn);
        // Never more than the paid work itself (the protocol fees it paid, in ALE):
        // what the cap withholds is not minted.
        let amount = pro_rata_share(slot.allocation, entry.paid_work, slot.paid_work as u128)
            .or_overflow()?
            .min(entry.paid_work);
        slot.drawn = slot.drawn.safe_add(amount).or_overflow()?;
        entry.drawn = 1;
        entry.drawn_amount = amount;
        pot.total_drawn = pot.total_drawn.safe_add(amount).or_overflow()?;
        work.invariant()?;
        pot.invariant(config.bucket_b_allocated)?;
        amount
    };

    if amount > 0 {
        let bump = [ctx.accounts.config.mint_authority_bump];
        let signer: &[&[&[u8]]] = &[&[seeds::MINT_AUTHORITY, &bump]];
        token::mint_to(
            CpiContext::new_with_signer(
                ctx.accounts.token_program.key(),
                MintTo {
                    mint: ctx.accounts.ale_mint.to_account_info(),
                    to: ctx.accounts.destination.to_account_info(),
                    authority: ctx.accounts.mint_authority.to_account_info(),
                },
                signer,
            ),
            amount,
        )?;
    }
    emit_cpi!(CommunityRewardDrawn {
        community,
        epoch,
        amount,
        destination: ctx.accounts.destination.key(),
    });
    Ok(())
}
