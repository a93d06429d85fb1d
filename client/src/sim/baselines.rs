//! The offline references: plain majority vote and Dawid–Skene (full confusion
//! matrices, EM), both on all the votes.

use super::Dataset;

/// Majority label per item (ties to the lowest label).
pub fn majority(ds: &Dataset) -> Vec<Option<u8>> {
    let k = ds.num_classes as usize;
    let mut counts = vec![vec![0u32; k]; ds.items];
    for a in &ds.answers {
        counts[a.item][a.label as usize] += 1;
    }
    counts
        .iter()
        .map(|c| {
            let best = (0..k).max_by_key(|&l| (c[l], std::cmp::Reverse(l)))?;
            (c[best] > 0).then_some(best as u8)
        })
        .collect()
}

/// Dawid–Skene by expectation–maximisation, started from majority vote; `iterations`
/// rounds of EM with additive smoothing of the confusion matrices.
pub fn dawid_skene(ds: &Dataset, iterations: usize) -> Vec<Option<u8>> {
    let k = ds.num_classes as usize;
    const SMOOTHING: f64 = 0.01;
    // Posterior over labels per item, started from vote shares.
    let mut posterior = vec![vec![0f64; k]; ds.items];
    for a in &ds.answers {
        posterior[a.item][a.label as usize] += 1.0;
    }
    for p in &mut posterior {
        let sum: f64 = p.iter().sum();
        p.iter_mut().for_each(|x| *x /= sum.max(1e-12));
    }
    for _ in 0..iterations {
        // M step: class priors and per-worker confusion matrices.
        let mut prior = vec![SMOOTHING; k];
        let mut confusion = vec![vec![vec![SMOOTHING; k]; k]; ds.workers];
        for p in &posterior {
            for (c, x) in p.iter().enumerate() {
                prior[c] += x;
            }
        }
        for a in &ds.answers {
            for c in 0..k {
                confusion[a.worker][c][a.label as usize] += posterior[a.item][c];
            }
        }
        let prior_sum: f64 = prior.iter().sum();
        let log_prior: Vec<f64> = prior.iter().map(|p| (p / prior_sum).ln()).collect();
        let log_confusion: Vec<Vec<Vec<f64>>> = confusion
            .iter()
            .map(|m| {
                m.iter()
                    .map(|row| {
                        let sum: f64 = row.iter().sum();
                        row.iter().map(|x| (x / sum).ln()).collect()
                    })
                    .collect()
            })
            .collect();
        // E step: posterior per item.
        let mut log_post: Vec<Vec<f64>> = vec![log_prior.clone(); ds.items];
        for a in &ds.answers {
            for c in 0..k {
                log_post[a.item][c] += log_confusion[a.worker][c][a.label as usize];
            }
        }
        for (item, lp) in log_post.iter().enumerate() {
            let max = lp.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let exp: Vec<f64> = lp.iter().map(|x| (x - max).exp()).collect();
            let sum: f64 = exp.iter().sum();
            posterior[item] = exp.iter().map(|x| x / sum).collect();
        }
    }
    posterior
        .iter()
        .map(|p| {
            let best = (0..k).max_by(|&a, &b| p[a].total_cmp(&p[b]).then(b.cmp(&a)))?;
            Some(best as u8)
        })
        .collect()
}
