//! Caps and defaults, each with the reasoning that sizes it.

use ale_math::inflation::ONE_ALE;

/// Epochs of bucket-B accounting kept in the ring of the reward pot and of each
/// community's work record. An epoch can be drawn until its slot is reused, i.e. for
/// EPOCH_RING_LEN - 1 epochs after it closes (63 weeks with the default epoch).
/// 64 x 40 bytes keeps the pot at 2.6 KB, well inside one `init` (10,240 bytes).
pub const EPOCH_RING_LEN: usize = 64;

/// Segments (pieces of time inside one epoch and one inflation year) one crank call
/// walks. Per segment: u128 math and one ring write (~2,000 CU), plus at most one
/// event CPI (~1,500 CU) and one year roll. Eight segments, one SPL mint_to (~4,700
/// CU) and account loading stay far under the 200,000 CU default. A crank that falls
/// further behind than 8 epochs catches up over several calls; users' instructions
/// require a current emission, so the keeper simply calls again.
pub const MAX_EMISSION_SEGMENTS: usize = 8;

/// Bucket A is distributed only while at least this much stake is active. With at
/// least 1 ALE of shares, one year's bucket A (<= 1.8e19 base units) raises the
/// accumulator by at most 1.8e19 x 1e18 / 1e9 = 1.8e28 per crank: u128 holds 1e10
/// such cranks, so dust stake cannot be used to overflow (and so halt) the crank.
pub const MIN_ACTIVE_STAKE_FOR_REWARDS: u64 = ONE_ALE;

pub const DEFAULT_COOLDOWN_SECONDS: i64 = 7 * 86_400;
pub const DEFAULT_EPOCH_SECONDS: i64 = 7 * 86_400;
pub const MAX_COOLDOWN_SECONDS: i64 = 365 * 86_400;
pub const MIN_EPOCH_SECONDS: i64 = 3_600;
pub const MAX_EPOCH_SECONDS: i64 = 90 * 86_400;
