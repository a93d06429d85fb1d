use anchor_lang::prelude::*;
use anchor_spl::token::TokenAccount;

use crate::error::StakingError;
use crate::events::StakeWithdrawn;
use crate::staker_wallet::*;

/// Returns stake whose cooldown has elapsed to the owner's token account.
#[event_cpi]
#[derive(Accounts)]
pub struct Withdraw<'info> {
    pub wallet: StakerWallet<'info>,
    #[account(mut, address = wallet.staker.config.stake_vault @ StakingError::WrongVault)]
    pub stake_vault: Box<Account<'info, TokenAccount>>,
}

impl Withdraw<'_> {
    pub fn validate(&self) -> Result<()> {
        self.wallet.validate_owner_token()?;
        let stake = &self.wallet.staker.stake_account;
        require!(stake.cooling_amount > 0, StakingError::NothingToWithdraw);
        require!(
            Clock::get()?.unix_timestamp >= stake.cooldown_ends_at,
            StakingError::CooldownNotElapsed
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn withdraw(ctx: Context<Withdraw>) -> Result<()> {
    let amount = ctx.accounts.wallet.staker.stake_account.cooling_amount;
    ctx.accounts.wallet.pay(&ctx.accounts.stake_vault, amount)?;

    let config = &mut ctx.accounts.wallet.staker.config;
    let stake = &mut ctx.accounts.wallet.staker.stake_account;
    stake.cooling_amount = 0;
    stake.cooldown_ends_at = 0;
    config.total_cooling_stake = config
        .total_cooling_stake
        .checked_sub(amount)
        .ok_or(StakingError::InvariantViolated)?;

    stake.invariant()?;
    config.invariant()?;
    emit_cpi!(StakeWithdrawn {
        owner: stake.owner,
        amount
    });
    Ok(())
}
