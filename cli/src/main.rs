//! `ale`: the command line of the ALE market.

mod cluster;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::cluster::Cluster;
use ale_keeper::{Keeper, KeeperConfig};
use ale_lab::market::{budget_replay, run_market, run_market_embedded, MarketPlan, MarketReport};
use ale_lab::sim::baselines::majority;
use ale_lab::sim::budget::{BudgetRule, ALE_RULE};
use ale_lab::sim::{curve, search, Dataset};
use ale_protocol::state::{Community, ConversionRate, JoinRule, Ticket};
use ale_sdk::operator::{self, Genesis};
use ale_sdk::worker::BallotStore;
use ale_sdk::{deploy, poster, staker, tokens, views, worker, TestCluster, Transport};
use anchor_lang::prelude::Pubkey;
use anyhow::{anyhow, bail, Context, Result};
use clap::{Parser, Subcommand};
use serde::Serialize;
use solana_keypair::{read_keypair_file, write_keypair_file};
use solana_sdk::signature::{Keypair, Signer};
use spl_associated_token_account_interface::address::get_associated_token_address_with_program_id as ata;

#[derive(Parser)]
#[command(
    name = "ale",
    // A later --url (or --keypair) wins, as in the Solana CLI.
    args_override_self = true,
    about = "ALE, the AI Learning Ecosystem: a market for human judgement on Solana"
)]
struct Cli {
    /// The cluster: `embedded:PATH` (the in-process runtime, its state kept in PATH
    /// between commands) or an RPC URL (devnet, mainnet, a local validator).
    #[arg(
        long,
        global = true,
        default_value = "embedded:.ale/embedded-ledger.json"
    )]
    url: String,
    /// The signing wallet, a Solana CLI keypair file.
    #[arg(long, global = true, default_value = "~/.config/solana/id.json")]
    keypair: String,
    /// Machine-readable output.
    #[arg(long, global = true)]
    json: bool,
    /// On RPC: how long to wait for a cluster that stops answering mid-command before
    /// giving up (`120s`, `5m`). A cluster that does not answer at the start is an
    /// error at once.
    #[arg(long, global = true, default_value = "120s", value_parser = humantime::parse_duration)]
    patience: std::time::Duration,
    /// On RPC: a priority fee, in micro-lamports per compute unit, on every
    /// transaction (the compute-unit limit is always set, from the SBF measurements).
    #[arg(long, global = true, default_value_t = 0)]
    unit_price: u64,
    #[command(subcommand)]
    command: Command,
}

/// A community by name or address.
#[derive(Clone, Debug)]
struct CommunityRef(String);

impl FromStr for CommunityRef {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_string()))
    }
}

/// Which part of a dataset a market run takes.
#[derive(clap::Args, Clone, Copy, Debug)]
struct Slice {
    /// Only the first N questions (default: all on the embedded runtime, 12 on RPC).
    #[arg(long)]
    items: Option<usize>,
    /// Only the first N workers (default: all on the embedded runtime, 9 on RPC; at
    /// most 16 with full coverage, an item's vote capacity).
    #[arg(long)]
    workers: Option<usize>,
}

/// Items and workers of a market run on a real cluster unless told otherwise: a run of
/// about four minutes on a local validator, two of them the windows.
const RPC_ITEMS: usize = 12;
const RPC_WORKERS: usize = 9;

