//! The whole market on a real crowd dataset (the demo's flow): every item ends decided
//! or refunded, escrow and rent balance out, and transactions stay within limits.

use std::path::PathBuf;

use ale_lab::market::{run_market_embedded, MarketPlan, PRICE_PER_ITEM};
use ale_lab::sim::Dataset;

#[tokio::test]
async fn the_market_runs_a_dense_crowd_dataset_end_to_end() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/datasets/d_duck_identification");
    let ds = Dataset::load(&dir).unwrap();
    let report = run_market_embedded(&ds, &MarketPlan::template(), false)
        .await
        .unwrap();
    assert_eq!(report.decided + report.refunded, ds.items);
    assert!(report.decided > ds.items / 2, "decided {}", report.decided);
    assert_eq!(report.labels.len(), ds.items);
    assert_eq!(
        report.labels.iter().filter(|l| l.decided).count(),
        report.decided
    );
    // The template's confusion rule decides a label only when it is the likelier one:
    // its exported confidence (the posterior) is above one half, below or at one.
    for l in report.labels.iter().filter(|l| l.decided) {
        assert!(
            l.confidence > 0.5 && l.confidence <= 1.0,
            "{}: confidence {}",
            l.item,
            l.confidence
        );
    }
    // Every decided item cost its price; refunds came back; workers got the pay.
    assert_eq!(report.poster_spent, PRICE_PER_ITEM * report.decided as u64);
    assert!(report.workers_paid > 0 && report.workers_paid < report.poster_spent);
    // Net rent of the batch's accounts is zero once it closes.
    assert_eq!(report.batch_rent_paid, report.batch_rent_returned);
    for (phase, cost) in &report.phases {
        assert!(
            cost.largest_bytes <= 1_232,
            "{phase}: {} bytes",
            cost.largest_bytes
        );
    }
    assert_eq!(report.settle_accounts, 21);
    assert!(report.most_votes_per_settle <= 256);
    // The export round-trips.
    let out = std::env::temp_dir().join(format!("ale-market-{}", std::process::id()));
    report.export(&out).unwrap();
    let csv = std::fs::read_to_string(out.join("labels.csv")).unwrap();
    assert_eq!(csv.lines().count(), ds.items + 1);
    assert_eq!(
        std::fs::read_to_string(out.join("labels.jsonl"))
            .unwrap()
            .lines()
            .count(),
        ds.items
    );
}
