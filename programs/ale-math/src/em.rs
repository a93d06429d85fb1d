//! The closing re-score of a vote budget: a few steps of Dawid–Skene EM over a batch's
//! collected votes, each worker's confusion matrix shrunk toward the batch's pooled one,
//! no class prior (the simulator's `rescore`, lab/src/sim/budget.rs). In fixed point
//! and u64 only, so that the program runs it in bounded, resumable calls: costs are
//! -ln P in Q12 nats (the confusion rule's `vote_costs` unit), probabilities and counts
//! in Q16.

use crate::checked::CheckedMath;
use crate::consensus::CONFUSION_CLASSES;
use crate::error::{MathError, MathResult};

/// EM steps of the re-score: 10 gain as much as 30 on the shared datasets at 40% and
/// 50% of the answers (`ale quality --rescore-steps`; docs/QUALITY.md).
pub const RESCORE_STEPS: u8 = 10;
/// 1.0 in Q16: a vote's posterior mass.
pub const PROBABILITY_ONE: u64 = 1 << 16;
/// Smoothing of every cell of the pooled matrix, and the weight of the pooled row in a
/// worker's (both 0.5, in Q16).
pub const CELL_SMOOTHING_Q16: u64 = 1 << 15;
pub const POOL_STRENGTH_Q16: u64 = 1 << 15;

const K: usize = CONFUSION_CLASSES;
/// 1 / ln 2 in Q16.
const INV_LN_2_Q16: u64 = 94_548;
/// ln 2 in Q16.
const LN_2_Q16: u64 = 45_426;
/// 2^(-2^j / 65536) in Q30, j = 0..16: 2^(-f) for a 16-bit fraction f is the product of
/// the entries of f's set bits.
const EXP2_NEG_BITS_Q30: [u64; 16] = [
    1_073_730_468,
    1_073_719_111,
    1_073_696_399,
    1_073_650_976,
    1_073_560_135,
    1_073_378_477,
    1_073_015_252,
    1_072_289_173,
    1_070_838_486,
    1_067_942_999,
    1_062_175_491,
    1_050_733_751,
    1_028_218_693,
    984_625_594,
    902_905_651,
    759_250_125,
];
const Q30: u32 = 30;

/// exp(-x) in Q16 for x >= 0 in Q16 nats (0 from about 21 nats on).
pub fn exp_neg_q16(x: u64) -> u64 {
    // exp(-x) = 2^(-x / ln 2) = 2^(-n) x 2^(-f).
    let Some(y) = x.checked_mul(INV_LN_2_Q16).map(|v| v >> 16) else {
        return 0;
    };
    let whole = y >> 16;
    if whole >= 31 {
        return 0;
    }
    let mut value = 1u64 << Q30;
    for (bit, factor) in EXP2_NEG_BITS_Q30.iter().enumerate() {
        if y & (1 << bit) != 0 {
            // Both below 2^30: the product is below 2^60.
            value = (value * factor) >> Q30;
        }
    }
    (value >> whole) >> (Q30 - 16)
}

/// log2(n) in Q16 for n >= 1, from a Q30 mantissa squared in u64; the 12 fractional
/// bits a Q12 cost needs are computed, the last 4 are zero.
pub fn log2_q16_fast(n: u64) -> MathResult<u64> {
    if n == 0 {
        return Err(MathError::InvalidInput("log of zero"));
    }
    let msb = 63 - n.leading_zeros();
    let mut y = if msb >= Q30 {
        n >> (msb - Q30)
    } else {
        n << (Q30 - msb)
    };
    let mut result = (msb as u64) << 16;
    for bit in (4..16).rev() {
        // y < 2^31, so y^2 < 2^62.
        y = (y * y) >> Q30;
        if y >= 2 << Q30 {
            y >>= 1;
            result |= 1 << bit;
        }
    }
    Ok(result)
}

/// ln(2^(log2_a - log2_b)) in Q12 (log2s in Q16, a >= b), capped at u16::MAX (16
/// nats): a cost.
fn cost_q12(log2_a: u64, log2_b: u64) -> MathResult<u16> {
    let nats_q16 = log2_a.saturating_sub(log2_b).safe_mul(LN_2_Q16)? >> 16;
    Ok((nats_q16 >> 4).min(u16::MAX as u64) as u16)
}

/// The posterior over `num_classes` classes from per-class summed costs (Q12 nats), in
/// Q16 probabilities summing to about 1.
pub fn posterior_q16(costs: &[u64; K], num_classes: u8) -> MathResult<[u64; K]> {
    let k = num_classes as usize;
    if !(2..=K).contains(&k) {
        return Err(MathError::InvalidInput(
            "re-score: class count out of range",
        ));
    }
    let least = costs[..k].iter().copied().min().unwrap_or(0);
    let mut weights = [0u64; K];
    let mut total = 0u64;
    for t in 0..k {
        // Q12 to Q16; a lead past 2^40 nats weighs nothing anyway.
        let lead = costs[t].safe_sub(least)?.min(1 << 40) << 4;
        weights[t] = exp_neg_q16(lead);
        total = total.safe_add(weights[t])?;
    }
    // The least costly class weighs exp(0) = 1, so the total is at least 2^16.
    for weight in weights.iter_mut().take(k) {
        *weight = weight.safe_mul(PROBABILITY_ONE)?.safe_div(total)?;
    }
    Ok(weights)
}