#[derive(Subcommand)]
enum Command {
    /// Runs the demo on the embedded runtime: the market on a crowd dataset, then a
    /// year of inflation and staking. With an RPC `--url` (a local validator with ALE
    /// deployed), the market runs there in real time on the dataset's first items and
    /// workers (see `market`); the year of staking needs the embedded clock.
    Demo {
        /// A dataset folder (answer.csv and truth.csv).
        #[arg(long, default_value = "../shared/datasets/d_duck_identification")]
        dataset: PathBuf,
        #[command(flatten)]
        slice: Slice,
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
    ///
    /// With an RPC `--url` it runs there in real time: one-minute windows, and a
    /// consensus that asks every worker for every item (full coverage), so the labels
    /// match the embedded runtime's `--full-coverage` run item for item.
    Market {
        /// A dataset folder (answer.csv and truth.csv).
        #[arg(long, default_value = "../shared/datasets/d_duck_identification")]
        dataset: PathBuf,
        #[command(flatten)]
        slice: Slice,
        /// On the embedded runtime too: the real-time plan (full coverage, one-minute
        /// windows), to compare with a run on a validator.
        #[arg(long)]
        full_coverage: bool,
        /// Where the labelled dataset (labels.csv, labels.jsonl) goes.
        #[arg(long, default_value = "target/ale-market")]
        out: PathBuf,
        #[arg(long)]
        quiet: bool,
    },
    /// The benchmarks: the quality report, then the market's cost on every dataset.
    /// With an RPC `--url` (a local validator with ALE deployed), instead: the market
    /// in real time on a dataset's first items and workers there and on the embedded
    /// runtime, speed and fees side by side; fails unless they label alike.
    Bench {
        #[arg(long, default_value = "../shared/datasets")]
        datasets: PathBuf,
        /// The dataset of the two-cluster comparison.
        #[arg(long, default_value = "../shared/datasets/d_duck_identification")]
        dataset: PathBuf,
        #[command(flatten)]
        slice: Slice,
        /// Where the two runs' labels go (embedded/ and rpc/).
        #[arg(long, default_value = "target/ale-bench")]
        out: PathBuf,
    },
    /// The operator: deploy-time set-up and conversion rates.
    #[command(subcommand)]
    Operator(OperatorCommand),
    /// Community creators.
    #[command(subcommand)]
    Creator(CreatorCommand),
    /// Client companies: post jobs, watch, cancel, export labels.
    #[command(subcommand)]
    Poster(PosterCommand),
    /// Workers: join, take tickets, commit, reveal, claim.
    #[command(subcommand)]
    Worker(WorkerCommand),
    /// ALE holders: stake, unstake, withdraw, claim.
    #[command(subcommand)]
    Staker(StakerCommand),
    /// Runs the keeper: settles, refunds, closes, cranks inflation, pushes payouts.
    Keeper {
        /// Pass until nothing is left to do, then exit.
        #[arg(long)]
        once: bool,
        #[arg(long, default_value_t = 10)]
        interval_seconds: u64,
    },
    /// A community's members by reputation.
    Leaderboard {
        community: CommunityRef,
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
    /// Wallet and token helpers (some only on the embedded runtime).
    #[command(subcommand)]
    Wallet(WalletCommand),
    /// Replays crowd datasets through the consensus rule. With `--budgets`, prints the
    /// quality curve: accuracy at each share of the answers for the budgeted ALE rule,
    /// majority vote on the same share, Dawid–Skene on all and the known-confusion
    /// ceiling. Without, searches the template's parameters and prints that report.
    Quality {
        /// Dataset folders (answer.csv + truth.csv), or folders of them.
        #[arg(default_values = ["../shared/datasets"])]
        paths: Vec<PathBuf>,
        /// Rows of the search to print.
        #[arg(long, default_value_t = 8)]
        top: usize,
        /// Shares of the answers to buy, in percent (for example 10,20,50,100).
        #[arg(long, value_delimiter = ',')]
        budgets: Vec<f64>,
        /// Random arrival orders per share.
        #[arg(long, default_value_t = 20)]
        orders: u64,
        /// The poster's target confidence, in percent: an item stops once its
        /// posterior reaches it (by default only the budget stops items).
        #[arg(long)]
        target: Option<f64>,
        /// Also draw the curve into this PNG file.
        #[arg(long)]
        plot: Option<PathBuf>,
        /// Also check the targets (50%: within 1.5 points of Dawid–Skene on all; 40%:
        /// at least majority vote on all).
        #[arg(long)]
        targets: bool,
        /// Also replay the market on chain (embedded runtime) with a vote budget at each
        /// of `--market-budgets`, this many arrival seeds each, beside the simulator.
        #[arg(long, default_value_t = 0)]
        market_seeds: u64,
        /// Shares of the answers (percent) the on-chain replay buys.
        #[arg(long, value_delimiter = ',', default_values_t = [40.0, 50.0])]
        market_budgets: Vec<f64>,
        /// Steps of the closing Dawid–Skene re-score (0: the labels as the online rule
        /// decided them, as the chain delivers them today).
        #[arg(long, default_value_t = ALE_RULE.rescore_steps)]
        rescore_steps: usize,
    },
}

#[derive(Subcommand)]
enum OperatorCommand {
    /// Deploys both programs through the upgradeable loader, or upgrades them to the
    /// binaries given (what already runs is left alone), then runs the initialiser
    /// when `--treasury` is given.
    Deploy {
        /// Where ale_staking.so and ale_protocol.so are: by default where
        /// tools/sbf/build.sh puts them, `$CARGO_TARGET_DIR/deploy` or `target/deploy`.
        #[arg(long)]
        programs: Option<PathBuf>,
        /// ale-staking's program keypair (its address is the program id).
        #[arg(long, default_value = "keys/localnet/ale_staking-keypair.json")]
        staking_keypair: String,
        #[arg(long, default_value = "keys/localnet/ale_protocol-keypair.json")]
        protocol_keypair: String,
        /// The upgrade authority's keypair file; the wallet (`--keypair`) by default.
        #[arg(long)]
        upgrade_authority: Option<String>,
        /// Runs `operator init --treasury` once both programs are deployed.
        #[arg(long)]
        treasury: Option<Pubkey>,
    },
    /// Sets up both programs, genesis and the genesis communities; skips what is done.
    Init {
        /// Receives protocol fees; not the operator's wallet (which creates the
        /// genesis communities, and a community's creator must not be the treasury).
        #[arg(long)]
        treasury: Pubkey,
    },
    /// Values a payment mint's paid work in ALE: `ale_numerator / denominator` ALE
    /// base units per mint base unit.
    SetRate {
        #[arg(long)]
        mint: Pubkey,
        #[arg(long)]
        ale_numerator: u64,
        #[arg(long)]
        denominator: u64,
    },
}

#[derive(Subcommand)]
enum CreatorCommand {
    /// Creates a community from the template's defaults.
    CreateCommunity {
        #[arg(long)]
        name: String,
        #[arg(long)]
        skill: String,
        #[arg(long, default_value_t = 2)]
        classes: u8,
        /// Members must hold reputation in this community...
        #[arg(long)]
        prerequisite: Option<CommunityRef>,
        /// ...at least this much.
        #[arg(long, default_value_t = 0)]
        min_reputation: u64,
        /// Commit and reveal windows, each (at least a minute): `1h`, `60s`.
        #[arg(long, default_value = "1h", value_parser = humantime::parse_duration)]
        window: std::time::Duration,
    },
}

#[derive(Subcommand)]
enum PosterCommand {
    /// Posts and funds a batch from a file of items (CSV first column, or lines).
    Post {
        #[arg(long)]
        community: CommunityRef,
        #[arg(long)]
        items: PathBuf,
        /// The payment mint; paid from the wallet's associated token account.
        #[arg(long)]
        mint: Pubkey,
        /// Price in the mint's base units: per item, or per vote with `--votes-per-item`.
        #[arg(long)]
        price: u64,
        /// How long the batch runs: `48h`, `90m`, `300s`.
        #[arg(long, default_value = "48h", value_parser = humantime::parse_duration)]
        duration: std::time::Duration,
        /// Buy a vote budget: this mean of votes per item (say 5.5), escrowed at
        /// `--price` per vote and spent on the least certain items; what is not spent
        /// comes back at close. Without it, the community's schedule, priced per item.
        #[arg(long)]
        votes_per_item: Option<f64>,
        /// With a vote budget: stop an item once its label is this sure (say 0.99);
        /// without it the whole budget is spent.
        #[arg(long, requires = "votes_per_item")]
        target_confidence: Option<f64>,
    },
    /// Where a batch stands.
    Progress { batch: Pubkey },
    /// Cancels items nobody has voted on; their price comes back.
    Cancel {
        batch: Pubkey,
        #[arg(long)]
        first: u32,
        #[arg(long)]
        count: u32,
    },
    /// Writes labels.csv and labels.jsonl for a batch.
    Export {
        batch: Pubkey,
        /// The items file the batch was posted from (names the rows).
        #[arg(long)]
        items: PathBuf,
        #[arg(long, default_value = "labels")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum WorkerCommand {
    Join {
        community: CommunityRef,
    },
    /// Prints the items a ticket of the batch's current round would hold if taken now
    /// (once the round's sortition seed is drawn).
    Assignment {
        batch: Pubkey,
    },
    /// Takes a ticket in the batch's current round and prints the items assigned. With
    /// --labels (one per item of `assignment`, for a prefix of them; 255 skips an item)
    /// the take also commits them, in one transaction.
    Take {
        batch: Pubkey,
        #[arg(long, value_delimiter = ',')]
        labels: Option<Vec<u8>>,
    },
    /// Commits labels for the ticket of the current round, one per assigned item in
    /// order (255 skips an item). Labels and salt are saved before sending.
    Commit {
        batch: Pubkey,
        #[arg(long, value_delimiter = ',')]
        labels: Vec<u8>,
    },
    /// Reveals every saved ballot whose commit window has ended.
    Reveal,
    /// Claims pay in a mint from a community.
    Claim {
        community: CommunityRef,
        #[arg(long)]
        mint: Pubkey,
    },
    /// Lets the keeper push pay to your associated token accounts.
    PushPayouts {
        community: CommunityRef,
        #[arg(long)]
        off: bool,
    },
}

#[derive(Subcommand)]
enum StakerCommand {
    /// Stakes ALE (base units) from the wallet's ALE account.
    Stake { amount: u64 },
    /// Starts the cooldown of active stake (base units).
    Unstake { amount: u64 },
    /// Withdraws stake whose cooldown has ended.
    Withdraw,
    /// Claims staking rewards.
    Claim,
    /// The wallet's stake.
    Show,
}

#[derive(Subcommand)]
enum WalletCommand {
    /// Writes a new keypair file.
    New {
        #[arg(long)]
        out: PathBuf,
    },
    /// The wallet's address.
    Address,
    /// SOL from the cluster's faucet: the embedded bank's, a local validator's, devnet's.
    Airdrop {
        #[arg(long, default_value_t = 10)]
        sol: u64,
    },
    /// Creates an SPL Token mint with the wallet as its authority.
    CreateMint {
        #[arg(long, default_value_t = 6)]
        decimals: u8,
    },
    /// Mints (the wallet is the mint authority) to an owner's associated account.
    MintTo {
        #[arg(long)]
        mint: Pubkey,
        #[arg(long)]
        to: Pubkey,
        #[arg(long)]
        amount: u64,
    },
    /// Token balance of the wallet's associated account of a mint.
    Balance {
        #[arg(long)]
        mint: Pubkey,
    },
    /// Embedded runtime only: moves the clock forward.
    Warp { seconds: i64 },
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("ale_sdk=info,ale_keeper=info,ale_lab=info")
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Demo {
            dataset,
            slice,
            out,
            quiet,
        } => {
            let ds = Dataset::load(&dataset)?;
            let market = market_on(&cli.url, &ds, slice, false, cli.patience, !quiet).await?;
            market.export(&out)?;
            print!("{}", market.render());
            println!(
                "\nLabelled dataset: {}/labels.csv and labels.jsonl\n",
                out.display()
            );
            if cli.url.starts_with("embedded:") {
                let staking = ale_lab::demo::staking_walkthrough(!quiet).await?;
                print!("{}", staking.render());
            } else {
                println!(
                    "(the year of staking runs on the embedded runtime only: it warps the clock)"
                );
            }
        }
        Command::Market {
            dataset,
            slice,
            full_coverage,
            out,
            quiet,
        } => {
            let ds = Dataset::load(&dataset)?;
            let report =
                market_on(&cli.url, &ds, slice, full_coverage, cli.patience, !quiet).await?;
            report.export(&out)?;
            print!("{}", report.render());
            println!(
                "\nLabelled dataset: {}/labels.csv and labels.jsonl",
                out.display()
            );
        }
        Command::Quality {
            paths,
            top,
            budgets,
            orders,
            target,
            plot,
            targets,
            market_seeds,
            market_budgets,
            rescore_steps,
        } => {
            let sets = load_paths(&paths)?;
            if budgets.is_empty() {
                print!("{}", quality(&sets, top)?);
            } else {
                let mut rule = ALE_RULE;
                rule.rescore_steps = rescore_steps;
                if let Some(target) = target {
                    if !(50.0..100.0).contains(&target) {
                        bail!("--target is a confidence in percent, in [50, 100): {target}");
                    }
                    rule.target_confidence = target / 100.0;
                }
                let shares = budget_shares(&budgets)?;
                let market_shares = budget_shares(&market_budgets)?;
                let mut on_chain = Vec::new();
                for ds in &sets {
                    for &share in market_shares.iter().filter(|_| market_seeds > 0) {
                        on_chain.push(budget_replay(ds, share, market_seeds).await?);
                    }
                }
                let curve = QualityCurve {
                    rule,
                    shares,
                    orders,
                    plot,
                    targets,
                    on_chain,
                    market_seeds,
                };
                print!("{}", curve.run(&sets, cli.json)?);
            }
        }
        Command::Bench {
            dataset,
            slice,
            out,
            ..
        } if !cli.url.starts_with("embedded:") => {
            let ds = Dataset::load(&dataset)?;
            let slice = Slice {
                items: Some(slice.items.unwrap_or(RPC_ITEMS)),
                workers: Some(slice.workers.unwrap_or(RPC_WORKERS)),
            };
            let embedded = market_on("embedded:", &ds, slice, true, cli.patience, false).await?;
            let rpc = market_on(&cli.url, &ds, slice, true, cli.patience, false).await?;
            embedded.export(&out.join("embedded"))?;
            rpc.export(&out.join("rpc"))?;
            let comparison = ale_lab::market::Comparison {
                a: &embedded,
                b: &rpc,
            };
            print!("{}", comparison.render());
            let differing = comparison.differing_items();
            if !differing.is_empty() {
                bail!(
                    "the clusters labelled {} items differently",
                    differing.len()
                );
            }
        }
        Command::Bench { datasets, .. } => {
            let sets = load_all(&datasets)?;
            print!("{}", quality(&sets, 5)?);
            for ds in &sets {
                let report = run_market_embedded(ds, &MarketPlan::template(), false).await?;
                println!();
                print!("{}", report.render());
            }
        }
        Command::Wallet(WalletCommand::New { out }) => {
            let wallet = Keypair::new();
            write_keypair_file(&wallet, &out)
                .map_err(|e| anyhow!("write {}: {e}", out.display()))?;
            output(
                cli.json,
                &wallet.pubkey().to_string(),
                wallet.pubkey().to_string(),
            )?;
        }
        command => {
            let wallet = load_keypair(&cli.keypair)?;
            let mut cluster =
                Cluster::connect(&cli.url, &wallet, cli.patience, cli.unit_price).await?;
            // Deploying and wallet chores work on a cluster without ALE; the rest
            // would fail on its first read with a less helpful message.
            if !matches!(
                command,
                Command::Operator(OperatorCommand::Deploy { .. }) | Command::Wallet(_)
            ) {
                cluster.check_programs().await?;
            }
            let result = actor(&mut cluster, &wallet, cli.json, command).await;
            cluster.finish().await?;
            result?;
        }
    }
    Ok(())
}

/// The market on the cluster `url` names: a fresh embedded runtime for `embedded:`
/// (the template plan, or the real-time one with `full_coverage`), else the RPC
/// cluster, which must have ALE deployed, in real time, its faucet paying the wallets.
async fn market_on(
    url: &str,
    ds: &Dataset,
    slice: Slice,
    full_coverage: bool,
    patience: std::time::Duration,
    show_progress: bool,
) -> Result<MarketReport> {
    if url.starts_with("embedded:") {
        let ds = match (slice.items, slice.workers) {
            (None, None) => ds.clone(),
            (items, workers) => ds.first(items.unwrap_or(ds.items), workers.unwrap_or(ds.workers)),
        };
        let plan = if full_coverage {
            MarketPlan::real_time()
        } else {
            MarketPlan::template()
        };
        return run_market_embedded(&ds, &plan, show_progress).await;
    }
    let ds = ds.first(
        slice.items.unwrap_or(RPC_ITEMS),
        slice.workers.unwrap_or(RPC_WORKERS),
    );
    let keeper_wallet = Keypair::new();
    let mut rpc = Cluster::connect(url, &keeper_wallet, patience, 0).await?;
    rpc.check_programs().await?;
    // The keeper's cranks and relayed reveals are paid by its own wallet.
    rpc.airdrop(&keeper_wallet.pubkey(), 10 * ale_embedded::LAMPORTS_PER_SOL)
        .await?;
    run_market(rpc, url, &ds, &MarketPlan::real_time(), show_progress).await
}

fn load_keypair(path: &str) -> Result<Keypair> {
    let path = match path.strip_prefix("~/") {
        Some(rest) => PathBuf::from(std::env::var("HOME").context("HOME")?).join(rest),
        None => PathBuf::from(path),
    };
    read_keypair_file(&path).map_err(|e| anyhow!("keypair {}: {e}", path.display()))
}

/// Prints `value` as JSON with --json, else the human text.
fn output(json: bool, value: &impl Serialize, human: String) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(value)?);
    } else {
        println!("{human}");
    }
    Ok(())
}

