//! The consensus rule: weighted plurality over revealed votes, with a minimum number of
//! votes, a threshold, a vote cap and an adaptive early stop; the weight a vote
//! carries; and the reputation outcome. The programs and the simulator call this same
//! code, so their decisions cannot differ.

use crate::checked::CheckedMath;
use crate::error::{MathError, MathResult};
use crate::fixed::ln_ratio_q16;

/// Labels per item: a label is an index below the community's class count (<= 16).
pub const MAX_CLASSES: usize = 16;
const BPS: u128 = 10_000;

/// Pseudo-counts of the accuracy estimate: a member starts believed right 2 times in 3.
pub const PRIOR_CORRECT: u64 = 2;
pub const PRIOR_TOTAL: u64 = 3;
/// Weight ceiling, in nats x 2^16: accuracy estimates are capped at 99.9%.
pub const MAX_LOG_ODDS_Q16: u64 = 7 * 65_536;

/// Which weight a vote carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeightRule {
    /// ln((K - 1) p / (1 - p)) with p the member's estimated accuracy: the one-coin
    /// Dawid–Skene weight, so summed weights are posterior log-odds between labels.
    AccuracyLogOdds,
    /// The white paper's literal rule: weight = raw reputation.
    RawReputation,
}

/// What the ledger knows about a member that the weight may use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemberRecord {
    pub reputation: u64,
    pub tasks_done: u32,
    pub tasks_won: u32,
    pub gold_seen: u16,
    pub gold_correct: u16,
}

impl MemberRecord {
    /// Accuracy estimate as (correct, total) pseudo-counts: decided tasks won plus
    /// gold answers, with the prior added.
    pub fn accuracy_counts(&self) -> MathResult<(u64, u64)> {
        let correct = (self.tasks_won as u64)
            .safe_add(self.gold_correct as u64)?
            .safe_add(PRIOR_CORRECT)?;
        let total = (self.tasks_done as u64)
            .safe_add(self.gold_seen as u64)?
            .safe_add(PRIOR_TOTAL)?;
        if correct > total {
            return Err(MathError::InvalidInput("more correct than total"));
        }
        Ok((correct, total))
    }
}

/// The weight of one vote, in the rule's fixed point (Q16 nats, or reputation units).
/// A member at or below chance accuracy weighs nothing under the log-odds rule.
pub fn vote_weight(rule: WeightRule, member: &MemberRecord, num_classes: u8) -> MathResult<u64> {
    match rule {
        WeightRule::RawReputation => Ok(member.reputation),
        WeightRule::AccuracyLogOdds => {
            if !(2..=MAX_CLASSES as u8).contains(&num_classes) {
                return Err(MathError::InvalidInput("class count out of range"));
            }
            let (correct, total) = member.accuracy_counts()?;
            let wrong = total.safe_sub(correct)?;
            if wrong == 0 {
                return Ok(MAX_LOG_ODDS_Q16);
            }
            // (K - 1) x correct / wrong, with both sides kept in u64.
            let numerator = correct.safe_mul(num_classes as u64 - 1)?;
            let log_odds = ln_ratio_q16(numerator, wrong)?;
            Ok((log_odds.max(0) as u64).min(MAX_LOG_ODDS_Q16))
        }
    }
}

/// The community template's defaults, chosen by the quality simulator's search over
/// the shared crowd datasets (`ale quality`; docs/QUALITY.md has the search and its
/// results).
pub mod defaults {
    use super::{DecisionRule, WeightRule};

    // The search's choice on both datasets at once, replayed in random sortition
    // orders: within a point of the best worst dataset (15.3 points below Dawid–Skene
    // on all votes, with at most half the votes) in the fewest rounds. Raw reputation
    // starting at 10 (early wins move weights gently), an early stop at a 40% lead.
    pub const WEIGHT_RULE: WeightRule = WeightRule::RawReputation;
    pub const INITIAL_REPUTATION: u64 = 10;
    pub const REWARD_PER_WIN: u64 = 1;
    /// An open community: no qualification exam.
    pub const EXAM_ITEMS: u8 = 0;
    pub const PASS_MARK_BPS: u16 = 0;
    /// Votes an open item gains per round after the first.
    pub const VOTES_PER_ROUND: u8 = 2;
    pub const DECISION_RULE: DecisionRule = DecisionRule {
        min_votes: 3,
        max_votes: 15,
        threshold_bps: 5_001,
        early_stop_margin_bps: 4_000,
    };
}

