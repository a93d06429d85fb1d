//! The parameter search that picks the community template's consensus defaults, and
//! the quality report. One set of parameters is chosen for every shared dataset: the
//! one whose worst dataset beats Dawid–Skene by the most (or trails it by the least),
//! among those using at most half the votes everywhere; fewer votes break ties.

use ale_math::consensus::{DecisionRule, WeightRule};
use anyhow::Result;

use super::baselines::{dawid_skene, majority};
use super::{replay, Dataset, ReplayOutcome, ReplayParams};

pub const DAWID_SKENE_ITERATIONS: usize = 50;

/// The white paper's literal rule on all votes: weight = raw reputation, +1 per win,
/// plain weighted plurality.
pub fn literal_rule() -> ReplayParams {
    ReplayParams {
        weight: WeightRule::RawReputation,
        rule: DecisionRule {
            min_votes: u8::MAX,
            max_votes: u8::MAX,
            threshold_bps: 0,
            early_stop_margin_bps: 0,
        },
        initial_reputation: 1,
        reward_per_win: 1,
        votes_per_round: 1,
    }
}

/// Every parameter set the search tries.
pub fn grid() -> Vec<ReplayParams> {
    let mut out = Vec::new();
    for (weight, initial_reputation) in [
        (WeightRule::AccuracyLogOdds, 1),
        (WeightRule::RawReputation, 1),
        (WeightRule::RawReputation, 10),
    ] {
        for min_votes in 2..=5u8 {
            for votes_per_round in [1u8, 2] {
                for max_votes in [5u8, 7, 9, 11, 15] {
                    if max_votes < min_votes {
                        continue;
                    }
                    for threshold_bps in [5_001u16, 5_500, 6_000, 7_000] {
                        for early_stop_margin_bps in
                            [0u16, 2_000, 3_000, 4_000, 5_000, 6_000, 8_000]
                        {
                            out.push(ReplayParams {
                                weight,
                                rule: DecisionRule {
                                    min_votes,
                                    max_votes,
                                    threshold_bps,
                                    early_stop_margin_bps,
                                },
                                initial_reputation,
                                reward_per_win: 1,
                                votes_per_round,
                            });
                        }
                    }
                }
            }
        }
    }
    out
}

/// The references of one dataset.
pub struct Baselines {
    pub majority: f64,
    pub dawid_skene: f64,
    pub literal: ReplayOutcome,
}

pub fn baselines(ds: &Dataset) -> Result<Baselines> {
    Ok(Baselines {
        majority: ds.accuracy(&majority(ds)),
        dawid_skene: ds.accuracy(&dawid_skene(ds, DAWID_SKENE_ITERATIONS)),
        literal: replay(ds, &literal_rule())?,
    })
}

pub struct Candidate {
    pub params: ReplayParams,
    pub outcomes: Vec<ReplayOutcome>,
    /// Worst accuracy margin over Dawid–Skene across datasets.
    pub worst_margin: f64,
    /// Largest share of a dataset's votes used.
    pub worst_vote_share: f64,
}

/// Runs the grid on every dataset; candidates best first.
pub fn search(datasets: &[Dataset], refs: &[Baselines]) -> Result<Vec<Candidate>> {
    let mut candidates = Vec::new();
    for params in grid() {
        let mut outcomes = Vec::with_capacity(datasets.len());
        for ds in datasets {
            outcomes.push(replay(ds, &params)?);
        }
        let worst_margin = outcomes
            .iter()
            .zip(refs)
            .map(|(o, r)| o.accuracy_all - r.dawid_skene)
            .fold(f64::INFINITY, f64::min);
        let worst_vote_share = outcomes
            .iter()
            .zip(datasets)
            .map(|(o, ds)| o.votes_used as f64 / ds.answers.len() as f64)
            .fold(0.0, f64::max);
        candidates.push(Candidate {
            params,
            outcomes,
            worst_margin,
            worst_vote_share,
        });
    }
    candidates.sort_by(|a, b| {
        let a_ok = a.worst_vote_share <= 0.5;
        let b_ok = b.worst_vote_share <= 0.5;
        b_ok.cmp(&a_ok)
            .then(b.worst_margin.total_cmp(&a.worst_margin))
            .then(a.worst_vote_share.total_cmp(&b.worst_vote_share))
    });
    Ok(candidates)
}

fn describe(p: &ReplayParams) -> String {
    format!(
        "{:?}, init rep {}, votes {}..{} (+{}/round), threshold {}%, early-stop margin {}%",
        p.weight,
        p.initial_reputation,
        p.rule.min_votes,
        p.rule.max_votes,
        p.votes_per_round,
        p.rule.threshold_bps as f64 / 100.0,
        p.rule.early_stop_margin_bps as f64 / 100.0
    )
}

/// The markdown report: every dataset with the same parameters.
pub fn report(
    datasets: &[Dataset],
    refs: &[Baselines],
    chosen: &ReplayParams,
    candidates: &[Candidate],
    top: usize,
) -> Result<String> {
    let mut out = String::new();
    out.push_str("## Label quality on real crowd data\n\n");
    out.push_str(&format!("ALE online rule: {}\n\n", describe(chosen)));
    out.push_str("| dataset | items | answers | method | accuracy | votes/item | unresolved |\n|---|---:|---:|---|---:|---:|---:|\n");
    for (ds, r) in datasets.iter().zip(refs) {
        let all = ds.answers.len() as f64 / ds.items as f64;
        let ale = replay(ds, chosen)?;
        let rows = [
            ("majority vote, all votes", r.majority, all, 0),
            ("Dawid–Skene (EM), all votes", r.dawid_skene, all, 0),
            (
                "white-paper literal rule, all votes",
                r.literal.accuracy_all,
                r.literal.votes_per_item(),
                r.literal.unresolved,
            ),
            (
                "**ALE online rule**",
                ale.accuracy_all,
                ale.votes_per_item(),
                ale.unresolved,
            ),
        ];
        for (method, accuracy, votes, unresolved) in rows {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {:.3} | {:.2} | {} |\n",
                ds.name,
                ds.items,
                ds.answers.len(),
                method,
                accuracy,
                votes,
                unresolved
            ));
        }
    }
    out.push_str("\nAccuracy counts an unresolved item as wrong. ");
    out.push_str("Goal: at or above Dawid–Skene with at most half the votes.\n\n");
    out.push_str("### Best parameter sets of the search (worst dataset first)\n\n");
    out.push_str("| parameters | worst accuracy − DS | most votes used |\n|---|---:|---:|\n");
    // The best few overall, then the best of each weight rule for comparison.
    let mut shown: Vec<&Candidate> = candidates.iter().take(top).collect();
    for weight in [WeightRule::AccuracyLogOdds, WeightRule::RawReputation] {
        if let Some(best) = candidates.iter().find(|c| c.params.weight == weight) {
            if !shown.iter().any(|c| c.params == best.params) {
                shown.push(best);
            }
        }
    }
    for c in shown {
        out.push_str(&format!(
            "| {} | {:+.3} | {:.0}% |\n",
            describe(&c.params),
            c.worst_margin,
            c.worst_vote_share * 100.0
        ));
    }
    out.push_str(&format!(
        "\n{} parameter sets tried on {} datasets.\n",
        candidates.len(),
        datasets.len()
    ));
    Ok(out)
}
