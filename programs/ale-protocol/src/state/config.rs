use anchor_lang::prelude::*;

/// Protocol-wide settings set by the operator.
#[account]
#[derive(InitSpace)]
pub struct ProtocolConfig {
    pub admin: Pubkey,
    /// Owner of the token accounts that receive protocol fees and split dust.
    pub treasury: Pubkey,
    pub protocol_fee_bps: u16,
    pub max_creator_fee_bps: u16,
    pub community_count: u64,
    pub bump: u8,
    pub reporter_bump: u8,
    pub reserved: [u8; 64],
}
