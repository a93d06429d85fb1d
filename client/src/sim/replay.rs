//! The protocol's online rule replayed as the chain runs it: rounds in which every open
//! item receives its next votes (in the dataset's arrival order), then settlement of
//! what is decided, which updates the voters' records before the next round's votes
//! are weighed. Weights, decisions and reputation come from ale-math.

use ale_math::consensus::{
    decide, defaults, reputation_after, vote_weight, Decision, DecisionRule, MemberRecord, Tally,
    WeightRule,
};
use anyhow::Result;

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
}

/// The community template's defaults (ale-math `consensus::defaults`).
pub const DEFAULT_PARAMS: ReplayParams = ReplayParams {
    weight: defaults::WEIGHT_RULE,
    rule: defaults::DECISION_RULE,
    initial_reputation: defaults::INITIAL_REPUTATION,
    reward_per_win: defaults::REWARD_PER_WIN,
    votes_per_round: defaults::VOTES_PER_ROUND,
};

#[derive(Clone, Debug)]
pub struct ReplayOutcome {
    pub labels: Vec<Option<u8>>,
    pub decided: usize,
    pub unresolved: usize,
    pub votes_used: usize,
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

pub fn replay(ds: &Dataset, params: &ReplayParams) -> Result<ReplayOutcome> {
    let mut queues: Vec<Vec<(usize, u8)>> = vec![Vec::new(); ds.items];
    for a in &ds.answers {
        queues[a.item].push((a.worker, a.label));
    }
    let mut members = vec![
        MemberRecord {
            reputation: params.initial_reputation,
            ..Default::default()
        };
        ds.workers
    ];
    let mut states: Vec<ItemState> = (0..ds.items).map(|_| ItemState::Open).collect();
    let mut tallies = vec![Tally::default(); ds.items];
    let mut taken = vec![0usize; ds.items];
    let (mut votes_used, mut rounds) = (0usize, 0usize);
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
                let weight = vote_weight(params.weight, &members[worker], ds.num_classes)?;
                tallies[item].add(label, weight)?;
                taken[item] += 1;
                votes_used += 1;
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
            match decide(&tallies[item], &rule)? {
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
        votes_used,
        rounds,
        labels,
    })
}
