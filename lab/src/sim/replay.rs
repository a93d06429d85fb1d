//! The protocol's online rule replayed as the chain runs it: rounds in which every open
//! item receives its next votes (in the dataset's arrival order), then settlement of
//! what is decided, which updates the voters' records before the next round's votes
//! are weighed. Weights, decisions and reputation come from ale-math.

use ale_math::consensus::{
    decide, decide_by_costs, defaults, record_confusion, reputation_after, vote_costs, vote_weight,
    Decision, DecisionRule, MemberRecord, Tally, WeightRule,
};
use anyhow::Result;

use super::dataset::Answer;
use super::Dataset;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplayParams {
    pub weight: WeightRule,
    pub rule: DecisionRule,
    pub initial_reputation: u64,
    pub reward_per_win: u64,
    /// Votes an open item gains per round after the first (which brings it to
    /// `min_votes`).
    pub votes_per_round: u8,
    /// The community's qualification exam (JoinRule::Qualification): gold items each
    /// worker answers before joining (0: an open community), and the share it must get
    /// right, in bps. The score is the member's first gold record (gold_seen,
    /// gold_correct), which the accuracy weight counts from the first vote.
    pub exam_items: u8,
    pub pass_mark_bps: u16,
}

/// The community template's parameters for a label set of `num_classes` (ale-math
/// `consensus::defaults`).
pub const fn default_params(num_classes: u8) -> ReplayParams {
    let t = defaults::for_classes(num_classes);
    ReplayParams {
        weight: t.weight_rule,
        rule: t.rule,
        initial_reputation: t.initial_reputation,
        reward_per_win: t.reward_per_win,
        votes_per_round: t.votes_per_round,
        exam_items: defaults::EXAM_ITEMS,
        pass_mark_bps: defaults::PASS_MARK_BPS,
    }
}

#[derive(Clone, Debug)]
pub struct ReplayOutcome {
    pub labels: Vec<Option<u8>>,
    pub decided: usize,
    pub unresolved: usize,
    pub votes_used: usize,
    /// The votes cast, in the order cast.
    pub cast: Vec<Answer>,
    /// Answers spent on the qualification exam (not votes on the job).
    pub exam_answers: usize,
    /// Workers admitted by the exam (all, in an open community).
    pub workers_admitted: usize,
    pub rounds: usize,
    /// Accuracy over decided items with truth.
    pub accuracy_decided: f64,
    /// Accuracy over all items with truth, an unresolved item counting as wrong.
    pub accuracy_all: f64,
}

impl ReplayOutcome {
    pub fn votes_per_item(&self) -> f64 {
        self.votes_used as f64 / self.labels.len().max(1) as f64
    }
}

enum ItemState {
    Open,
    Decided(u8),
    Unresolved,
}

/// Replays in the dataset's arrival order.
pub fn replay(ds: &Dataset, params: &ReplayParams) -> Result<ReplayOutcome> {
    replay_in_order(ds, params, None)
}

