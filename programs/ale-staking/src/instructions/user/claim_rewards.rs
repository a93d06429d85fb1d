use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, Token, TokenAccount, TransferChecked};

use crate::error::StakingError;
use crate::events::RewardsClaimed;
use crate::seeds;
use crate::state::{StakeAccount, StakingConfig};

/// Pays the owner's bucket-A rewards from the reward vault, once: the balance is
/// zeroed in the same instruction that moves the tokens.
#[event_cpi]
#[derive(Accounts)]
pub struct ClaimRewards<'info> {
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
    #[account(mut, address = config.reward_vault @ StakingError::WrongVault)]
    pub reward_vault: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

impl ClaimRewards<'_> {
    pub fn validate(&self) -> Result<()> {
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
        Ok(())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn claim_rewards(ctx: Context<ClaimRewards>) -> Result<()> {
    let config = &mut ctx.accounts.config;
    let stake = &mut ctx.accounts.stake_account;
    stake.settle(config)?;
    let amount = stake.claimable;
    require!(amount > 0, StakingError::NothingToClaim);
    stake.claimable = 0;
    stake.total_claimed = stake
        .total_claimed
        .checked_add(amount)
        .ok_or(StakingError::MathOverflow)?;
    config.rewards_claimed = config
        .rewards_claimed
        .checked_add(amount)
        .ok_or(StakingError::MathOverflow)?;

    let bump = [config.bump];
    let signer: &[&[&[u8]]] = &[&[seeds::CONFIG, &bump]];
    token::transfer_checked(
        CpiContext::new_with_signer(
            ctx.accounts.token_program.key(),
            TransferChecked {
                from: ctx.accounts.reward_vault.to_account_info(),
                mint: ctx.accounts.ale_mint.to_account_info(),
                to: ctx.accounts.owner_token.to_account_info(),
                authority: ctx.accounts.config.to_account_info(),
            },
            signer,
        ),
        amount,
        ctx.accounts.ale_mint.decimals,
    )?;

    ctx.accounts.stake_account.invariant()?;
    ctx.accounts.config.invariant()?;
    emit_cpi!(RewardsClaimed {
        owner: ctx.accounts.owner.key(),
        amount
    });
    Ok(())
}
