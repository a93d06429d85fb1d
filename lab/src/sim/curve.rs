//! The quality curve: accuracy at each share of a dataset's answers, for the ALE rule
//! and its references, over random arrival orders; printed as markdown, JSON rows or a
//! PNG plot (`ale quality --budgets`).

use std::fmt::Write;
use std::path::Path;

use anyhow::{anyhow, Context, Result};
use serde::Serialize;

use super::baselines::{dawid_skene, majority_labels};
use super::budget::{budgeted, BudgetRule, Model};
use super::dataset::DAWID_SKENE_ITERATIONS;
use super::known_confusion::true_confusion;
use super::Dataset;

pub const ALE: &str = "ale";
pub const MAJORITY_VOTE: &str = "majority_vote";
pub const DAWID_SKENE_ALL: &str = "dawid_skene_all";
pub const KNOWN_CONFUSION: &str = "known_confusion";
/// The market replayed on chain (the embedded runtime) with a vote budget.
pub const ALE_ON_CHAIN: &str = "ale_on_chain";
/// The on-chain target: the 10th percentile within this of the mean.
pub const ON_CHAIN_P10_GAP: f64 = 0.03;

/// One figure: a method's accuracy on a dataset at a share of its answers, over the
/// arrival orders.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub dataset: String,
    pub method: &'static str,
    pub share: f64,
    pub mean: f64,
    pub p10: f64,
    pub sd: f64,
    pub votes_per_item: f64,
}

/// Mean, 10th percentile (nearest rank) and standard deviation.
pub fn summarise(values: &[f64]) -> (f64, f64, f64) {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((0.1 * sorted.len() as f64).ceil() as usize).max(1);
    let p10 = sorted.get(rank - 1).copied().unwrap_or(0.0);
    (mean, p10, variance.sqrt())
}

/// Every row for `ds`: at each share, the ALE rule, majority vote on the same share
/// and the known-confusion ceiling with the ALE rule's allocation; Dawid–Skene on all
/// the answers once (share 1.0).
pub fn curve(ds: &Dataset, rule: &BudgetRule, shares: &[f64], orders: u64) -> Vec<Row> {
    let known = true_confusion(ds);
    let per_item = |votes: usize| votes as f64 / ds.items.max(1) as f64;
    let row = |method, share, accuracy: &[f64], votes: &[f64]| {
        let (mean, p10, sd) = summarise(accuracy);
        Row {
            dataset: ds.name.clone(),
            method,
            share,
            mean,
            p10,
            sd,
            votes_per_item: votes.iter().sum::<f64>() / votes.len().max(1) as f64,
        }
    };
    let mut rows = Vec::new();
    for &share in shares {
        let (mut ale, mut ale_votes) = (Vec::new(), Vec::new());
        let (mut mv, mut mv_votes) = (Vec::new(), Vec::new());
        let (mut kc, mut kc_votes) = (Vec::new(), Vec::new());
        for seed in 1..=orders {
            let out = budgeted(ds, rule, share, Model::Learned, seed);
            ale.push(ds.accuracy(&out.labels));
            ale_votes.push(per_item(out.votes));
            let (labels, votes) = majority_labels(ds, share, seed);
            mv.push(ds.accuracy(&labels));
            mv_votes.push(per_item(votes));
            let out = budgeted(ds, rule, share, Model::Known(&known), seed);
            kc.push(ds.accuracy(&out.labels));
            kc_votes.push(per_item(out.votes));
        }
        rows.push(row(ALE, share, &ale, &ale_votes));
        rows.push(row(MAJORITY_VOTE, share, &mv, &mv_votes));
        rows.push(row(KNOWN_CONFUSION, share, &kc, &kc_votes));
    }
    let all = ds.accuracy(&dawid_skene(ds, DAWID_SKENE_ITERATIONS));
    rows.push(row(
        DAWID_SKENE_ALL,
        1.0,
        &[all],
        &[per_item(ds.answers.len())],
    ));
    rows
}

/// A row of `method` from per-run accuracies and votes per item.
pub fn summary_row(
    dataset: &str,
    method: &'static str,
    share: f64,
    accuracy: &[f64],
    votes_per_item: &[f64],
) -> Row {
    let (mean, p10, sd) = summarise(accuracy);
    Row {
        dataset: dataset.to_string(),
        method,
        share,
        mean,
        p10,
        sd,
        votes_per_item: votes_per_item.iter().sum::<f64>() / votes_per_item.len().max(1) as f64,
    }
}