/// Replays with each item's workers in the dataset's arrival order, or, with a seed,
/// in a random order drawn from it (the chain's sortition: which workers an item meets
/// is random).
pub fn replay_in_order(
    ds: &Dataset,
    params: &ReplayParams,
    seed: Option<u64>,
) -> Result<ReplayOutcome> {
    // The exam: a worker's first `exam_items` answers on items with a known truth
    // stand for its answers to the community's gold items; they are not votes.
    let mut exam = vec![(0u16, 0u16); ds.workers];
    let mut is_exam_answer = vec![false; ds.answers.len()];
    if params.exam_items > 0 {
        for (i, a) in ds.answers.iter().enumerate() {
            let (seen, correct) = &mut exam[a.worker];
            if *seen < params.exam_items as u16 {
                if let Some(truth) = ds.truth[a.item] {
                    *seen += 1;
                    *correct += (a.label == truth) as u16;
                    is_exam_answer[i] = true;
                }
            }
        }
    }
    let admitted: Vec<bool> = exam
        .iter()
        .map(|&(seen, correct)| {
            params.exam_items == 0
                || (seen == params.exam_items as u16
                    && correct as u64 * 10_000 >= params.pass_mark_bps as u64 * seen as u64)
        })
        .collect();
    let queues = ds.item_queues(
        |i| admitted[ds.answers[i].worker] && !is_exam_answer[i],
        seed,
    );
    let members: Vec<MemberRecord> = exam
        .iter()
        .map(|&(gold_seen, gold_correct)| MemberRecord {
            reputation: params.initial_reputation,
            gold_seen,
            gold_correct,
            ..Default::default()
        })
        .collect();
    let mut members = members;
    let mut states: Vec<ItemState> = (0..ds.items).map(|_| ItemState::Open).collect();
    let mut tallies = vec![Tally::default(); ds.items];
    let mut taken = vec![0usize; ds.items];
    let mut cast = Vec::new();
    let mut rounds = 0usize;
    let mut target = params.rule.min_votes as usize;

    loop {
        let open: Vec<usize> = (0..ds.items)
            .filter(|&i| matches!(states[i], ItemState::Open))
            .collect();
        if open.is_empty() {
            break;
        }
        rounds += 1;
        let mut decided_now = Vec::new();
        for &item in &open {
            // Votes are weighed with the records as the last settlement left them.
            while tallies[item].votes < target as u8 && taken[item] < queues[item].len() {
                let (worker, label) = queues[item][taken[item]];
                if params.weight == WeightRule::Confusion {
                    let costs = vote_costs(&members[worker], label, ds.num_classes)?;
                    tallies[item].add_costs(label, costs, ds.num_classes)?;
                } else {
                    let weight = vote_weight(params.weight, &members[worker], ds.num_classes)?;
                    tallies[item].add(label, weight)?;
                }
                taken[item] += 1;
                cast.push(Answer {
                    item,
                    worker,
                    label,
                });
            }
            let exhausted = taken[item] == queues[item].len();
            // Out of workers is the chain's deadline: decide as at the vote cap.
            let votes = tallies[item].votes;
            let rule = if exhausted {
                DecisionRule {
                    min_votes: params.rule.min_votes.min(votes),
                    max_votes: votes,
                    ..params.rule
                }
            } else {
                params.rule
            };
            let decision = if params.weight == WeightRule::Confusion {
                decide_by_costs(&tallies[item], &rule, ds.num_classes)?
            } else {
                decide(&tallies[item], &rule)?
            };
            match decision {
                Decision::Decided { label, .. } => {
                    states[item] = ItemState::Decided(label);
                    decided_now.push((item, label));
                }
                Decision::Unresolved => states[item] = ItemState::Unresolved,
                Decision::Pending if exhausted => states[item] = ItemState::Unresolved,
                Decision::Pending => {}
            }
        }
        // Settlement: every voter of a decided item did a task; winners gain reputation.
        for (item, label) in decided_now {
            for &(worker, vote) in &queues[item][..taken[item]] {
                let won = vote == label;
                let m = &mut members[worker];
                record_confusion(&mut m.confusion, label, vote);
                m.tasks_done += 1;
                m.tasks_won += won as u32;
                m.reputation = reputation_after(m.reputation, won, params.reward_per_win)?;
            }
        }
        target =
            (target + params.votes_per_round.max(1) as usize).min(params.rule.max_votes as usize);
    }

    let labels: Vec<Option<u8>> = states
        .iter()
        .map(|s| match s {
            ItemState::Decided(label) => Some(*label),
            _ => None,
        })
        .collect();
    let decided = labels.iter().filter(|l| l.is_some()).count();
    let scored_decided: Vec<bool> = ds
        .truth
        .iter()
        .zip(&labels)
        .filter_map(|(t, l)| Some(l.as_ref()? == t.as_ref()?))
        .collect();
    Ok(ReplayOutcome {
        accuracy_decided: scored_decided.iter().filter(|&&ok| ok).count() as f64
            / scored_decided.len().max(1) as f64,
        accuracy_all: ds.accuracy(&labels),
        unresolved: labels.len() - decided,
        decided,
        votes_used: cast.len(),
        cast,
        exam_answers: is_exam_answer.iter().filter(|&&e| e).count(),
        workers_admitted: admitted.iter().filter(|&&a| a).count(),
        rounds,
        labels,
    })
}
