//! The market end to end on any cluster, driven by a real crowd dataset: the
//! operator sets up both programs, a client company posts the dataset's questions as
//! one batch paid in a stablecoin-like mint, the dataset's workers join, take tickets,
//! commit and reveal their real answers round by round, a keeper settles and refunds,
//! workers claim, and the batch closes. Every transaction is metered by phase. On the
//! embedded runtime the clock is warped through the windows; on a local validator the
//! run waits for them in real time.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use ale_protocol::state::{Batch, JoinRule, LedgerEntry, SKIP_LABEL};
use anyhow::{bail, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use solana_sdk::signature::{Keypair, Signer};
use spl_associated_token_account_interface::address::get_associated_token_address_with_program_id;

use crate::meter::{Metered, PhaseCost};
use crate::sim::curve::{summary_row, Row, ALE_ON_CHAIN};
use crate::sim::Dataset;
use ale_keeper::{Keeper, KeeperConfig};
use ale_sdk::poster::{self, LabelledItem};
use ale_sdk::protocol as ix;
use ale_sdk::test_cluster::{funded_wallet, funded_wallets};
use ale_sdk::views::{self, LeaderboardRow};
use ale_sdk::worker::{self, BallotStore};
use ale_sdk::{operator, pda, tokens, TestCluster, Transport};

/// Price per item, in base units of the 6-decimal stablecoin: $0.05.
pub const PRICE_PER_ITEM: u64 = 50_000;
/// Price per vote of a batch with a vote budget: $0.01.
pub const PRICE_PER_VOTE: u64 = 10_000;

/// The most rounds a budget run plans for (its deadline): the last one decides every
/// item with its minimum votes.
const MAX_BUDGET_ROUNDS: i64 = 200;

/// How a market run is set up.
#[derive(Clone, Debug)]
pub struct MarketPlan {
    /// Commit and reveal windows, each.
    pub window_seconds: u32,
    /// Every worker votes on every item in round 0 (min = max = votes per round =
    /// workers): the outcome then depends on the answers alone, not on the sortition's
    /// seed (a slot hash, different on every cluster), so every cluster labels alike.
    pub full_coverage: bool,
    /// How long after the deadline the keeper waits before it closes the batch.
    pub close_grace_seconds: i64,
    /// Seed of the workers' arrival order in each round.
    pub arrival_seed: u64,
    /// A vote budget of this share of the dataset's answers, spent to the end (no
    /// early stop), at PRICE_PER_VOTE; `None`: priced per item at the community's
    /// schedule. The community then allows up to MAX_VOTES_PER_ITEM votes an item.
    pub budget_share: Option<f64>,
}

impl MarketPlan {
    /// The demo's: the template's hour-long windows and consensus, a day's grace.
    pub fn template() -> Self {
        Self {
            window_seconds: operator::TEMPLATE_WINDOW_SECONDS,
            full_coverage: false,
            close_grace_seconds: KeeperConfig::default().close_grace_seconds,
            arrival_seed: 1,
            budget_share: None,
        }
    }

    /// The template's community and windows with a vote budget of `share` of the
    /// dataset's answers, workers arriving in the order of `arrival_seed`.
    pub fn budget(share: f64, arrival_seed: u64) -> Self {
        Self {
            budget_share: Some(share),
            arrival_seed,
            ..Self::template()
        }
    }

    /// For a cluster whose clock cannot be warped: the shortest windows the protocol
    /// allows, full coverage, closed at the deadline.
    pub fn real_time() -> Self {
        Self {
            window_seconds: ale_protocol::constants::MIN_WINDOW_SECONDS,
            full_coverage: true,
            close_grace_seconds: 0,
            arrival_seed: 1,
            budget_share: None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct MarketReport {
    pub dataset: String,
    /// Where it ran: "embedded runtime" or the RPC URL.
    pub cluster: String,
    pub items: usize,
    pub workers: usize,
    pub rounds: u32,
    pub decided: usize,
    pub refunded: usize,
    pub votes: u64,
    pub accuracy: f64,
    pub phases: BTreeMap<&'static str, PhaseCost>,
    /// Rent paid for the batch's own accounts (batch, vault, item table, tickets) and
    /// what closing gave back.
    pub batch_rent_paid: u64,
    pub batch_rent_returned: u64,
    pub most_votes_per_settle: u32,
    pub settle_accounts: usize,
    pub poster_spent: u64,
    /// Votes bought (0: priced per item).
    pub vote_budget: u32,
    pub workers_paid: u64,
    pub labels: Vec<LabelledItem>,
    pub leaderboard: Vec<LeaderboardRow>,
    pub wall_seconds: f64,
    /// From the post to the close, and the part of it spent waiting for windows to
    /// open or close (warped through on the embedded runtime).
    pub job_seconds: f64,
    pub waiting_seconds: f64,
}

fn progress(show: bool, len: u64, what: &str) -> ProgressBar {
    let bar = if show {
        ProgressBar::new(len)
    } else {
        ProgressBar::hidden()
    };
    if let Ok(style) =
        ProgressStyle::with_template(&format!("{what:>10} {{bar:40}} {{pos}}/{{len}}"))
    {
        bar.set_style(style);
    }
    bar
}

/// Runs the market on `cluster` (`name` says where, for the report).
pub async fn run_market<C: TestCluster>(
    cluster: C,
    name: &str,
    ds: &Dataset,
    plan: &MarketPlan,
    show_progress: bool,
) -> Result<MarketReport> {
    let started = Instant::now();
    let mut m = Metered::new(cluster);
    let keeper = Keeper::new(KeeperConfig {
        close_grace_seconds: plan.close_grace_seconds,
        ..KeeperConfig::default()
    });
    let mut rng = StdRng::seed_from_u64(plan.arrival_seed);

    // Operator: staking (ale-protocol reports to it), genesis, protocol config (each
    // step skipped where a deploy already did it).
    let operator = funded_wallet(&mut m, 100).await?;
    let treasury = Keypair::new();
    operator::bootstrap(
        &mut m,
        &operator,
        &operator::Genesis::with_treasury(treasury.pubkey()),
    )
    .await?;

    // A community creator opens an open community with the template defaults (or,
    // for full coverage, a consensus that asks every worker).
    let creator = funded_wallet(&mut m, 10).await?;
    let mut params = operator::template("Image labels", "image", ds.num_classes, JoinRule::Open);
    params.commit_window_seconds = plan.window_seconds;
    params.reveal_window_seconds = plan.window_seconds;
    if plan.full_coverage {
        let everyone = u8::try_from(ds.workers)
            .ok()
            .filter(|&w| w as usize <= ale_protocol::state::MAX_VOTES_PER_ITEM)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "full coverage takes at most {} workers, not {}",
                    ale_protocol::state::MAX_VOTES_PER_ITEM,
                    ds.workers
                )
            })?;
        params.consensus.min_votes = everyone;
        params.consensus.max_votes = everyone;
        params.consensus.votes_per_round = everyone;
    }
    if plan.budget_share.is_some() {
        params.consensus.max_votes = ale_protocol::state::MAX_VOTES_PER_ITEM as u8;
    }
    let consensus = params.consensus;
    let community = operator::create_community(&mut m, &creator, params).await?;

    // What the client company buys: per item, or a share of the dataset's answers as a
    // vote budget (within what the community's minimum and maximum allow).
    let (price, budget) = match plan.budget_share {
        None => (PRICE_PER_ITEM, poster::VoteBudget::default()),
        Some(share) => {
            let items = ds.items as f64;
            let per_item = (share * ds.answers.len() as f64 / items)
                .clamp(consensus.min_votes as f64, consensus.max_votes as f64);
            (
                PRICE_PER_VOTE,
                poster::VoteBudget::per_item(per_item, ds.items, None)?,
            )
        }
    };
    // A stablecoin, and the client company holding the batch's price in it.
    let usd_authority = funded_wallet(&mut m, 1).await?;
    let usd = tokens::create_mint(&mut m, &usd_authority, 6).await?;
    let poster = funded_wallet(&mut m, 50).await?;
    let deposit = budget.escrow(ds.items, price);
    let poster_token =
        tokens::mint_to_owner(&mut m, &usd_authority, usd, &poster.pubkey(), deposit).await?;

    // The dataset's workers join.
    let bar = progress(show_progress, ds.workers as u64, "join");
    let mut workers = Vec::with_capacity(ds.workers);
    for wallet in funded_wallets(&mut m, ds.workers, 1).await? {
        worker::join(&mut m, &wallet, community).await?;
        worker::opt_into_push(&mut m, &wallet, community, usd).await?;
        workers.push((wallet, BallotStore::in_memory()));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let mut answers: Vec<HashMap<usize, u8>> = vec![HashMap::new(); ds.workers];
    for a in &ds.answers {
        answers[a.worker].entry(a.item).or_insert(a.label);
    }

    // The client company posts every question as one batch.
    let job_started = Instant::now();
    let mut waiting = std::time::Duration::ZERO;
    let round_seconds = 2 * plan.window_seconds as i64;
    let max_rounds = if budget.votes > 0 {
        // The minimum, then half the open items' extra votes a round; sparse data (a
        // worker answered few of the items it is assigned) takes many rounds more: on
        // s_dog (~9% answered) 40% of the answers took 58 rounds.
        let extra = budget.votes as i64 - (consensus.min_votes as usize * ds.items) as i64;
        let per_round = (ds.items as i64 / 2).max(1);
        (8 + 20 * (extra + per_round - 1) / per_round).min(MAX_BUDGET_ROUNDS)
    } else {
        1 + (consensus.max_votes - consensus.min_votes) as i64
            / consensus.votes_per_round.max(1) as i64
    };
    let job = poster::Job {
        community,
        items: ds.question_ids.clone(),
        mint: usd,
        poster_token,
        price,
        // Every round, then one window more for the last settlement before refunds.
        duration_seconds: max_rounds * round_seconds + plan.window_seconds as i64,
        budget,
    };
    let posted = poster::post(&mut m, &poster, &job).await?;
    let batch_address = posted.batch;
    let batch: Batch = m.read(batch_address).await?;
    let poster_rent = lamports(&mut m, batch.item_table).await?
        + lamports(&mut m, batch_address).await?
        + lamports(&mut m, batch.vault).await?;
    let (mut ticket_rent, mut tickets) = (0u64, Vec::new());

    // Rounds: tickets and commits, reveals, then the keeper settles.
    let mut rounds = 0;
    let mut votes = 0u64;
    let settle_accounts = ix::settle_round(batch_address, &batch, usd, usd, 0, 1)
        .accounts
        .len();
    for round in 0..max_rounds as u32 {
        let start = batch.commit_end(round)? - plan.window_seconds as i64;
        waiting += wait(&mut m, start).await?;
        let bar = progress(show_progress, ds.workers as u64, &format!("round {round}"));
        let mut committed = 0;
        // Workers arrive in a random order each round, as they would on a live market.
        let mut arrivals: Vec<usize> = (0..workers.len()).collect();
        arrivals.shuffle(&mut rng);
        for w in arrivals {
            let (wallet, store) = &mut workers[w];
            bar.inc(1);
            let answers_of = &answers[w];
            let taken = worker::take_and_commit(&mut m, store, wallet, batch_address, |items| {
                items
                    .iter()
                    .map(|i| *answers_of.get(&(*i as usize)).unwrap_or(&SKIP_LABEL))
                    .collect()
            })
            .await;
            // No item left in this worker's probe window, or none it can judge.
            let round = match taken {
                Ok(Some((round, _))) => round,
                Ok(None) => continue,
                Err(e)
                    if matches!(e.error_name(), Some("NoItemsAvailable" | "VoteBudgetSpent")) =>
                {
                    continue
                }
                Err(e) => return Err(e.into()),
            };
            let ticket = pda::ticket(&batch_address, &wallet.pubkey(), round);
            ticket_rent += lamports(&mut m, ticket).await?;
            tickets.push(ticket);
            votes += store
                .pending()
                .find(|b| b.ticket == ticket.to_string())
                .map_or(0, |b| b.labels.iter().filter(|&&l| l != SKIP_LABEL).count())
                as u64;
            committed += 1;
        }
        bar.finish_and_clear();
        if committed == 0 && tickets.is_empty() {
            break;
        }
        rounds += 1;
        waiting += wait(&mut m, batch.commit_end(round)?).await?;
        // Workers hand their ballots to a relayer (here the keeper) once the commit
        // window has closed; it packs the reveals (which need no signature) into as few
        // transactions as fit, the round's settlement riding in the last one.
        let mut due = Vec::new();
        let mut owner = HashMap::new();
        for (w, (wallet, store)) in workers.iter_mut().enumerate() {
            for reveal in worker::due_reveals(&mut m, store, wallet.pubkey()).await? {
                owner.insert(reveal.ticket.clone(), w);
                due.push(reveal);
            }
        }
        for ticket in keeper.relay_reveals(&mut m, &due).await? {
            workers[owner[&ticket]].1.forget(&ticket)?;
        }
        waiting += wait(&mut m, batch.reveal_end(round)?).await?;
        keeper.run_until_idle(&mut m).await?;
        let state: Batch = m.read(batch_address).await?;
        // Every item decided, or a vote budget's last round settled.
        let budget_spent = state.has_vote_budget() && state.votes_cast >= state.vote_budget;
        if state.items_decided as usize == ds.items || (budget_spent && state.round_reserved == 0) {
            break;
        }
    }

    // At the deadline (or once every item is decided) the keeper refunds what was not
    // decided and, the batch being finished, pushes the workers' pay to their token
    // accounts; the poster exports the labelled dataset; a worker with pay left (none,
    // when every push landed) claims it.
    let state: Batch = m.read(batch_address).await?;
    if !state.is_finished() {
        waiting += wait(&mut m, batch.deadline).await?;
    }
    keeper.run_until_idle(&mut m).await?;
    let labels: Vec<LabelledItem> = poster::labels(&mut m, batch_address, &ds.question_ids).await?;
    let state: Batch = m.read(batch_address).await?;
    let ledger = m.data(pda::ledger(&community)).await?;
    let entries: Vec<LedgerEntry> = views::ledger_members(&ledger)?.to_vec();
    let bar = progress(show_progress, ds.workers as u64, "claims");
    let mut workers_paid = 0;
    for (w, (wallet, _)) in workers.iter().enumerate() {
        bar.inc(1);
        if entries[w].claimable[0] > 0 {
            worker::claim(&mut m, wallet, community, usd).await?;
        }
        let own = get_associated_token_address_with_program_id(
            &wallet.pubkey(),
            &usd,
            &spl_token_interface::ID,
        );
        workers_paid += m.token_balance(own).await?;
    }
    bar.finish_and_clear();

    // After the export grace period the keeper closes the batch: rent back.
    let before_close = lamports(&mut m, poster.pubkey()).await?;
    waiting += wait(&mut m, batch.deadline + keeper.config.close_grace_seconds).await?;
    let closing = keeper.run_until_idle(&mut m).await?;
    if closing.batches_closed != 1 {
        bail!("the keeper did not close the batch");
    }
    let job_seconds = job_started.elapsed().as_secs_f64();
    let mut batch_rent_returned = lamports(&mut m, poster.pubkey()).await? - before_close;
    // Tickets closed at reveal (rent to the worker) or by the keeper after the round.
    let mut tickets_left = 0;
    for ticket in &tickets {
        tickets_left += m.get_account(*ticket).await?.is_some() as usize;
    }
    if tickets_left == 0 {
        batch_rent_returned += ticket_rent;
    }
    let batch_rent_paid = poster_rent + ticket_rent;
    let poster_spent = deposit - m.token_balance(poster_token).await?;
    if state.items_decided as usize + state.items_refunded as usize != ds.items {
        bail!("items neither decided nor refunded");
    }

    let leaderboard = views::rank(
        entries
            .iter()
            .enumerate()
            .map(|(w, e)| LeaderboardRow::of(format!("worker {}", w + 1), e))
            .collect(),
        10,
    );

    let decided_labels: Vec<Option<u8>> = labels.iter().map(|l| l.label).collect();
    Ok(MarketReport {
        dataset: ds.name.clone(),
        cluster: name.to_string(),
        items: ds.items,
        workers: ds.workers,
        rounds,
        decided: state.items_decided as usize,
        refunded: state.items_refunded as usize,
        votes,
        accuracy: ds.accuracy(&decided_labels),
        most_votes_per_settle: m.most_votes_per_settle,
        phases: m.phases,
        batch_rent_paid,
        batch_rent_returned,
        settle_accounts,
        poster_spent,
        vote_budget: budget.votes,
        workers_paid,
        labels,
        leaderboard,
        wall_seconds: started.elapsed().as_secs_f64(),
        job_seconds,
        waiting_seconds: waiting.as_secs_f64(),
    })
}

/// The budget rule on chain: the market on a fresh embedded runtime with a vote budget
/// of `share` of the dataset's answers, once per arrival seed 1..=`seeds`; its
/// accuracy (refunded items wrong) as the quality curve's `ale_on_chain` row.
pub async fn budget_replay(ds: &Dataset, share: f64, seeds: u64) -> Result<Row> {
    let (mut accuracy, mut votes) = (Vec::new(), Vec::new());
    for seed in 1..=seeds {
        let report = run_market_embedded(ds, &MarketPlan::budget(share, seed), false).await?;
        accuracy.push(report.accuracy);
        votes.push(report.votes as f64 / ds.items.max(1) as f64);
    }
    Ok(summary_row(
        &ds.name,
        ALE_ON_CHAIN,
        share,
        &accuracy,
        &votes,
    ))
}

/// The market on a fresh embedded runtime.
pub async fn run_market_embedded(
    ds: &Dataset,
    plan: &MarketPlan,
    show_progress: bool,
) -> Result<MarketReport> {
    let runtime = ale_embedded::EmbeddedRuntime::start().await;
    run_market(runtime, "embedded runtime", ds, plan, show_progress).await
}

async fn lamports<T: Transport>(t: &mut T, address: solana_sdk::pubkey::Pubkey) -> Result<u64> {
    Ok(t.get_account(address).await?.map_or(0, |a| a.lamports))
}

/// Waits for the cluster clock to reach `unix_timestamp`; returns how long that took.
async fn wait<C: TestCluster>(c: &mut C, unix_timestamp: i64) -> Result<std::time::Duration> {
    let started = Instant::now();
    c.wait_until(unix_timestamp).await?;
    Ok(started.elapsed())
}

impl MarketReport {
    /// The job's time not spent waiting for a window.
    pub fn busy_seconds(&self) -> f64 {
        (self.job_seconds - self.waiting_seconds).max(1e-3)
    }

    /// Decided items per second of the job's busy time.
    pub fn labels_per_busy_second(&self) -> f64 {
        self.decided as f64 / self.busy_seconds()
    }

    /// Fees per 1,000 decided items, in lamports.
    pub fn fees_per_thousand_labels(&self, cost: &PhaseCost) -> u64 {
        (cost.fees() as u128 * 1_000 / self.decided.max(1) as u128) as u64
    }

    /// Fees per 1,000 votes (one worker's revealed label on one item), in lamports.
    pub fn fees_per_thousand_votes(&self, cost: &PhaseCost) -> u64 {
        (cost.fees() as u128 * 1_000 / self.votes.max(1) as u128) as u64
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "## ALE market on the {}: {}\n\n",
            self.cluster, self.dataset
        ));
        let priced = match self.vote_budget {
            0 => format!("at ${:.2} each", PRICE_PER_ITEM as f64 / 1e6),
            votes => format!(
                "with a budget of {votes} votes at ${:.2} each",
                PRICE_PER_VOTE as f64 / 1e6
            ),
        };
        out.push_str(&format!(
            "{} items posted {priced} in a stablecoin; {} workers; {} rounds; {} decided, {} refunded; {} votes ({:.2} per item).\n\n",
            self.items,
            self.workers,
            self.rounds,
            self.decided,
            self.refunded,
            self.votes,
            self.votes as f64 / self.items.max(1) as f64
        ));
        out.push_str(&format!(
            "Accuracy against the dataset's gold truth (refunded items count as wrong): {:.3}\n\n",
            self.accuracy
        ));
        out.push_str("| phase | transactions | fees (lamports) | per 1,000 decided items | per 1,000 votes | largest tx (bytes) |\n|---|---:|---:|---:|---:|---:|\n");
        let mut total = PhaseCost::default();
        for (phase, cost) in &self.phases {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                phase,
                cost.transactions,
                cost.fees(),
                self.fees_per_thousand_labels(cost),
                self.fees_per_thousand_votes(cost),
                cost.largest_bytes
            ));
            if !matches!(*phase, "setup" | "join") {
                total.transactions += cost.transactions;
                total.signatures += cost.signatures;
                total.largest_bytes = total.largest_bytes.max(cost.largest_bytes);
            }
        }
        out.push_str(&format!(
            "| **job (post to close)** | {} | {} | {} | {} | {} |\n\n",
            total.transactions,
            total.fees(),
            self.fees_per_thousand_labels(&total),
            self.fees_per_thousand_votes(&total),
            total.largest_bytes
        ));
        out.push_str(&format!(
            "Fees per vote (one worker's label on one item, DESIGN.md's cost unit): {} lamports; per decided item: {} lamports (one-time setup and joining excluded). Largest transaction {} of 1,232 bytes.\n",
            self.fees_per_thousand_votes(&total) / 1_000,
            self.fees_per_thousand_labels(&total) / 1_000,
            total.largest_bytes
        ));
        out.push_str(&format!(
            "Votes credited by one settle transaction: up to {}; accounts per settle transaction: {} (fixed).\n",
            self.most_votes_per_settle, self.settle_accounts
        ));
        out.push_str(&format!(
            "Rent of the batch's accounts: {} lamports paid, {} returned: net {}.\n",
            self.batch_rent_paid,
            self.batch_rent_returned,
            self.batch_rent_paid as i128 - self.batch_rent_returned as i128
        ));
        out.push_str(&format!(
            "Poster spent {} (stablecoin base units); workers claimed {}.\n",
            self.poster_spent, self.workers_paid
        ));
        out.push_str(&format!(
            "Wall time: {:.1} s; the job (post to close) {:.1} s, of which {:.1} s waiting for windows; {:.2} decided items and {:.2} votes per second of the rest.\n\n",
            self.wall_seconds,
            self.job_seconds,
            self.waiting_seconds,
            self.labels_per_busy_second(),
            self.votes as f64 / self.busy_seconds(),
        ));
        out.push_str("### Leaderboard\n\n");
        out.push_str(&views::render_leaderboard(&self.leaderboard));
        out
    }

    /// Writes the labelled dataset as CSV and JSONL into `dir`.
    pub fn export(&self, dir: &std::path::Path) -> Result<()> {
        Ok(poster::export(&self.labels, dir)?)
    }
}

