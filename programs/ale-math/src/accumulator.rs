//! Reward-per-share accumulator (O(1) per distribution and per claim, whatever the
//! number of holders). The division remainder is carried to the next distribution, so
//! with constant shares the accumulator equals floor(total distributed x SCALE / shares)
//! exactly, however the distributions were chunked.

use crate::checked::{to_u64, CheckedMath};
use crate::error::{MathError, MathResult};

/// Fixed-point scale of `per_share`. 1e18 keeps a holder's rounding loss at most
/// 1 + shares / 1e18 base units per settlement while `shares x delta` stays far below
/// u128::MAX: shares x delta(per_share) <= total ever distributed x 1e18 <= 1.8e37.
pub const REWARD_SCALE: u128 = 1_000_000_000_000_000_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RewardAccumulator {
    /// Rewards per share, scaled by [`REWARD_SCALE`].
    pub per_share: u128,
    /// Scaled remainder not yet credited to `per_share`; always < the shares it was
    /// divided by.
    pub carry: u128,
}

impl RewardAccumulator {
    /// Credits `amount` to `total_shares` shares.
    pub fn distribute(&mut self, amount: u64, total_shares: u64) -> MathResult<()> {
        if total_shares == 0 {
            return Err(MathError::InvalidInput("distribution to zero shares"));
        }
        let scaled = (amount as u128)
            .safe_mul(REWARD_SCALE)?
            .safe_add(self.carry)?;
        let shares = total_shares as u128;
        self.per_share = self.per_share.safe_add(scaled.safe_div(shares)?)?;
        self.carry = scaled.safe_rem(shares)?;
        Ok(())
    }
}

/// Rewards earned by `shares` since `checkpoint`: floor(shares x delta / SCALE).
pub fn pending_reward(shares: u64, per_share_now: u128, checkpoint: u128) -> MathResult<u64> {
    let delta = per_share_now.safe_sub(checkpoint)?;
    to_u64((shares as u128).safe_mul(delta)?.safe_div(REWARD_SCALE)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inflation::{GENESIS_SUPPLY, ONE_ALE};
    use proptest::prelude::*;

    #[test]
    fn white_paper_vector_single_staker() {
        // 2.5B ALE staked receive bucket A of a year: 200M ALE exactly.
        let staked = GENESIS_SUPPLY / 2;
        let mut acc = RewardAccumulator::default();
        acc.distribute(200_000_000 * ONE_ALE, staked).unwrap();
        assert_eq!(
            pending_reward(staked, acc.per_share, 0).unwrap(),
            200_000_000 * ONE_ALE
        );
    }

    #[test]
    fn zero_shares_and_overflow_are_errors() {
        let mut acc = RewardAccumulator::default();
        assert!(acc.distribute(1, 0).is_err());
        acc.per_share = u128::MAX - 1;
        assert!(acc.distribute(u64::MAX, 1).is_err());
        assert!(pending_reward(u64::MAX, u128::MAX, 0).is_err());
        assert!(pending_reward(1, 0, 1).is_err());
    }

    proptest! {
        #[test]
        fn chunking_does_not_change_the_accumulator(
            total_shares in 1u64..=u64::MAX,
            amounts in proptest::collection::vec(0u64..=1_000_000_000_000_000_000, 1..50),
        ) {
            let mut chunked = RewardAccumulator::default();
            let mut sum = 0u128;
            for &a in &amounts {
                chunked.distribute(a, total_shares).unwrap();
                sum += a as u128;
            }
            let expected = sum * REWARD_SCALE / total_shares as u128;
            prop_assert_eq!(chunked.per_share, expected);
            prop_assert!(chunked.carry < total_shares as u128);
        }

        #[test]
        fn holders_never_receive_more_than_distributed(
            stakes in proptest::collection::vec(1u64..=1_000_000_000_000_000_000, 1..20),
            amounts in proptest::collection::vec(0u64..=400_000_000_000_000_000, 1..20),
        ) {
            let total: u64 = stakes.iter().sum();
            let mut acc = RewardAccumulator::default();
            let mut distributed = 0u128;
            for &a in &amounts {
                acc.distribute(a, total).unwrap();
                distributed += a as u128;
            }
            let paid: u128 = stakes
                .iter()
                .map(|&s| pending_reward(s, acc.per_share, 0).unwrap() as u128)
                .sum();
            prop_assert!(paid <= distributed);
            // Loss: < 1 per holder from the final floor, plus total / SCALE from the
            // accumulator's own floor.
            let bound = stakes.len() as u128 + total as u128 / REWARD_SCALE + 1;
            prop_assert!(distributed - paid <= bound, "lost {}", distributed - paid);
        }
    }
}
