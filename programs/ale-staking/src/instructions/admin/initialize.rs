use ale_math::inflation::ALE_DECIMALS;
use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::constants::{MAX_COOLDOWN_SECONDS, MAX_EPOCH_SECONDS, MIN_EPOCH_SECONDS};
use crate::error::StakingError;
use crate::events::ConfigInitialized;
use crate::seeds;
use crate::state::{RewardPot, StakingConfig};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct InitializeParams {
    pub cooldown_seconds: i64,
    pub epoch_seconds: i64,
    /// ale-protocol's program id: its PDA `seeds::PROTOCOL_REPORTER` may report work.
    pub protocol_program: Pubkey,
}

/// Creates the config, the ALE mint (authority: a PDA of this program), the stake and
/// reward vaults and the community reward pot. The deploy runs it in the same step as
/// the deployment (migrations/), so no one else can take the admin seat.
#[event_cpi]
#[derive(Accounts)]
pub struct Initialize<'info> {
    #[account(mut)]
    pub admin: Signer<'info>,
    #[account(
        init,
        payer = admin,
        space = 8 + StakingConfig::INIT_SPACE,
        seeds = [seeds::CONFIG],
        bump
    )]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(
        init,
        payer = admin,
        seeds = [seeds::ALE_MINT],
        bump,
        mint::decimals = ALE_DECIMALS,
        mint::authority = mint_authority,
        mint::token_program = token_program
    )]
    pub ale_mint: Box<Account<'info, Mint>>,
    /// CHECK: signs mints; a PDA holding no data.
    #[account(seeds = [seeds::MINT_AUTHORITY], bump)]
    pub mint_authority: UncheckedAccount<'info>,
    #[account(
        init,
        payer = admin,
        seeds = [seeds::STAKE_VAULT],
        bump,
        token::mint = ale_mint,
        token::authority = config,
        token::token_program = token_program
    )]
    pub stake_vault: Box<Account<'info, TokenAccount>>,
    #[account(
        init,
        payer = admin,
        seeds = [seeds::REWARD_VAULT],
        bump,
        token::mint = ale_mint,
        token::authority = config,
        token::token_program = token_program
    )]
    pub reward_vault: Box<Account<'info, TokenAccount>>,
    #[account(init, payer = admin, space = RewardPot::SPACE, seeds = [seeds::REWARD_POT], bump)]
    pub reward_pot: AccountLoader<'info, RewardPot>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

impl Initialize<'_> {
    pub fn validate(&self, params: &InitializeParams) -> Result<()> {
        require!(
            (0..=MAX_COOLDOWN_SECONDS).contains(&params.cooldown_seconds)
                && (MIN_EPOCH_SECONDS..=MAX_EPOCH_SECONDS).contains(&params.epoch_seconds),
            StakingError::InvalidParameter
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(&params))]
pub fn initialize(ctx: Context<Initialize>, params: InitializeParams) -> Result<()> {
    let (protocol_reporter, _) =
        Pubkey::find_program_address(&[seeds::PROTOCOL_REPORTER], &params.protocol_program);
    let config = &mut ctx.accounts.config;
    config.set_inner(StakingConfig {
        admin: ctx.accounts.admin.key(),
        ale_mint: ctx.accounts.ale_mint.key(),
        stake_vault: ctx.accounts.stake_vault.key(),
        reward_vault: ctx.accounts.reward_vault.key(),
        reward_pot: ctx.accounts.reward_pot.key(),
        protocol_reporter,
        bump: ctx.bumps.config,
        mint_authority_bump: ctx.bumps.mint_authority,
        genesis_done: false,
        cooldown_seconds: params.cooldown_seconds,
        epoch_seconds: params.epoch_seconds,
        genesis_ts: 0,
        last_emission_ts: 0,
        year_index: 0,
        year_start: 0,
        year_budget: 0,
        year_emitted: 0,
        total_active_stake: 0,
        total_cooling_stake: 0,
        reward_per_share: 0,
        reward_carry: 0,
        total_emitted: 0,
        bucket_a_minted: 0,
        bucket_a_withheld: 0,
        bucket_b_allocated: 0,
        rewards_claimed: 0,
        reserved: [0; 64],
    });
    ctx.accounts.reward_pot.load_init()?.config = config.key();
    config.invariant()?;
    emit_cpi!(ConfigInitialized {
        admin: config.admin,
        ale_mint: config.ale_mint,
        protocol_reporter,
        cooldown_seconds: params.cooldown_seconds,
        epoch_seconds: params.epoch_seconds,
    });
    Ok(())
}
