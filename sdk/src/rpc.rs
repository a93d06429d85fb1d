//! `Transport` over JSON-RPC: devnet, mainnet, or a local validator running the SBF
//! build of the programs (tools/validator/, docs/VALIDATOR.md).
//!
//! Sending is built to survive a cluster that goes away mid-run. A transaction is
//! signed once per blockhash and that same signed transaction is sent again until its
//! status is known, so an outage never makes a second, different transaction: the
//! cluster drops duplicates of a signature. Only once the blockhash has expired (the
//! transaction can no longer land) is it signed again with a fresh one. While the
//! cluster does not answer, sending waits up to `patience`, then reports
//! `Unreachable`; nothing else is resent.

use std::time::{Duration, Instant};

use anchor_lang::prelude::Pubkey;
use futures::StreamExt as _;
use solana_account_decoder_client_types::UiAccountEncoding;
use solana_commitment_config::{CommitmentConfig, CommitmentLevel};
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::Error as RpcError;
use solana_rpc_client_types::config::{
    RpcAccountInfoConfig, RpcProgramAccountsConfig, RpcSendTransactionConfig, RpcTransactionConfig,
};
use solana_rpc_client_types::filter::{Memcmp, RpcFilterType};
use solana_sdk::account::Account;
use solana_sdk::clock::Clock;
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::{Keypair, Signature, Signer};
use solana_sdk::transaction::{Transaction, TransactionError};
use solana_transaction_status_client_types::{UiInstruction, UiTransactionEncoding};

use crate::compute_budget::ComputeBudget;
use crate::events::RawEvent;
use crate::transport::{AccountFilter, ClientError, Transport};
use crate::TxOutcome;

/// How long one RPC request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a run waits out a cluster that stopped answering, by default.
pub const DEFAULT_PATIENCE: Duration = Duration::from_secs(120);
/// Signings of one transaction (each with a fresh blockhash) before it is given up.
const MAX_SIGNINGS: usize = 4;
/// Between two looks at a sent transaction's status.
const POLL_INTERVAL: Duration = Duration::from_millis(400);
/// Status looks between two sends of the same signed transaction.
const POLLS_PER_SEND: usize = 10;
/// Requests a batch of independent transactions keeps open at once.
const SENDS_IN_FLIGHT: usize = 16;
/// Unconfirmed transactions a batch keeps at the cluster at once: enough to fill its
/// blocks, few enough that resends do not swamp its signature verification (sending
/// a whole 1,856-write batch and resending it every few seconds did).
const WINDOW: usize = 64;
/// A sent transaction not confirmed after this long is sent again, the same bytes;
/// each later resend waits twice as long, up to `MAX_RESEND_AFTER`, so a node that
/// falls behind is not buried in copies to verify (on a slow node, resends had made
/// it slower still).
const RESEND_AFTER: Duration = Duration::from_secs(4);
const MAX_RESEND_AFTER: Duration = Duration::from_secs(16);
/// How long a batch signs new transactions with one blockhash before it fetches
/// another, so none is signed with one about to expire.
const BLOCKHASH_REUSE: Duration = Duration::from_secs(15);

pub struct RpcTransport {
    client: RpcClient,
    url: String,
    /// Pays for transactions that no signer pays for.
    wallet: Keypair,
    /// The compute budget put on every transaction.
    pub compute_budget: ComputeBudget,
    /// How long to wait for a cluster that stopped answering before giving up.
    pub patience: Duration,
}

/// One of a batch's transactions at the cluster, not yet confirmed.
struct InFlight {
    /// Index into the batch.
    index: usize,
    tx: Transaction,
    last_valid_height: u64,
    sent: Option<Instant>,
    /// Sends of these signed bytes so far.
    sends: u32,
    signings: usize,
}

impl InFlight {
    /// Whether it is time to send it (again).
    fn due(&self) -> bool {
        self.sent.is_none_or(|at| {
            let wait = RESEND_AFTER
                .saturating_mul(1 << self.sends.saturating_sub(1).min(4))
                .min(MAX_RESEND_AFTER);
            at.elapsed() >= wait
        })
    }
}

enum Confirmation {
    Landed(Signature),
    /// The blockhash expired before the transaction landed: it never will.
    Expired,
}

