//! Integer logarithms in Q16 fixed point (no floating point: the programs use them).

use crate::error::{MathError, MathResult};

/// 1.0 in Q16.
pub const Q16_ONE: i64 = 1 << 16;
/// ln(2) in Q16 (0.6931471806 x 65536).
const LN_2_Q16: i64 = 45_426;

/// log2(n) in Q16 for n >= 1, exact to 16 fractional bits (rounded down).
pub fn log2_q16(n: u64) -> MathResult<i64> {
    if n == 0 {
        return Err(MathError::InvalidInput("log of zero"));
    }
    let msb = 63 - n.leading_zeros() as i64;
    // y = n / 2^msb in Q63, in [1, 2): y < 2^64, so y^2 < 2^128 fits a u128.
    let mut y: u128 = (n as u128) << (63 - msb);
    let mut result = msb << 16;
    for bit in (0..16).rev() {
        y = (y * y) >> 63;
        if y >= 2u128 << 63 {
            y >>= 1;
            result |= 1 << bit;
        }
    }
    Ok(result)
}

/// ln(numerator / denominator) in Q16.
pub fn ln_ratio_q16(numerator: u64, denominator: u64) -> MathResult<i64> {
    let log2 = log2_q16(numerator)? - log2_q16(denominator)?;
    // |log2| <= 64 x 2^16, so the product stays far inside i64.
    Ok((log2 * LN_2_Q16) >> 16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_values() {
        assert_eq!(log2_q16(1).unwrap(), 0);
        assert_eq!(log2_q16(2).unwrap(), Q16_ONE);
        assert_eq!(log2_q16(1 << 40).unwrap(), 40 * Q16_ONE);
        assert!(log2_q16(0).is_err());
        assert_eq!(ln_ratio_q16(5, 5).unwrap(), 0);
    }

    proptest! {
        #[test]
        fn ln_matches_floating_point(n in 1u64..=u64::MAX, d in 1u64..=u64::MAX) {
            let exact = ((n as f64).ln() - (d as f64).ln()) * 65_536.0;
            let got = ln_ratio_q16(n, d).unwrap() as f64;
            prop_assert!((got - exact).abs() <= 4.0, "ln({n}/{d}): {got} vs {exact}");
        }
    }
}
