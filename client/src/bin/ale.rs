//! `ale`: the command line of the ALE market.

use std::path::PathBuf;

use ale_client::sim::{search, Dataset};
use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "ale",
    about = "ALE, the AI Learning Ecosystem: a market for human judgement on Solana"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the demo on the embedded runtime: the market on a crowd dataset, then a
    /// year of inflation and staking.
    Demo {
        /// A dataset folder (answer.csv and truth.csv).
        #[arg(long, default_value = "../shared/datasets/s_dog")]
        dataset: PathBuf,
        /// Where the labelled dataset (labels.csv, labels.jsonl) goes.
        #[arg(long, default_value = "target/ale-demo")]
        out: PathBuf,
        /// No progress bars.
        #[arg(long)]
        quiet: bool,
    },
    /// Runs the whole market on the embedded runtime with a crowd dataset's workers and
    /// answers, prints accuracy, cost per phase and the leaderboard, and exports the
    /// labelled dataset.
    Market {
        /// A dataset folder (answer.csv and truth.csv).
        #[arg(long, default_value = "../shared/datasets/s_dog")]
        dataset: PathBuf,
        /// Where the labelled dataset (labels.csv, labels.jsonl) goes.
        #[arg(long, default_value = "target/ale-market")]
        out: PathBuf,
        #[arg(long)]
        quiet: bool,
    },
    /// The benchmarks: the quality report, then the market's cost on every dataset.
    Bench {
        #[arg(long, default_value = "../shared/datasets")]
        datasets: PathBuf,
    },
    /// Replays crowd datasets through the consensus rule, searches its parameters,
    /// and prints the quality report (markdown).
    Quality {
        /// Folder of datasets (each a folder with answer.csv and truth.csv).
        #[arg(long, default_value = "../shared/datasets")]
        datasets: PathBuf,
        /// Rows of the search to print.
        #[arg(long, default_value_t = 8)]
        top: usize,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Demo {
            dataset,
            out,
            quiet,
        } => {
            let ds = Dataset::load(&dataset)?;
            let market = ale_client::market::run_market(&ds, !quiet).await?;
            market.export(&out)?;
            print!("{}", market.render());
            println!(
                "\nLabelled dataset: {}/labels.csv and labels.jsonl\n",
                out.display()
            );
            let staking = ale_client::demo::staking_walkthrough(!quiet).await?;
            print!("{}", staking.render());
        }
        Command::Market {
            dataset,
            out,
            quiet,
        } => {
            let ds = Dataset::load(&dataset)?;
            let report = ale_client::market::run_market(&ds, !quiet).await?;
            report.export(&out)?;
            print!("{}", report.render());
            println!(
                "\nLabelled dataset: {}/labels.csv and labels.jsonl",
                out.display()
            );
        }
        Command::Quality { datasets, top } => print!("{}", quality(&datasets, top)?),
        Command::Bench { datasets } => {
            print!("{}", quality(&datasets, 5)?);
            for ds in load_all(&datasets)? {
                let report = ale_client::market::run_market(&ds, false).await?;
                println!();
                print!("{}", report.render());
            }
        }
    }
    Ok(())
}

fn load_all(dir: &PathBuf) -> Result<Vec<Dataset>> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("read {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    dirs.sort();
    dirs.iter().map(|d| Dataset::load(d)).collect()
}

/// The quality report: every dataset, the template defaults and the search's best.
fn quality(datasets: &PathBuf, top: usize) -> Result<String> {
    let sets = load_all(datasets)?;
    let refs: Vec<_> = sets.iter().map(search::baselines).collect::<Result<_>>()?;
    let candidates = search::search(&sets, &refs)?;
    let chosen = ale_client::sim::replay::DEFAULT_PARAMS;
    search::report(&sets, &refs, &chosen, &candidates, top)
}
