//! The offline references: plain majority vote and Dawid–Skene (full confusion
//! matrices, EM), both on all the votes.

use super::dataset::Answer;
use super::Dataset;

/// Majority label per item (ties to the lowest label).
pub fn majority(ds: &Dataset) -> Vec<Option<u8>> {
    let k = ds.num_classes as usize;
    let mut counts = vec![vec![0u32; k]; ds.items];
    for a in &ds.answers {
        counts[a.item][a.label as usize] += 1;
    }
    counts.iter().map(|c| plurality(c)).collect()
}

/// The label of most votes (ties to the lowest), none without votes.
fn plurality(counts: &[u32]) -> Option<u8> {
    let best = (0..counts.len()).max_by_key(|&l| (counts[l], std::cmp::Reverse(l)))?;
    (counts[best] > 0).then_some(best as u8)
}

/// Dawid–Skene on all the dataset's votes: the most probable label per item.
pub fn dawid_skene(ds: &Dataset, iterations: usize) -> Vec<Option<u8>> {
    dawid_skene_labels(ds, &ds.answers, iterations)
}

/// Dawid–Skene on `answers`: the most probable label per item (none without answers).
pub fn dawid_skene_labels(ds: &Dataset, answers: &[Answer], iterations: usize) -> Vec<Option<u8>> {
    let posterior = dawid_skene_posteriors(ds, answers, iterations);
    posterior
        .iter()
        .zip(votes_per_item(ds, answers))
        .map(|(p, votes)| (votes > 0).then(|| most_probable(p)))
        .collect()
}

/// Answers per item in `answers`.
pub fn votes_per_item(ds: &Dataset, answers: &[Answer]) -> Vec<usize> {
    let mut votes = vec![0; ds.items];
    for a in answers {
        votes[a.item] += 1;
    }
    votes
}

/// The label of highest posterior (ties to the lowest label).
pub fn most_probable(posterior: &[f64]) -> u8 {
    (0..posterior.len())
        .max_by(|&a, &b| posterior[a].total_cmp(&posterior[b]).then(b.cmp(&a)))
        .unwrap_or(0) as u8
}

/// Dawid–Skene by expectation–maximisation over `answers` (any subset of the
/// dataset's), started from vote shares; `iterations` rounds of EM with additive
/// smoothing of the confusion matrices. The posterior over labels per item (uniform
/// for an item without answers).
pub fn dawid_skene_posteriors(
    ds: &Dataset,
    answers: &[Answer],
    iterations: usize,
) -> Vec<Vec<f64>> {
    let k = ds.num_classes as usize;
    const SMOOTHING: f64 = 0.01;
    let mut posterior = vec![vec![0f64; k]; ds.items];
    for a in answers {
        posterior[a.item][a.label as usize] += 1.0;
    }
    for p in &mut posterior {
        let sum: f64 = p.iter().sum();
        if sum == 0.0 {
            p.iter_mut().for_each(|x| *x = 1.0 / k as f64);
        } else {
            p.iter_mut().for_each(|x| *x /= sum);
        }
    }
    let answered: Vec<bool> = votes_per_item(ds, answers).iter().map(|&v| v > 0).collect();
    for _ in 0..iterations {
        // M step: class priors and per-worker confusion matrices.
        let mut prior = vec![SMOOTHING; k];
        let mut confusion = vec![vec![vec![SMOOTHING; k]; k]; ds.workers];
        for (p, _) in posterior.iter().zip(&answered).filter(|(_, &a)| a) {
            for (c, x) in p.iter().enumerate() {
                prior[c] += x;
            }
        }
        for a in answers {
            for c in 0..k {
                confusion[a.worker][c][a.label as usize] += posterior[a.item][c];
            }
        }
        let prior_sum: f64 = prior.iter().sum();
        let log_prior: Vec<f64> = prior.iter().map(|p| (p / prior_sum).ln()).collect();
        let log_confusion = log_confusion(&confusion);
        // E step: posterior per item.
        let mut log_post: Vec<Vec<f64>> = vec![log_prior.clone(); ds.items];
        for a in answers {
            for c in 0..k {
                log_post[a.item][c] += log_confusion[a.worker][c][a.label as usize];
            }
        }
        for (item, lp) in log_post.iter().enumerate().filter(|&(i, _)| answered[i]) {
            let max = lp.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let exp: Vec<f64> = lp.iter().map(|x| (x - max).exp()).collect();
            let sum: f64 = exp.iter().sum();
            posterior[item] = exp.iter().map(|x| x / sum).collect();
        }
    }
    posterior
}

/// Per worker, ln P(said | truth) from confusion counts [worker][truth][said].
pub fn log_confusion(counts: &[Vec<Vec<f64>>]) -> Vec<Vec<Vec<f64>>> {
    counts
        .iter()
        .map(|m| {
            m.iter()
                .map(|row| {
                    let total: f64 = row.iter().sum();
                    row.iter().map(|n| (n / total).ln()).collect()
                })
                .collect()
        })
        .collect()
}

/// Majority vote on `share` of each item's answers (rounded so that the total is
/// `share` of all the answers), taken in the random order drawn from `seed`: (labels,
/// answers used).
pub fn majority_labels(ds: &Dataset, share: f64, seed: u64) -> (Vec<Option<u8>>, usize) {
    let k = ds.num_classes as usize;
    let (mut wanted, mut used) = (0.0, 0usize);
    let labels = ds
        .item_queues(|_| true, Some(seed))
        .iter()
        .map(|queue| {
            wanted += queue.len() as f64 * share;
            let take = (wanted.round() as usize)
                .saturating_sub(used)
                .min(queue.len());
            used += take;
            let mut counts = vec![0u32; k];
            for &(_, label) in &queue[..take] {
                counts[label as usize] += 1;
            }
            plurality(&counts)
        })
        .collect();
    (labels, used)
}
