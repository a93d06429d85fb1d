//! ale-keeper: finds the permissionless work the market needs and sends it as bounded
//! cranks. Inflation is cranked once per staking epoch; for every batch, rounds are
//! settled once their reveal window ends, unrevealed tickets are closed, items left at
//! the deadline are refunded and finished batches closed; opted-in members' pay is
//! pushed to their token accounts.
//!
//! It finds its work with filtered `getProgramAccounts` (`Transport::anchor_accounts`):
//! one read of every community, every open batch and every open ticket per pass,
//! however many were ever made. It keeps no state of its own: every pass reads the chain, and every crank's
//! precondition is checked on chain (settle cursors, refund cursors, closed accounts).
//! So it can be killed at any await point and restarted: a crank that landed before
//! the kill is seen as done on the next read, one that did not is sent again, and a
//! duplicate is refused by name (`StaleCursor`, `NothingToRefund`, ...) and skipped.

use std::time::Duration;

use ale_protocol::constants::{
    MAX_ITEMS_PER_REFUND_CALL, MAX_ITEMS_PER_SETTLE, MAX_PUSHES_PER_CALL,
};
use ale_protocol::state::{
    Batch, Community, LedgerEntry, ProtocolConfig, Rescore, Ticket, ENTRY_PUSH_PAYOUTS,
};
use ale_staking::state::StakingConfig;
use anchor_lang::prelude::Pubkey;
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::{Keypair, Signer};
use spl_associated_token_account_interface::address::get_associated_token_address_with_program_id as ata;
use spl_associated_token_account_interface::instruction::create_associated_token_account_idempotent;
use tracing::{info, warn};

use ale_sdk::transport::{send_packed, ClientError, Transport};
use ale_sdk::views::{ledger_members, rescore_header};
use ale_sdk::worker::DueReveal;
use ale_sdk::{pda, protocol as ix, staking};

#[derive(Clone, Debug)]
pub struct KeeperConfig {
    /// Items per settle transaction (at most the program's cap).
    pub settle_chunk: u32,
    /// Items per refund transaction (at most the program's cap).
    pub refund_chunk: u32,
    /// Sends of one crank before it is given up until the next pass.
    pub max_attempts: u32,
    /// First wait after a transient failure; doubled on each further one.
    pub backoff: Duration,
    /// Wait between passes of `run`.
    pub pass_interval: Duration,
    /// A finished batch stays open this long past its deadline, so that its poster
    /// can export the labels from its item table before closing returns the rent.
    pub close_grace_seconds: i64,
}

impl Default for KeeperConfig {
    fn default() -> Self {
        Self {
            settle_chunk: MAX_ITEMS_PER_SETTLE,
            refund_chunk: MAX_ITEMS_PER_REFUND_CALL,
            max_attempts: 5,
            backoff: Duration::from_millis(500),
            pass_interval: Duration::from_secs(10),
            close_grace_seconds: 86_400,
        }
    }
}

/// What one pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PassReport {
    pub inflation_cranks: u32,
    pub settle_calls: u32,
    pub rounds_settled: u32,
    pub tickets_closed: u32,
    pub refund_calls: u32,
    /// Calls of vote budgets' closing re-scores (start and steps).
    pub rescore_calls: u32,
    pub batches_closed: u32,
    pub fee_accounts_opened: u32,
    pub pushes: u32,
    /// Cranks refused because their work was already done (by us before a restart,
    /// or by another keeper).
    pub already_done: u32,
    pub failed: u32,
}

impl PassReport {
    pub fn sent(&self) -> u32 {
        self.inflation_cranks
            + self.settle_calls
            + self.tickets_closed
            + self.refund_calls
            + self.rescore_calls
            + self.batches_closed
            + self.fee_accounts_opened
            + self.pushes
    }
}

/// Errors that mean "someone already did this": skip and re-read.
const ALREADY_DONE: &[&str] = &[
    "StaleCursor",
    "RoundNotOver",
    "NothingToRefund",
    "BatchNotFinished",
    "TicketStillOpen",
    "AccountNotInitialized",
    "RescoreAlreadyStarted",
];

