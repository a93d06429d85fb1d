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

/// A worker's assignment in one round of one batch: the items the sortition gave it,
/// then its commitment sha256(labels || salt || worker || ticket). Closed at reveal.
#[account]
#[derive(InitSpace)]
pub struct Ticket {
    pub batch: Pubkey,
    pub member: Pubkey,
    pub member_index: u32,
    pub round: u32,
    pub item_count: u8,
    pub items: [u32; crate::constants::MAX_TICKET_ITEMS],
    pub commitment: [u8; 32],
    /// The community's vote deposit paid per item of this ticket.
    pub deposit_per_item: u64,
    pub committed: bool,
    pub bump: u8,
}

// Borsh sizes pinned like the zero-copy layouts: a field added or resized must be a
// deliberate change (rent, `space`, reserved bytes), not a side effect.
static_assertions::const_assert_eq!(<Membership as anchor_lang::Space>::INIT_SPACE, 77);
static_assertions::const_assert_eq!(<QualificationTicket as anchor_lang::Space>::INIT_SPACE, 101);
static_assertions::const_assert_eq!(<Ticket as anchor_lang::Space>::INIT_SPACE, 627);
