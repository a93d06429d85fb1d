use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;

use crate::error::{OrMathOverflow, StakingError};
use crate::events::UnstakeRequested;
use crate::staker_wallet::*;

/// Moves active stake into cooldown, where it earns nothing. A second request adds to
/// the stake already cooling and restarts the cooldown for all of it.
#[event_cpi]
#[derive(Accounts)]
pub struct RequestUnstake<'info> {
    pub staker: StakeOwner<'info>,
}

impl RequestUnstake<'_> {
    pub fn validate(&self, amount: u64) -> Result<()> {
        require!(amount > 0, StakingError::ZeroAmount);
        self.staker
            .config
            .require_current_emission(Clock::get()?.unix_timestamp)?;
        require!(
            self.staker.stake_account.active_amount >= amount,
            StakingError::InsufficientStake
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(amount))]
pub fn request_unstake(ctx: Context<RequestUnstake>, amount: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let config = &mut ctx.accounts.staker.config;
    let stake = &mut ctx.accounts.staker.stake_account;
    stake.settle(config)?;
    stake.active_amount = stake
        .active_amount
        .checked_sub(amount)
        .ok_or(StakingError::InsufficientStake)?;
    if stake.active_amount == 0 {
        stake.active_since = 0;
    }
    stake.cooling_amount = stake.cooling_amount.safe_add(amount).or_overflow()?;
    stake.cooldown_ends_at = now.safe_add(config.cooldown_seconds).or_overflow()?;
    config.total_active_stake = config
        .total_active_stake
        .checked_sub(amount)
        .ok_or(StakingError::InvariantViolated)?;
    config.total_cooling_stake = config.total_cooling_stake.safe_add(amount).or_overflow()?;

    stake.invariant()?;
    config.invariant()?;
    emit_cpi!(UnstakeRequested {
        owner: stake.owner,
        amount,
        cooling_amount: stake.cooling_amount,
        cooldown_ends_at: stake.cooldown_ends_at,
    });
    Ok(())
}
