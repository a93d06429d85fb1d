use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;
use anchor_spl::token::TokenAccount;

use crate::error::{OrMathOverflow, StakingError};
use crate::events::Staked;
use crate::staker_wallet::*;

/// Moves ALE from the owner's token account into the stake vault as active stake.
/// Rewards earned so far are settled first, so new stake earns only from now on.
#[event_cpi]
#[derive(Accounts)]
pub struct Stake<'info> {
    pub wallet: StakerWallet<'info>,
    #[account(mut, address = wallet.staker.config.stake_vault @ StakingError::WrongVault)]
    pub stake_vault: Box<Account<'info, TokenAccount>>,
}

impl Stake<'_> {
    pub fn validate(&self, amount: u64) -> Result<()> {
        require!(amount > 0, StakingError::ZeroAmount);
        self.wallet
            .staker
            .config
            .require_current_emission(Clock::get()?.unix_timestamp)?;
        self.wallet.validate_owner_token()?;
        require!(
            self.wallet.owner_token.amount >= amount,
            StakingError::InsufficientBalance
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(amount))]
pub fn stake(ctx: Context<Stake>, amount: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts
        .wallet
        .deposit(&ctx.accounts.stake_vault, amount)?;

    let config = &mut ctx.accounts.wallet.staker.config;
    let stake = &mut ctx.accounts.wallet.staker.stake_account;
    stake.settle(config)?;
    if stake.active_amount == 0 {
        stake.active_since = now;
    }
    stake.active_amount = stake.active_amount.safe_add(amount).or_overflow()?;
    config.total_active_stake = config.total_active_stake.safe_add(amount).or_overflow()?;

    stake.invariant()?;
    config.invariant()?;
    emit_cpi!(Staked {
        owner: stake.owner,
        amount,
        active_amount: stake.active_amount,
        total_active_stake: config.total_active_stake,
    });
    Ok(())
}
