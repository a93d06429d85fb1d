use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::ProtocolError;
use crate::events::CommunityRewardClaimed;
use crate::seat::*;
use crate::seeds;
use crate::state::{Community, ProtocolConfig};

/// A member claims its bucket-B rewards (ALE, pro rata to reputation). They are paid
/// only if the member's stake in ale-staking has been active since the start of its
/// accrual window (its join or last claim): staking just before a claim earns nothing,
/// and what was accrued goes back to the community's next distribution. Either way a
/// new window starts now.
#[event_cpi]
#[derive(Accounts)]
pub struct ClaimCommunityReward<'info> {
    pub seat: MemberSeat<'info>,
    #[account(seeds = [seeds::PROTOCOL_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, ProtocolConfig>>,
    /// The member's stake account in ale-staking.
    #[account(
        seeds = [ale_staking::seeds::STAKE, seat.member.key().as_ref()],
        bump = stake_account.bump,
        seeds::program = ale_staking::ID
    )]
    pub stake_account: Box<Account<'info, ale_staking::state::StakeAccount>>,
    #[account(address = config.ale_mint @ ProtocolError::WrongMint)]
    pub ale_mint: Box<Account<'info, Mint>>,
    #[account(mut, seeds = [seeds::COMMUNITY_REWARDS, seat.community.key().as_ref()], bump)]
    pub rewards_vault: Box<Account<'info, TokenAccount>>,
    #[account(mut)]
    pub member_token: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

impl ClaimCommunityReward<'_> {
    pub fn validate(&self) -> Result<()> {
        require_keys_eq!(
            self.member_token.owner,
            self.seat.member.key(),
            ProtocolError::WrongTokenOwner
        );
        require_keys_eq!(
            self.member_token.mint,
            self.ale_mint.key(),
            ProtocolError::WrongMint
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn claim_community_reward(ctx: Context<ClaimCommunityReward>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let stake = &ctx.accounts.stake_account;
    let per_reputation = ctx.accounts.seat.community.reward_per_reputation;
    let (amount, eligible) = ctx.accounts.seat.with_entry(|entry| {
        entry.accrue_rewards(per_reputation)?;
        let amount = entry.ale_reward_claimable;
        require!(amount > 0, ProtocolError::NothingToClaim);
        let eligible = stake.active_amount > 0 && stake.active_since <= entry.reward_window_start;
        entry.ale_reward_claimable = 0;
        entry.reward_window_start = now;
        Ok((amount, eligible))
    })?;

    let community = &mut ctx.accounts.seat.community;
    if eligible {
        community.rewards_claimed = community
            .rewards_claimed
            .checked_add(amount)
            .ok_or(ProtocolError::MathOverflow)?;
        Community::pay_from_vault(
            &ctx.accounts.seat.community,
            ctx.accounts.token_program.key(),
            ctx.accounts.rewards_vault.to_account_info(),
            ctx.accounts.ale_mint.to_account_info(),
            ctx.accounts.ale_mint.decimals,
            ctx.accounts.member_token.to_account_info(),
            amount,
        )?;
    } else {
        community.rewards_forfeited = community
            .rewards_forfeited
            .checked_add(amount)
            .ok_or(ProtocolError::MathOverflow)?;
    }
    emit_cpi!(CommunityRewardClaimed {
        community: ctx.accounts.seat.community.key(),
        member: ctx.accounts.seat.member.key(),
        amount,
        forfeited: !eligible,
    });
    Ok(())
}
