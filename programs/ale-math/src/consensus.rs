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
    /// Online Dawid–Skene for label sets of at most CONFUSION_CLASSES: each member's
    /// confusion counts against decided labels give every vote a cost per class,
    /// -ln P(label said | true class); the item's label is the class of least total
    /// cost, and it is decided once its lead over the next reaches the stop's
    /// confidence (`decide_by_costs`).
    Confusion,
}

/// Label-set size the confusion rule supports: K x K counters per member.
pub const CONFUSION_CLASSES: usize = 4;
/// Fixed point of the confusion rule's costs: nats x 2^12 in a u16 (up to 16 nats).
const COST_SHIFT_FROM_Q16: u32 = 4;
/// Cost units per nat (a client turning costs into probabilities needs it).
pub const COST_UNITS_PER_NAT: u64 = 1 << (16 - COST_SHIFT_FROM_Q16);

/// What the ledger knows about a member that the weight may use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemberRecord {
    pub reputation: u64,
    pub tasks_done: u32,
    pub tasks_won: u32,
    pub gold_seen: u16,
    pub gold_correct: u16,
    /// Times the member said label `g` (column) on an item decided `t` (row).
    pub confusion: [[u16; CONFUSION_CLASSES]; CONFUSION_CLASSES],
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
        WeightRule::Confusion => Err(MathError::InvalidInput(
            "the confusion rule weighs a vote per class: vote_costs",
        )),
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

/// The per-class costs of a vote for `said` under the confusion rule, packed as
/// CONFUSION_CLASSES u16 (class t in bits 16t..16t+16), in Q12 nats:
/// cost_t = -ln P(said | t), P from the member's row t with half a count of smoothing
/// per cell and two counts of prior on the diagonal (a member is believed more often
/// right than not until its record says otherwise).
pub fn vote_costs(member: &MemberRecord, said: u8, num_classes: u8) -> MathResult<u64> {
    let k = num_classes as usize;
    if !(2..=CONFUSION_CLASSES).contains(&k) || said as usize >= k {
        return Err(MathError::InvalidInput(
            "confusion rule: class out of range",
        ));
    }
    let mut packed = 0u64;
    for (t, row) in member.confusion.iter().enumerate().take(k) {
        let row_total = row[..k]
            .iter()
            .try_fold(0u64, |acc, &n| acc.safe_add(n as u64))?;
        // In half counts: numerator 2 n + 1 (+ 4 on the diagonal), denominator
        // 2 total + K (+ 4), so the denominator is never below the numerator.
        let diagonal = if t == said as usize { 4 } else { 0 };
        let numerator = (row[said as usize] as u64)
            .safe_mul(2)?
            .safe_add(1 + diagonal)?;
        let denominator = row_total.safe_mul(2)?.safe_add(k as u64 + 4)?;
        let cost_q16 = ln_ratio_q16(denominator, numerator)?.max(0) as u64;
        let cost = (cost_q16 >> COST_SHIFT_FROM_Q16).min(u16::MAX as u64);
        packed |= cost << (16 * t);
    }
    Ok(packed)
}

/// Records that a member said `said` on an item decided `decided` (labels of at most
/// CONFUSION_CLASSES; others are not counted). A full cell halves its row first, so
/// the row keeps its proportions and recent work weighs more.
pub fn record_confusion(
    confusion: &mut [[u16; CONFUSION_CLASSES]; CONFUSION_CLASSES],
    decided: u8,
    said: u8,
) {
    let (t, g) = (decided as usize, said as usize);
    if t >= CONFUSION_CLASSES || g >= CONFUSION_CLASSES {
        return;
    }
    let row = &mut confusion[t];
    if row[g] == u16::MAX {
        for cell in row.iter_mut() {
            *cell /= 2;
        }
    }
    row[g] += 1; // below u16::MAX: halved above if it was full
}

/// ln(confidence / (1 - confidence)) in the costs' fixed point: the lead (in nats) a
/// label needs over the next for `confidence_bps` of posterior between the two.
fn confidence_lead(confidence_bps: u16) -> MathResult<u64> {
    if !(5_001..BPS as u16).contains(&confidence_bps) {
        return Err(MathError::InvalidInput("confidence must be in (50%, 100%)"));
    }
    let lead = ln_ratio_q16(confidence_bps as u64, BPS as u64 - confidence_bps as u64)?;
    Ok((lead.max(0) as u64) >> COST_SHIFT_FROM_Q16)
}

