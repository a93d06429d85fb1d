//! The inflation schedule: 8% of supply a year, the year's budget fixed when the year
//! starts and emitted linearly. Emission is computed from cumulative totals (floor of
//! the elapsed share of the budget), so the sum emitted over a year is exactly the
//! budget whatever the number and timing of the calls that advance it.

use crate::checked::{mul_div_floor, CheckedMath};
use crate::error::{MathError, MathResult};

pub const ALE_DECIMALS: u8 = 9;
pub const ONE_ALE: u64 = 1_000_000_000;
/// 5,000,000,000 ALE in base units (5e18, below u64::MAX ~ 1.8e19).
pub const GENESIS_SUPPLY: u64 = 5_000_000_000 * ONE_ALE;
pub const INFLATION_RATE_BPS: u64 = 800;
pub const BPS_DENOMINATOR: u64 = 10_000;
pub const SECONDS_PER_YEAR: i64 = 365 * 86_400;

/// The budget of an inflation year that starts with `supply`: floor(8% x supply).
pub fn annual_budget(supply: u64) -> MathResult<u64> {
    mul_div_floor(supply, INFLATION_RATE_BPS, BPS_DENOMINATOR)
}

/// What one advance of the schedule emitted, split into the two halves:
/// bucket A (stakers) and bucket B (community reward pot).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Emission {
    pub total: u64,
    pub bucket_a: u64,
    pub bucket_b: u64,
}

/// Progress through one inflation year.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct YearProgress {
    pub year_start: i64,
    pub budget: u64,
    /// Emitted so far this year; never above `budget`.
    pub emitted: u64,
}

impl YearProgress {
    pub fn new(year_start: i64, supply: u64) -> MathResult<Self> {
        Ok(Self {
            year_start,
            budget: annual_budget(supply)?,
            emitted: 0,
        })
    }

    pub fn year_end(&self) -> MathResult<i64> {
        self.year_start.safe_add(SECONDS_PER_YEAR)
    }

    /// Total that should have been emitted by time `t` (clamped to the year).
    pub fn scheduled_by(&self, t: i64) -> MathResult<u64> {
        let elapsed = t.safe_sub(self.year_start)?.clamp(0, SECONDS_PER_YEAR);
        // elapsed is in [0, SECONDS_PER_YEAR], so the casts are lossless.
        mul_div_floor(self.budget, elapsed as u64, SECONDS_PER_YEAR as u64)
    }

    /// Emits what falls due between the previous advance and `t`. Bucket A is
    /// floor(emitted / 2) of the year's cumulative total, so the split is also
    /// independent of the call pattern; bucket B takes the rest.
    pub fn advance_to(&mut self, t: i64) -> MathResult<Emission> {
        let target = self.scheduled_by(t)?;
        if target < self.emitted {
            return Err(MathError::InvalidInput("schedule cannot move backwards"));
        }
        let total = target.safe_sub(self.emitted)?;
        let bucket_a = (target / 2).safe_sub(self.emitted / 2)?;
        let bucket_b = total.safe_sub(bucket_a)?;
        self.emitted = target;
        Ok(Emission {
            total,
            bucket_a,
            bucket_b,
        })
    }

    pub fn is_complete(&self) -> bool {
        self.emitted == self.budget
    }

    /// The next year, starting where this one ends, budgeted on `supply_now`.
    pub fn next_year(&self, supply_now: u64) -> MathResult<Self> {
        if !self.is_complete() {
            return Err(MathError::InvalidInput("year not fully emitted"));
        }
        Self::new(self.year_end()?, supply_now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn white_paper_budget() {
        // 8% of 5B ALE is 400M ALE.
        assert_eq!(
            annual_budget(GENESIS_SUPPLY).unwrap(),
            400_000_000 * ONE_ALE
        );
    }

    #[test]
    fn extreme_supply_is_an_error_not_a_panic() {
        assert!(annual_budget(u64::MAX).is_ok());
        let mut year = YearProgress::new(i64::MAX - 10, u64::MAX).unwrap();
        assert!(year.year_end().is_err());
        assert!(year.advance_to(i64::MIN).is_err());
    }

    #[test]
    fn moving_backwards_is_refused() {
        let mut year = YearProgress::new(0, GENESIS_SUPPLY).unwrap();
        year.advance_to(1000).unwrap();
        assert!(year.advance_to(10).is_err());
    }

    proptest! {
        #[test]
        fn emission_is_independent_of_call_pattern(
            supply in 0u64..=u64::MAX,
            mut cuts in proptest::collection::vec(0i64..=SECONDS_PER_YEAR, 0..200),
        ) {
            cuts.sort_unstable();
            let mut year = YearProgress::new(0, supply).unwrap();
            let (mut total, mut a, mut b) = (0u128, 0u128, 0u128);
            for t in cuts.into_iter().chain([SECONDS_PER_YEAR, SECONDS_PER_YEAR + 5]) {
                let e = year.advance_to(t).unwrap();
                prop_assert_eq!(e.total, e.bucket_a + e.bucket_b);
                total += e.total as u128;
                a += e.bucket_a as u128;
                b += e.bucket_b as u128;
            }
            let budget = annual_budget(supply).unwrap();
            prop_assert!(year.is_complete());
            prop_assert_eq!(total, budget as u128);
            prop_assert_eq!(a, (budget / 2) as u128);
            prop_assert_eq!(b, (budget - budget / 2) as u128);
        }

        #[test]
        fn scheduled_amount_is_linear_floor(supply in 0u64..=u64::MAX, t in 0i64..=SECONDS_PER_YEAR) {
            let year = YearProgress::new(0, supply).unwrap();
            let expected = (year.budget as u128 * t as u128) / SECONDS_PER_YEAR as u128;
            prop_assert_eq!(year.scheduled_by(t).unwrap() as u128, expected);
        }
    }
}
