//! Where a vote budget's votes go: once every open item has its minimum votes, each
//! round gives one more vote to the least certain share of the open items. An item's
//! certainty is its leader's margin, put in one of CERTAINTY_BUCKETS buckets when its
//! round settles; the settlement counts the open items per bucket, and the next round
//! serves the buckets up to the one that holds the serve share. The program, the client
//! and the simulator call this code, so anyone can check an assignment.

use crate::checked::CheckedMath;
use crate::consensus::{Tally, CONFUSION_CLASSES, COST_UNITS_PER_NAT};
use crate::error::{MathError, MathResult};

/// Certainty buckets: half a nat of lead each under the confusion rule (the last holds
/// everything from 15.5 nats), 1/32 of the weight margin under the weight rules.
pub const CERTAINTY_BUCKETS: usize = 32;
/// Share of the open items (by certainty, least first) that get a vote each round: the
/// simulator's budget rule (`ale quality --budgets`, docs/QUALITY.md).
pub const SERVE_SHARE_BPS: u16 = 5_000;
const BPS: u64 = 10_000;
const LAST_BUCKET: u64 = CERTAINTY_BUCKETS as u64 - 1;

/// The certainty bucket of an item's tally: under the confusion rule (`by_costs`) its
/// leading class's lead in cost over the next, in half nats (the log-odds between the
/// two); under the weight rules the leader's margin over the runner-up as a share of
/// the total weight. 0 for an item without votes.
pub fn certainty_bucket(tally: &Tally, by_costs: bool, num_classes: u8) -> MathResult<u8> {
    if tally.votes == 0 {
        return Ok(0);
    }
    let bucket = if by_costs {
        let k = num_classes as usize;
        if !(2..=CONFUSION_CLASSES).contains(&k) {
            return Err(MathError::InvalidInput(
                "confusion rule: class count out of range",
            ));
        }
        let costs = &tally.weights[..k];
        let least = costs.iter().copied().min().unwrap_or(0);
        let leader = costs.iter().position(|&c| c == least).unwrap_or(0);
        let next = (0..k)
            .filter(|&t| t != leader)
            .map(|t| costs[t])
            .min()
            .unwrap_or(least);
        next.safe_sub(least)?.safe_div(COST_UNITS_PER_NAT / 2)?
    } else {
        let total = tally.total_weight()?;
        if total == 0 {
            return Ok(0);
        }
        let (leader, second) = tally.top_two();
        let margin = tally.weights[leader].safe_sub(tally.weights[second])? as u128;
        // margin <= total, so the quotient is at most CERTAINTY_BUCKETS.
        margin
            .safe_mul(CERTAINTY_BUCKETS as u128)?
            .safe_div(total)? as u64
    };
    Ok(bucket.min(LAST_BUCKET) as u8)
}

/// The highest bucket the next round serves: the least one whose items and those of
/// the buckets below make up at least `share_bps` of the counted items (all of its
/// items are served, so ties at the cut all get their vote). `None` when nothing is
/// counted.
pub fn serve_cutoff(counts: &[u16; CERTAINTY_BUCKETS], share_bps: u16) -> MathResult<Option<u8>> {
    if share_bps == 0 || share_bps as u64 > BPS {
        return Err(MathError::InvalidInput("serve share must be in (0, 100%]"));
    }
    let total = counts
        .iter()
        .try_fold(0u64, |sum, &c| sum.safe_add(c as u64))?;
    if total == 0 {
        return Ok(None);
    }
    // ceil(total x share): at least one item.
    let wanted = total.safe_mul(share_bps as u64)?.div_ceil(BPS);
    let mut served = 0u64;
    for (bucket, &count) in counts.iter().enumerate() {
        served = served.safe_add(count as u64)?;
        if served >= wanted {
            return Ok(Some(bucket as u8));
        }
    }
    Ok(Some(LAST_BUCKET as u8))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn costs_tally(costs: &[u64], votes: u8) -> Tally {
        let mut t = Tally::default();
        t.weights[..costs.len()].copy_from_slice(costs);
        t.votes = votes;
        t
    }

    #[test]
    fn the_confusion_rule_buckets_the_lead_in_half_nats() {
        let nat = COST_UNITS_PER_NAT;
        // Class 1 is cheapest, by 1.2 nats over class 0: bucket 2.
        let t = costs_tally(&[nat * 3 + nat / 5, nat * 2, nat * 9], 3);
        assert_eq!(certainty_bucket(&t, true, 3).unwrap(), 2);
        // A tie: no lead.
        assert_eq!(
            certainty_bucket(&costs_tally(&[nat, nat], 2), true, 2).unwrap(),
            0
        );
        // Far ahead: the last bucket.
        let far = costs_tally(&[0, nat * 40], 9);
        assert_eq!(certainty_bucket(&far, true, 2).unwrap(), 31);
        assert!(certainty_bucket(&far, true, 5).is_err());
    }

    #[test]
    fn the_weight_rules_bucket_the_margin_share() {
        let mut t = Tally::default();
        for (label, weight) in [(0, 30), (0, 30), (1, 20), (2, 20)] {
            t.add(label, weight).unwrap();
        }
        // Margin 60 - 20 = 40 of 100: 12.8 of 32.
        assert_eq!(certainty_bucket(&t, false, 3).unwrap(), 12);
        assert_eq!(certainty_bucket(&Tally::default(), false, 3).unwrap(), 0);
    }

    #[test]
    fn the_cut_takes_whole_buckets_up_to_the_share() {
        let mut counts = [0u16; CERTAINTY_BUCKETS];
        counts[0] = 2;
        counts[3] = 3;
        counts[9] = 5;
        // Half of 10 is 5: buckets 0 and 3 hold exactly 5.
        assert_eq!(serve_cutoff(&counts, 5_000).unwrap(), Some(3));
        // 51% needs 6: bucket 9 too.
        assert_eq!(serve_cutoff(&counts, 5_100).unwrap(), Some(9));
        // Any share takes at least one item.
        assert_eq!(serve_cutoff(&counts, 1).unwrap(), Some(0));
        assert_eq!(serve_cutoff(&[0; CERTAINTY_BUCKETS], 5_000).unwrap(), None);
        assert!(serve_cutoff(&counts, 0).is_err());
        assert!(serve_cutoff(&counts, 10_001).is_err());
    }

    proptest! {
        #[test]
        fn the_cut_serves_at_least_the_share_and_no_bucket_more_than_needed(
            counts in proptest::array::uniform32(0u16..500),
            share in 1u16..=10_000,
        ) {
            let total: u64 = counts.iter().map(|&c| c as u64).sum();
            match serve_cutoff(&counts, share).unwrap() {
                None => prop_assert_eq!(total, 0),
                Some(cut) => {
                    let served: u64 = counts[..=cut as usize].iter().map(|&c| c as u64).sum();
                    prop_assert!(served * BPS >= total * share as u64);
                    let below: u64 = counts[..cut as usize].iter().map(|&c| c as u64).sum();
                    prop_assert!(below * BPS < total * share as u64);
                }
            }
        }
    }
}