/// The on-chain replays beside the simulator's figure at the same share, with the
/// on-chain target (p10 within ON_CHAIN_P10_GAP of the mean).
pub fn on_chain_markdown(rows: &[Row], seeds: u64) -> String {
    let mut out = format!(
        "### On chain\n\nThe market on the embedded runtime (the programs, the SPL Token \
         program, the keeper and the worker client), a vote budget of the share's answers \
         spent to the end, {seeds} arrival seeds; refunded items count as wrong.\n\n\
         | dataset | share of answers | simulator mean | simulator p10 | on-chain mean | \
         on-chain p10 | on-chain votes/item | p10 within 3 points of the mean |\n\
         |---|---:|---:|---:|---:|---:|---:|---|\n"
    );
    for chain in rows.iter().filter(|r| r.method == ALE_ON_CHAIN) {
        let sim = find(rows, &chain.dataset, ALE, chain.share);
        let gap = chain.mean - chain.p10;
        let _ = writeln!(
            out,
            "| {} | {:.0}% | {} | {} | {:.3} | {:.3} | {:.1} | {} ({:.1}) |",
            chain.dataset,
            chain.share * 100.0,
            sim.map_or("—".into(), |r| format!("{:.3}", r.mean)),
            sim.map_or("—".into(), |r| format!("{:.3}", r.p10)),
            chain.mean,
            chain.p10,
            chain.votes_per_item,
            if gap <= ON_CHAIN_P10_GAP {
                "yes"
            } else {
                "**no**"
            },
            gap * 100.0,
        );
    }
    out
}

fn find<'a>(rows: &'a [Row], dataset: &str, method: &str, share: f64) -> Option<&'a Row> {
    rows.iter()
        .find(|r| r.dataset == dataset && r.method == method && (r.share - share).abs() < 1e-9)
}

fn datasets_of(rows: &[Row]) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for r in rows {
        if !names.contains(&r.dataset.as_str()) {
            names.push(&r.dataset);
        }
    }
    names
}

fn shares_of(rows: &[Row]) -> Vec<f64> {
    let mut shares: Vec<f64> = Vec::new();
    for r in rows.iter().filter(|r| r.method == ALE) {
        if !shares.iter().any(|s| (s - r.share).abs() < 1e-9) {
            shares.push(r.share);
        }
    }
    shares
}

/// One table per dataset: a row per share, the ALE rule's mean, 10th percentile and
/// spread beside majority vote on the same share and the known-confusion ceiling, and
/// Dawid–Skene on all the answers as the mark.
pub fn markdown(rows: &[Row], orders: u64) -> String {
    let mut out = String::new();
    for name in datasets_of(rows) {
        let ds_all = find(rows, name, DAWID_SKENE_ALL, 1.0).map_or(f64::NAN, |r| r.mean);
        let _ = writeln!(
            out,
            "### {name}\n\nDawid–Skene on all the answers: **{ds_all:.3}**. Mean over {orders} \
             random arrival orders; p10 is the 10th percentile, sd the spread.\n"
        );
        out.push_str(
            "| share of answers | ALE mean | ALE p10 | ALE sd | ALE votes/item | majority vote | \
             known confusion (ceiling) | ALE − D&S on all |\n\
             |---:|---:|---:|---:|---:|---:|---:|---:|\n",
        );
        for share in shares_of(rows) {
            let (Some(ale), Some(mv), Some(kc)) = (
                find(rows, name, ALE, share),
                find(rows, name, MAJORITY_VOTE, share),
                find(rows, name, KNOWN_CONFUSION, share),
            ) else {
                continue;
            };
            let _ = writeln!(
                out,
                "| {:.0}% | {:.3} | {:.3} | {:.3} | {:.2} | {:.3} | {:.3} | {:+.3} |",
                share * 100.0,
                ale.mean,
                ale.p10,
                ale.sd,
                ale.votes_per_item,
                mv.mean,
                kc.mean,
                ale.mean - ds_all
            );
        }
        out.push('\n');
    }
    out
}

/// The targets for one dataset: at 50% of the answers within 1.5 points of
/// Dawid–Skene on all; at 40%, at least majority vote on all the answers.
#[derive(Clone, Debug)]
pub struct TargetCheck {
    pub dataset: String,
    pub target: &'static str,
    pub measured: f64,
    pub required: f64,
}

impl TargetCheck {
    pub fn met(&self) -> bool {
        self.measured + 1e-9 >= self.required
    }
}

pub const HALF_SHARE: f64 = 0.5;
pub const FORTY_SHARE: f64 = 0.4;
pub const HALF_TOLERANCE: f64 = 0.015;

/// The targets of every dataset, from rows that hold the 40% and 50% shares;
/// `majority_all` is each dataset's majority vote on all the answers.
pub fn targets(rows: &[Row], majority_all: &[(String, f64)]) -> Vec<TargetCheck> {
    let mut checks = Vec::new();
    for name in datasets_of(rows) {
        let ds_all = find(rows, name, DAWID_SKENE_ALL, 1.0).map(|r| r.mean);
        if let (Some(ale), Some(ds_all)) = (find(rows, name, ALE, HALF_SHARE), ds_all) {
            checks.push(TargetCheck {
                dataset: name.into(),
                target: "50% of the answers: within 1.5 points of Dawid–Skene on all",
                measured: ale.mean,
                required: ds_all - HALF_TOLERANCE,
            });
        }
        let mv_all = majority_all.iter().find(|(n, _)| n == name).map(|m| m.1);
        if let (Some(ale), Some(mv_all)) = (find(rows, name, ALE, FORTY_SHARE), mv_all) {
            checks.push(TargetCheck {
                dataset: name.into(),
                target: "40% of the answers: at least majority vote on all",
                measured: ale.mean,
                required: mv_all,
            });
        }
    }
    checks
}