/// What the keeper knows of a batch's surroundings in one pass.
struct BatchWork<'a> {
    config: &'a ProtocolConfig,
    community: &'a Community,
    /// The batch's open tickets (committed or not), as the pass found them.
    tickets: &'a [(Pubkey, Ticket)],
    address: Pubkey,
    now: i64,
}

pub struct Keeper {
    pub config: KeeperConfig,
}

enum Sent {
    Done,
    AlreadyDone,
    Failed,
}

impl Keeper {
    pub fn new(config: KeeperConfig) -> Self {
        Self { config }
    }

    /// Passes forever, `pass_interval` apart. Stop it by dropping the future.
    pub async fn run<T: Transport>(&self, transport: &mut T) -> Result<(), ClientError> {
        loop {
            let report = self.pass(transport).await?;
            info!(?report, "keeper pass");
            tokio::time::sleep(self.config.pass_interval).await;
        }
    }

    /// Passes until one sends nothing; returns the sum of the passes.
    pub async fn run_until_idle<T: Transport>(
        &self,
        transport: &mut T,
    ) -> Result<PassReport, ClientError> {
        let mut total = PassReport::default();
        loop {
            let report = self.pass(transport).await?;
            let idle = report.sent() == 0;
            add(&mut total, &report);
            if idle {
                return Ok(total);
            }
        }
    }

    /// One look at the whole market and the cranks it needs now.
    pub async fn pass<T: Transport>(&self, t: &mut T) -> Result<PassReport, ClientError> {
        let mut report = PassReport::default();
        let now = t.unix_timestamp().await?;
        self.crank_inflation(t, now, &mut report).await?;
        let Some(config) = t
            .read_optional::<ProtocolConfig>(pda::protocol_config())
            .await?
        else {
            return Ok(report);
        };
        // Three filtered reads find all the work: closed batches and tickets are gone
        // from the chain, so they cost nothing however many there were.
        let mut communities = t.anchor_accounts::<Community>(&[]).await?;
        communities.sort_by_key(|(_, c)| c.id);
        let mut batches = t.anchor_accounts::<Batch>(&[]).await?;
        batches.sort_by_key(|(_, b)| b.id);
        let tickets = t.anchor_accounts::<Ticket>(&[]).await?;
        for (community_address, community) in communities {
            let mut batches_open = false;
            for (address, batch) in batches
                .iter()
                .filter(|(_, b)| b.community == community_address)
            {
                batches_open |= !batch.is_finished() && now < batch.deadline;
                let of_batch: Vec<(Pubkey, Ticket)> = tickets
                    .iter()
                    .filter(|(_, ticket)| ticket.batch == *address)
                    .cloned()
                    .collect();
                let work = BatchWork {
                    config: &config,
                    community: &community,
                    tickets: &of_batch,
                    address: *address,
                    now,
                };
                self.batch_work(t, work, batch.clone(), &mut report).await?;
            }
            // The ledger names the members whose pay may be pushed.
            let ledger = t.data(community.ledger).await?;
            let members = ledger_members(&ledger)?.to_vec();
            // Pay is pushed once the community's batches are finished (or past their
            // deadline): one push carries a job's pay, not one push per round.
            if !batches_open {
                self.push_payouts(t, community_address, &community, &members, &mut report)
                    .await?;
            }
        }
        Ok(report)
    }

    async fn crank_inflation<T: Transport>(
        &self,
        t: &mut T,
        now: i64,
        report: &mut PassReport,
    ) -> Result<(), ClientError> {
        let Some(staking) = t
            .read_optional::<StakingConfig>(pda::staking_config())
            .await?
        else {
            return Ok(());
        };
        // Once an epoch keeps bucket B's pots rolling; stakers' own transactions
        // crank in between.
        if staking.genesis_done && now >= staking.last_emission_ts + staking.epoch_seconds {
            if let Sent::Done = self
                .send(t, "crank inflation", &[staking::crank_inflation()], report)
                .await?
            {
                report.inflation_cranks += 1;
            }
        }
        Ok(())
    }

