//! The market end to end on the embedded runtime, driven by a real crowd dataset: the
//! operator sets up both programs, a client company posts the dataset's questions as
//! one batch paid in a stablecoin-like mint, the dataset's workers join, take tickets,
//! commit and reveal their real answers round by round, a keeper settles and refunds,
//! workers claim, and the batch closes. Every transaction is metered by phase.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use ale_math::consensus::Tally;
use ale_protocol::events::{RoundSettled, TicketTaken};
use ale_protocol::instructions::{CommunityParams, JoinProof, PostBatchParams, ProtocolParams};
use ale_protocol::state::{
    item_states_mut, ledger_entries, Batch, ItemTable, JoinRule, LedgerEntry, ITEM_DECIDED,
    SKIP_LABEL,
};
use ale_staking::constants::{DEFAULT_COOLDOWN_SECONDS, DEFAULT_EPOCH_SECONDS};
use ale_staking::instructions::InitializeParams;
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use solana_sdk::instruction::Instruction;
use solana_sdk::message::Message;
use solana_sdk::signature::{Keypair, Signer};

use crate::protocol::{self as ix, JoinWith, PostBatchAccounts};
use crate::sim::Dataset;
use crate::{merkle, pda, staking, EmbeddedRuntime, TxOutcome};

/// Signature fee on every cluster today.
pub const LAMPORTS_PER_SIGNATURE: u64 = 5_000;
/// Price per item, in base units of the 6-decimal stablecoin: $0.05.
pub const PRICE_PER_ITEM: u64 = 50_000;
const WINDOW_SECONDS: u32 = 3_600;
const SETTLE_CHUNK: u32 = 16;

/// What the phases of the job cost.
#[derive(Clone, Debug, Default)]
pub struct PhaseCost {
    pub transactions: u64,
    pub signatures: u64,
    pub largest_bytes: usize,
}

impl PhaseCost {
    pub fn fees(&self) -> u64 {
        self.signatures * LAMPORTS_PER_SIGNATURE
    }
}

/// One labelled item of the exported dataset.
#[derive(Clone, Debug, serde::Serialize)]
pub struct LabelledItem {
    pub item: String,
    pub label: Option<u8>,
    /// The winning label's share of the vote weight, in [0, 1].
    pub confidence: f64,
    pub votes: u8,
    pub decided: bool,
}

#[derive(Clone, Debug)]
pub struct LeaderboardRow {
    pub worker: String,
    pub reputation: u64,
    pub level: u8,
    pub tasks_done: u32,
    pub tasks_won: u32,
    pub badges: u32,
}

#[derive(Clone, Debug)]
pub struct MarketReport {
    pub dataset: String,
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
    pub workers_paid: u64,
    pub labels: Vec<LabelledItem>,
    pub leaderboard: Vec<LeaderboardRow>,
    pub wall_seconds: f64,
}

struct Market {
    rt: EmbeddedRuntime,
    phases: BTreeMap<&'static str, PhaseCost>,
}