impl RpcTransport {
    /// A transport to `url`; nothing is asked of the cluster yet.
    pub fn new(url: &str, wallet: Keypair) -> Self {
        Self {
            client: RpcClient::new_with_timeout_and_commitment(
                url.to_string(),
                REQUEST_TIMEOUT,
                CommitmentConfig::confirmed(),
            ),
            url: url.to_string(),
            wallet,
            compute_budget: ComputeBudget::default(),
            patience: DEFAULT_PATIENCE,
        }
    }

    /// A transport to `url` whose cluster answers and has both ALE programs deployed.
    pub async fn connect(url: &str, wallet: Keypair) -> Result<Self, ClientError> {
        let transport = Self::new(url, wallet);
        transport.check_reachable().await?;
        transport.check_programs().await?;
        Ok(transport)
    }

    /// Every transaction also offers `micro_lamports` per compute unit (priority fee).
    pub fn with_unit_price(mut self, micro_lamports: u64) -> Self {
        self.compute_budget.unit_price_micro_lamports = Some(micro_lamports);
        self
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn client(&self) -> &RpcClient {
        &self.client
    }

    /// One request, answered: the URL is a Solana RPC endpoint that is up.
    pub async fn check_reachable(&self) -> Result<(), ClientError> {
        self.client
            .get_version()
            .await
            .map(|_| ())
            .map_err(|e| ClientError::Unreachable(format!("no Solana RPC at {}: {e}", self.url)))
    }

    /// Both programs are deployed (executable) on this cluster.
    pub async fn check_programs(&self) -> Result<(), ClientError> {
        for (name, id) in [
            ("ale_staking", ale_staking::ID),
            ("ale_protocol", ale_protocol::ID),
        ] {
            let account = self
                .client
                .get_account_with_commitment(&id, CommitmentConfig::confirmed())
                .await
                .map_err(|e| rpc_error(e, &[]))?
                .value;
            if !account.is_some_and(|a| a.executable) {
                return Err(ClientError::ProgramMissing {
                    program: name,
                    id,
                    url: self.url.clone(),
                });
            }
        }
        Ok(())
    }

    /// SOL from the cluster's faucet (a local validator, devnet), confirmed.
    pub async fn airdrop(&self, to: &Pubkey, lamports: u64) -> Result<(), ClientError> {
        let signature = self
            .patiently(|| self.client.request_airdrop(to, lamports))
            .await
            .map_err(|e| rpc_error(e, &[]))?;
        let deadline = Instant::now() + self.patience;
        while Instant::now() < deadline {
            if let Some(done) = self.status(&signature, &[]).await? {
                return done;
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
        Err(ClientError::Unreachable(format!(
            "airdrop {signature} not confirmed within {:?}",
            self.patience
        )))
    }

    /// A recent blockhash and the last block height at which it is still valid.
    async fn latest_blockhash(&self) -> Result<(solana_sdk::hash::Hash, u64), ClientError> {
        self.patiently(|| {
            self.client
                .get_latest_blockhash_with_commitment(CommitmentConfig::confirmed())
        })
        .await
        .map_err(|e| rpc_error(e, &[]))
    }

    async fn block_height(&self) -> Result<u64, ClientError> {
        self.patiently(|| {
            self.client
                .get_block_height_with_commitment(CommitmentConfig::confirmed())
        })
        .await
        .map_err(|e| rpc_error(e, &[]))
    }

    /// The fee payer (the first signer, else the transport's wallet) and every
    /// signer, the payer first and once.
    fn signers<'a>(&'a self, signers: &[&'a Keypair]) -> (&'a Keypair, Vec<&'a Keypair>) {
        let payer = signers.first().copied().unwrap_or(&self.wallet);
        let mut all = vec![payer];
        all.extend(signers.iter().filter(|k| k.pubkey() != payer.pubkey()));
        (payer, all)
    }

    /// `f` until the cluster answers, for at most `patience`: a request that reached
    /// the cluster and was refused comes back at once.
    async fn patiently<T, F, Fut>(&self, mut f: F) -> Result<T, RpcError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, RpcError>>,
    {
        let deadline = Instant::now() + self.patience;
        let mut wait = POLL_INTERVAL;
        loop {
            match f().await {
                Err(e) if unreachable(&e) && Instant::now() < deadline => {
                    tracing::warn!(url = %self.url, error = %e, "cluster not answering; waiting");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(5));
                }
                other => return other,
            }
        }
    }

    /// Sends `tx` (again, if need be) until its status is known.
    async fn confirm(
        &self,
        tx: &Transaction,
        last_valid_height: u64,
        ixs: &[Instruction],
    ) -> Result<Confirmation, ClientError> {
        let signature = tx.signatures[0];
        let config = RpcSendTransactionConfig {
            preflight_commitment: Some(CommitmentLevel::Confirmed),
            // We resend ourselves, the same signed bytes each time.
            max_retries: Some(0),
            ..RpcSendTransactionConfig::default()
        };
        loop {
            let sent = self
                .patiently(|| self.client.send_transaction_with_config(tx, config))
                .await;
            match sent {
                Ok(_) => {}
                Err(e) => match e.get_transaction_error() {
                    // Landed already (a send before an outage): its status says how.
                    Some(TransactionError::AlreadyProcessed) => {}
                    Some(TransactionError::BlockhashNotFound) => {
                        if let Some(done) = self.status(&signature, ixs).await? {
                            return done.map(|()| Confirmation::Landed(signature));
                        }
                        return Ok(Confirmation::Expired);
                    }
                    Some(err) => {
                        if let Some(logs) = preflight_logs(&e) {
                            tracing::warn!(error = %err, ?logs, "preflight refused the transaction");
                        }
                        return Err(refusal(err, ixs, &tx.message.account_keys[0]));
                    }
                    None => return Err(rpc_error(e, ixs)),
                },
            }
            for _ in 0..POLLS_PER_SEND {
                tokio::time::sleep(POLL_INTERVAL).await;
                if let Some(done) = self.status(&signature, ixs).await? {
                    return done.map(|()| Confirmation::Landed(signature));
                }
            }
            if self.block_height().await? > last_valid_height {
                // One last look: it may have landed in the blockhash's last blocks.
                if let Some(done) = self.status(&signature, ixs).await? {
                    return done.map(|()| Confirmation::Landed(signature));
                }
                return Ok(Confirmation::Expired);
            }
        }
    }

    /// The transaction's outcome once confirmed; `None` while the cluster has not
    /// confirmed it (or does not know it).
    async fn status(
        &self,
        signature: &Signature,
        ixs: &[Instruction],
    ) -> Result<Option<Result<(), ClientError>>, ClientError> {
        let statuses = self
            .patiently(|| {
                self.client
                    .get_signature_statuses_with_history(std::slice::from_ref(signature))
            })
            .await
            .map_err(|e| rpc_error(e, ixs))?;
        let Some(Some(status)) = statuses.value.into_iter().next() else {
            return Ok(None);
        };
        if let Some(err) = status.err {
            return Ok(Some(Err(ClientError::from_transaction(err, ixs))));
        }
        Ok(status
            .satisfies_commitment(CommitmentConfig::confirmed())
            .then_some(Ok(())))
    }

    /// Removes from `in_flight` the transactions the cluster has confirmed; the first
    /// one that failed is the error.
    async fn drop_confirmed(
        &self,
        in_flight: &mut Vec<InFlight>,
        budgeted: &[Vec<Instruction>],
    ) -> Result<(), ClientError> {
        let mut landed = std::collections::HashSet::new();
        // getSignatureStatuses answers at most 256 signatures a call.
        for chunk in in_flight.chunks(256) {
            let signatures: Vec<Signature> = chunk.iter().map(|f| f.tx.signatures[0]).collect();
            let statuses = self
                .patiently(|| self.client.get_signature_statuses(&signatures))
                .await
                .map_err(|e| rpc_error(e, &[]))?;
            for (f, status) in chunk.iter().zip(statuses.value) {
                let Some(status) = status else { continue };
                if let Some(err) = status.err {
                    return Err(ClientError::from_transaction(err, &budgeted[f.index]));
                }
                if status.satisfies_commitment(CommitmentConfig::confirmed()) {
                    landed.insert(f.index);
                }
            }
        }
        in_flight.retain(|f| !landed.contains(&f.index));
        Ok(())
    }

    /// The events a landed transaction emitted: self-CPIs, read back from its inner
    /// instructions. The message is legacy, so its key order is ours.
    async fn events(
        &self,
        signature: &Signature,
        tx: &Transaction,
        ixs: &[Instruction],
    ) -> Result<Vec<RawEvent>, ClientError> {
        let config = RpcTransactionConfig {
            encoding: Some(UiTransactionEncoding::Json),
            commitment: Some(CommitmentConfig::confirmed()),
            max_supported_transaction_version: Some(0),
        };
        // A node may answer for a confirmed signature a moment before it serves the
        // transaction itself.
        let mut attempts = 0;
        let confirmed = loop {
            match self
                .patiently(|| self.client.get_transaction_with_config(signature, config))
                .await
            {
                Ok(confirmed) => break confirmed,
                Err(_) if attempts < POLLS_PER_SEND => {
                    attempts += 1;
                    tokio::time::sleep(POLL_INTERVAL).await;
                }
                Err(e) => return Err(rpc_error(e, ixs)),
            }
        };
        let keys = &tx.message.account_keys;
        let inner: Option<Vec<_>> = confirmed
            .transaction
            .meta
            .and_then(|meta| meta.inner_instructions.into());
        Ok(inner
            .unwrap_or_default()
            .into_iter()
            .flat_map(|set| set.instructions)
            .filter_map(|ix| match ix {
                UiInstruction::Compiled(c) => {
                    let program = *keys.get(c.program_id_index as usize)?;
                    let data = bs58::decode(&c.data).into_vec().ok()?;
                    RawEvent::from_inner_instruction(program, &data)
                }
                UiInstruction::Parsed(_) => None,
            })
            .collect())
    }
}

/// A request that never reached a cluster that answers (refused connection, timeout,
/// a node that is still starting), as opposed to one the cluster refused.
fn unreachable(err: &RpcError) -> bool {
    use solana_rpc_client_api::client_error::ErrorKind;
    match err.kind() {
        ErrorKind::Io(_) | ErrorKind::Reqwest(_) => true,
        ErrorKind::RpcError(solana_rpc_client_api::request::RpcError::RpcResponseError {
            code,
            ..
        }) => {
            // Node unhealthy or behind (JSON-RPC server error range used by agave).
            *code == -32005 || *code == -32004
        }
        _ => false,
    }
}

/// The program logs of a preflight simulation that refused a transaction.
fn preflight_logs(err: &RpcError) -> Option<Vec<String>> {
    use solana_rpc_client_api::client_error::ErrorKind;
    use solana_rpc_client_api::request::{RpcError as Request, RpcResponseErrorData};
    match err.kind() {
        ErrorKind::RpcError(Request::RpcResponseError {
            data: RpcResponseErrorData::SendTransactionPreflightFailure(result),
            ..
        }) => result.logs.clone(),
        _ => None,
    }
}

fn rpc_error(err: RpcError, ixs: &[Instruction]) -> ClientError {
    match err.get_transaction_error() {
        Some(tx_err) => ClientError::from_transaction(tx_err, ixs),
        None if unreachable(&err) => ClientError::Unreachable(err.to_string()),
        None => ClientError::Rpc(err.to_string()),
    }
}

/// A preflight refusal; a fee payer the cluster has never credited is named.
fn refusal(err: TransactionError, ixs: &[Instruction], payer: &Pubkey) -> ClientError {
    match err {
        TransactionError::AccountNotFound | TransactionError::InsufficientFundsForFee => {
            ClientError::FeePayerUnfunded { payer: *payer }
        }
        err => ClientError::from_transaction(err, ixs),
    }
}

impl Transport for RpcTransport {
    fn fee_payer(&self) -> Pubkey {
        self.wallet.pubkey()
    }

    async fn send_transaction(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<TxOutcome, ClientError> {
        // A refusal's instruction index points into what was sent, budget included.
        let budgeted = self.compute_budget.apply(ixs);
        let ixs = budgeted.as_slice();
        let (payer, all) = self.signers(signers);
        for _ in 0..MAX_SIGNINGS {
            let (blockhash, last_valid_height) = self.latest_blockhash().await?;
            let tx =
                Transaction::new_signed_with_payer(ixs, Some(&payer.pubkey()), &all, blockhash);
            match self.confirm(&tx, last_valid_height, ixs).await? {
                Confirmation::Landed(signature) => {
                    let events = self.events(&signature, &tx, ixs).await?;
                    return Ok(TxOutcome { events });
                }
                Confirmation::Expired => {
                    tracing::warn!(url = %self.url, "blockhash expired before landing; signing again");
                }
            }
        }
        Err(ClientError::Transaction(
            TransactionError::BlockhashNotFound,
        ))
    }

    /// A window of them at the cluster at once, each sent again (the same bytes) while
    /// unconfirmed and signed again only once its blockhash has expired; as they are
    /// confirmed, the next ones are signed and sent.
    async fn send_independent(
        &mut self,
        transactions: &[Vec<Instruction>],
        signers: &[&Keypair],
    ) -> Result<(), ClientError> {
        let budgeted: Vec<Vec<Instruction>> = transactions
            .iter()
            .map(|ixs| self.compute_budget.apply(ixs))
            .collect();
        let (payer, all) = self.signers(signers);
        let config = RpcSendTransactionConfig {
            // Thousands of writes: simulating each first would double the work.
            skip_preflight: true,
            max_retries: Some(0),
            ..RpcSendTransactionConfig::default()
        };
        // (index, signings so far) of those waiting for a place in the window.
        let mut waiting: std::collections::VecDeque<(usize, usize)> =
            (0..budgeted.len()).map(|i| (i, 0)).collect();
        let mut in_flight: Vec<InFlight> = Vec::new();
        let mut blockhash = None;
        while !(waiting.is_empty() && in_flight.is_empty()) {
            while in_flight.len() < WINDOW {
                let Some((index, signings)) = waiting.pop_front() else {
                    break;
                };
                if signings == MAX_SIGNINGS {
                    return Err(ClientError::Transaction(
                        TransactionError::BlockhashNotFound,
                    ));
                }
                let (hash, last_valid_height) = match blockhash {
                    Some((hash, height, fetched))
                        if Instant::elapsed(&fetched) < BLOCKHASH_REUSE =>
                    {
                        (hash, height)
                    }
                    _ => {
                        let (hash, height) = self.latest_blockhash().await?;
                        blockhash = Some((hash, height, Instant::now()));
                        (hash, height)
                    }
                };
                let tx = Transaction::new_signed_with_payer(
                    &budgeted[index],
                    Some(&payer.pubkey()),
                    &all,
                    hash,
                );
                in_flight.push(InFlight {
                    index,
                    tx,
                    last_valid_height,
                    sent: None,
                    sends: 0,
                    signings: signings + 1,
                });
            }

            let due: Vec<usize> = (0..in_flight.len())
                .filter(|&k| in_flight[k].due())
                .collect();
            let resending = due.iter().any(|&k| in_flight[k].sent.is_some());
            let this = &*self;
            let flights = &in_flight;
            let sends: Vec<(usize, Result<Signature, RpcError>)> = futures::stream::iter(&due)
                .map(|&k| async move {
                    let tx = &flights[k].tx;
                    (
                        k,
                        this.patiently(|| this.client.send_transaction_with_config(tx, config))
                            .await,
                    )
                })
                .buffer_unordered(SENDS_IN_FLIGHT)
                .collect()
                .await;
            // Worth asking the block height: something was resent, or refused as too old.
            let mut check_expiry = resending;
            for (k, sent) in sends {
                in_flight[k].sent = Some(Instant::now());
                in_flight[k].sends += 1;
                let Err(e) = sent else { continue };
                match e.get_transaction_error() {
                    Some(TransactionError::AlreadyProcessed) => {}
                    Some(TransactionError::BlockhashNotFound) => check_expiry = true,
                    Some(err) => {
                        return Err(refusal(err, &budgeted[in_flight[k].index], &payer.pubkey()))
                    }
                    None => return Err(rpc_error(e, &budgeted[in_flight[k].index])),
                }
            }

            tokio::time::sleep(POLL_INTERVAL).await;
            self.drop_confirmed(&mut in_flight, &budgeted).await?;
            if check_expiry && !in_flight.is_empty() {
                // Those whose blockhash has expired can no longer land: sign them again.
                let height = self.block_height().await?;
                if in_flight.iter().any(|f| f.last_valid_height < height) {
                    self.drop_confirmed(&mut in_flight, &budgeted).await?;
                    let (stale, live): (Vec<InFlight>, Vec<InFlight>) = in_flight
                        .into_iter()
                        .partition(|f| f.last_valid_height < height);
                    tracing::warn!(
                        url = %self.url,
                        unconfirmed = stale.len(),
                        "blockhash expired before these landed; signing them again"
                    );
                    in_flight = live;
                    for f in stale.into_iter().rev() {
                        waiting.push_front((f.index, f.signings));
                    }
                }
            }
        }
        Ok(())
    }

    async fn get_account(&mut self, address: Pubkey) -> Result<Option<Account>, ClientError> {
        self.patiently(|| {
            self.client
                .get_account_with_commitment(&address, CommitmentConfig::confirmed())
        })
        .await
        .map(|r| r.value)
        .map_err(|e| rpc_error(e, &[]))
    }

    async fn unix_timestamp(&mut self) -> Result<i64, ClientError> {
        let account = self
            .get_account(solana_sdk_ids::sysvar::clock::ID)
            .await?
            .ok_or_else(|| ClientError::Rpc("no clock sysvar".into()))?;
        let clock: Clock = bincode::deserialize(&account.data)
            .map_err(|e| ClientError::account(solana_sdk_ids::sysvar::clock::ID, e))?;
        Ok(clock.unix_timestamp)
    }

    async fn next_slot(&mut self) -> Result<u64, ClientError> {
        let slot = || {
            self.patiently(|| {
                self.client
                    .get_slot_with_commitment(CommitmentConfig::confirmed())
            })
        };
        let start = slot().await.map_err(|e| rpc_error(e, &[]))?;
        loop {
            tokio::time::sleep(POLL_INTERVAL / 4).await;
            let now = slot().await.map_err(|e| rpc_error(e, &[]))?;
            if now > start {
                return Ok(now);
            }
        }
    }

    async fn minimum_balance(&mut self, bytes: usize) -> Result<u64, ClientError> {
        self.patiently(|| self.client.get_minimum_balance_for_rent_exemption(bytes))
            .await
            .map_err(|e| rpc_error(e, &[]))
    }

    async fn program_accounts(
        &mut self,
        program: Pubkey,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ClientError> {
        let filters = filters
            .iter()
            .map(|f| match f {
                AccountFilter::DataSize(size) => RpcFilterType::DataSize(*size),
                AccountFilter::Memcmp { offset, bytes } => {
                    RpcFilterType::Memcmp(Memcmp::new_raw_bytes(*offset, bytes.clone()))
                }
            })
            .collect();
        let config = RpcProgramAccountsConfig {
            filters: Some(filters),
            account_config: RpcAccountInfoConfig {
                encoding: Some(UiAccountEncoding::Base64),
                commitment: Some(CommitmentConfig::confirmed()),
                ..RpcAccountInfoConfig::default()
            },
            ..RpcProgramAccountsConfig::default()
        };
        let found = self
            .patiently(|| {
                self.client
                    .get_program_ui_accounts_with_config(&program, config.clone())
            })
            .await
            .map_err(|e| rpc_error(e, &[]))?;
        found
            .into_iter()
            .map(|(address, ui)| {
                ui.decode::<Account>()
                    .map(|a| (address, a))
                    .ok_or_else(|| ClientError::account(address, "undecodable account data"))
            })
            .collect()
    }
}

impl crate::TestCluster for RpcTransport {
    async fn airdrop(&mut self, to: &Pubkey, lamports: u64) -> Result<(), ClientError> {
        RpcTransport::airdrop(self, to, lamports).await
    }

    /// Polls the clock sysvar: a cluster's clock follows the wall clock, in whole
    /// seconds and a slot or so behind.
    async fn wait_until(&mut self, unix_timestamp: i64) -> Result<(), ClientError> {
        let mut logged = false;
        loop {
            let now = self.unix_timestamp().await?;
            if now >= unix_timestamp {
                return Ok(());
            }
            if !logged {
                tracing::info!(
                    seconds = unix_timestamp - now,
                    "waiting for the cluster clock"
                );
                logged = true;
            }
            let left = Duration::from_secs((unix_timestamp - now) as u64);
            tokio::time::sleep(left.clamp(POLL_INTERVAL, Duration::from_secs(2))).await;
        }
    }
}
