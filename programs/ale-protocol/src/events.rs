//! Events for keepers, indexers and the client, emitted with `emit_cpi!`.

use anchor_lang::prelude::*;

#[event]
pub struct ProtocolInitialized {
    pub admin: Pubkey,
    pub treasury: Pubkey,
    pub protocol_fee_bps: u16,
    pub max_creator_fee_bps: u16,
}

#[event]
pub struct CommunityCreated {
    pub community: Pubkey,
    pub id: u64,
    pub creator: Pubkey,
    pub ledger: Pubkey,
}

#[event]
pub struct MemberJoined {
    pub community: Pubkey,
    pub member: Pubkey,
    pub index: u32,
    pub reputation: u64,
}

#[event]
pub struct LedgerGrown {
    pub community: Pubkey,
    pub capacity: u32,
}

#[event]
pub struct QualificationCommitted {
    pub community: Pubkey,
    pub candidate: Pubkey,
    pub round: u32,
}

#[event]
pub struct QualificationKeyRevealed {
    pub community: Pubkey,
    pub round: u32,
}

#[event]
pub struct QualificationRotated {
    pub community: Pubkey,
    pub round: u32,
}

#[event]
pub struct BatchPosted {
    pub batch: Pubkey,
    pub community: Pubkey,
    pub poster: Pubkey,
    pub mint: Pubkey,
    pub item_count: u32,
    pub price_per_item: u64,
    /// Fees are computed up front; they leave escrow only for decided items.
    pub protocol_fee_per_item: u64,
    pub creator_fee_per_item: u64,
    pub worker_pay_per_item: u64,
    pub deposited: u64,
    pub deadline: i64,
}

#[event]
pub struct ItemsCancelled {
    pub batch: Pubkey,
    pub items: u32,
    pub refunded: u64,
}

#[event]
pub struct ItemsRefunded {
    pub batch: Pubkey,
    pub items: u32,
    pub refunded: u64,
    pub cursor: u32,
}

#[event]
pub struct BatchClosed {
    pub batch: Pubkey,
    pub poster: Pubkey,
}
