use ale_math::inflation::{YearProgress, GENESIS_SUPPLY};
use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, MintTo, Token, TokenAccount};

use crate::error::{OrMathOverflow, StakingError};
use crate::events::GenesisMinted;
use crate::seeds;
use crate::state::StakingConfig;

/// Mints the genesis supply once, to the distribution account, and starts the
/// inflation and epoch clocks. Afterwards only the inflation crank and community
/// reward draws mint.
#[event_cpi]
#[derive(Accounts)]
pub struct GenesisMint<'info> {
    pub admin: Signer<'info>,
    #[account(mut, seeds = [seeds::CONFIG], bump = config.bump, has_one = admin @ StakingError::NotAdmin)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(mut, address = config.ale_mint @ StakingError::WrongMint)]
    pub ale_mint: Box<Account<'info, Mint>>,
    /// CHECK: the mint authority PDA, checked by its seeds.
    #[account(seeds = [seeds::MINT_AUTHORITY], bump = config.mint_authority_bump)]
    pub mint_authority: UncheckedAccount<'info>,
    #[account(mut)]
    pub distribution: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

impl GenesisMint<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(
            !self.config.genesis_done,
            StakingError::GenesisAlreadyMinted
        );
        require_keys_eq!(
            self.distribution.mint,
            self.config.ale_mint,
            StakingError::WrongMint
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn genesis_mint(ctx: Context<GenesisMint>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let bump = [ctx.accounts.config.mint_authority_bump];
    let signer: &[&[&[u8]]] = &[&[seeds::MINT_AUTHORITY, &bump]];
    token::mint_to(
        CpiContext::new_with_signer(
            ctx.accounts.token_program.key(),
            MintTo {
                mint: ctx.accounts.ale_mint.to_account_info(),
                to: ctx.accounts.distribution.to_account_info(),
                authority: ctx.accounts.mint_authority.to_account_info(),
            },
            signer,
        ),
        GENESIS_SUPPLY,
    )?;

    let year = YearProgress::new(now, GENESIS_SUPPLY).or_overflow()?;
    let config = &mut ctx.accounts.config;
    config.genesis_done = true;
    config.genesis_ts = now;
    config.last_emission_ts = now;
    config.set_year(year);
    config.invariant()?;
    emit_cpi!(GenesisMinted {
        distribution: ctx.accounts.distribution.key(),
        amount: GENESIS_SUPPLY,
        first_year_budget: year.budget,
        timestamp: now,
    });
    Ok(())
}