/// The confusion rule's decision. `tally.weights[t]` holds the summed costs of class t
/// (`Tally::add_costs`). Pending below `min_votes`; decided early once the cheapest
/// class leads the next by the early-stop confidence (`early_stop_margin_bps`, 0
/// disables); at the vote cap decided if it leads by the threshold's confidence, else
/// unresolved. The share reported is the decided label's share of the votes.
pub fn decide_by_costs(
    tally: &Tally,
    rule: &DecisionRule,
    num_classes: u8,
) -> MathResult<Decision> {
    let k = num_classes as usize;
    if !(2..=CONFUSION_CLASSES).contains(&k) {
        return Err(MathError::InvalidInput(
            "confusion rule: class count out of range",
        ));
    }
    if tally.votes < rule.min_votes {
        return Ok(Decision::Pending);
    }
    let costs = &tally.weights[..k];
    let mut leader = 0;
    for t in 1..k {
        if costs[t] < costs[leader] {
            leader = t;
        }
    }
    let next = (0..k)
        .filter(|&t| t != leader)
        .map(|t| costs[t])
        .min()
        .unwrap_or(u64::MAX);
    let lead = next.safe_sub(costs[leader])?;
    let at_cap = tally.votes >= rule.max_votes;
    let early =
        rule.early_stop_margin_bps > 0 && lead >= confidence_lead(rule.early_stop_margin_bps)?;
    let holds = lead > 0 && lead >= confidence_lead(rule.threshold_bps)?;
    Ok(if holds && (early || at_cap) {
        Decision::Decided {
            label: leader as u8,
            share_bps: (tally.counts[leader] as u128)
                .safe_mul(BPS)?
                .safe_div((tally.votes as u128).max(1))? as u16,
        }
    } else if at_cap {
        Decision::Unresolved
    } else {
        Decision::Pending
    })
}

/// The community template's defaults, chosen by the quality simulator's search over
/// the shared crowd datasets (`ale quality`; docs/QUALITY.md has the search and its
/// results).
pub mod defaults {
    use super::{DecisionRule, WeightRule, CONFUSION_CLASSES};