/// The same market run on two clusters (the embedded runtime and a validator, say):
/// whether they labelled alike, and their speed and cost side by side.
pub struct Comparison<'a> {
    pub a: &'a MarketReport,
    pub b: &'a MarketReport,
}

impl Comparison<'_> {
    /// Items the two runs labelled differently (label, votes or confidence).
    pub fn differing_items(&self) -> Vec<&str> {
        self.a
            .labels
            .iter()
            .zip(&self.b.labels)
            .filter(|(x, y)| {
                x.item != y.item
                    || x.label != y.label
                    || x.votes != y.votes
                    || x.confidence.to_bits() != y.confidence.to_bits()
            })
            .map(|(x, _)| x.item.as_str())
            .collect()
    }

    pub fn render(&self) -> String {
        let job = |r: &MarketReport| {
            let mut total = PhaseCost::default();
            for (phase, cost) in &r.phases {
                if !matches!(*phase, "setup" | "join") {
                    total.transactions += cost.transactions;
                    total.signatures += cost.signatures;
                }
            }
            total
        };
        let (ja, jb) = (job(self.a), job(self.b));
        let mut out = format!(
            "## The same market on two clusters: {}\n\n| | {} | {} |\n|---|---:|---:|\n",
            self.a.dataset, self.a.cluster, self.b.cluster
        );
        let mut row = |what: &str, x: String, y: String| {
            out.push_str(&format!("| {what} | {x} | {y} |\n"));
        };
        row(
            "accuracy",
            format!("{:.3}", self.a.accuracy),
            format!("{:.3}", self.b.accuracy),
        );
        row(
            "decided / refunded",
            format!("{} / {}", self.a.decided, self.a.refunded),
            format!("{} / {}", self.b.decided, self.b.refunded),
        );
        row(
            "job transactions",
            ja.transactions.to_string(),
            jb.transactions.to_string(),
        );
        row(
            "fees per decided item (lamports)",
            (self.a.fees_per_thousand_labels(&ja) / 1_000).to_string(),
            (self.b.fees_per_thousand_labels(&jb) / 1_000).to_string(),
        );
        row(
            "fees per vote (lamports)",
            (self.a.fees_per_thousand_votes(&ja) / 1_000).to_string(),
            (self.b.fees_per_thousand_votes(&jb) / 1_000).to_string(),
        );
        row(
            "job seconds (of which waiting for windows)",
            format!("{:.1} ({:.1})", self.a.job_seconds, self.a.waiting_seconds),
            format!("{:.1} ({:.1})", self.b.job_seconds, self.b.waiting_seconds),
        );
        row(
            "decided items per busy second",
            format!("{:.2}", self.a.labels_per_busy_second()),
            format!("{:.2}", self.b.labels_per_busy_second()),
        );
        row(
            "votes per busy second",
            format!("{:.2}", self.a.votes as f64 / self.a.busy_seconds()),
            format!("{:.2}", self.b.votes as f64 / self.b.busy_seconds()),
        );
        let differing = self.differing_items();
        out.push_str(&format!(
            "\nLabels exported: {}.\n",
            if differing.is_empty() {
                "identical, item for item".to_string()
            } else {
                format!("{} items differ: {}", differing.len(), differing.join(", "))
            }
        ));
        out
    }
}
