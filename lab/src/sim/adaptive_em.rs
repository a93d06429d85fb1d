//! A reference for online rules within the goal's vote budget: adaptive
//! Dawid–Skene. Votes are asked in the chain's rounds and random sortition orders, but
//! after every round full Dawid–Skene EM runs over every vote cast so far (which no
//! chain can afford), an item stops once its EM posterior reaches a confidence, and at
//! the end every item is relabelled by EM over all the votes cast (an online rule
//! cannot relabel what it has settled and paid). Each dataset gets its best setting,
//! with its vote cap at half its answers per item: what the best offline method makes
//! of the goal's budget when it also chooses where to spend it (docs/QUALITY.md).

use super::baselines::{dawid_skene_labels, dawid_skene_posteriors, most_probable};
use super::dataset::Answer;
use super::dataset::{DAWID_SKENE_ITERATIONS, SORTITION_SEEDS};
use super::Dataset;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdaptiveEmParams {
    pub min_votes: usize,
    pub votes_per_round: usize,
    pub max_votes: usize,
    /// EM posterior of the leading label that stops an item before the cap.
    pub confidence: f64,
}

/// Minimum votes and confidences tried; the cap is half the dataset's answers per item.
const MIN_VOTES: [usize; 6] = [3, 5, 7, 9, 11, 13];
const CONFIDENCES: [f64; 3] = [0.99, 0.999, 0.9999];
const VOTES_PER_ROUND: usize = 2;

/// (labels, votes used) for one sortition order.
pub fn adaptive_em(ds: &Dataset, params: &AdaptiveEmParams, seed: u64) -> (Vec<Option<u8>>, usize) {
    let queues = ds.item_queues(|_| true, Some(seed));
    let mut cast: Vec<Answer> = Vec::new();
    let mut taken = vec![0usize; ds.items];
    let mut open = vec![true; ds.items];
    let mut target = params.min_votes;
    while open.iter().any(|&o| o) {
        let round: Vec<usize> = (0..ds.items).filter(|&i| open[i]).collect();
        for &item in &round {
            let reachable = target.min(params.max_votes).min(queues[item].len());
            for &(worker, label) in &queues[item][taken[item]..reachable.max(taken[item])] {
                cast.push(Answer {
                    item,
                    worker,
                    label,
                });
            }
            taken[item] = taken[item].max(reachable);
        }
        let posterior = dawid_skene_posteriors(ds, &cast, DAWID_SKENE_ITERATIONS);
        for item in round {
            let confident = taken[item] >= params.min_votes
                && posterior[item][most_probable(&posterior[item]) as usize] >= params.confidence;
            let exhausted = taken[item] >= queues[item].len() || taken[item] >= params.max_votes;
            if confident || exhausted {
                open[item] = false;
            }
        }
        target += params.votes_per_round.max(1);
    }
    let labels = dawid_skene_labels(ds, &cast, DAWID_SKENE_ITERATIONS);
    (labels, cast.len())
}

/// The settings tried on `ds`: the cap at half its answers per item (rounded down).
pub fn settings(ds: &Dataset) -> Vec<AdaptiveEmParams> {
    let max_votes = ds.answers.len() / ds.items.max(1) / 2;
    let mut out = Vec::new();
    for min_votes in MIN_VOTES.into_iter().filter(|&m| m <= max_votes) {
        for confidence in CONFIDENCES {
            out.push(AdaptiveEmParams {
                min_votes,
                votes_per_round: VOTES_PER_ROUND,
                max_votes,
                confidence,
            });
        }
    }
    out
}

/// The best of `settings(ds)` by accuracy, each averaged over the sortition orders:
/// (accuracy, votes per item, setting); none for a dataset of under 6 answers per item.
pub fn best_adaptive_em(ds: &Dataset) -> Option<(f64, f64, AdaptiveEmParams)> {
    let n = SORTITION_SEEDS.len() as f64;
    settings(ds)
        .into_iter()
        .map(|params| {
            let (mut accuracy, mut votes) = (0.0, 0.0);
            for seed in SORTITION_SEEDS {
                let (labels, used) = adaptive_em(ds, &params, seed);
                accuracy += ds.accuracy(&labels);
                votes += used as f64 / ds.items as f64;
            }
            (accuracy / n, votes / n, params)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)))
}
