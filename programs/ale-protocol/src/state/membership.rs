use anchor_lang::prelude::*;

/// Proof that a wallet joined a community, and its index in the community's ledger.
/// Its address (community, wallet) makes a second join impossible.
#[account]
#[derive(InitSpace)]
pub struct Membership {
    pub community: Pubkey,
    pub member: Pubkey,
    pub index: u32,
    pub joined_at: i64,
    pub bump: u8,
}

/// A candidate's blind answers to a qualification round: sha256(answers || salt ||
/// candidate || round).
#[account]
#[derive(InitSpace)]
pub struct QualificationTicket {
    pub community: Pubkey,
    pub candidate: Pubkey,
    pub round: u32,
    pub commitment: [u8; 32],
    pub bump: u8,
}
