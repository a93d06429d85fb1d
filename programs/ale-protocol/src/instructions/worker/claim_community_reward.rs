use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;

use crate::error::{OrMathOverflow, ProtocolError};
use crate::events::CommunityRewardClaimed;
use crate::rewards_claim::*;

/// A member claims its bucket-B rewards (ALE, pro rata to reputation). They are paid
/// only if the member's stake in ale-staking has been active since the start of its
/// accrual window (its join or last claim): staking just before a claim earns nothing,
/// and what was accrued goes back to the community's next distribution. Either way a
/// new window starts now.
#[event_cpi]
#[derive(Accounts)]
pub struct ClaimCommunityReward<'info> {
    pub claim: RewardsClaim<'info>,
    /// The member's stake account in ale-staking.
    #[account(
        seeds = [ale_staking::seeds::STAKE, claim.seat.member.key().as_ref()],
        bump = stake_account.bump,
        seeds::program = ale_staking::ID
    )]
    pub stake_account: Box<Account<'info, ale_staking::state::StakeAccount>>,
}

impl ClaimCommunityReward<'_> {
    pub fn validate(&self) -> Result<()> {
        self.claim.validate()
    }
}

#[access_control(ctx.accounts.validate())]
pub fn claim_community_reward(ctx: Context<ClaimCommunityReward>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let stake = &ctx.accounts.stake_account;
    let per_reputation = ctx.accounts.claim.seat.community.reward_per_reputation;
    let (amount, eligible) = ctx.accounts.claim.seat.with_entry(|entry| {
        entry.accrue_rewards(per_reputation)?;
        let amount = entry.ale_reward_claimable;
        require!(amount > 0, ProtocolError::NothingToClaim);
        let eligible = stake.active_amount > 0 && stake.active_since <= entry.reward_window_start;
        entry.ale_reward_claimable = 0;
        entry.reward_window_start = now;
        Ok((amount, eligible))
    })?;

    let community = &mut ctx.accounts.claim.seat.community;
    if eligible {
        community.rewards_claimed = community.rewards_claimed.safe_add(amount).or_overflow()?;
        ctx.accounts.claim.pay(amount)?;
    } else {
        community.rewards_forfeited = community.rewards_forfeited.safe_add(amount).or_overflow()?;
    }
    emit_cpi!(CommunityRewardClaimed {
        community: ctx.accounts.claim.seat.community.key(),
        member: ctx.accounts.claim.seat.member.key(),
        amount,
        forfeited: !eligible,
    });
    Ok(())
}
