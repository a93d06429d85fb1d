//! Pro-rata split: share_i = floor(amount x w_i / sum w). The shares never add up to
//! more than `amount`; what is left (the dust, at most n - 1 base units) goes to a sink
//! the caller names.

use crate::checked::{to_u64, CheckedMath};
use crate::error::{MathError, MathResult};

/// One holder's share of `amount` for weight `weight` out of `total_weight`.
pub fn pro_rata_share(amount: u64, weight: u64, total_weight: u128) -> MathResult<u64> {
    if total_weight == 0 {
        return Err(MathError::InvalidInput("total weight is zero"));
    }
    if weight as u128 > total_weight {
        return Err(MathError::InvalidInput("weight exceeds total weight"));
    }
    to_u64(
        (amount as u128)
            .safe_mul(weight as u128)?
            .safe_div(total_weight)?,
    )
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProRataSplit {
    pub shares: Vec<u64>,
    /// amount - sum(shares), for the named dust sink.
    pub dust: u64,
}

/// Splits `amount` across `weights`.
pub fn split_pro_rata(amount: u64, weights: &[u64]) -> MathResult<ProRataSplit> {
    let total_weight = weights
        .iter()
        .try_fold(0u128, |acc, &w| acc.safe_add(w as u128))?;
    if total_weight == 0 {
        return Err(MathError::InvalidInput("total weight is zero"));
    }
    let mut shares = Vec::with_capacity(weights.len());
    let mut paid = 0u64;
    for &w in weights {
        let share = pro_rata_share(amount, w, total_weight)?;
        paid = paid.safe_add(share)?;
        shares.push(share);
    }
    Ok(ProRataSplit {
        shares,
        dust: amount.safe_sub(paid)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn white_paper_example() {
        // Four winners with reputation 2 each split 100: 25 each, no dust.
        let s = split_pro_rata(100, &[2, 2, 2, 2]).unwrap();
        assert_eq!(s.shares, vec![25, 25, 25, 25]);
        assert_eq!(s.dust, 0);
        let s = split_pro_rata(10, &[1, 1, 1]).unwrap();
        assert_eq!(s.shares, vec![3, 3, 3]);
        assert_eq!(s.dust, 1);
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert!(split_pro_rata(10, &[]).is_err());
        assert!(split_pro_rata(10, &[0, 0]).is_err());
        assert!(pro_rata_share(10, 5, 4).is_err());
    }

    proptest! {
        #[test]
        fn split_conserves_and_is_exact(
            amount in 0u64..=u64::MAX,
            weights in proptest::collection::vec(0u64..=u64::MAX, 1..64),
        ) {
            let total: u128 = weights.iter().map(|&w| w as u128).sum();
            prop_assume!(total > 0);
            let split = split_pro_rata(amount, &weights).unwrap();
            let paid: u128 = split.shares.iter().map(|&s| s as u128).sum();
            prop_assert_eq!(paid + split.dust as u128, amount as u128);
            let nonzero = weights.iter().filter(|&&w| w > 0).count() as u64;
            prop_assert!(split.dust < nonzero.max(1));
            for (&w, &s) in weights.iter().zip(&split.shares) {
                prop_assert_eq!(s as u128, amount as u128 * w as u128 / total);
            }
        }
    }
}