pub fn targets_markdown(checks: &[TargetCheck]) -> String {
    let mut out = String::from(
        "| dataset | target | ALE | required | margin | met |\n|---|---|---:|---:|---:|---|\n",
    );
    for c in checks {
        let _ = writeln!(
            out,
            "| {} | {} | {:.3} | {:.3} | {:+.3} | {} |",
            c.dataset,
            c.target,
            c.measured,
            c.required,
            c.measured - c.required,
            if c.met() { "yes" } else { "**no**" }
        );
    }
    out
}

/// Where Debian's fonts-dejavu-core puts the plot's font.
const PLOT_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// One panel per dataset, one curve per method (accuracy against share of answers),
/// Dawid–Skene on all as a level line.
pub fn plot(rows: &[Row], path: &Path) -> Result<()> {
    use plotters::prelude::*;
    let font = std::fs::read(PLOT_FONT)
        .with_context(|| format!("read the plot's font {PLOT_FONT} (fonts-dejavu-core)"))?;
    plotters::style::register_font(
        "sans-serif",
        FontStyle::Normal,
        Box::leak(font.into_boxed_slice()),
    )
    .map_err(|_| anyhow!("{PLOT_FONT} is not a font"))?;
    let names = datasets_of(rows);
    let columns = names.len().clamp(1, 2);
    let lines = names.len().div_ceil(columns).max(1);
    let root =
        BitMapBackend::new(path, (640 * columns as u32, 440 * lines as u32)).into_drawing_area();
    root.fill(&WHITE)?;
    let methods: [(&str, &str, RGBColor); 5] = [
        (ALE, "ALE", RGBColor(200, 30, 30)),
        (ALE_ON_CHAIN, "ALE on chain", RGBColor(230, 140, 0)),
        (MAJORITY_VOTE, "majority vote", RGBColor(40, 90, 200)),
        (
            KNOWN_CONFUSION,
            "known confusion (ceiling)",
            RGBColor(30, 150, 60),
        ),
        (DAWID_SKENE_ALL, "Dawid–Skene on all", RGBColor(90, 90, 90)),
    ];
    for (panel, name) in root.split_evenly((lines, columns)).iter().zip(&names) {
        let of = |method: &str| -> Vec<(f64, f64)> {
            rows.iter()
                .filter(|r| r.dataset == *name && r.method == method)
                .map(|r| (r.share * 100.0, r.mean))
                .collect()
        };
        let low = rows
            .iter()
            .filter(|r| r.dataset == *name)
            .map(|r| r.mean)
            .fold(1.0, f64::min);
        let mut chart = ChartBuilder::on(panel)
            .caption(*name, ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..100f64, (low - 0.02).max(0.0)..1f64)?;
        chart
            .configure_mesh()
            .x_desc("share of the answers used (%)")
            .y_desc("accuracy")
            .draw()?;
        for (method, label, color) in methods {
            let points = of(method);
            let line = if method == DAWID_SKENE_ALL {
                points
                    .first()
                    .map_or(Vec::new(), |&(_, y)| vec![(0.0, y), (100.0, y)])
            } else {
                points
            };
            if line.is_empty() {
                continue;
            }
            chart
                .draw_series(LineSeries::new(line.clone(), color.stroke_width(2)))?
                .label(label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
            if method != DAWID_SKENE_ALL {
                chart.draw_series(line.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()?;
    }
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_ten_values_has_the_smallest_as_its_10th_percentile() {
        let values: Vec<f64> = (1..=10).map(|v| v as f64 / 10.0).collect();
        let (mean, p10, sd) = summarise(&values);
        assert!((mean - 0.55).abs() < 1e-12);
        assert_eq!(p10, 0.1);
        assert!((sd - 0.287_228).abs() < 1e-5);
        assert_eq!(summarise(&[0.7]), (0.7, 0.7, 0.0));
    }

    #[test]
    fn rows_are_flat_and_name_the_four_methods() {
        let row = Row {
            dataset: "d".into(),
            method: ALE,
            share: 0.5,
            mean: 0.9,
            p10: 0.8,
            sd: 0.01,
            votes_per_item: 5.0,
        };
        let json = serde_json::to_value(&row).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "dataset",
                "mean",
                "method",
                "p10",
                "sd",
                "share",
                "votes_per_item"
            ]
        );
        assert!(json
            .as_object()
            .unwrap()
            .values()
            .all(|v| !v.is_object() && !v.is_array()));
        assert_eq!(
            [ALE, MAJORITY_VOTE, DAWID_SKENE_ALL, KNOWN_CONFUSION],
            ["ale", "majority_vote", "dawid_skene_all", "known_confusion"]
        );
    }
}