impl Market {
    /// Sends a transaction of `phase`. The first signer is counted as its fee payer (a
    /// worker pays for its own transactions); with no signer, a keeper pays.
    async fn send(
        &mut self,
        phase: &'static str,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<TxOutcome> {
        let payer = signers
            .first()
            .map_or(self.rt.payer().pubkey(), |s| s.pubkey());
        let message = Message::new(ixs, Some(&payer));
        let signatures = message.header.num_required_signatures as u64;
        let bytes = 1 + 64 * signatures as usize + message.serialize().len();
        let cost = self.phases.entry(phase).or_default();
        cost.transactions += 1;
        cost.signatures += signatures;
        cost.largest_bytes = cost.largest_bytes.max(bytes);
        self.rt
            .send_with_events(ixs, signers)
            .await
            .map_err(|e| anyhow::anyhow!("{phase}: {e:?}"))
    }
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

pub async fn run_market(ds: &Dataset, show_progress: bool) -> Result<MarketReport> {
    let started = Instant::now();
    let mut m = Market {
        rt: EmbeddedRuntime::start().await,
        phases: BTreeMap::new(),
    };

    // Operator: staking (ale-protocol reports to it), genesis, protocol config.
    let operator = m.rt.funded_wallet(100).await;
    let staking_params = InitializeParams {
        cooldown_seconds: DEFAULT_COOLDOWN_SECONDS,
        epoch_seconds: DEFAULT_EPOCH_SECONDS,
        protocol_program: ale_protocol::ID,
    };
    m.send(
        "setup",
        &[staking::initialize(operator.pubkey(), staking_params)],
        &[&operator],
    )
    .await?;
    let distribution =
        m.rt.create_token_account(&pda::ale_mint(), &operator.pubkey())
            .await;
    m.send(
        "setup",
        &[staking::genesis_mint(operator.pubkey(), distribution)],
        &[&operator],
    )
    .await?;
    let treasury = Keypair::new();
    let protocol_params = ProtocolParams {
        treasury: treasury.pubkey(),
        protocol_fee_bps: 250,
        max_creator_fee_bps: 1_000,
    };
    m.send(
        "setup",
        &[ix::initialize_protocol(operator.pubkey(), protocol_params)],
        &[&operator],
    )
    .await?;

    // A community creator opens an open community with the template defaults.
    let creator = m.rt.funded_wallet(10).await;
    let params = CommunityParams {
        name: "Image labels".into(),
        skill_tag: "image".into(),
        num_classes: ds.num_classes,
        join_rule: JoinRule::Open,
        qualification_items_root: [0; 32],
        qualification_key_commitment: [0; 32],
        consensus: ix::default_consensus(),
        commit_window_seconds: WINDOW_SECONDS,
        reveal_window_seconds: WINDOW_SECONDS,
        min_stake_to_vote: 0,
        vote_deposit: 0,
        creator_fee_bps: 500,
        rate_limit_per_day: 0,
        max_members: 0,
    };
    let community = pda::community(0);
    m.send(
        "setup",
        &[ix::create_community(creator.pubkey(), 0, params, None)],
        &[&creator],
    )
    .await?;

    // A stablecoin and the fee accounts settlement pays.
    let usd_authority = Keypair::new();
    let usd = m.rt.create_mint(&usd_authority.pubkey(), 6).await;
    let treasury_token = m.rt.create_token_account(&usd, &treasury.pubkey()).await;
    let creator_token = m.rt.create_token_account(&usd, &creator.pubkey()).await;

    // The dataset's workers join.
    let bar = progress(show_progress, ds.workers as u64, "join");
    let mut workers = Vec::with_capacity(ds.workers);
    for _ in 0..ds.workers {
        let wallet = m.rt.funded_wallet(1).await;
        let join = ix::join_community(
            wallet.pubkey(),
            community,
            JoinWith::Nothing,
            JoinProof::default(),
        );
        m.send("join", &[join], &[&wallet]).await?;
        workers.push(wallet);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let mut answers: Vec<HashMap<usize, u8>> = vec![HashMap::new(); ds.workers];
    for a in &ds.answers {
        answers[a.worker].entry(a.item).or_insert(a.label);
    }

    // The client company posts every question as one batch.
    let consensus = ix::default_consensus();
    let poster = m.rt.funded_wallet(50).await;
    let poster_token = m.rt.create_token_account(&usd, &poster.pubkey()).await;
    let items = ds.items as u32;
    let deposit = PRICE_PER_ITEM * items as u64;
    m.rt.mint_to(&usd, &usd_authority, &poster_token, deposit)
        .await;
    let leaves: Vec<[u8; 32]> = ds
        .question_ids
        .iter()
        .map(|q| solana_sha256_hasher::hashv(&[q.as_bytes()]).to_bytes())
        .collect();
    let round_seconds = 2 * WINDOW_SECONDS as i64;
    let max_rounds = 1
        + (consensus.max_votes - consensus.min_votes) as i64
            / consensus.votes_per_round.max(1) as i64;
    let now = m.rt.now().await;
    let batch_params = PostBatchParams {
        batch_id: 0,
        item_count: items,
        items_root: merkle::root(&leaves),
        price_per_item: PRICE_PER_ITEM,
        deadline: now + (max_rounds + 1) * round_seconds,
        gold_root: [0; 32],
        gold_count: 0,
    };
    let table = Keypair::new();
    let table_rent = m.rt.rent_for(ItemTable::space(items)).await;
    let post = [
        ix::create_item_table(poster.pubkey(), table.pubkey(), items, table_rent),
        ix::post_batch(
            PostBatchAccounts {
                poster: poster.pubkey(),
                community,
                item_table: table.pubkey(),
                mint: usd,
                poster_token,
                token_program: spl_token_interface::ID,
            },
            batch_params,
        ),
    ];
    m.send("post", &post, &[&poster, &table]).await?;
    let batch_address = pda::batch(&community, 0);
    let batch: Batch = m.rt.anchor_account(batch_address).await?;
    let poster_rent =
        table_rent + m.rt.lamports(batch_address).await + m.rt.lamports(batch.vault).await;
    let (mut ticket_rent, mut tickets) = (0u64, Vec::new());

    // Rounds: tickets, commits, reveals, settlement.
    let mut rounds = 0;
    let (mut most_votes_per_settle, mut votes) = (0u32, 0u64);
    let settle_accounts =
        ix::settle_round(batch_address, &batch, treasury_token, creator_token, 0, 1)
            .accounts
            .len();
    let salt = [42u8; 32];
    for round in 0..max_rounds as u32 {
        let start = batch.commit_end(round)? - WINDOW_SECONDS as i64;
        if m.rt.now().await < start {
            m.rt.warp_to_timestamp(start).await;
        }
        let bar = progress(show_progress, ds.workers as u64, &format!("round {round}"));
        let target = consensus.target_votes(round);
        let mut ballots = Vec::new();
        for (w, wallet) in workers.iter().enumerate() {
            bar.inc(1);
            // A client reads the item table first and asks for a ticket only if some
            // item still needs a vote this round that this worker has not given.
            let mut table =
                m.rt.account(batch.item_table)
                    .await
                    .context("item table")?
                    .data;
            let open = item_states_mut(&mut table)?
                .iter()
                .any(|it| it.is_votable() && it.reserved < target && !it.has_voter(w as u32));
            if !open {
                continue;
            }
            let take = ix::take_ticket(
                wallet.pubkey(),
                community,
                batch_address,
                &batch,
                round,
                false,
                None,
            );
            let Ok(outcome) = m.send("ticket", &[take], &[wallet]).await else {
                continue; // the sortition's probe window found nothing for this worker
            };
            let assigned = outcome.events::<TicketTaken>().remove(0).items;
            let labels: Vec<u8> = assigned
                .iter()
                .map(|i| *answers[w].get(&(*i as usize)).unwrap_or(&SKIP_LABEL))
                .collect();
            let ticket = pda::ticket(&batch_address, &wallet.pubkey(), round);
            ticket_rent += m.rt.lamports(ticket).await;
            tickets.push(ticket);
            // A worker with no answer for any of its items walks away: no vote, and
            // anyone closes its ticket after the round.
            if labels.iter().all(|&l| l == SKIP_LABEL) {
                ballots.push((w, ticket, None));
                continue;
            }
            let commitment = ix::vote_commitment(&labels, &salt, &wallet.pubkey(), &ticket);
            m.send(
                "commit",
                &[ix::commit_votes(
                    wallet.pubkey(),
                    batch_address,
                    ticket,
                    commitment,
                )],
                &[wallet],
            )
            .await?;
            ballots.push((w, ticket, Some(labels)));
        }
        bar.finish_and_clear();
        if ballots.is_empty() {
            break;
        }
        rounds += 1;
        m.rt.warp_to_timestamp(batch.commit_end(round)?).await;
        for (w, ticket, labels) in &ballots {
            let wallet = &workers[*w];
            if let Some(labels) = labels {
                let reveal = ix::reveal_votes(
                    wallet.pubkey(),
                    batch_address,
                    &batch,
                    *ticket,
                    labels.clone(),
                    salt,
                );
                m.send("reveal", &[reveal], &[wallet]).await?;
                votes += labels.iter().filter(|&&l| l != SKIP_LABEL).count() as u64;
            }
        }
        m.rt.warp_to_timestamp(batch.reveal_end(round)?).await;
        for (w, ticket, labels) in &ballots {
            if labels.is_none() {
                m.send(
                    "ticket",
                    &[ix::close_expired_ticket(
                        batch_address,
                        *ticket,
                        workers[*w].pubkey(),
                    )],
                    &[],
                )
                .await?;
            }
        }
        let mut cursor = 0;
        loop {
            let settle = ix::settle_round(
                batch_address,
                &batch,
                treasury_token,
                creator_token,
                cursor,
                SETTLE_CHUNK,
            );
            let outcome = m.send("settle", &[settle], &[]).await?;
            let settled = outcome.events::<RoundSettled>().remove(0);
            most_votes_per_settle = most_votes_per_settle.max(settled.votes_credited);
            cursor += settled.items;
            if settled.round_complete {
                break;
            }
        }
        let state: Batch = m.rt.anchor_account(batch_address).await?;
        if state.items_decided as usize == ds.items {
            break;
        }
    }

    // The labelled dataset, read from the item table before it closes.
    let mut table_data =
        m.rt.account(batch.item_table)
            .await
            .context("item table")?
            .data;
    let states = item_states_mut(&mut table_data)?;
    let mut labels = Vec::with_capacity(ds.items);
    for (i, item) in states.iter().enumerate() {
        let mut tally = Tally::default();
        for v in &item.votes[..item.vote_count as usize] {
            tally.add(v.label, v.weight)?;
        }
        let decided = item.status == ITEM_DECIDED;
        let total = tally.total_weight()? as f64;
        let confidence = if decided && total > 0.0 {
            tally.weights[item.label as usize] as f64 / total
        } else {
            0.0
        };
        labels.push(LabelledItem {
            item: ds.question_ids[i].clone(),
            label: decided.then_some(item.label),
            confidence,
            votes: item.vote_count,
            decided,
        });
    }

    // The keeper refunds what was not decided by the deadline, workers claim, the
    // batch closes.
    m.rt.warp_to_timestamp(batch.deadline).await;
    let mut state: Batch = m.rt.anchor_account(batch_address).await?;
    while state.refund_cursor < state.item_count {
        m.send(
            "refund",
            &[ix::refund_expired(batch_address, &batch, 2_048)],
            &[],
        )
        .await?;
        state = m.rt.anchor_account(batch_address).await?;
    }
    let ledger =
        m.rt.account(pda::ledger(&community))
            .await
            .context("ledger")?
            .data;
    let entries: Vec<LedgerEntry> = ledger_entries(&ledger)?[..ds.workers].to_vec();
    let mut workers_paid = 0;
    let bar = progress(show_progress, ds.workers as u64, "claims");
    for (w, wallet) in workers.iter().enumerate() {
        bar.inc(1);
        if entries[w].claimable[0] == 0 {
            continue;
        }
        let token = m.rt.create_token_account(&usd, &wallet.pubkey()).await;
        m.send(
            "claim",
            &[ix::claim_pay(
                wallet.pubkey(),
                community,
                usd,
                token,
                spl_token_interface::ID,
            )],
            &[wallet],
        )
        .await?;
        workers_paid += m.rt.token_balance(token).await;
    }
    bar.finish_and_clear();
    let before_close = m.rt.lamports(poster.pubkey()).await;
    m.send("close", &[ix::close_batch(batch_address, &state)], &[])
        .await?;
    let mut batch_rent_returned = m.rt.lamports(poster.pubkey()).await - before_close;
    // Tickets closed at reveal (rent to the worker) or by the keeper after the round.
    let mut tickets_left = 0;
    for ticket in &tickets {
        tickets_left += m.rt.account(*ticket).await.is_some() as usize;
    }
    if tickets_left == 0 {
        batch_rent_returned += ticket_rent;
    }
    let batch_rent_paid = poster_rent + ticket_rent;
    let poster_spent = deposit - m.rt.token_balance(poster_token).await;
    if state.items_decided as usize + state.items_refunded as usize != ds.items {
        bail!("items neither decided nor refunded");
    }

    let mut leaderboard: Vec<LeaderboardRow> = entries
        .iter()
        .enumerate()
        .map(|(w, e)| LeaderboardRow {
            worker: format!("worker {}", w + 1),
            reputation: e.reputation,
            level: ale_math::gamification::level(e.reputation),
            tasks_done: e.tasks_done,
            tasks_won: e.tasks_won,
            badges: e.badges,
        })
        .collect();
    leaderboard.sort_by(|a, b| {
        b.reputation
            .cmp(&a.reputation)
            .then(b.tasks_won.cmp(&a.tasks_won))
    });
    leaderboard.truncate(10);

    let decided_labels: Vec<Option<u8>> = labels.iter().map(|l| l.label).collect();
    Ok(MarketReport {
        dataset: ds.name.clone(),
        items: ds.items,
        workers: ds.workers,
        rounds,
        decided: state.items_decided as usize,
        refunded: state.items_refunded as usize,
        votes,
        accuracy: ds.accuracy(&decided_labels),
        phases: m.phases,
        batch_rent_paid,
        batch_rent_returned,
        most_votes_per_settle,
        settle_accounts,
        poster_spent,
        workers_paid,
        labels,
        leaderboard,
        wall_seconds: started.elapsed().as_secs_f64(),
    })
}

impl MarketReport {
    /// Fees per 1,000 decided (accepted) labels, in lamports.
    pub fn fees_per_thousand_labels(&self, cost: &PhaseCost) -> u64 {
        (cost.fees() as u128 * 1_000 / self.decided.max(1) as u128) as u64
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "## ALE market on the embedded runtime: {}\n\n",
            self.dataset
        ));
        out.push_str(&format!(
            "{} items posted at ${:.2} each in a stablecoin; {} workers; {} rounds; {} decided, {} refunded; {} votes ({:.2} per item).\n\n",
            self.items,
            PRICE_PER_ITEM as f64 / 1e6,
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
        out.push_str("| phase | transactions | fees (lamports) | per 1,000 labels | largest tx (bytes) |\n|---|---:|---:|---:|---:|\n");
        let (mut total, mut per_label) = (PhaseCost::default(), 0);
        for (phase, cost) in &self.phases {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                phase,
                cost.transactions,
                cost.fees(),
                self.fees_per_thousand_labels(cost),
                cost.largest_bytes
            ));
            if !matches!(*phase, "setup" | "join") {
                total.transactions += cost.transactions;
                total.signatures += cost.signatures;
                total.largest_bytes = total.largest_bytes.max(cost.largest_bytes);
                per_label += self.fees_per_thousand_labels(cost);
            }
        }
        out.push_str(&format!(
            "| **job (post to close)** | {} | {} | {} | {} |\n\n",
            total.transactions,
            total.fees(),
            per_label,
            total.largest_bytes
        ));
        out.push_str(&format!(
            "Fees per accepted label: {} lamports (one-time setup and joining excluded). Largest transaction {} of 1,232 bytes.\n",
            per_label / 1_000,
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
            "Poster spent {} (stablecoin base units); workers claimed {}.\nWall time: {:.1} s.\n\n",
            self.poster_spent, self.workers_paid, self.wall_seconds
        ));
        out.push_str("### Leaderboard\n\n| worker | reputation | level | tasks | won | badges |\n|---|---:|---:|---:|---:|---|\n");
        for row in &self.leaderboard {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {:#06b} |\n",
                row.worker, row.reputation, row.level, row.tasks_done, row.tasks_won, row.badges
            ));
        }
        out
    }

    /// Writes the labelled dataset as CSV and JSONL into `dir`.
    pub fn export(&self, dir: &std::path::Path) -> Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
        let mut csv = csv::Writer::from_path(dir.join("labels.csv"))?;
        for row in &self.labels {
            csv.serialize(row)?;
        }
        csv.flush()?;
        let jsonl: Vec<String> = self
            .labels
            .iter()
            .map(serde_json::to_string)
            .collect::<Result<_, _>>()?;
        std::fs::write(dir.join("labels.jsonl"), jsonl.join("\n") + "\n")?;
        Ok(())
    }
}
