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
    /// Per item, or per vote with a vote budget; so are the fees and the pay.
    pub price: u64,
    /// Fees are computed up front; they leave escrow only for decided items.
    pub protocol_fee: u64,
    pub creator_fee: u64,
    pub worker_pay: u64,
    pub deposited: u64,
    pub deadline: i64,
    pub vote_budget: u32,
    pub target_confidence_bps: u16,
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
    /// A vote budget's rest returned (0 when priced per item).
    pub unspent_refunded: u64,
}

#[event]
pub struct TicketTaken {
    pub batch: Pubkey,
    pub member: Pubkey,
    pub round: u32,
    pub items: Vec<u32>,
}

#[event]
pub struct VotesCommitted {
    pub ticket: Pubkey,
    pub round: u32,
}

#[event]
pub struct VotesRevealed {
    pub ticket: Pubkey,
    pub member: Pubkey,
    pub round: u32,
    pub labels: Vec<u8>,
}

#[event]
pub struct RoundSettled {
    pub batch: Pubkey,
    pub round: u32,
    /// Items walked by this call, from `cursor`.
    pub cursor: u32,
    pub items: u32,
    pub decided: u32,
    pub unresolved: u32,
    pub votes_credited: u32,
    pub credited: u64,
    pub fees: u64,
    /// True when this call finished the round.
    pub round_complete: bool,
}

#[event]
pub struct PayClaimed {
    pub community: Pubkey,
    pub member: Pubkey,
    pub mint: Pubkey,
    pub amount: u64,
}

#[event]
pub struct TicketExpired {
    pub ticket: Pubkey,
    pub member: Pubkey,
    pub round: u32,
    /// Reputation the no-show cost the member.
    pub reputation_lost: u64,
}

#[event]
pub struct ConversionRateSet {
    pub mint: Pubkey,
    pub ale_numerator: u64,
    pub denominator: u64,
}

#[event]
pub struct CommunityRewardsDrawn {
    pub community: Pubkey,
    pub epoch: u64,
    pub drawn: u64,
    /// Drawn plus earlier forfeits, spread over `total_reputation`.
    pub distributed: u64,
    pub total_reputation: u64,
}

#[event]
pub struct CommunityRewardClaimed {
    pub community: Pubkey,
    pub member: Pubkey,
    pub amount: u64,
    /// True when the member's stake did not cover its accrual window: the amount went
    /// back to the community's next distribution instead.
    pub forfeited: bool,
}

#[event]
pub struct GoldRevealed {
    pub batch: Pubkey,
    pub items: u32,
    /// Votes scored against the gold answers, and how many were right.
    pub votes_scored: u32,
    pub votes_correct: u32,
}

#[event]
pub struct PushPayoutsSet {
    pub community: Pubkey,
    pub member: Pubkey,
    pub enabled: bool,
}

#[event]
pub struct PayoutsPushed {
    pub community: Pubkey,
    pub mint: Pubkey,
    pub members: u32,
    pub amount: u64,
}

#[event]
pub struct DepositsClaimed {
    pub community: Pubkey,
    pub member: Pubkey,
    pub amount: u64,
}
