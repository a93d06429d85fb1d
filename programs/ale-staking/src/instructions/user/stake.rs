use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, Token, TokenAccount, TransferChecked};

use crate::error::StakingError;
use crate::events::Staked;
use crate::seeds;
use crate::state::{StakeAccount, StakingConfig};

/// Moves ALE from the owner's token account into the stake vault as active stake.
/// Rewards earned so far are settled first, so new stake earns only from now on.
#[event_cpi]
#[derive(Accounts)]
pub struct Stake<'info> {
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

impl Stake<'_> {
    pub fn validate(&self, amount: u64) -> Result<()> {
        require!(amount > 0, StakingError::ZeroAmount);
        self.config
            .require_current_emission(Clock::get()?.unix_timestamp)?;
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
            self.owner_token.amount >= amount,
            StakingError::InsufficientBalance
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(amount))]
pub fn stake(ctx: Context<Stake>, amount: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    token::transfer_checked(
        CpiContext::new(
            ctx.accounts.token_program.key(),
            TransferChecked {
                from: ctx.accounts.owner_token.to_account_info(),
                mint: ctx.accounts.ale_mint.to_account_info(),
                to: ctx.accounts.stake_vault.to_account_info(),
                authority: ctx.accounts.owner.to_account_info(),
            },
        ),
        amount,
        ctx.accounts.ale_mint.decimals,
    )?;

    let config = &mut ctx.accounts.config;
    let stake = &mut ctx.accounts.stake_account;
    stake.settle(config)?;
    if stake.active_amount == 0 {
        stake.active_since = now;
    }
    stake.active_amount = stake
        .active_amount
        .checked_add(amount)
        .ok_or(StakingError::MathOverflow)?;
    config.total_active_stake = config
        .total_active_stake
        .checked_add(amount)
        .ok_or(StakingError::MathOverflow)?;

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
