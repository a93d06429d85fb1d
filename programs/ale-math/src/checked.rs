//! Checked arithmetic that returns a [`MathError`] naming the caller's location.
//! (`#[track_caller]` runs through these functions into the error constructors; a
//! closure such as `ok_or_else(MathError::overflow)` would break the chain.)

use crate::error::{MathError, MathResult};

pub trait CheckedMath: Sized + Copy {
    fn safe_add(self, rhs: Self) -> MathResult<Self>;
    fn safe_sub(self, rhs: Self) -> MathResult<Self>;
    fn safe_mul(self, rhs: Self) -> MathResult<Self>;
    fn safe_div(self, rhs: Self) -> MathResult<Self>;
    fn safe_rem(self, rhs: Self) -> MathResult<Self>;
}

macro_rules! impl_checked_math {
    ($($t:ty),*) => {$(
        impl CheckedMath for $t {
            #[track_caller]
            #[inline]
            fn safe_add(self, rhs: Self) -> MathResult<Self> {
                match self.checked_add(rhs) {
                    Some(value) => Ok(value),
                    None => Err(MathError::overflow()),
                }
            }
            #[track_caller]
            #[inline]
            fn safe_sub(self, rhs: Self) -> MathResult<Self> {
                match self.checked_sub(rhs) {
                    Some(value) => Ok(value),
                    None => Err(MathError::overflow()),
                }
            }
            #[track_caller]
            #[inline]
            fn safe_mul(self, rhs: Self) -> MathResult<Self> {
                match self.checked_mul(rhs) {
                    Some(value) => Ok(value),
                    None => Err(MathError::overflow()),
                }
            }
            #[track_caller]
            #[inline]
            fn safe_div(self, rhs: Self) -> MathResult<Self> {
                if rhs == 0 {
                    return Err(MathError::division_by_zero());
                }
                Ok(self / rhs)
            }
            #[track_caller]
            #[inline]
            fn safe_rem(self, rhs: Self) -> MathResult<Self> {
                if rhs == 0 {
                    return Err(MathError::division_by_zero());
                }
                Ok(self % rhs)
            }
        }
    )*};
}

impl_checked_math!(u8, u16, u32, u64, u128, i64, i128);

/// `u128 -> u64`, failing instead of truncating.
#[track_caller]
#[inline]
pub fn to_u64(value: u128) -> MathResult<u64> {
    match u64::try_from(value) {
        Ok(v) => Ok(v),
        Err(_) => Err(MathError::conversion()),
    }
}

/// `floor(a * b / d)` computed in u128, returned as u64.
#[track_caller]
#[inline]
pub fn mul_div_floor(a: u64, b: u64, d: u64) -> MathResult<u64> {
    let product = (a as u128).safe_mul(b as u128)?;
    to_u64(product.safe_div(d as u128)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_failing_line() {
        let err = u64::MAX.safe_add(1).unwrap_err();
        match err {
            MathError::Overflow { file, line } => {
                assert!(file.ends_with("checked.rs"));
                assert!(line > 0);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            5u64.safe_div(0),
            Err(MathError::DivisionByZero { .. })
        ));
        assert!(matches!(
            to_u64(u128::MAX),
            Err(MathError::Conversion { .. })
        ));
    }

    #[test]
    fn mul_div_floor_is_exact_for_wide_products() {
        assert_eq!(
            mul_div_floor(u64::MAX, u64::MAX, u64::MAX).unwrap(),
            u64::MAX
        );
        assert_eq!(mul_div_floor(10, 3, 4).unwrap(), 7);
        assert!(mul_div_floor(u64::MAX, 2, 1).is_err());
        assert!(mul_div_floor(1, 1, 0).is_err());
    }
}
