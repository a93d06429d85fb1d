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

/// A member's walk over the item table in a round: it starts at `start` and steps by
/// `stride` (coprime with the item count, so it visits every item once). Both come
/// from the round's seed and the member, so each taker walks its own order: a few
/// tickets do not take a batch's items in one contiguous run (THREATS.md, S-3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probe {
    pub start: u64,
    pub stride: u64,
}

/// The member's probe of the item table this round.
pub fn probe(
    round_seed: &[u8; 32],
    batch: &Pubkey,
    member_index: u32,
    round: u32,
    item_count: u32,
) -> Probe {
    let seed = hashv(&[
        round_seed,
        batch.as_ref(),
        &member_index.to_le_bytes(),
        &round.to_le_bytes(),
    ])
    .to_bytes();
    let word = |at: usize| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&seed[at..at + 8]);
        u64::from_le_bytes(bytes)
    };
    let count = item_count.max(1) as u64;
    let start = word(0) % count;
    // Nearest coprime at or above a random step in 1..count; 1 always is one.
    let mut stride = if count > 2 {
        1 + word(8) % (count - 1)
    } else {
        1
    };
    while gcd(stride, count) != 1 {
        stride = if stride + 1 >= count { 1 } else { stride + 1 };
    }
    Probe { start, stride }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Which open items a round's tickets give a vote to (`Batch::allotment`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Allotment {
    /// Priced per item: every open item up to `target` votes, the community's schedule.
    UpTo { target: u8 },
    /// A vote budget: an item below `min_votes` up to them; once no open item is
    /// (`extras_up_to` is set), one more vote a round, below `max_votes`, to each item
    /// of certainty bucket at most `extras_up_to`: the least certain ones.
    Budget {
        min_votes: u8,
        max_votes: u8,
        extras_up_to: Option<u8>,
    },
}

impl Allotment {
    /// Whether a ticket may reserve one more vote on `item` this round (an item's
    /// reservations start each round at its revealed votes).
    pub fn wants_vote(&self, item: &ItemState) -> bool {
        if !item.is_votable() {
            return false;
        }
        match *self {
            Allotment::UpTo { target } => item.votes_reserved < target,
            Allotment::Budget {
                min_votes,
                max_votes,
                extras_up_to,
            } => {
                if item.vote_count < min_votes {
                    item.votes_reserved < min_votes
                } else {
                    extras_up_to.is_some_and(|cut| item.certainty <= cut)
                        && item.votes_reserved == item.vote_count
                        && item.vote_count < max_votes
                }
            }
        }
    }
}

/// Up to `limit` (at most MAX_TICKET_ITEMS) items, in the member's probe order over at
/// most MAX_SORTITION_PROBES items, that the round's `allotment` gives a vote and that
/// the member has not voted on; and how many there are.
pub fn assigned_items(
    states: &[ItemState],
    probe: Probe,
    allotment: Allotment,
    member_index: u32,
    limit: u32,
) -> ([u32; MAX_TICKET_ITEMS], usize) {
    let mut items = [0u32; MAX_TICKET_ITEMS];
    let mut taken = 0usize;
    let count = states.len() as u64;
    let limit = (limit as usize).min(MAX_TICKET_ITEMS);
    for step in 0..(MAX_SORTITION_PROBES as u64).min(count) {
        if taken >= limit {
            break;
        }
        // start, stride < count <= MAX_BATCH_ITEMS and step < MAX_SORTITION_PROBES:
        // far below u64::MAX.
        let index = ((probe.start + step * probe.stride) % count) as u32;
        let item = &states[index as usize];
        if allotment.wants_vote(item) && !item.has_voter(member_index) {
            items[taken] = index;
            taken += 1;
        }
    }
    (items, taken)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::ItemStatus;

    fn walk(p: Probe, count: u64) -> Vec<u64> {
        (0..count)
            .map(|step| (p.start + step * p.stride) % count)
            .collect()
    }

    #[test]
    fn every_probe_visits_each_item_once() {
        let batch = Pubkey::new_from_array([7; 32]);
        for count in 1..=300u32 {
            for member in 0..4 {
                let p = probe(&[count as u8; 32], &batch, member, 0, count);
                let mut seen = walk(p, count as u64);
                seen.sort_unstable();
                seen.dedup();
                assert_eq!(seen.len(), count as usize, "count {count} member {member}");
            }
        }
    }

    #[test]
    fn a_budget_fills_the_minimum_first_then_serves_only_the_least_certain_items() {
        let budget = |extras_up_to| Allotment::Budget {
            min_votes: 3,
            max_votes: 5,
            extras_up_to,
        };
        let item = |votes: u8, reserved: u8, certainty: u8| {
            let mut item = ItemState::default();
            item.set_status(ItemStatus::Started);
            (item.vote_count, item.votes_reserved, item.certainty) = (votes, reserved, certainty);
            item
        };
        // Below the minimum: up to it, whatever its certainty.
        assert!(budget(None).wants_vote(&item(1, 2, 30)));
        assert!(!budget(None).wants_vote(&item(1, 3, 0)));
        // At the minimum: only when extras are served, one a round, up to the cut.
        assert!(!budget(None).wants_vote(&item(3, 3, 0)));
        assert!(budget(Some(4)).wants_vote(&item(3, 3, 4)));
        assert!(!budget(Some(4)).wants_vote(&item(3, 3, 5)));
        assert!(!budget(Some(4)).wants_vote(&item(3, 4, 0)));
        assert!(!budget(Some(31)).wants_vote(&item(5, 5, 0)), "at the cap");
        let mut decided = item(3, 3, 0);
        decided.set_status(ItemStatus::Decided);
        assert!(!budget(Some(31)).wants_vote(&decided));
    }

    #[test]
    fn takers_walk_different_orders() {
        let batch = Pubkey::new_from_array([9; 32]);
        let strides: std::collections::HashSet<u64> = (0..32)
            .map(|member| probe(&[1; 32], &batch, member, 0, 101).stride)
            .collect();
        // 32 takers over 100 possible steps: a fixed step for all would be one value.
        assert!(strides.len() > 16, "{strides:?}");
    }
}
