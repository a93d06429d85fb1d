//! The sortition: which items a member's ticket holds in a round. A pure function of
//! the round's seed, the batch, the member, the round and the item table, so the
//! program and a worker's client compute the same list (a worker can label its items
//! before it takes the ticket, and send the take and its commitment in one
//! transaction).

use anchor_lang::prelude::*;
use solana_sha256_hasher::hashv;

use super::ItemState;
use crate::constants::{MAX_SORTITION_PROBES, MAX_TICKET_ITEMS};
use crate::error::ProtocolError;

/// The most recent slot hash, read raw from the SlotHashes sysvar (its address is
/// checked by the accounts struct): u64 entry count, then (slot u64, hash) newest first.
pub fn recent_slot_hash(slot_hashes: &AccountInfo) -> Result<[u8; 32]> {
    let data = slot_hashes.try_borrow_data()?;
    let hash: [u8; 32] = data
        .get(16..48)
        .and_then(|h| h.try_into().ok())
        .ok_or(ProtocolError::WrongSlotHashes)?;
    Ok(hash)
}

/// A round's seed, drawn from the most recent slot hash (which did not exist when the
/// batch was posted) by the settlement that completes the round before it, or for
/// round 0 by its first take.
pub fn round_seed(recent_slot_hash: &[u8; 32], batch: &Pubkey, round: u32) -> [u8; 32] {
    hashv(&[recent_slot_hash, batch.as_ref(), &round.to_le_bytes()]).to_bytes()
}

/// Where the member's probe starts in the item table.
pub fn probe_start(
    round_seed: &[u8; 32],
    batch: &Pubkey,
    member_index: u32,
    round: u32,
    item_count: u32,
) -> u64 {
    let seed = hashv(&[
        round_seed,
        batch.as_ref(),
        &member_index.to_le_bytes(),
        &round.to_le_bytes(),
    ]);
    let mut start = [0u8; 8];
    start.copy_from_slice(&seed.to_bytes()[..8]);
    u64::from_le_bytes(start) % item_count.max(1) as u64
}

/// Up to `limit` (at most MAX_TICKET_ITEMS) items, in probe order from `start` over at
/// most MAX_SORTITION_PROBES items, that still need votes this round (`target`) and
/// that the member has not voted on; and how many there are.
pub fn assigned_items(
    states: &[ItemState],
    start: u64,
    target: u8,
    member_index: u32,
    limit: u32,
) -> ([u32; MAX_TICKET_ITEMS], usize) {
    let mut items = [0u32; MAX_TICKET_ITEMS];
    let mut taken = 0usize;
    let count = states.len() as u64;
    let limit = (limit as usize).min(MAX_TICKET_ITEMS);
    for probe in 0..(MAX_SORTITION_PROBES as u64).min(count) {
        if taken >= limit {
            break;
        }
        // start < count and probe < count: the sum stays far below u64::MAX.
        let index = ((start + probe) % count) as u32;
        let item = &states[index as usize];
        if item.is_votable() && item.votes_reserved < target && !item.has_voter(member_index) {
            items[taken] = index;
            taken += 1;
        }
    }
    (items, taken)
}
