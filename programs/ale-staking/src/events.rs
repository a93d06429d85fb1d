//! Events for keepers and indexers, emitted with `emit_cpi!` so they are recorded as
//! inner instructions (readable from any transaction's metadata).

use anchor_lang::prelude::*;

#[event]
pub struct ConfigInitialized {
    pub admin: Pubkey,
    pub ale_mint: Pubkey,
    pub protocol_reporter: Pubkey,
    pub cooldown_seconds: i64,
    pub epoch_seconds: i64,
}

#[event]
pub struct GenesisMinted {
    pub distribution: Pubkey,
    pub amount: u64,
    pub first_year_budget: u64,
    pub timestamp: i64,
}

#[event]
pub struct InflationCranked {
    pub from_ts: i64,
    pub to_ts: i64,
    /// Scheduled emission over the interval (buckets A and B).
    pub emitted: u64,
    /// Bucket A minted to the reward vault for stakers.
    pub bucket_a_to_stakers: u64,
    /// Bucket A not minted: no (or too little) active stake.
    pub bucket_a_withheld: u64,
    /// Bucket B allocated to epochs of the community reward pot (minted on draw).
    pub bucket_b_allocated: u64,
    /// False when the crank stopped at its segment cap and must be called again.
    pub caught_up: bool,
}

#[event]
pub struct InflationYearStarted {
    pub year_index: u32,
    pub year_start: i64,
    pub supply: u64,
    pub budget: u64,
}

#[event]
pub struct EpochClosed {
    pub epoch: u64,
    pub allocation: u64,
    pub paid_work: u64,
    /// True when no community did paid work: the allocation is never minted.
    pub undistributable: bool,
}

#[event]
pub struct EpochExpired {
    pub epoch: u64,
    /// Allocation never drawn before the ring slot was reused: never minted.
    pub undrawn: u64,
}

#[event]
pub struct StakeAccountOpened {
    pub owner: Pubkey,
}

#[event]
pub struct Staked {
    pub owner: Pubkey,
    pub amount: u64,
    pub active_amount: u64,
    pub total_active_stake: u64,
}

#[event]
pub struct UnstakeRequested {
    pub owner: Pubkey,
    pub amount: u64,
    pub cooling_amount: u64,
    pub cooldown_ends_at: i64,
}

#[event]
pub struct StakeWithdrawn {
    pub owner: Pubkey,
    pub amount: u64,
}

#[event]
pub struct RewardsClaimed {
    pub owner: Pubkey,
    pub amount: u64,
}

#[event]
pub struct StakeAccountClosed {
    pub owner: Pubkey,
}

#[event]
pub struct CommunityRegistered {
    pub community: Pubkey,
}

#[event]
pub struct PaidWorkReported {
    pub community: Pubkey,
    pub epoch: u64,
    pub amount: u64,
    pub community_epoch_total: u64,
}

#[event]
pub struct CommunityRewardDrawn {
    pub community: Pubkey,
    pub epoch: u64,
    pub amount: u64,
    pub destination: Pubkey,
}
