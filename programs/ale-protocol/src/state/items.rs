use anchor_lang::prelude::*;
use static_assertions::const_assert_eq;
use std::mem::size_of;

use crate::error::ProtocolError;

/// Where an item is in its life, stored as its byte in `ItemState::status` (zero-copy
/// state holds plain bytes; `ItemState::status()` reads it back as this enum).
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemStatus {
    Open = 0,
    /// At least one ticket has reserved a vote on it: it can no longer be cancelled.
    Started = 1,
    Decided = 2,
    Cancelled = 3,
    Refunded = 4,
    /// The vote cap was reached below the threshold: refundable after the deadline.
    Unresolved = 5,
}

impl ItemStatus {
    const ALL: [ItemStatus; 6] = [
        Self::Open,
        Self::Started,
        Self::Decided,
        Self::Cancelled,
        Self::Refunded,
        Self::Unresolved,
    ];

    pub fn from_byte(byte: u8) -> Option<Self> {
        Self::ALL.get(byte as usize).copied()
    }
}

/// The label a worker reveals for an item it cannot judge: no vote; the reservation
/// lapses with the round like an unrevealed one (a deposit is forfeited).
pub const SKIP_LABEL: u8 = u8::MAX;

/// Item flag: a gold item whose answer was revealed and scored its voters.
pub const ITEM_GOLD_SCORED: u8 = 1 << 0;
/// Item flag: the batch's closing re-score chose `label` for the item (its last round
/// decides it so).
pub const ITEM_RESCORED: u8 = 1 << 1;
/// Item flag: the closing re-score found no likelier class (a tie): unresolved.
pub const ITEM_RESCORE_TIE: u8 = 1 << 2;

/// The most votes one item holds (a community's `max_votes` is at most this).
pub const MAX_VOTES_PER_ITEM: usize = 16;

/// One revealed vote: the voter by ledger index, its label, and the weight its record
/// gave it when revealed (so settlement does not depend on when it runs).
#[zero_copy]
#[derive(Debug, Default)]
pub struct VoteSlot {
    pub weight: u64,
    pub member: u32,
    pub label: u8,
    /// 1 when the voter put down the community's vote deposit.
    pub deposited: u8,
    pub padding: [u8; 2],
}
const_assert_eq!(size_of::<VoteSlot>(), 16);

/// One item of a batch. Its content stays off chain (the batch commits to it by a
/// Merkle root); the chain keeps its state and its votes.
#[zero_copy]
#[derive(Debug, Default)]
pub struct ItemState {
    /// An `ItemStatus` byte; read it with `status()`, write it with `set_status()`.
    pub status: u8,
    /// The decided label.
    pub label: u8,
    /// Revealed votes in `votes`.
    pub vote_count: u8,
    /// Votes reserved by tickets (revealed or not); released at each round's settlement.
    pub votes_reserved: u8,
    pub flags: u8,
    /// Its certainty bucket when its last round settled (ale-math allocation): a
    /// budget's extra votes go to the least certain open items.
    pub certainty: u8,
    pub padding: [u8; 2],
    pub votes: [VoteSlot; MAX_VOTES_PER_ITEM],
}
const_assert_eq!(size_of::<ItemState>(), 8 + 16 * MAX_VOTES_PER_ITEM);

impl ItemState {
    /// The item's status; `None` only for a byte no instruction writes.
    pub fn status(&self) -> Option<ItemStatus> {
        ItemStatus::from_byte(self.status)
    }

    pub fn set_status(&mut self, status: ItemStatus) {
        self.status = status as u8;
    }

    /// Not decided and not yet returned to the poster.
    pub fn is_undecided(&self) -> bool {
        matches!(
            self.status(),
            Some(ItemStatus::Open | ItemStatus::Started | ItemStatus::Unresolved)
        )
    }

    /// Still collecting votes.
    pub fn is_votable(&self) -> bool {
        matches!(self.status(), Some(ItemStatus::Open | ItemStatus::Started))
    }

    pub fn has_voter(&self, member: u32) -> bool {
        self.votes[..self.vote_count as usize]
            .iter()
            .any(|v| v.member == member)
    }
}

/// Header of a batch's item table; `count` item states follow it. The client creates
/// the account (up to 10 MiB with a top-level `create_account`), `post_batch` claims it.
#[account(zero_copy)]
#[derive(Debug)]
pub struct ItemTable {
    pub batch: Pubkey,
    pub count: u32,
    pub reserved: [u8; 28],
}
const_assert_eq!(size_of::<ItemTable>(), 64);

impl ItemTable {
    pub const fn space(count: u32) -> usize {
        8 + size_of::<ItemTable>() + count as usize * size_of::<ItemState>()
    }
}

const ITEMS_OFFSET: usize = 8 + size_of::<ItemTable>();

pub fn item_states_mut(data: &mut [u8]) -> Result<&mut [ItemState]> {
    let tail = data
        .get_mut(ITEMS_OFFSET..)
        .ok_or(ProtocolError::InvariantViolated)?;
    bytemuck::try_cast_slice_mut(tail).map_err(|_| error!(ProtocolError::InvariantViolated))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_back_from_its_byte_and_no_other_byte_reads() {
        for status in ItemStatus::ALL {
            let mut item = ItemState::default();
            item.set_status(status);
            assert_eq!(item.status(), Some(status));
        }
        assert_eq!(ItemStatus::from_byte(ItemStatus::ALL.len() as u8), None);
        assert_eq!(ItemStatus::from_byte(u8::MAX), None);
    }
}
