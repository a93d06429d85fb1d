//! The README's demo command runs this walk-through: its figures must hold.

use ale_lab::demo::{ale, staking_walkthrough};
use ale_math::inflation::{GENESIS_SUPPLY, ONE_ALE};

#[tokio::test]
async fn staking_walkthrough_pays_the_white_paper_vector() {
    let report = staking_walkthrough(false).await.unwrap();
    let claimed: u64 = report.stakers.iter().map(|s| s.claimed).sum();
    let staked: u64 = report.stakers.iter().map(|s| s.staked).sum();
    assert_eq!(staked, GENESIS_SUPPLY / 2);
    assert!(200_000_000 * ONE_ALE - claimed <= 3);
    assert_eq!(report.emitted, 400_000_000 * ONE_ALE);
    assert_eq!(
        report.supply_after,
        report.supply_before + report.bucket_a_minted
    );
    assert!(report
        .render()
        .contains("| alice | 1,000,000,000.000000000 | 80,000,000.000000000 | 8.00% |"));
    assert_eq!(ale(1_234 * ONE_ALE + 5), "1,234.000000005");
}
