use ale_math::checked::CheckedMath;
use ale_math::consensus::CONFUSION_CLASSES;
use anchor_lang::prelude::*;
use static_assertions::const_assert_eq;
use std::mem::size_of;

use crate::constants::{LEDGER_ENTRY_BYTES, MINT_SLOTS};
use crate::error::{OrMathOverflow, ProtocolError};

/// Ledger entry flag: the member lets keepers push its pay to its own token accounts.
pub const ENTRY_PUSH_PAYOUTS: u16 = 1 << 0;

/// One member of a community: reputation (XP), claimable balances, reward checkpoint,
/// counters for gamification and for the consensus weight. Fixed size, so that
/// settlement can address members by index (u32) in a single account.
#[zero_copy]
#[derive(Debug, Default)]
pub struct LedgerEntry {
    pub member: Pubkey,
    /// Raw reputation: the XP that sets pay share, level and status. Never moves
    /// between wallets; only settlement changes it.
    pub reputation: u64,
    /// Claimable pay, one balance per payment-mint slot of the community.
    pub claimable: [u64; MINT_SLOTS],
    /// Claimable ALE from the community's bucket-B rewards.
    pub ale_reward_claimable: u64,
    /// Bucket-B reward-per-reputation checkpoint (u128 as two little-endian words).
    pub reward_checkpoint: [u64; 2],
    pub joined_at: i64,
    pub tasks_done: u32,
    pub tasks_won: u32,
    pub gold_seen: u16,
    pub gold_correct: u16,
    pub streak_days: u16,
    pub best_streak_days: u16,
    pub last_active_day: u32,
    /// Rate limit: the day counted and the tasks taken in it.
    pub rate_window_day: u32,
    pub rate_window_count: u16,
    pub flags: u16,
    pub badges: u32,
    /// Start of the current bucket-B accrual window (join or last reward claim): the
    /// member's stake must have been active since then for the rewards to be paid.
    pub reward_window_start: i64,
    /// ALE vote deposits returned or won, claimable without conditions.
    pub deposit_claimable: u64,
    /// Times the member said label g (column) on an item decided t (row), for the
    /// confusion weight rule (label sets of at most 4).
    pub confusion: [[u16; CONFUSION_CLASSES]; CONFUSION_CLASSES],
    pub reserved: [u8; 8],
}
const_assert_eq!(size_of::<LedgerEntry>(), LEDGER_ENTRY_BYTES as usize);
const_assert_eq!(size_of::<LedgerEntry>() % 8, 0);

/// Header of a community's reputation ledger; `capacity` entries follow it.
#[account(zero_copy)]
#[derive(Debug)]
pub struct Ledger {
    pub community: Pubkey,
    pub len: u32,
    pub capacity: u32,
    pub reserved: [u8; 24],
}
const_assert_eq!(size_of::<Ledger>(), 64);

impl LedgerEntry {
    pub fn reward_checkpoint(&self) -> u128 {
        (self.reward_checkpoint[0] as u128) | ((self.reward_checkpoint[1] as u128) << 64)
    }

    pub fn set_reward_checkpoint(&mut self, value: u128) {
        self.reward_checkpoint = [value as u64, (value >> 64) as u64];
    }

    /// Moves bucket-B rewards earned since the checkpoint into the claimable balance:
    /// called before every change of reputation, so each reputation point earns only
    /// from the moment it exists.
    pub fn accrue_rewards(&mut self, reward_per_reputation: u128) -> Result<()> {
        let earned = ale_math::accumulator::pending_reward(
            self.reputation,
            reward_per_reputation,
            self.reward_checkpoint(),
        )
        .map_err(|_| error!(ProtocolError::MathOverflow))?;
        self.ale_reward_claimable = self.ale_reward_claimable.safe_add(earned).or_overflow()?;
        self.set_reward_checkpoint(reward_per_reputation);
        Ok(())
    }
}

impl Ledger {
    /// Account size for `capacity` entries.
    pub const fn space(capacity: u32) -> usize {
        8 + size_of::<Ledger>() + capacity as usize * size_of::<LedgerEntry>()
    }
}

const ENTRIES_OFFSET: usize = 8 + size_of::<Ledger>();

/// The entries of a ledger account's data (after discriminator and header).
pub fn ledger_entries(data: &[u8]) -> Result<&[LedgerEntry]> {
    let tail = data
        .get(ENTRIES_OFFSET..)
        .ok_or(ProtocolError::InvariantViolated)?;
    let whole = tail.len() - tail.len() % size_of::<LedgerEntry>();
    bytemuck::try_cast_slice(&tail[..whole]).map_err(|_| error!(ProtocolError::InvariantViolated))
}

pub fn ledger_entries_mut(data: &mut [u8]) -> Result<&mut [LedgerEntry]> {
    let tail = data
        .get_mut(ENTRIES_OFFSET..)
        .ok_or(ProtocolError::InvariantViolated)?;
    let whole = tail.len() - tail.len() % size_of::<LedgerEntry>();
    bytemuck::try_cast_slice_mut(&mut tail[..whole])
        .map_err(|_| error!(ProtocolError::InvariantViolated))
}

/// The entry at `index` if it belongs to `member`.
pub fn member_entry<'a>(data: &'a [u8], index: u32, member: &Pubkey) -> Result<&'a LedgerEntry> {
    let entry = ledger_entries(data)?
        .get(index as usize)
        .ok_or(ProtocolError::WrongMemberIndex)?;
    require_keys_eq!(entry.member, *member, ProtocolError::WrongMemberIndex);
    Ok(entry)
}
