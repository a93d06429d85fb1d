use anchor_lang::prelude::*;

/// A poster's public record: what it funded and what became of it.
#[account]
#[derive(InitSpace)]
pub struct RequesterRecord {
    pub poster: Pubkey,
    pub batches_funded: u64,
    pub batches_completed: u64,
    pub batches_cancelled: u64,
    /// Closed with no item decided and some refunded after the deadline.
    pub batches_refunded: u64,
    pub items_posted: u64,
    pub items_decided: u64,
    pub items_cancelled: u64,
    pub items_refunded: u64,
    pub bump: u8,
    pub reserved: [u8; 32],
}

// Borsh sizes pinned like the zero-copy layouts: a field added or resized must be a
// deliberate change (rent, `space`, reserved bytes), not a side effect.
static_assertions::const_assert_eq!(<RequesterRecord as anchor_lang::Space>::INIT_SPACE, 129);