    async fn batch_work<T: Transport>(
        &self,
        t: &mut T,
        work: BatchWork<'_>,
        mut batch: Batch,
        report: &mut PassReport,
    ) -> Result<(), ClientError> {
        let BatchWork {
            config,
            community,
            tickets,
            address,
            now,
        } = work;

        // Settle every round whose reveal window has ended, in chunks from the
        // batch's own cursor.
        let settle_due = |b: &Batch| -> Result<bool, ClientError> {
            let end = b.reveal_end(b.settled_rounds).map_err(anchor_err)?;
            let ready = b.settleable(b.settled_rounds, now).map_err(anchor_err)?;
            Ok(!b.is_finished() && ready && end <= b.deadline)
        };
        if settle_due(&batch)? {
            let (treasury, creator) = self
                .fee_accounts(t, config.treasury, community.creator, &batch, report)
                .await?;
            while settle_due(&batch)? {
                // A vote budget's last round is decided by its closing re-score.
                if !batch.rescore_done
                    && batch
                        .needs_rescore(community.consensus.weight_rule, batch.settled_rounds)
                        .map_err(anchor_err)?
                {
                    if !self.rescore(t, address, community, report).await? {
                        return Ok(());
                    }
                    batch = t.read(address).await?;
                    continue;
                }
                let settle = self.next_settle(address, &batch, (treasury, creator));
                let round = batch.settled_rounds;
                let Sent::Done = self.send(t, "settle", &[settle], report).await? else {
                    return Ok(()); // the next pass reads the batch again
                };
                report.settle_calls += 1;
                batch = t.read(address).await?;
                if batch.settled_rounds > round {
                    report.rounds_settled += 1;
                }
            }
        }

        // Tickets committed but never revealed hold rent until someone closes them; the
        // keeper that does gets the rent (the no-show's cost).
        let mut open_tickets = 0;
        for (ticket_address, ticket) in tickets {
            open_tickets += 1;
            if now >= batch.reveal_end(ticket.round).map_err(anchor_err)? {
                let close =
                    ix::close_expired_ticket(t.fee_payer(), address, &batch, *ticket_address);
                if let Sent::Done = self.send(t, "close ticket", &[close], report).await? {
                    report.tickets_closed += 1;
                    open_tickets -= 1;
                }
            }
        }

        // After the deadline, whatever was not decided goes back to the poster.
        while now >= batch.deadline && batch.refund_cursor < batch.item_count {
            let refund = ix::refund_expired(address, &batch, self.config.refund_chunk);
            let Sent::Done = self.send(t, "refund", &[refund], report).await? else {
                return Ok(());
            };
            report.refund_calls += 1;
            batch = t.read(address).await?;
        }

        // A finished batch with no ticket left closes after the grace period: all rent
        // back to the poster, with a vote budget's rest.
        let grace_over = now
            >= batch
                .deadline
                .saturating_add(self.config.close_grace_seconds);
        if open_tickets == 0
            && grace_over
            && batch.is_finished()
            && (batch.has_vote_budget() || batch.escrow_expected().map_err(anchor_err)? == 0)
        {
            let close = ix::close_batch(address, &batch);
            if let Sent::Done = self.send(t, "close batch", &[close], report).await? {
                report.batches_closed += 1;
            }
        }
        Ok(())
    }

    /// The treasury's and the creator's associated token accounts of the batch's
    /// mint, opened (keeper pays, once per mint) where missing.
    async fn fee_accounts<T: Transport>(
        &self,
        t: &mut T,
        treasury: Pubkey,
        creator: Pubkey,
        batch: &Batch,
        report: &mut PassReport,
    ) -> Result<(Pubkey, Pubkey), ClientError> {
        let mut addresses = [Pubkey::default(); 2];
        for (slot, owner) in addresses.iter_mut().zip([treasury, creator]) {
            *slot = ata(&owner, &batch.mint, &batch.token_program);
            if t.get_account(*slot).await?.is_none() {
                let open = create_associated_token_account_idempotent(
                    &t.fee_payer(),
                    &owner,
                    &batch.mint,
                    &batch.token_program,
                );
                if let Sent::Done = self.send(t, "open fee account", &[open], report).await? {
                    report.fee_accounts_opened += 1;
                }
            }
        }
        Ok((addresses[0], addresses[1]))
    }

