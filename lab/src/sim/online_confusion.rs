//! A client-side reference for the confusion rule: online Dawid–Skene that re-weighs
//! every vote of an open item with the latest counts. Each member's full confusion
//! matrix is learned from the labels decided so far (counts of "decided t, said g",
//! with a diagonal prior), and an item is decided once the posterior of its leading
//! label reaches a confidence, in the same rounds and random sortition orders as the
//! protocol's replay. The chain's confusion rule fixes a vote's weight when it is
//! revealed (re-weighing would cost a logarithm per vote and class at settlement);
//! this shows what re-weighing would add (docs/QUALITY.md).

use super::Dataset;

#[derive(Clone, Copy, Debug)]
pub struct OnlineConfusionParams {
    pub min_votes: usize,
    pub votes_per_round: usize,
    pub max_votes: usize,
    /// Posterior of the leading label that decides an item before the cap.
    pub confidence: f64,
    /// Additive smoothing of every cell, and extra weight on the diagonal (the prior
    /// that a member is more often right than not).
    pub smoothing: f64,
    pub diagonal_prior: f64,
}

/// The best setting found on the shared datasets (in QUALITY.md's search).
pub const ONLINE_CONFUSION: OnlineConfusionParams = OnlineConfusionParams {
    min_votes: 3,
    votes_per_round: 2,
    max_votes: 15,
    confidence: 0.95,
    smoothing: 0.5,
    diagonal_prior: 2.0,
};

/// (labels, votes used) for one sortition order.
pub fn online_confusion(
    ds: &Dataset,
    params: &OnlineConfusionParams,
    seed: u64,
) -> (Vec<Option<u8>>, usize) {
    let k = ds.num_classes as usize;
    let queues = ds.item_queues(|_| true, Some(seed));
    // counts[worker][decided][said]
    let mut counts = vec![vec![vec![0f64; k]; k]; ds.workers];
    let mut taken = vec![0usize; ds.items];
    let mut labels: Vec<Option<u8>> = vec![None; ds.items];
    let mut open = vec![true; ds.items];
    let mut target = params.min_votes;
    let mut votes = 0usize;
    while open.iter().any(|&o| o) {
        let mut decided = Vec::new();
        let round: Vec<usize> = (0..ds.items).filter(|&i| open[i]).collect();
        for item in round {
            let reachable = target.min(queues[item].len());
            votes += reachable.saturating_sub(taken[item]);
            taken[item] = taken[item].max(reachable);
            let mut log_likelihood = vec![0f64; k];
            for &(worker, said) in &queues[item][..taken[item]] {
                for (truth, ll) in log_likelihood.iter_mut().enumerate() {
                    let row = &counts[worker][truth];
                    let total: f64 = row.iter().sum::<f64>()
                        + params.smoothing * k as f64
                        + params.diagonal_prior;
                    let diagonal = if truth == said as usize {
                        params.diagonal_prior
                    } else {
                        0.0
                    };
                    *ll += ((row[said as usize] + params.smoothing + diagonal) / total).ln();
                }
            }
            let (best, &top) = log_likelihood
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
                .expect("at least two classes");
            let posterior = 1.0 / log_likelihood.iter().map(|l| (l - top).exp()).sum::<f64>();
            let exhausted = taken[item] >= queues[item].len() || taken[item] >= params.max_votes;
            if (taken[item] >= params.min_votes && posterior >= params.confidence) || exhausted {
                open[item] = false;
                if taken[item] > 0 {
                    labels[item] = Some(best as u8);
                    decided.push(item);
                }
            }
        }
        for item in decided {
            let truth = labels[item].expect("decided") as usize;
            for &(worker, said) in &queues[item][..taken[item]] {
                counts[worker][truth][said as usize] += 1.0;
            }
        }
        target = (target + params.votes_per_round.max(1)).min(params.max_votes);
    }
    (labels, votes)
}
