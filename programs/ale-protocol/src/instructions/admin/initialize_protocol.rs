use anchor_lang::prelude::*;

use crate::constants::{MAX_CREATOR_FEE_CAP_BPS, MAX_PROTOCOL_FEE_BPS};
use crate::error::ProtocolError;
use crate::events::ProtocolInitialized;
use crate::seeds;
use crate::state::ProtocolConfig;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct ProtocolParams {
    pub treasury: Pubkey,
    pub protocol_fee_bps: u16,
    pub max_creator_fee_bps: u16,
}

/// Creates the protocol config. Like ale-staking's, it runs in the deploy step.
#[event_cpi]
#[derive(Accounts)]
pub struct InitializeProtocol<'info> {
    #[account(mut)]
    pub admin: Signer<'info>,
    #[account(
        init,
        payer = admin,
        space = 8 + ProtocolConfig::INIT_SPACE,
        seeds = [seeds::PROTOCOL_CONFIG],
        bump
    )]
    pub config: Box<Account<'info, ProtocolConfig>>,
    /// CHECK: the PDA that signs CPIs into ale-staking; holds no data.
    #[account(seeds = [seeds::PROTOCOL_REPORTER], bump)]
    pub reporter: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

impl InitializeProtocol<'_> {
    pub fn validate(&self, params: &ProtocolParams) -> Result<()> {
        require!(
            params.protocol_fee_bps <= MAX_PROTOCOL_FEE_BPS
                && params.max_creator_fee_bps <= MAX_CREATOR_FEE_CAP_BPS,
            ProtocolError::InvalidFeeConfig
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(&params))]
pub fn initialize_protocol(ctx: Context<InitializeProtocol>, params: ProtocolParams) -> Result<()> {
    let config = &mut ctx.accounts.config;
    config.set_inner(ProtocolConfig {
        admin: ctx.accounts.admin.key(),
        treasury: params.treasury,
        protocol_fee_bps: params.protocol_fee_bps,
        max_creator_fee_bps: params.max_creator_fee_bps,
        community_count: 0,
        bump: ctx.bumps.config,
        reporter_bump: ctx.bumps.reporter,
        ale_mint: Pubkey::find_program_address(&[ale_staking::seeds::ALE_MINT], &ale_staking::ID).0,
        conversion_rates: Default::default(),
        reserved: [0; 64],
    });
    emit_cpi!(ProtocolInitialized {
        admin: config.admin,
        treasury: config.treasury,
        protocol_fee_bps: config.protocol_fee_bps,
        max_creator_fee_bps: config.max_creator_fee_bps,
    });
    Ok(())
}
