use anchor_lang::prelude::*;

use crate::events::StakeAccountOpened;
use crate::seeds;
use crate::state::StakeAccount;

#[event_cpi]
#[derive(Accounts)]
pub struct OpenStakeAccount<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(
        init,
        payer = owner,
        space = 8 + StakeAccount::INIT_SPACE,
        seeds = [seeds::STAKE, owner.key().as_ref()],
        bump
    )]
    pub stake_account: Box<Account<'info, StakeAccount>>,
    pub system_program: Program<'info, System>,
}

pub fn open_stake_account(ctx: Context<OpenStakeAccount>) -> Result<()> {
    let stake = &mut ctx.accounts.stake_account;
    stake.owner = ctx.accounts.owner.key();
    stake.bump = ctx.bumps.stake_account;
    stake.invariant()?;
    emit_cpi!(StakeAccountOpened { owner: stake.owner });
    Ok(())
}