    /// The batch's next settle call, from its own cursor, paying fees to `fees`
    /// (treasury's and creator's token accounts).
    fn next_settle(&self, address: Pubkey, batch: &Batch, fees: (Pubkey, Pubkey)) -> Instruction {
        ix::settle_round(
            address,
            batch,
            fees.0,
            fees.1,
            batch.settle_cursor,
            self.config.settle_chunk,
        )
    }

    /// Relays workers' reveals (which need no signature), packed into as few
    /// transactions as fit. Where the reveals complete their round (every ticket
    /// committed in it revealed, the commit window over), the round's first settlement
    /// rides in the same transactions, so the round costs no separate settle
    /// transaction. Returns the tickets whose reveal landed.
    pub async fn relay_reveals<T: Transport>(
        &self,
        t: &mut T,
        due: &[DueReveal],
    ) -> Result<Vec<String>, ClientError> {
        let now = t.unix_timestamp().await?;
        let config: ProtocolConfig = t.read(pda::protocol_config()).await?;
        let mut report = PassReport::default();
        let mut instructions = Vec::new();
        let mut tickets: Vec<Option<&str>> = Vec::new();
        let mut batches: Vec<Pubkey> = Vec::new();
        for d in due {
            if !batches.contains(&d.batch) {
                batches.push(d.batch);
            }
        }
        for address in batches {
            let batch: Batch = t.read(address).await?;
            let mine: Vec<&DueReveal> = due.iter().filter(|d| d.batch == address).collect();
            for d in &mine {
                instructions.push(d.instruction.clone());
                tickets.push(Some(&d.ticket));
            }
            // The batch as it will stand once these reveals land: settleable then?
            let of_round = mine
                .iter()
                .filter(|d| d.round == batch.settled_rounds)
                .count() as u32;
            let mut revealed = batch.clone();
            revealed.round_revealed = revealed.round_revealed.saturating_add(of_round);
            // A vote budget's last round waits for its re-score (the keeper's pass): it
            // may be this one if the round's reservations could spend the budget.
            let round = batch.settled_rounds;
            let might_rescore = batch.has_vote_budget()
                && (batch.votes_cast.saturating_add(batch.round_reserved) >= batch.vote_budget
                    || batch.is_last_round(round).map_err(anchor_err)?);
            let completes = !batch.is_finished()
                && !might_rescore
                && revealed.settleable(round, now).map_err(anchor_err)?;
            if completes {
                let community: Community = t.read(batch.community).await?;
                let (treasury, creator) = self
                    .fee_accounts(t, config.treasury, community.creator, &batch, &mut report)
                    .await?;
                instructions.push(self.next_settle(address, &batch, (treasury, creator)));
                tickets.push(None);
            }
        }
        let packed = send_packed(t, &instructions, &[]).await?;
        Ok(packed
            .landed
            .iter()
            .filter_map(|&i| tickets[i].map(str::to_string))
            .collect())
    }

    /// Pay pushed to members who opted in, into their associated token account of
    /// each of the community's mints (skipped where they have none).
    async fn push_payouts<T: Transport>(
        &self,
        t: &mut T,
        address: Pubkey,
        community: &Community,
        entries: &[LedgerEntry],
        report: &mut PassReport,
    ) -> Result<(), ClientError> {
        for (slot, mint) in community.mints.iter().enumerate() {
            if *mint == Pubkey::default() {
                continue;
            }
            let Some(mint_account) = t.get_account(*mint).await? else {
                continue;
            };
            let mut due: Vec<(u32, Pubkey)> = Vec::new();
            for (index, entry) in entries.iter().enumerate() {
                if entry.flags & ENTRY_PUSH_PAYOUTS == 0 || entry.claimable[slot] == 0 {
                    continue;
                }
                let destination = ata(&entry.member, mint, &mint_account.owner);
                if t.get_account(destination).await?.is_some() {
                    due.push((index as u32, destination));
                }
            }
            for chunk in due.chunks(MAX_PUSHES_PER_CALL) {
                let (indices, destinations): (Vec<u32>, Vec<Pubkey>) =
                    chunk.iter().copied().unzip();
                let push =
                    ix::push_payouts(address, *mint, mint_account.owner, indices, &destinations);
                if let Sent::Done = self.send(t, "push payouts", &[push], report).await? {
                    report.pushes += 1;
                }
            }
        }
        Ok(())
    }

