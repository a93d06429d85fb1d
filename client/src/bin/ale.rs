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
    /// Runs the demo on the embedded runtime (today: the staking walk-through).
    Demo {
        /// No progress bars.
        #[arg(long)]
        quiet: bool,
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
        Command::Demo { quiet } => {
            let report = ale_client::demo::staking_walkthrough(!quiet).await?;
            print!("{}", report.render());
        }
        Command::Quality { datasets, top } => {
            let mut dirs: Vec<PathBuf> = std::fs::read_dir(&datasets)
                .with_context(|| format!("read {}", datasets.display()))?
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<_, _>>()?;
            dirs.sort();
            let sets: Vec<Dataset> = dirs
                .iter()
                .map(|d| Dataset::load(d))
                .collect::<Result<_>>()?;
            let refs: Vec<_> = sets.iter().map(search::baselines).collect::<Result<_>>()?;
            let candidates = search::search(&sets, &refs)?;
            let chosen = ale_client::sim::replay::DEFAULT_PARAMS;
            print!(
                "{}",
                search::report(&sets, &refs, &chosen, &candidates, top)?
            );
        }
    }
    Ok(())
}
