use anchor_lang::prelude::*;

use crate::error::StakingError;
use crate::events::StakeAccountClosed;
use crate::seeds;
use crate::state::StakeAccount;

/// Closes an empty stake account and returns its rent to the owner.
#[event_cpi]
#[derive(Accounts)]
pub struct CloseStakeAccount<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(
        mut,
        close = owner,
        seeds = [seeds::STAKE, stake_account.owner.as_ref()],
        bump = stake_account.bump,
        has_one = owner @ StakingError::NotStakeOwner
    )]
    pub stake_account: Box<Account<'info, StakeAccount>>,
}

impl CloseStakeAccount<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(
            self.stake_account.is_empty(),
            StakingError::StakeAccountNotEmpty
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn close_stake_account(ctx: Context<CloseStakeAccount>) -> Result<()> {
    emit_cpi!(StakeAccountClosed {
        owner: ctx.accounts.owner.key()
    });
    Ok(())
}
