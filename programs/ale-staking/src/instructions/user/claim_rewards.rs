use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;
use anchor_spl::token::TokenAccount;

use crate::error::{OrMathOverflow, StakingError};
use crate::events::RewardsClaimed;
use crate::staker_wallet::*;

/// Pays the owner's bucket-A rewards from the reward vault, once: the balance is
/// zeroed in the same instruction that moves the tokens.
#[event_cpi]
#[derive(Accounts)]
pub struct ClaimRewards<'info> {
    pub wallet: StakerWallet<'info>,
    #[account(mut, address = wallet.staker.config.reward_vault @ StakingError::WrongVault)]
    pub reward_vault: Box<Account<'info, TokenAccount>>,
}

impl ClaimRewards<'_> {
    pub fn validate(&self) -> Result<()> {
        self.wallet
            .staker
            .config
            .require_current_emission(Clock::get()?.unix_timestamp)?;
        self.wallet.validate_owner_token()
    }
}

#[access_control(ctx.accounts.validate())]
pub fn claim_rewards(ctx: Context<ClaimRewards>) -> Result<()> {
    let config = &mut ctx.accounts.wallet.staker.config;
    let stake = &mut ctx.accounts.wallet.staker.stake_account;
    stake.settle(config)?;
    let amount = stake.claimable;
    require!(amount > 0, StakingError::NothingToClaim);
    stake.claimable = 0;
    stake.total_claimed = stake.total_claimed.safe_add(amount).or_overflow()?;
    config.rewards_claimed = config.rewards_claimed.safe_add(amount).or_overflow()?;

    ctx.accounts
        .wallet
        .pay(&ctx.accounts.reward_vault, amount)?;

    ctx.accounts.wallet.staker.stake_account.invariant()?;
    ctx.accounts.wallet.staker.config.invariant()?;
    emit_cpi!(RewardsClaimed {
        owner: ctx.accounts.wallet.staker.owner.key(),
        amount
    });
    Ok(())
}
