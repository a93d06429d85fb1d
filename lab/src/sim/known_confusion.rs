//! A ceiling for the goal: the Bayes rule with every worker's true confusion matrix,
//! counted against the gold truth of the whole dataset (half a count of smoothing per
//! cell), on at most half of each item's votes in a random order (the chain's
//! sortition): all of that half, or, adaptively, votes until the posterior of the
//! leading label reaches a confidence. No rule can know its workers this well: it learns
//! them from its own decisions, on the votes it has seen so far. What this reaches with
//! half the votes is a ceiling for any rule with half the votes (docs/QUALITY.md).

use super::baselines::log_confusion;
use super::dataset::SORTITION_SEEDS;
use super::Dataset;

const SMOOTHING: f64 = 0.5;
/// The adaptive variant: at least this many votes, then stop at this posterior.
pub const ADAPTIVE_MIN_VOTES: usize = 3;
pub const ADAPTIVE_CONFIDENCE: f64 = 0.999;

/// (labels, votes used) for one sortition order: each item's label from the first
/// half (rounded up) of its votes in that order, or, with `stop` (minimum votes,
/// confidence), from its first votes up to the first whose posterior reaches it.
pub fn known_confusion_half(
    ds: &Dataset,
    seed: u64,
    stop: Option<(usize, f64)>,
) -> (Vec<Option<u8>>, usize) {
    let k = ds.num_classes as usize;
    let log_likelihood = true_confusion(ds);
    let queues = ds.item_queues(|_| true, Some(seed));
    let mut votes = 0;
    let labels = queues
        .iter()
        .map(|queue| {
            let half = &queue[..queue.len().div_ceil(2)];
            let mut score = vec![0f64; k];
            let mut used = 0;
            for &(worker, said) in half {
                for (t, s) in score.iter_mut().enumerate() {
                    *s += log_likelihood[worker][t][said as usize];
                }
                used += 1;
                if let Some((min_votes, confidence)) = stop {
                    let top = score.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                    let posterior = 1.0 / score.iter().map(|s| (s - top).exp()).sum::<f64>();
                    if used >= min_votes && posterior >= confidence {
                        break;
                    }
                }
            }
            votes += used;
            let best = (0..k).max_by(|&a, &b| score[a].total_cmp(&score[b]).then(b.cmp(&a)));
            best.filter(|_| used > 0).map(|t| t as u8)
        })
        .collect();
    (labels, votes)
}

/// ln P(said | truth) by [worker][truth][said], from every worker's answers on items
/// with gold truth (SMOOTHING per cell).
pub fn true_confusion(ds: &Dataset) -> Vec<Vec<Vec<f64>>> {
    let k = ds.num_classes as usize;
    let mut counts = vec![vec![vec![SMOOTHING; k]; k]; ds.workers];
    for a in &ds.answers {
        if let Some(truth) = ds.truth[a.item] {
            counts[a.worker][truth as usize][a.label as usize] += 1.0;
        }
    }
    log_confusion(&counts)
}

/// Accuracy and votes per item, averaged over the sortition orders.
pub fn known_confusion_ceiling(ds: &Dataset, stop: Option<(usize, f64)>) -> (f64, f64) {
    let n = SORTITION_SEEDS.len() as f64;
    let (mut accuracy, mut votes) = (0.0, 0.0);
    for seed in SORTITION_SEEDS {
        let (labels, used) = known_confusion_half(ds, seed, stop);
        accuracy += ds.accuracy(&labels);
        votes += used as f64 / ds.items.max(1) as f64;
    }
    (accuracy / n, votes / n)
}