    /// Sends one crank, retrying transient failures with exponential backoff.
    /// Runs a batch's closing re-score to its end: creates and claims the workspace
    /// (the keeper pays its rent and gets it back at the end), then sends its pieces
    /// from the workspace's own pass and cursor. False when a send failed (the next
    /// pass goes on from the chain's state).
    async fn rescore<T: Transport>(
        &self,
        t: &mut T,
        address: Pubkey,
        community: &Community,
        report: &mut PassReport,
    ) -> Result<bool, ClientError> {
        let mut batch: Batch = t.read(address).await?;
        if batch.rescore == Pubkey::default() {
            let workspace = Keypair::new();
            let space = Rescore::space(community.member_count);
            let rent = t.minimum_balance(space).await?;
            let payer = t.fee_payer();
            let ixs = [
                ix::create_rescore_account(payer, workspace.pubkey(), community.member_count, rent),
                ix::start_rescore(payer, address, &batch, workspace.pubkey()),
            ];
            let Sent::Done = self
                .send_signed(t, "start rescore", &ixs, &[&workspace], report)
                .await?
            else {
                return Ok(false);
            };
            report.rescore_calls += 1;
            batch = t.read(address).await?;
        }
        while !batch.rescore_done {
            let header = rescore_header(&t.data(batch.rescore).await?)?;
            let step = ix::rescore_batch(header.payer, address, &batch, header.pass, header.cursor);
            let Sent::Done = self.send(t, "rescore", &[step], report).await? else {
                return Ok(false);
            };
            report.rescore_calls += 1;
            batch = t.read(address).await?;
        }
        Ok(true)
    }

    async fn send<T: Transport>(
        &self,
        t: &mut T,
        what: &str,
        ixs: &[Instruction],
        report: &mut PassReport,
    ) -> Result<Sent, ClientError> {
        self.send_signed(t, what, ixs, &[], report).await
    }

    async fn send_signed<T: Transport>(
        &self,
        t: &mut T,
        what: &str,
        ixs: &[Instruction],
        signers: &[&Keypair],
        report: &mut PassReport,
    ) -> Result<Sent, ClientError> {
        let mut wait = self.config.backoff;
        for attempt in 1..=self.config.max_attempts {
            match t.send_transaction(ixs, signers).await {
                Ok(_) => return Ok(Sent::Done),
                Err(e) if e.error_name().is_some_and(|n| ALREADY_DONE.contains(&n)) => {
                    info!(what, error = %e, "already done");
                    report.already_done += 1;
                    return Ok(Sent::AlreadyDone);
                }
                Err(e) if e.is_transient() && attempt < self.config.max_attempts => {
                    warn!(what, attempt, error = %e, "retrying");
                    tokio::time::sleep(wait).await;
                    wait = wait.saturating_mul(2);
                }
                Err(e) => {
                    warn!(what, error = %e, "crank failed; next pass tries again");
                    report.failed += 1;
                    return Ok(Sent::Failed);
                }
            }
        }
        report.failed += 1;
        Ok(Sent::Failed)
    }
}

fn anchor_err(e: anchor_lang::error::Error) -> ClientError {
    ClientError::State(e.to_string())
}

fn add(total: &mut PassReport, r: &PassReport) {
    total.inflation_cranks += r.inflation_cranks;
    total.settle_calls += r.settle_calls;
    total.rounds_settled += r.rounds_settled;
    total.tickets_closed += r.tickets_closed;
    total.refund_calls += r.refund_calls;
    total.rescore_calls += r.rescore_calls;
    total.batches_closed += r.batches_closed;
    total.fee_accounts_opened += r.fee_accounts_opened;
    total.pushes += r.pushes;
    total.already_done += r.already_done;
    total.failed += r.failed;
}