/// A community's decision parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecisionRule {
    pub min_votes: u8,
    pub max_votes: u8,
    /// Share of the total weight the leader needs at the vote cap, in bps (> 50%).
    pub threshold_bps: u16,
    /// Lead over the runner-up, as a share of the total weight in bps, that decides
    /// before the cap (0 disables early stop).
    pub early_stop_margin_bps: u16,
}

/// Revealed votes of one item, summed per label.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub weights: [u64; MAX_CLASSES],
    pub counts: [u8; MAX_CLASSES],
    pub votes: u8,
}

impl Tally {
    pub fn add(&mut self, label: u8, weight: u64) -> MathResult<()> {
        let i = label as usize;
        if i >= MAX_CLASSES {
            return Err(MathError::InvalidInput("label out of range"));
        }
        self.weights[i] = self.weights[i].safe_add(weight)?;
        self.counts[i] = self.counts[i].safe_add(1)?;
        self.votes = self.votes.safe_add(1)?;
        Ok(())
    }

    pub fn total_weight(&self) -> MathResult<u128> {
        self.weights
            .iter()
            .try_fold(0u128, |acc, &w| acc.safe_add(w as u128))
    }

    /// (leader, runner-up) labels by weight; ties go to the lower label.
    fn top_two(&self) -> (usize, usize) {
        let mut leader = 0;
        for i in 1..MAX_CLASSES {
            if self.weights[i] > self.weights[leader] {
                leader = i;
            }
        }
        let mut second = if leader == 0 { 1 } else { 0 };
        for i in 0..MAX_CLASSES {
            if i != leader && self.weights[i] > self.weights[second] {
                second = i;
            }
        }
        (leader, second)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// More votes are needed.
    Pending,
    /// The label, with the leader's share of the total weight in bps.
    Decided { label: u8, share_bps: u16 },
    /// The vote cap was reached below the threshold: the item is refundable.
    Unresolved,
}

/// Decides an item from its tally.
pub fn decide(tally: &Tally, rule: &DecisionRule) -> MathResult<Decision> {
    if tally.votes < rule.min_votes {
        return Ok(Decision::Pending);
    }
    let total = tally.total_weight()?;
    let (leader, second) = tally.top_two();
    let lead = tally.weights[leader] as u128;
    let tie = tally.weights[leader] == tally.weights[second];
    if total == 0 || tie {
        return Ok(if tally.votes >= rule.max_votes {
            Decision::Unresolved
        } else {
            Decision::Pending
        });
    }
    let share_bps = (lead.safe_mul(BPS)?.safe_div(total)?) as u16;
    let margin = lead.safe_sub(tally.weights[second] as u128)?;
    let early = rule.early_stop_margin_bps > 0
        && margin.safe_mul(BPS)? >= (rule.early_stop_margin_bps as u128).safe_mul(total)?;
    let at_cap = tally.votes >= rule.max_votes;
    let above_threshold = lead.safe_mul(BPS)? >= (rule.threshold_bps as u128).safe_mul(total)?;
    Ok(match (early && above_threshold, at_cap) {
        (true, _) => Decision::Decided {
            label: leader as u8,
            share_bps,
        },
        (false, true) if above_threshold => Decision::Decided {
            label: leader as u8,
            share_bps,
        },
        (false, true) => Decision::Unresolved,
        (false, false) => Decision::Pending,
    })
}

/// The white paper's outcome: winners gain `reward_per_win`, losers keep theirs.
pub fn reputation_after(reputation: u64, won: bool, reward_per_win: u64) -> MathResult<u64> {
    if won {
        reputation.safe_add(reward_per_win)
    } else {
        Ok(reputation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split::split_pro_rata;
    use proptest::prelude::*;

    const RULE: DecisionRule = DecisionRule {
        min_votes: 3,
        max_votes: 7,
        threshold_bps: 6_000,
        early_stop_margin_bps: 5_000,
    };

    fn tally(votes: &[(u8, u64)]) -> Tally {
        let mut t = Tally::default();
        for &(label, weight) in votes {
            t.add(label, weight).unwrap();
        }
        t
    }

    #[test]
    fn white_paper_example_four_cats_one_not_cat() {
        // Five members of reputation 1; four say "cat" (0), one says "not cat" (1).
        let rule = DecisionRule {
            min_votes: 5,
            max_votes: 5,
            threshold_bps: 6_000,
            early_stop_margin_bps: 0,
        };
        let t = tally(&[(0, 1), (0, 1), (0, 1), (0, 1), (1, 1)]);
        assert_eq!(
            decide(&t, &rule).unwrap(),
            Decision::Decided {
                label: 0,
                share_bps: 8_000
            }
        );
        // The four winners gain the reward; the loser keeps its reputation.
        let new: Vec<u64> = (0..4)
            .map(|_| reputation_after(1, true, 1).unwrap())
            .collect();
        assert_eq!(new, vec![2, 2, 2, 2]);
        assert_eq!(reputation_after(1, false, 1).unwrap(), 1);
        // Pay after fees, 1,000 units, split pro rata to the new reputation.
        let split = split_pro_rata(1_000, &new).unwrap();
        assert_eq!(split.shares, vec![250, 250, 250, 250]);
    }

    #[test]
    fn pending_until_min_votes_and_unresolved_at_the_cap() {
        assert_eq!(
            decide(&tally(&[(0, 9), (0, 9)]), &RULE).unwrap(),
            Decision::Pending
        );
        // Three agreeing votes: safely ahead, decided early.
        assert!(matches!(
            decide(&tally(&[(0, 1), (0, 1), (0, 1)]), &RULE).unwrap(),
            Decision::Decided { label: 0, .. }
        ));
        // Split 2-1: not yet.
        assert_eq!(
            decide(&tally(&[(0, 1), (0, 1), (1, 1)]), &RULE).unwrap(),
            Decision::Pending
        );
        // At the cap, 4-3 is below a 60% threshold: unresolved.
        let split = tally(&[(0, 1), (0, 1), (0, 1), (0, 1), (1, 1), (1, 1), (1, 1)]);
        assert_eq!(decide(&split, &RULE).unwrap(), Decision::Unresolved);
        // A tie at the cap is unresolved too.
        let rule = DecisionRule {
            max_votes: 4,
            ..RULE
        };
        assert_eq!(
            decide(&tally(&[(0, 1), (0, 1), (1, 1), (1, 1)]), &rule).unwrap(),
            Decision::Unresolved
        );
    }

    #[test]
    fn accuracy_weight_rewards_accuracy_not_volume() {
        let w = |won, done| {
            vote_weight(
                WeightRule::AccuracyLogOdds,
                &MemberRecord {
                    tasks_won: won,
                    tasks_done: done,
                    ..Default::default()
                },
                2,
            )
            .unwrap()
        };
        // 47% accuracy over thousands of tasks weighs nothing; 90% over 50 weighs a lot.
        assert_eq!(w(470, 1_000), 0);
        assert!(w(45, 50) > w(600, 1_000));
        assert!(
            w(9, 10) < w(90, 100),
            "more evidence, same accuracy: more weight"
        );
        // The fresh member: prior 2/3 gives ln(2) for a binary task.
        assert_eq!(w(0, 0), 45_426);
        // Raw reputation is the white paper's rule.
        let m = MemberRecord {
            reputation: 42,
            ..Default::default()
        };
        assert_eq!(vote_weight(WeightRule::RawReputation, &m, 2).unwrap(), 42);
        assert!(vote_weight(WeightRule::AccuracyLogOdds, &m, 17).is_err());
    }

    proptest! {
        #[test]
        fn weights_are_bounded_and_monotone(won in 0u32..10_000, extra in 0u32..10_000, k in 2u8..=16) {
            let base = MemberRecord { tasks_won: won, tasks_done: won + extra, ..Default::default() };
            let better = MemberRecord { tasks_won: won + 1, tasks_done: won + extra + 1, ..Default::default() };
            let w0 = vote_weight(WeightRule::AccuracyLogOdds, &base, k).unwrap();
            let w1 = vote_weight(WeightRule::AccuracyLogOdds, &better, k).unwrap();
            prop_assert!(w0 <= MAX_LOG_ODDS_Q16);
            prop_assert!(w1 + 2 >= w0, "one more win must not lower the weight");
        }

        #[test]
        fn decisions_never_panic_and_respect_the_cap(
            votes in proptest::collection::vec((0u8..16, 0u64..=u64::MAX / 64), 0..40),
            min_votes in 1u8..10, extra in 0u8..10, threshold in 5_001u16..=10_000, margin in 0u16..=10_000,
        ) {
            let rule = DecisionRule { min_votes, max_votes: min_votes + extra, threshold_bps: threshold, early_stop_margin_bps: margin };
            let t = tally(&votes);
            let d = decide(&t, &rule).unwrap();
            if t.votes >= rule.max_votes {
                prop_assert!(d != Decision::Pending);
            }
            if t.votes < rule.min_votes {
                prop_assert_eq!(d, Decision::Pending);
            }
            if let Decision::Decided { label, share_bps } = d {
                prop_assert!(share_bps as u32 * 2 > 10_000 || t.counts.iter().filter(|&&c| c > 0).count() > 2);
                prop_assert!(t.counts[label as usize] > 0);
            }
        }
    }
}