/// A worker's costs, -ln P(said | class t) in Q12 for every (t, said), from its
/// posterior-weighted `counts` (Q16) shrunk toward the batch's `pool` (the same counts
/// summed over workers, each cell smoothed): P = (n_ts + s p_ts / p_t) / (n_t + s).
pub fn shrunk_costs(
    counts: &[[u64; K]; K],
    pool: &[[u64; K]; K],
    num_classes: u8,
) -> MathResult<[[u16; K]; K]> {
    let k = num_classes as usize;
    if !(2..=K).contains(&k) {
        return Err(MathError::InvalidInput(
            "re-score: class count out of range",
        ));
    }
    let mut costs = [[0u16; K]; K];
    for t in 0..k {
        let row_total = counts[t][..k]
            .iter()
            .try_fold(0u64, |sum, &n| sum.safe_add(n))?;
        let pool_total = pool[t][..k]
            .iter()
            .try_fold(0u64, |sum, &n| sum.safe_add(n))?;
        if pool_total == 0 {
            return Err(MathError::InvalidInput("re-score: empty pooled row"));
        }
        let denominator = row_total.safe_add(POOL_STRENGTH_Q16)?;
        let log2_denominator = log2_q16_fast(denominator)?;
        for said in 0..k {
            let pooled = strength_share(pool[t][said], pool_total)?;
            let numerator = counts[t][said].safe_add(pooled)?.clamp(1, denominator);
            costs[t][said] = cost_q12(log2_denominator, log2_q16_fast(numerator)?)?;
        }
    }
    Ok(costs)
}

/// POOL_STRENGTH_Q16 x part / whole for part <= whole, in u64 only (a u128 division
/// costs the SBF VM thousands of units): both are shifted down to 48 bits first.
fn strength_share(part: u64, whole: u64) -> MathResult<u64> {
    if part > whole || whole == 0 {
        return Err(MathError::InvalidInput(
            "re-score: pooled cell above its row",
        ));
    }
    let shift = (u64::BITS - whole.leading_zeros()).saturating_sub(48);
    // part >> shift < 2^48, times 2^15 < 2^63.
    ((part >> shift) << POOL_STRENGTH_Q16.trailing_zeros()).safe_div((whole >> shift).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn exp_and_log_follow_floating_point() {
        for x in [0.0f64, 0.001, 0.3, 1.0, 2.5, 7.0, 15.0] {
            let got = exp_neg_q16((x * 65_536.0) as u64) as f64 / 65_536.0;
            assert!((got - (-x).exp()).abs() < 2e-4, "exp(-{x}) = {got}");
        }
        assert_eq!(exp_neg_q16(u64::MAX), 0);
        for n in [1u64, 2, 3, 1_000, 65_536, 1 << 40, u64::MAX] {
            let got = log2_q16_fast(n).unwrap() as f64 / 65_536.0;
            assert!((got - (n as f64).log2()).abs() < 1e-3, "log2({n}) = {got}");
        }
        assert!(log2_q16_fast(0).is_err());
        // Wide pooled rows keep the share.
        assert_eq!(
            strength_share(1 << 60, 1 << 62).unwrap(),
            POOL_STRENGTH_Q16 / 4
        );
        assert_eq!(strength_share(3, 4).unwrap(), 3 * POOL_STRENGTH_Q16 / 4);
        assert!(strength_share(5, 4).is_err());
    }

    #[test]
    fn the_posterior_weighs_classes_by_their_costs() {
        let nat = 4_096u64;
        // A lead of ln 3 nats: 3 to 1.
        let ln3 = (3f64.ln() * nat as f64) as u64;
        let q = posterior_q16(&[nat, nat + ln3, 0, 0], 2).unwrap();
        assert!((q[0] as f64 / 65_536.0 - 0.75).abs() < 1e-3, "{q:?}");
        assert!((q[1] as f64 / 65_536.0 - 0.25).abs() < 1e-3, "{q:?}");
        let even = posterior_q16(&[5, 5, 5, 5], 4).unwrap();
        assert!(even.iter().all(|&p| p.abs_diff(16_384) <= 1));
        assert!(posterior_q16(&[0; K], 5).is_err());
    }

    #[test]
    fn a_workers_costs_shrink_toward_the_pool() {
        let one = PROBABILITY_ONE;
        let mut pool = [[CELL_SMOOTHING_Q16; K]; K];
        // The batch says class 0 is answered 0 three times in four.
        pool[0][0] += 3 * one;
        pool[0][1] += one;
        // A worker that said 0 on two items of class 0.
        let mut counts = [[0u64; K]; K];
        counts[0][0] = 2 * one;
        let costs = shrunk_costs(&counts, &pool, 2).unwrap();
        // P(0 | 0) = (2 + 0.5 x 3.5/5) / 2.5 = 0.94, P(1 | 0) = 0.5 x 1.5/5 / 2.5 = 0.06.
        let p = |c: u16| (-(c as f64) / 4_096.0).exp();
        assert!((p(costs[0][0]) - 0.94).abs() < 2e-3, "{}", p(costs[0][0]));
        assert!((p(costs[0][1]) - 0.06).abs() < 2e-3, "{}", p(costs[0][1]));
        // No counts: the pooled row itself.
        let cold = shrunk_costs(&[[0; K]; K], &pool, 2).unwrap();
        assert!((p(cold[0][0]) - 0.7).abs() < 2e-3);
    }

    proptest! {
        #[test]
        fn posteriors_sum_to_one_and_order_as_the_costs(
            costs in proptest::array::uniform4(0u64..200_000),
            k in 2u8..=4,
        ) {
            let q = posterior_q16(&costs, k).unwrap();
            let sum: u64 = q[..k as usize].iter().sum();
            prop_assert!(sum.abs_diff(PROBABILITY_ONE) <= k as u64);
            for a in 0..k as usize {
                for b in 0..k as usize {
                    if costs[a] < costs[b] {
                        prop_assert!(q[a] >= q[b]);
                    }
                }
            }
        }
    }
}