    /// The consensus parameters a community template starts from.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Template {
        pub weight_rule: WeightRule,
        pub initial_reputation: u64,
        pub reward_per_win: u64,
        /// Votes an open item gains per round after the first.
        pub votes_per_round: u8,
        pub rule: DecisionRule,
    }

    /// Label sets of at most CONFUSION_CLASSES. The search's choice on both datasets at
    /// once, replayed in random sortition orders: within a point of the best worst
    /// dataset (14.6 points below Dawid–Skene on all votes, with at most half the
    /// votes) in the fewest rounds. The confusion rule, stopping at 95% confidence.
    pub const FEW_CLASSES: Template = Template {
        weight_rule: WeightRule::Confusion,
        initial_reputation: 10,
        reward_per_win: 1,
        votes_per_round: 2,
        rule: DecisionRule {
            min_votes: 3,
            max_votes: 11,
            threshold_bps: 5_001,
            early_stop_margin_bps: 9_500,
        },
    };

    /// Larger label sets, where the confusion rule does not apply: the search's choice
    /// among the other rules. Raw reputation starting at 10 (early wins move weights
    /// gently), an early stop at a 40% lead.
    pub const MANY_CLASSES: Template = Template {
        weight_rule: WeightRule::RawReputation,
        initial_reputation: 10,
        reward_per_win: 1,
        votes_per_round: 2,
        rule: DecisionRule {
            min_votes: 3,
            max_votes: 15,
            threshold_bps: 5_001,
            early_stop_margin_bps: 4_000,
        },
    };

    /// The template for a label set of `num_classes`.
    pub const fn for_classes(num_classes: u8) -> Template {
        if num_classes as usize <= CONFUSION_CLASSES {
            FEW_CLASSES
        } else {
            MANY_CLASSES
        }
    }

    /// An open community: no qualification exam.
    pub const EXAM_ITEMS: u8 = 0;
    pub const PASS_MARK_BPS: u16 = 0;
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

    /// Adds a confusion-rule vote: its per-class costs (`vote_costs`) to every class.
    pub fn add_costs(&mut self, said: u8, packed: u64, num_classes: u8) -> MathResult<()> {
        let k = num_classes as usize;
        if !(2..=CONFUSION_CLASSES).contains(&k) || said as usize >= k {
            return Err(MathError::InvalidInput(
                "confusion rule: class out of range",
            ));
        }
        for (t, weight) in self.weights.iter_mut().enumerate().take(k) {
            *weight = weight.safe_add((packed >> (16 * t)) & 0xFFFF)?;
        }
        self.counts[said as usize] = self.counts[said as usize].safe_add(1)?;
        self.votes = self.votes.safe_add(1)?;
        Ok(())
    }

    pub fn total_weight(&self) -> MathResult<u128> {
        self.weights
            .iter()
            .try_fold(0u128, |acc, &w| acc.safe_add(w as u128))
    }

    /// (leader, runner-up) labels by weight; ties go to the lower label.
    pub(crate) fn top_two(&self) -> (usize, usize) {
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

/// Wins a member needs before its vote can decide an item without an established
/// co-winner: fresh identities are cheap, so alone they only ever wait for one.
pub const PROBATION_WINS: u32 = 3;

/// Sybil guard: once a community has established members (`bootstrapped`), a decision
/// none of whose winners is established (`established_winner`) is held: more votes
/// are asked for, and at the vote cap (`at_cap`) the item is unresolved and refunded.
/// Before that, while a community is new, fresh votes decide as they always did.
pub fn hold_for_established(
    decision: Decision,
    established_winner: bool,
    bootstrapped: bool,
    at_cap: bool,
) -> Decision {
    match decision {
        Decision::Decided { .. } if bootstrapped && !established_winner => {
            if at_cap {
                Decision::Unresolved
            } else {
                Decision::Pending
            }
        }
        other => other,
    }
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

    #[test]
    fn fresh_winners_alone_wait_for_an_established_one_once_a_community_has_them() {
        let decided = Decision::Decided {
            label: 1,
            share_bps: 10_000,
        };
        // A new community: fresh votes decide.
        assert_eq!(hold_for_established(decided, false, false, false), decided);
        // Established members exist: held, then unresolved at the cap.
        assert_eq!(
            hold_for_established(decided, false, true, false),
            Decision::Pending
        );
        assert_eq!(
            hold_for_established(decided, false, true, true),
            Decision::Unresolved
        );
        // One established winner is enough; other outcomes pass through.
        assert_eq!(hold_for_established(decided, true, true, false), decided);
        for other in [Decision::Pending, Decision::Unresolved] {
            assert_eq!(hold_for_established(other, false, true, true), other);
        }
    }

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
    fn confusion_costs_follow_the_record() {
        // A member who says 1 on items decided 0 as often as on items decided 1 tells
        // nothing by saying 1; one who is always right tells a lot.
        let mut biased = MemberRecord::default();
        let mut right = MemberRecord::default();
        for _ in 0..20 {
            record_confusion(&mut biased.confusion, 0, 1);
            record_confusion(&mut biased.confusion, 1, 1);
            record_confusion(&mut right.confusion, 0, 0);
            record_confusion(&mut right.confusion, 1, 1);
        }
        let cost = |m: &MemberRecord, said, t: usize| {
            (vote_costs(m, said, 2).unwrap() >> (16 * t)) & 0xFFFF
        };
        let lead = |m: &MemberRecord| cost(m, 1, 0) as i64 - cost(m, 1, 1) as i64;
        // Under 0.15 nats: the diagonal prior's trace only.
        assert!(
            lead(&biased).abs() < 614,
            "a biased 'yes' is little evidence"
        );
        assert!(
            lead(&right) > 2 * 4096,
            "a reliable 'yes' is strong evidence"
        );
        // A new member is believed more often right than not.
        assert!(lead(&MemberRecord::default()) > 0);
        assert!(vote_costs(&right, 4, 4).is_err());
        assert!(vote_costs(&right, 0, 5).is_err());
    }

    #[test]
    fn confusion_decisions_need_the_confidence() {
        let rule = DecisionRule {
            min_votes: 2,
            max_votes: 4,
            threshold_bps: 5_001,
            early_stop_margin_bps: 9_500,
        };
        let mut right = MemberRecord::default();
        for _ in 0..30 {
            record_confusion(&mut right.confusion, 1, 1);
            record_confusion(&mut right.confusion, 0, 0);
        }
        let new = MemberRecord::default();
        let mut tally = Tally::default();
        tally
            .add_costs(1, vote_costs(&new, 1, 2).unwrap(), 2)
            .unwrap();
        assert_eq!(
            decide_by_costs(&tally, &rule, 2).unwrap(),
            Decision::Pending
        );
        // Two newcomers disagree: a tie, more votes needed.
        tally
            .add_costs(0, vote_costs(&new, 0, 2).unwrap(), 2)
            .unwrap();
        assert_eq!(
            decide_by_costs(&tally, &rule, 2).unwrap(),
            Decision::Pending
        );
        // A member right 30 times in 30 breaks it past 95% confidence.
        tally
            .add_costs(1, vote_costs(&right, 1, 2).unwrap(), 2)
            .unwrap();
        assert_eq!(
            decide_by_costs(&tally, &rule, 2).unwrap(),
            Decision::Decided {
                label: 1,
                share_bps: 6_666
            }
        );
        // A tie at the cap is unresolved.
        let mut tie = Tally::default();
        for said in [0, 1, 0, 1] {
            tie.add_costs(said, vote_costs(&new, said, 2).unwrap(), 2)
                .unwrap();
        }
        assert_eq!(
            decide_by_costs(&tie, &rule, 2).unwrap(),
            Decision::Unresolved
        );
    }

    #[test]
    fn a_full_confusion_cell_halves_its_row() {
        let mut m = MemberRecord::default();
        m.confusion[1] = [100, u16::MAX, 0, 0];
        record_confusion(&mut m.confusion, 1, 1);
        assert_eq!(m.confusion[1], [50, u16::MAX / 2 + 1, 0, 0]);
        record_confusion(&mut m.confusion, 7, 1); // outside the table: not counted
        assert_eq!(m.confusion[1], [50, u16::MAX / 2 + 1, 0, 0]);
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
