use ale_math::accumulator::RewardAccumulator;
use ale_math::checked::CheckedMath;
use ale_staking::program::AleStaking;
use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::{OrMathOverflow, ProtocolError};
use crate::events::CommunityRewardsDrawn;
use crate::seeds;
use crate::state::{Community, ProtocolConfig};

/// Permissionless: draws the community's bucket-B share of a closed epoch from
/// ale-staking (pro rata to its paid work) into the community's ALE reward vault, and
/// spreads it, with what members forfeited since the last draw, over all reputation
/// through the community's reward-per-reputation accumulator (O(1), whatever the
/// number of members). Members claim it with their stake as proof.
#[event_cpi]
#[derive(Accounts)]
pub struct DrawCommunityRewards<'info> {
    #[account(mut)]
    pub payer: Signer<'info>,
    #[account(seeds = [seeds::PROTOCOL_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, ProtocolConfig>>,
    #[account(mut, seeds = [seeds::COMMUNITY, community.id.to_le_bytes().as_ref()], bump = community.bump)]
    pub community: Box<Account<'info, Community>>,
    #[account(mut, address = config.ale_mint @ ProtocolError::WrongMint)]
    pub ale_mint: Box<Account<'info, Mint>>,
    #[account(
        init_if_needed,
        payer = payer,
        seeds = [seeds::COMMUNITY_REWARDS, community.key().as_ref()],
        bump,
        token::mint = ale_mint,
        token::authority = community,
        token::token_program = token_program
    )]
    pub rewards_vault: Box<Account<'info, TokenAccount>>,
    /// CHECK: ale-protocol's reporter PDA, checked by its seeds; signs the CPI.
    #[account(seeds = [seeds::PROTOCOL_REPORTER], bump = config.reporter_bump)]
    pub reporter: UncheckedAccount<'info>,
    /// CHECK: ale-staking's config, checked by ale-staking.
    pub staking_config: UncheckedAccount<'info>,
    /// CHECK: ale-staking's reward pot, checked by ale-staking.
    #[account(mut)]
    pub reward_pot: UncheckedAccount<'info>,
    /// CHECK: the community's paid-work record, checked by its seeds in ale-staking.
    #[account(mut)]
    pub community_work: UncheckedAccount<'info>,
    /// CHECK: ale-staking's mint authority PDA, checked by ale-staking.
    pub mint_authority: UncheckedAccount<'info>,
    /// CHECK: ale-staking's event authority, checked by ale-staking.
    pub staking_event_authority: UncheckedAccount<'info>,
    pub staking_program: Program<'info, AleStaking>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

pub fn draw_community_rewards(ctx: Context<DrawCommunityRewards>, epoch: u64) -> Result<()> {
    let community_key = ctx.accounts.community.key();
    let before = ctx.accounts.rewards_vault.amount;
    let bump = [ctx.accounts.config.reporter_bump];
    let signer: &[&[&[u8]]] = &[&[seeds::PROTOCOL_REPORTER, &bump]];
    ale_staking::cpi::draw_community_reward(
        CpiContext::new_with_signer(
            ctx.accounts.staking_program.key(),
            ale_staking::cpi::accounts::DrawCommunityReward {
                config: ctx.accounts.staking_config.to_account_info(),
                reporter: ctx.accounts.reporter.to_account_info(),
                reward_pot: ctx.accounts.reward_pot.to_account_info(),
                community_work: ctx.accounts.community_work.to_account_info(),
                ale_mint: ctx.accounts.ale_mint.to_account_info(),
                mint_authority: ctx.accounts.mint_authority.to_account_info(),
                destination: ctx.accounts.rewards_vault.to_account_info(),
                token_program: ctx.accounts.token_program.to_account_info(),
                event_authority: ctx.accounts.staking_event_authority.to_account_info(),
                program: ctx.accounts.staking_program.to_account_info(),
            },
            signer,
        ),
        community_key,
        epoch,
    )?;
    ctx.accounts.rewards_vault.reload()?;
    let drawn = ctx
        .accounts
        .rewards_vault
        .amount
        .checked_sub(before)
        .ok_or(ProtocolError::InvariantViolated)?;

    let community = &mut ctx.accounts.community;
    community.rewards_drawn = community.rewards_drawn.safe_add(drawn).or_overflow()?;
    let mut distributed = 0;
    if community.total_reputation > 0 {
        distributed = drawn.safe_add(community.rewards_forfeited).or_overflow()?;
        let mut acc = RewardAccumulator {
            per_share: community.reward_per_reputation,
            carry: community.reward_carry,
        };
        acc.distribute(distributed, community.total_reputation)
            .or_overflow()?;
        community.reward_per_reputation = acc.per_share;
        community.reward_carry = acc.carry;
        community.rewards_forfeited = 0;
    } else {
        // No member yet: held for the next draw.
        community.rewards_forfeited = community.rewards_forfeited.safe_add(drawn).or_overflow()?;
    }
    emit_cpi!(CommunityRewardsDrawn {
        community: community_key,
        epoch,
        drawn,
        distributed,
        total_reputation: ctx.accounts.community.total_reputation,
    });
    Ok(())
}
