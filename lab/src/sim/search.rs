//! The parameter search that picks the community template's consensus defaults, and
//! the quality report. Every parameter set is replayed with each item's workers in a
//! random order (the chain's sortition), averaged over SORTITION_SEEDS. One set is
//! chosen for every shared dataset: among the open-community sets (the template has no
//! qualification exam) using at most half the votes everywhere, those whose worst
//! dataset is within QUALITY_TOLERANCE of the best worst dataset (against Dawid–Skene);
//! of these the one with the fewest rounds (each round costs a settlement and a batch
//! of reveals: docs/COST.md), then the best worst dataset, then fewer votes. Sets with
//! a qualification exam (gold-based weighting) are searched and reported beside them.

use ale_math::consensus::{DecisionRule, WeightRule, CONFUSION_CLASSES};
use anyhow::Result;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use super::adaptive_em::{best_adaptive_em, AdaptiveEmParams};
use super::baselines::{dawid_skene, dawid_skene_labels, majority};
use super::dataset::{DAWID_SKENE_ITERATIONS, SORTITION_SEEDS};
use super::known_confusion::{known_confusion_ceiling, ADAPTIVE_CONFIDENCE, ADAPTIVE_MIN_VOTES};
use super::online_confusion::{online_confusion, ONLINE_CONFUSION};
use super::replay::default_params;
use super::{replay, replay_in_order, Dataset, ReplayOutcome, ReplayParams};

/// Accuracy (on the worst dataset) the template may give up for fewer rounds.
pub const QUALITY_TOLERANCE: f64 = 0.01;

/// The most rounds an item can take: the first brings it to `min_votes`, each later
/// one adds `votes_per_round` up to `max_votes`.
pub fn max_rounds(p: &ReplayParams) -> u32 {
    let extra = p.rule.max_votes.saturating_sub(p.rule.min_votes) as u32;
    1 + extra.div_ceil(p.votes_per_round.max(1) as u32)
}

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
        exam_items: 0,
        pass_mark_bps: 0,
    }
}