async fn community(cluster: &mut Cluster, r: &CommunityRef) -> Result<Pubkey> {
    if let Ok(address) = Pubkey::from_str(&r.0) {
        return Ok(address);
    }
    operator::find_community(cluster, &r.0)
        .await?
        .with_context(|| format!("no community named {}", r.0))
}

fn ballots_path(wallet: &Keypair) -> PathBuf {
    Path::new(".ale/ballots").join(format!("{}.json", wallet.pubkey()))
}

/// The commands that act on a cluster as one of the market's actors.
async fn actor(
    cluster: &mut Cluster,
    wallet: &Keypair,
    json: bool,
    command: Command,
) -> Result<()> {
    let me = wallet.pubkey();
    match command {
        Command::Operator(OperatorCommand::Deploy {
            programs,
            staking_keypair,
            protocol_keypair,
            upgrade_authority,
            treasury,
        }) => {
            let authority = match upgrade_authority {
                Some(path) => load_keypair(&path)?,
                None => wallet.insecure_clone(),
            };
            let programs = programs.unwrap_or_else(ale_embedded::sbf_build_dir);
            let mut done = Vec::new();
            for (file, keypair, id) in [
                ("ale_staking.so", staking_keypair, ale_staking::ID),
                ("ale_protocol.so", protocol_keypair, ale_protocol::ID),
            ] {
                let program = load_keypair(&keypair)?;
                if program.pubkey() != id {
                    bail!(
                        "{keypair} is {}, but these binaries were built for {id}: \
                         write its address into declare_id! and rebuild",
                        program.pubkey()
                    );
                }
                let path = programs.join(file);
                let elf = std::fs::read(&path).with_context(|| {
                    format!("{} (build it with tools/sbf/build.sh)", path.display())
                })?;
                let outcome =
                    deploy::deploy_program(cluster, wallet, &program, &authority, &elf).await?;
                done.push((file.to_string(), id.to_string(), format!("{outcome:?}")));
            }
            let human = done
                .iter()
                .map(|(file, id, outcome)| format!("{file} at {id}: {outcome}"))
                .collect::<Vec<_>>()
                .join("\n");
            output(json, &done, human)?;
            if let Some(treasury) = treasury {
                let done = operator::bootstrap(cluster, wallet, &Genesis::launch(treasury)).await?;
                operator::ensure_admin(cluster, wallet).await?;
                output(
                    json,
                    &(done.steps_sent, done.steps_already_done),
                    format!(
                        "initialiser: {} steps sent, {} already done",
                        done.steps_sent, done.steps_already_done
                    ),
                )?;
            }
        }
        Command::Operator(OperatorCommand::Init { treasury }) => {
            let genesis = Genesis::launch(treasury);
            let done = operator::bootstrap(cluster, wallet, &genesis).await?;
            operator::ensure_admin(cluster, wallet).await?;
            let communities: Vec<(String, String)> = done
                .communities
                .iter()
                .map(|(n, a)| (n.clone(), a.to_string()))
                .collect();
            let human = format!(
                "{} steps sent, {} already done\n{}",
                done.steps_sent,
                done.steps_already_done,
                communities
                    .iter()
                    .map(|(n, a)| format!("{n}: {a}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            output(json, &communities, human)?;
        }
        Command::Operator(OperatorCommand::SetRate {
            mint,
            ale_numerator,
            denominator,
        }) => {
            let rate = ConversionRate {
                mint,
                ale_numerator,
                denominator,
            };
            cluster
                .send_transaction(
                    &[ale_sdk::protocol::set_conversion_rate(me, rate)],
                    &[wallet],
                )
                .await?;
            output(json, &mint.to_string(), format!("rate set for {mint}"))?;
        }
        Command::Creator(CreatorCommand::CreateCommunity {
            name,
            skill,
            classes,
            prerequisite,
            min_reputation,
            window,
        }) => {
            let join_rule = match prerequisite {
                None => JoinRule::Open,
                Some(p) => JoinRule::MinReputation {
                    prerequisite: community(cluster, &p).await?,
                    min_reputation,
                },
            };
            let mut params = operator::template(&name, &skill, classes, join_rule);
            let window = u32::try_from(window.as_secs()).context("--window")?;
            params.commit_window_seconds = window;
            params.reveal_window_seconds = window;
            let address = operator::create_community(cluster, wallet, params).await?;
            output(
                json,
                &address.to_string(),
                format!("community {name}: {address}"),
            )?;
        }
        Command::Poster(PosterCommand::Post {
            community: c,
            items,
            mint,
            price,
            duration,
            votes_per_item,
            target_confidence,
        }) => {
            let community = community(cluster, &c).await?;
            let token_program = cluster.token_program_of(mint).await?;
            let items = poster::read_items(&items)?;
            let budget = match votes_per_item {
                Some(mean) => poster::VoteBudget::per_item(mean, items.len(), target_confidence)?,
                None => poster::VoteBudget::default(),
            };
            let job = poster::Job {
                community,
                items,
                mint,
                poster_token: ata(&me, &mint, &token_program),
                price,
                duration_seconds: i64::try_from(duration.as_secs()).context("--duration")?,
                budget,
            };
            let posted = poster::post(cluster, wallet, &job).await?;
            let bought = match job.budget.votes {
                0 => String::new(),
                votes => format!(", {votes} votes bought"),
            };
            output(
                json,
                &posted.batch.to_string(),
                format!(
                    "batch {} ({} items{bought}; {} escrowed)",
                    posted.batch,
                    job.items.len(),
                    job.budget.escrow(job.items.len(), job.price)
                ),
            )?;
        }
        Command::Poster(PosterCommand::Progress { batch }) => {
            let p = poster::progress(cluster, batch).await?;
            let human = format!(
                "batch {}: {} items, {} decided, {} refunded, {} cancelled, {} open; {} votes{}; round {}; escrow left {}",
                p.batch, p.items, p.decided, p.refunded, p.cancelled, p.open, p.votes,
                if p.vote_budget > 0 { format!(" of {} bought", p.vote_budget) } else { String::new() },
                p.round, p.escrow_left
            );
            output(json, &p, human)?;
        }
        Command::Poster(PosterCommand::Cancel {
            batch,
            first,
            count,
        }) => {
            poster::cancel(cluster, wallet, batch, first, count).await?;
            output(
                json,
                &count,
                format!("cancelled {count} items from {first}"),
            )?;
        }
        Command::Poster(PosterCommand::Export { batch, items, out }) => {
            let names = poster::read_items(&items)?;
            let labels = poster::labels(cluster, batch, &names).await?;
            poster::export(&labels, &out)?;
            let decided = labels.iter().filter(|l| l.decided).count();
            output(
                json,
                &labels,
                format!(
                    "{decided} of {} items decided; written to {}",
                    labels.len(),
                    out.display()
                ),
            )?;
        }
        Command::Worker(WorkerCommand::Join { community: c }) => {
            let address = community(cluster, &c).await?;
            let target: Community = cluster.read(address).await?;
            match target.join_rule {
                JoinRule::Open => worker::join(cluster, wallet, address).await?,
                JoinRule::MinReputation { prerequisite, .. } => {
                    worker::join_with_reputation(cluster, wallet, address, prerequisite).await?
                }
                JoinRule::Qualification { .. } => {
                    bail!("this community admits by qualification exam; not in the CLI yet")
                }
            }
            output(json, &address.to_string(), format!("joined {address}"))?;
        }
        Command::Worker(WorkerCommand::Assignment { batch }) => {
            let Some(a) = worker::assignment(cluster, me, batch).await? else {
                bail!("this round's seed is not drawn yet: take a ticket without --labels, then commit");
            };
            output(
                json,
                &a.items,
                format!("round {}: items {:?}", a.round, a.items),
            )?;
        }
        Command::Worker(WorkerCommand::Take {
            batch,
            labels: None,
        }) => {
            let (round, items) = worker::take_ticket(cluster, wallet, batch).await?;
            output(json, &items, format!("round {round}: items {items:?}"))?;
        }
        Command::Worker(WorkerCommand::Take {
            batch,
            labels: Some(labels),
        }) => {
            let Some(a) = worker::assignment(cluster, me, batch).await? else {
                bail!("this round's seed is not drawn yet: take a ticket without --labels, then commit");
            };
            let mut store = BallotStore::open(&ballots_path(wallet))?;
            let n = worker::take_sealed(cluster, &mut store, wallet, batch, &a, labels).await?;
            let items = &a.items[..n];
            output(
                json,
                &items,
                format!(
                    "round {}: took and committed items {items:?}; ballot saved in {}",
                    a.round,
                    ballots_path(wallet).display()
                ),
            )?;
        }
        Command::Worker(WorkerCommand::Commit { batch, labels }) => {
            let b: ale_protocol::state::Batch = cluster.read(batch).await?;
            let round = b.settled_rounds;
            let ticket: Ticket = cluster
                .read(ale_sdk::pda::ticket(&batch, &me, round))
                .await?;
            let items = ticket.items[..ticket.item_count as usize].to_vec();
            let mut store = BallotStore::open(&ballots_path(wallet))?;
            worker::commit(cluster, &mut store, wallet, batch, round, items, labels).await?;
            output(
                json,
                &round,
                format!(
                    "committed round {round}; ballot saved in {}",
                    ballots_path(wallet).display()
                ),
            )?;
        }
        Command::Worker(WorkerCommand::Reveal) => {
            let mut store = BallotStore::open(&ballots_path(wallet))?;
            let revealed = worker::reveal_due(cluster, &mut store, wallet).await?;
            let waiting = store.pending().count();
            output(
                json,
                &revealed,
                format!("revealed {revealed}; {waiting} waiting for their reveal window"),
            )?;
        }
        Command::Worker(WorkerCommand::Claim { community: c, mint }) => {
            let address = community(cluster, &c).await?;
            let amount = worker::claim(cluster, wallet, address, mint).await?;
            output(json, &amount, format!("claimed {amount}"))?;
        }
        Command::Worker(WorkerCommand::PushPayouts { community: c, off }) => {
            let address = community(cluster, &c).await?;
            cluster
                .send_transaction(
                    &[ale_sdk::protocol::set_push_payouts(me, address, !off)],
                    &[wallet],
                )
                .await?;
            output(
                json,
                &!off,
                format!("push payouts {}", if off { "off" } else { "on" }),
            )?;
        }
        Command::Staker(cmd) => {
            match cmd {
                StakerCommand::Stake { amount } => staker::stake(cluster, wallet, amount).await?,
                StakerCommand::Unstake { amount } => {
                    staker::unstake(cluster, wallet, amount).await?
                }
                StakerCommand::Withdraw => staker::withdraw(cluster, wallet).await?,
                StakerCommand::Claim => {
                    staker::claim(cluster, wallet).await?;
                }
                StakerCommand::Show => {}
            }
            let view = staker::show(cluster, me).await?;
            let human = format!(
                "liquid {} ALE, active {}, cooling {} (until {}), claimable {}, claimed {}",
                ale_lab::demo::ale(view.liquid),
                ale_lab::demo::ale(view.active),
                ale_lab::demo::ale(view.cooling),
                view.cooldown_ends_at,
                ale_lab::demo::ale(view.claimable),
                ale_lab::demo::ale(view.total_claimed)
            );
            output(json, &view, human)?;
        }
        Command::Keeper {
            once,
            interval_seconds,
        } => {
            let keeper = Keeper::new(KeeperConfig {
                pass_interval: std::time::Duration::from_secs(interval_seconds),
                ..KeeperConfig::default()
            });
            if once {
                let report = keeper.run_until_idle(cluster).await?;
                output(json, &report, format!("{report:?}"))?;
            } else {
                keeper.run(cluster).await?;
            }
        }
        Command::Leaderboard { community: c, top } => {
            let address = community(cluster, &c).await?;
            let rows = views::leaderboard(cluster, address, top).await?;
            output(json, &rows, views::render_leaderboard(&rows))?;
        }
        Command::Wallet(cmd) => wallet_command(cluster, wallet, json, cmd).await?,
        Command::Demo { .. }
        | Command::Market { .. }
        | Command::Bench { .. }
        | Command::Quality { .. } => {
            unreachable!("handled in main")
        }
    }
    Ok(())
}

async fn wallet_command(
    cluster: &mut Cluster,
    wallet: &Keypair,
    json: bool,
    cmd: WalletCommand,
) -> Result<()> {
    let me = wallet.pubkey();
    match cmd {
        WalletCommand::New { .. } => unreachable!("handled in main"),
        WalletCommand::Address => output(json, &me.to_string(), me.to_string())?,
        WalletCommand::Airdrop { sol } => {
            let lamports = sol
                .checked_mul(ale_embedded::LAMPORTS_PER_SOL)
                .context("--sol too large")?;
            TestCluster::airdrop(cluster, &me, lamports).await?;
            output(json, &sol, format!("{sol} SOL to {me}"))?;
        }
        WalletCommand::CreateMint { decimals } => {
            let mint = tokens::create_mint(cluster, wallet, decimals).await?;
            output(json, &mint.to_string(), format!("mint {mint}"))?;
        }
        WalletCommand::MintTo { mint, to, amount } => {
            let destination = tokens::mint_to_owner(cluster, wallet, mint, &to, amount).await?;
            output(
                json,
                &destination.to_string(),
                format!("{amount} to {destination}"),
            )?;
        }
        WalletCommand::Balance { mint } => {
            let token_program = cluster.token_program_of(mint).await?;
            let balance = cluster
                .token_balance(ata(&me, &mint, &token_program))
                .await?;
            output(json, &balance, balance.to_string())?;
        }
        WalletCommand::Warp { seconds } => {
            let rt = cluster.embedded()?;
            let to = rt.now().await + seconds;
            rt.warp_to_timestamp(to).await;
            output(json, &to, format!("clock at {to}"))?;
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

/// Every dataset among `paths`: a folder with answer.csv is one, any other folder is
/// read for datasets one level down.
fn load_paths(paths: &[PathBuf]) -> Result<Vec<Dataset>> {
    let mut sets = Vec::new();
    for path in paths {
        if path.join("answer.csv").is_file() {
            sets.push(Dataset::load(path)?);
        } else {
            sets.extend(load_all(path)?);
        }
    }
    if sets.is_empty() {
        bail!("no dataset (a folder with answer.csv and truth.csv) among the paths given");
    }
    Ok(sets)
}

/// The search report: every dataset, the template defaults and the search's best.
fn quality(sets: &[Dataset], top: usize) -> Result<String> {
    let refs: Vec<_> = sets.iter().map(search::baselines).collect::<Result<_>>()?;
    let candidates = search::search(sets, &refs)?;
    search::report(sets, &refs, &candidates, top)
}

/// Percentages in (0, 100] as shares in (0, 1], in the order given.
fn budget_shares(budgets: &[f64]) -> Result<Vec<f64>> {
    budgets
        .iter()
        .map(|&b| {
            if b > 0.0 && b <= 100.0 {
                Ok(b / 100.0)
            } else {
                Err(anyhow!(
                    "a budget is a share of the answers in percent, in (0, 100]: {b}"
                ))
            }
        })
        .collect()
}

/// `ale quality --budgets`: the curve of every dataset as markdown (or JSON rows),
/// optionally plotted and checked against the targets.
struct QualityCurve {
    rule: BudgetRule,
    shares: Vec<f64>,
    orders: u64,
    plot: Option<PathBuf>,
    targets: bool,
    /// The market replayed on chain (`ale_on_chain` rows), from `market_seeds` seeds.
    on_chain: Vec<curve::Row>,
    market_seeds: u64,
}

impl QualityCurve {
    fn run(&self, sets: &[Dataset], json: bool) -> Result<String> {
        if self.orders == 0 {
            bail!("--orders must be at least 1");
        }
        let mut rows = Vec::new();
        for ds in sets {
            rows.extend(curve::curve(ds, &self.rule, &self.shares, self.orders));
        }
        rows.extend(self.on_chain.iter().cloned());
        if let Some(path) = &self.plot {
            curve::plot(&rows, path)?;
        }
        let mut out = if json {
            serde_json::to_string_pretty(&rows)? + "\n"
        } else {
            let mut out = curve::markdown(&rows, self.orders);
            if !self.on_chain.is_empty() {
                out.push_str(&curve::on_chain_markdown(&rows, self.market_seeds));
            }
            out
        };
        if self.targets {
            let majority_all: Vec<(String, f64)> = sets
                .iter()
                .map(|ds| (ds.name.clone(), ds.accuracy(&majority(ds))))
                .collect();
            let checks = curve::targets(&rows, &majority_all);
            if checks.is_empty() {
                bail!("--targets needs the 40 and 50 budgets");
            }
            // The targets go to stderr under --json, so stdout stays one JSON document.
            let table = curve::targets_markdown(&checks);
            if json {
                eprint!("{table}");
            } else {
                out.push_str("### Targets\n\n");
                out.push_str(&table);
            }
        }
        Ok(out)
    }
}
