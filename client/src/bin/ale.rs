//! `ale`: the command line of the ALE market.

use anyhow::Result;
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
}

#[tokio::main]
async fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Demo { quiet } => {
            let report = ale_client::demo::staking_walkthrough(!quiet).await?;
            print!("{}", report.render());
        }
    }
    Ok(())
}