/// Every parameter set the search tries. (An earlier, wider grid never chose a
/// threshold above 60%, a minimum of 5 votes or a margin below 20%.)
pub fn grid() -> Vec<ReplayParams> {
    let mut out = Vec::new();
    // The confusion rule, on datasets of at most CONFUSION_CLASSES labels: its
    // early-stop setting is the confidence the leading label needs.
    for min_votes in 2..=4u8 {
        for votes_per_round in [1u8, 2] {
            for max_votes in [7u8, 11, 15] {
                for early_stop_margin_bps in [9_000u16, 9_500, 9_900] {
                    out.push(ReplayParams {
                        weight: WeightRule::Confusion,
                        rule: DecisionRule {
                            min_votes,
                            max_votes,
                            threshold_bps: 5_001,
                            early_stop_margin_bps,
                        },
                        initial_reputation: 10,
                        reward_per_win: 1,
                        votes_per_round,
                        exam_items: 0,
                        pass_mark_bps: 0,
                    });
                }
            }
        }
    }
    for (weight, initial_reputation) in [
        (WeightRule::AccuracyLogOdds, 1),
        (WeightRule::RawReputation, 1),
        (WeightRule::RawReputation, 10),
    ] {
        for (exam_items, pass_mark_bps) in [(0u8, 0u16), (10, 6_000), (10, 7_000)] {
            for min_votes in 2..=4u8 {
                for votes_per_round in [1u8, 2] {
                    for max_votes in [7u8, 11, 15] {
                        for threshold_bps in [5_001u16, 6_000] {
                            for early_stop_margin_bps in [2_000u16, 4_000, 6_000, 8_000] {
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
                                    exam_items,
                                    pass_mark_bps,
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// One parameter set on one dataset, averaged over the sortition orders.
#[derive(Clone, Debug, Default)]
pub struct Evaluation {
    /// Unresolved items count as wrong.
    pub accuracy: f64,
    pub votes_per_item: f64,
    /// Votes used over the dataset's answers.
    pub vote_share: f64,
    pub unresolved: f64,
    pub exam_answers: f64,
    pub workers_admitted: f64,
}

pub fn evaluate(ds: &Dataset, params: &ReplayParams) -> Result<Evaluation> {
    let mut e = Evaluation::default();
    for seed in SORTITION_SEEDS {
        let o: ReplayOutcome = replay_in_order(ds, params, Some(seed))?;
        e.accuracy += o.accuracy_all;
        e.votes_per_item += o.votes_per_item();
        e.vote_share += o.votes_used as f64 / ds.answers.len() as f64;
        e.unresolved += o.unresolved as f64;
        e.exam_answers += o.exam_answers as f64;
        e.workers_admitted += o.workers_admitted as f64;
    }
    let n = SORTITION_SEEDS.len() as f64;
    for v in [
        &mut e.accuracy,
        &mut e.votes_per_item,
        &mut e.vote_share,
        &mut e.unresolved,
        &mut e.exam_answers,
        &mut e.workers_admitted,
    ] {
        *v /= n;
    }
    Ok(e)
}

/// Dawid–Skene relabelling exactly the votes the rule collected, averaged over the
/// sortition orders: the same evidence, aggregated offline.
pub fn dawid_skene_on_collected(ds: &Dataset, params: &ReplayParams) -> Result<f64> {
    let mut accuracy = 0.0;
    for seed in SORTITION_SEEDS {
        let o = replay_in_order(ds, params, Some(seed))?;
        accuracy += ds.accuracy(&dawid_skene_labels(ds, &o.cast, DAWID_SKENE_ITERATIONS));
    }
    Ok(accuracy / SORTITION_SEEDS.len() as f64)
}

/// The references of one dataset.
pub struct Baselines {
    pub majority: f64,
    pub dawid_skene: f64,
    /// Dawid–Skene on a random half of each item's votes, averaged over the seeds: what
    /// the best offline method makes of the vote budget the goal allows.
    pub dawid_skene_half: f64,
    pub literal: ReplayOutcome,
    /// Online Dawid–Skene re-weighing every vote with the latest counts (a client-side
    /// reference for the confusion rule), in the same rounds and sortition orders:
    /// (accuracy, votes per item).
    pub online_confusion: (f64, f64),
    /// Adaptive Dawid–Skene within half the votes, its best setting for this dataset:
    /// an upper reference for any online rule (accuracy, votes per item, setting).
    pub adaptive_em: Option<(f64, f64, AdaptiveEmParams)>,
    /// The Bayes rule with every worker's true confusion matrix (from the gold truth)
    /// on a random half of the votes, all of it and adaptively: ceilings (accuracy,
    /// votes per item).
    pub known_confusion: (f64, f64),
    pub known_confusion_adaptive: (f64, f64),
}

pub fn baselines(ds: &Dataset) -> Result<Baselines> {
    let (mut half, mut online, mut online_votes) = (0.0, 0.0, 0.0);
    for seed in SORTITION_SEEDS {
        half += ds.accuracy(&dawid_skene(
            &half_of_votes(ds, seed),
            DAWID_SKENE_ITERATIONS,
        ));
        let (labels, votes) = online_confusion(ds, &ONLINE_CONFUSION, seed);
        online += ds.accuracy(&labels);
        online_votes += votes as f64 / ds.items as f64;
    }
    let n = SORTITION_SEEDS.len() as f64;
    Ok(Baselines {
        majority: ds.accuracy(&majority(ds)),
        dawid_skene: ds.accuracy(&dawid_skene(ds, DAWID_SKENE_ITERATIONS)),
        dawid_skene_half: half / n,
        literal: replay(ds, &literal_rule())?,
        online_confusion: (online / n, online_votes / n),
        adaptive_em: best_adaptive_em(ds),
        known_confusion: known_confusion_ceiling(ds, None),
        known_confusion_adaptive: known_confusion_ceiling(
            ds,
            Some((ADAPTIVE_MIN_VOTES, ADAPTIVE_CONFIDENCE)),
        ),
    })
}

/// The dataset with a random half (rounded up) of each item's answers.
fn half_of_votes(ds: &Dataset, seed: u64) -> Dataset {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut by_item: Vec<Vec<usize>> = vec![Vec::new(); ds.items];
    for (i, a) in ds.answers.iter().enumerate() {
        by_item[a.item].push(i);
    }
    let mut keep = Vec::new();
    for answers in &mut by_item {
        answers.shuffle(&mut rng);
        keep.extend_from_slice(&answers[..answers.len().div_ceil(2)]);
    }
    keep.sort_unstable();
    let mut half = ds.clone();
    half.answers = keep.iter().map(|&i| ds.answers[i]).collect();
    half
}

pub struct Candidate {
    pub params: ReplayParams,
    pub evaluations: Vec<Evaluation>,
    /// Worst accuracy margin over Dawid–Skene (all votes) across datasets.
    pub worst_margin: f64,
    /// Largest share of a dataset's votes used.
    pub worst_vote_share: f64,
}

impl Candidate {
    /// Eligible for the template: an open community within the vote budget.
    pub fn eligible(&self) -> bool {
        self.params.exam_items == 0 && self.worst_vote_share <= 0.5
    }
}

/// Runs the grid on every dataset; candidates best first (eligible ones first).
pub fn search(datasets: &[Dataset], refs: &[Baselines]) -> Result<Vec<Candidate>> {
    let mut candidates = Vec::new();
    for params in grid() {
        let evaluations = datasets
            .iter()
            .map(|ds| evaluate(ds, &params))
            .collect::<Result<Vec<_>>>()?;
        let worst_margin = evaluations
            .iter()
            .zip(refs)
            .map(|(e, r)| e.accuracy - r.dawid_skene)
            .fold(f64::INFINITY, f64::min);
        let worst_vote_share = evaluations.iter().map(|e| e.vote_share).fold(0.0, f64::max);
        candidates.push(Candidate {
            params,
            evaluations,
            worst_margin,
            worst_vote_share,
        });
    }
    let best = best_margin(candidates.iter());
    candidates.sort_by(|a, b| ranking(best, a, b));
    Ok(candidates)
}

/// The best worst-dataset margin among the eligible candidates.
fn best_margin<'a>(candidates: impl Iterator<Item = &'a Candidate>) -> f64 {
    candidates
        .filter(|c| c.eligible())
        .map(|c| c.worst_margin)
        .fold(f64::NEG_INFINITY, f64::max)
}

/// The template's order: eligible candidates first; among them those within
/// QUALITY_TOLERANCE of the `best` worst dataset, fewest rounds first; then the best
/// worst dataset; then fewer votes.
fn ranking(best: f64, a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    let near_best = |c: &Candidate| c.eligible() && c.worst_margin >= best - QUALITY_TOLERANCE;
    b.eligible()
        .cmp(&a.eligible())
        .then(near_best(b).cmp(&near_best(a)))
        .then_with(|| {
            if near_best(a) {
                max_rounds(&a.params).cmp(&max_rounds(&b.params))
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .then(b.worst_margin.total_cmp(&a.worst_margin))
        .then(a.worst_vote_share.total_cmp(&b.worst_vote_share))
}

/// The template's choice among the candidates `allow` admits (by the same order).
pub fn choose(
    candidates: &[Candidate],
    allow: impl Fn(&ReplayParams) -> bool,
) -> Option<&Candidate> {
    let allowed: Vec<&Candidate> = candidates.iter().filter(|c| allow(&c.params)).collect();
    let best = best_margin(allowed.iter().copied());
    allowed.into_iter().min_by(|a, b| ranking(best, a, b))
}

fn describe(p: &ReplayParams) -> String {
    let exam = if p.exam_items == 0 {
        "open".to_string()
    } else {
        format!(
            "exam {} gold items, pass {}%",
            p.exam_items,
            p.pass_mark_bps as f64 / 100.0
        )
    };
    format!(
        "{:?}, init rep {}, votes {}..{} (+{}/round, at most {} rounds), threshold {}%, early-stop margin {}%, {}",
        p.weight,
        p.initial_reputation,
        p.rule.min_votes,
        p.rule.max_votes,
        p.votes_per_round,
        max_rounds(p),
        p.rule.threshold_bps as f64 / 100.0,
        p.rule.early_stop_margin_bps as f64 / 100.0,
        exam
    )
}

/// The markdown report: every dataset with the same parameters.
pub fn report(
    datasets: &[Dataset],
    refs: &[Baselines],
    candidates: &[Candidate],
    top: usize,
) -> Result<String> {
    let mut out = String::new();
    out.push_str("## Label quality on real crowd data\n\n");
    out.push_str(&format!(
        "ALE online rule (the template's defaults): label sets of at most {CONFUSION_CLASSES}: {}; larger ones: {}\n\n",
        describe(&default_params(2)),
        describe(&default_params(CONFUSION_CLASSES as u8 + 1))
    ));
    out.push_str(&format!(
        "The online rule is replayed with each item's workers in a random order (the chain's sortition), averaged over {} orders.\n\n",
        SORTITION_SEEDS.len()
    ));
    out.push_str("| dataset | items | answers | method | accuracy | votes/item | unresolved |\n|---|---:|---:|---|---:|---:|---:|\n");
    for (ds, r) in datasets.iter().zip(refs) {
        let all = ds.answers.len() as f64 / ds.items as f64;
        let ale = evaluate(ds, &default_params(ds.num_classes))?;
        let mut rows: Vec<(String, f64, f64, f64)> = vec![
            ("majority vote, all votes".into(), r.majority, all, 0.0),
            (
                "Dawid–Skene (EM), all votes".into(),
                r.dawid_skene,
                all,
                0.0,
            ),
            (
                "Dawid–Skene (EM), a random half of the votes".into(),
                r.dawid_skene_half,
                all / 2.0,
                0.0,
            ),
            (
                "white-paper literal rule, all votes".into(),
                r.literal.accuracy_all,
                r.literal.votes_per_item(),
                r.literal.unresolved as f64,
            ),
            (
                "online Dawid–Skene re-weighing every vote (client-side reference)".into(),
                r.online_confusion.0,
                r.online_confusion.1,
                0.0,
            ),
        ];
        if let Some((accuracy, votes, p)) = r.adaptive_em {
            rows.push((
                format!(
                    "adaptive Dawid–Skene, full EM every round, at most half the votes (best setting for this dataset: {}..{} votes, +{}/round, stop at {}%)",
                    p.min_votes,
                    p.max_votes,
                    p.votes_per_round,
                    p.confidence * 100.0
                ),
                accuracy,
                votes,
                0.0,
            ));
        }
        rows.push((
            "Bayes rule knowing every worker's true confusion matrix, a random half of the votes (ceiling)".into(),
            r.known_confusion.0,
            r.known_confusion.1,
            0.0,
        ));
        rows.push((
            format!(
                "the same, adaptively: from {ADAPTIVE_MIN_VOTES} votes, stop at {}% (ceiling)",
                ADAPTIVE_CONFIDENCE * 100.0
            ),
            r.known_confusion_adaptive.0,
            r.known_confusion_adaptive.1,
            0.0,
        ));
        rows.push((
            "**ALE online rule**".into(),
            ale.accuracy,
            ale.votes_per_item,
            ale.unresolved,
        ));
        rows.push((
            "Dawid–Skene relabelling the votes the ALE rule collected (same evidence, offline)"
                .into(),
            dawid_skene_on_collected(ds, &default_params(ds.num_classes))?,
            ale.votes_per_item,
            0.0,
        ));
        for (method, accuracy, votes, unresolved) in rows {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {:.3} | {:.2} | {:.1} |\n",
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
    out.push_str("Goal: at or above Dawid–Skene on all votes with at most half the votes.\n\n");
    out.push_str("### Best parameter sets of the search (the chosen one first)\n\n");
    out.push_str("| parameters | worst accuracy − DS | most votes used | accuracy per dataset | exam answers per dataset |\n|---|---:|---:|---|---|\n");
    // The best few overall, then the template's choice for larger label sets (no
    // confusion rule), the best accuracy-weight set and the best exam set.
    let mut shown: Vec<&Candidate> = candidates.iter().take(top).collect();
    let best_of = |pick: &dyn Fn(&Candidate) -> bool| candidates.iter().find(|c| pick(c));
    let extra = [
        choose(candidates, |p| p.weight != WeightRule::Confusion),
        best_of(&|c| c.params.weight == WeightRule::AccuracyLogOdds && c.eligible()),
        best_of(&|c| c.params.exam_items > 0 && c.worst_vote_share <= 0.5),
    ];
    for best in extra.into_iter().flatten() {
        if !shown.iter().any(|c| c.params == best.params) {
            shown.push(best);
        }
    }
    for c in shown {
        let accuracy: Vec<String> = c
            .evaluations
            .iter()
            .map(|e| format!("{:.3}", e.accuracy))
            .collect();
        let exam: Vec<String> = c
            .evaluations
            .iter()
            .map(|e| format!("{:.0}", e.exam_answers))
            .collect();
        out.push_str(&format!(
            "| {} | {:+.3} | {:.0}% | {} | {} |\n",
            describe(&c.params),
            c.worst_margin,
            c.worst_vote_share * 100.0,
            accuracy.join(" / "),
            exam.join(" / ")
        ));
    }
    out.push_str(&format!(
        "\n{} parameter sets tried on {} datasets ({}), each in {} sortition orders.\n",
        candidates.len(),
        datasets.len(),
        datasets
            .iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        SORTITION_SEEDS.len()
    ));
    Ok(out)
}
