use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, Token, TokenAccount, TransferChecked};

use crate::error::StakingError;
use crate::events::StakeWithdrawn;
use crate::seeds;
use crate::state::{StakeAccount, StakingConfig};

/// Returns stake whose cooldown has elapsed to the owner's token account.
#[event_cpi]
#[derive(Accounts)]
pub struct Withdraw<'info> {
    pub owner: Signer<'info>,
    #[account(mut, seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(
        mut,
        seeds = [seeds::STAKE, stake_account.owner.as_ref()],
        bump = stake_account.bump,
        has_one = owner @ StakingError::NotStakeOwner
    )]
    pub stake_account: Box<Account<'info, StakeAccount>>,
    #[account(address = config.ale_mint @ StakingError::WrongMint)]
    pub ale_mint: Box<Account<'info, Mint>>,
    #[account(mut)]
    pub owner_token: Box<Account<'info, TokenAccount>>,
    #[account(mut, address = config.stake_vault @ StakingError::WrongVault)]
    pub stake_vault: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

impl Withdraw<'_> {
    pub fn validate(&self) -> Result<()> {
        require_keys_eq!(
            self.owner_token.mint,
            self.config.ale_mint,
            StakingError::WrongMint
        );
        require_keys_eq!(
            self.owner_token.owner,
            self.owner.key(),
            StakingError::WrongTokenOwner
        );
        require!(
            self.stake_account.cooling_amount > 0,
            StakingError::NothingToWithdraw
        );
        require!(
            Clock::get()?.unix_timestamp >= self.stake_account.cooldown_ends_at,
            StakingError::CooldownNotElapsed
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn withdraw(ctx: Context<Withdraw>) -> Result<()> {
    let amount = ctx.accounts.stake_account.cooling_amount;
    let bump = [ctx.accounts.config.bump];
    let signer: &[&[&[u8]]] = &[&[seeds::CONFIG, &bump]];
    token::transfer_checked(
        CpiContext::new_with_signer(
            ctx.accounts.token_program.key(),
            TransferChecked {
                from: ctx.accounts.stake_vault.to_account_info(),
                mint: ctx.accounts.ale_mint.to_account_info(),
                to: ctx.accounts.owner_token.to_account_info(),
                authority: ctx.accounts.config.to_account_info(),
            },
            signer,
        ),
        amount,
        ctx.accounts.ale_mint.decimals,
    )?;

    let config = &mut ctx.accounts.config;
    let stake = &mut ctx.accounts.stake_account;
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
