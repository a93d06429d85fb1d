use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, MintTo, Token, TokenAccount};

use crate::emission::advance_emission;
use crate::error::StakingError;
use crate::seeds;
use crate::state::{RewardPot, StakingConfig};

/// Permissionless: emits inflation due since the last crank (see `emission`), mints
/// bucket A to the reward vault when there is stake to earn it, and allocates bucket B
/// to the epochs of the community reward pot. Calling it again at the same time is a
/// no-op, so keepers and users may bundle it freely.
#[event_cpi]
#[derive(Accounts)]
pub struct CrankInflation<'info> {
    #[account(mut, seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(mut, address = config.reward_pot)]
    pub reward_pot: AccountLoader<'info, RewardPot>,
    #[account(mut, address = config.ale_mint @ StakingError::WrongMint)]
    pub ale_mint: Box<Account<'info, Mint>>,
    /// CHECK: the mint authority PDA, checked by its seeds.
    #[account(seeds = [seeds::MINT_AUTHORITY], bump = config.mint_authority_bump)]
    pub mint_authority: UncheckedAccount<'info>,
    #[account(mut, address = config.reward_vault @ StakingError::WrongVault)]
    pub reward_vault: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

impl CrankInflation<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(self.config.genesis_done, StakingError::GenesisNotDone);
        Ok(())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn crank_inflation(ctx: Context<CrankInflation>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let report = {
        let mut pot = ctx.accounts.reward_pot.load_mut()?;
        advance_emission(
            &mut ctx.accounts.config,
            &mut pot,
            now,
            ctx.accounts.ale_mint.supply,
        )?
    };
    let to_mint = report.bucket_a_to_mint();
    let Some(summary) = report.summary else {
        return Ok(());
    };

    if to_mint > 0 {
        let bump = [ctx.accounts.config.mint_authority_bump];
        let signer: &[&[&[u8]]] = &[&[seeds::MINT_AUTHORITY, &bump]];
        token::mint_to(
            CpiContext::new_with_signer(
                ctx.accounts.token_program.key(),
                MintTo {
                    mint: ctx.accounts.ale_mint.to_account_info(),
                    to: ctx.accounts.reward_vault.to_account_info(),
                    authority: ctx.accounts.mint_authority.to_account_info(),
                },
                signer,
            ),
            to_mint,
        )?;
    }

    ctx.accounts.invariant()?;
    emit_cpi!(summary);
    for event in report.years_started {
        emit_cpi!(event);
    }
    for event in report.epochs_closed {
        emit_cpi!(event);
    }
    for event in report.epochs_expired {
        emit_cpi!(event);
    }
    Ok(())
}

impl CrankInflation<'_> {
    /// Config and pot agree, and the reward vault holds every unclaimed bucket-A token.
    fn invariant(&mut self) -> Result<()> {
        self.config.invariant()?;
        self.reward_pot
            .load()?
            .invariant(self.config.bucket_b_allocated)?;
        self.reward_vault.reload()?;
        let owed = self
            .config
            .bucket_a_minted
            .checked_sub(self.config.rewards_claimed)
            .ok_or(StakingError::InvariantViolated)?;
        require!(
            self.reward_vault.amount >= owed,
            StakingError::InvariantViolated
        );
        Ok(())
    }
}
