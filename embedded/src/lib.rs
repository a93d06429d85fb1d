//! ale-embedded: a real in-process Solana bank (solana-program-test) running
//! ale-staking and ale-protocol compiled natively or as their SBF binaries, with the SPL
//! Token programs the runtime ships. A `Transport` like any cluster; used by the tests,
//! the demo, the lab and the CLI's `--cluster embedded`.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::mem::transmute;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anchor_lang::prelude::{AccountInfo, Pubkey};
use anchor_lang::AccountDeserialize;
use anyhow::{anyhow, Context as _, Result};
use serde::{Deserialize, Serialize};
use solana_program_test::{processor, BanksClientError, ProgramTest, ProgramTestContext};
use solana_sdk::account::Account;
use solana_sdk::clock::Clock;
use solana_sdk::entrypoint::ProgramResult;
use solana_sdk::instruction::Instruction;
use solana_sdk::program_pack::Pack;
use solana_sdk::signature::{Keypair, Signature, Signer};
use solana_sdk::transaction::{Transaction, TransactionError};
use solana_system_interface::instruction as system_instruction;
use spl_token_2022_interface as token_2022;
use spl_token_interface::state::{Account as SplAccount, Mint as SplMint};

use ale_sdk::compute_budget::ComputeBudget;
use ale_sdk::events::RawEvent;
use ale_sdk::transport::{AccountFilter, ClientError, Transport, TxOutcome};

pub const LAMPORTS_PER_SOL: u64 = 1_000_000_000;

// Anchor's generated `entry` ties the accounts slice and its elements to one lifetime;
// the runtime's processor signature does not. The slice lives for the whole call, so
// widening its lifetime for the duration of `entry` is sound.
fn staking_entry(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    let accounts: &[AccountInfo] = unsafe { transmute(accounts) };
    ale_staking::entry(program_id, accounts, data)
}

fn protocol_entry(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    let accounts: &[AccountInfo] = unsafe { transmute(accounts) };
    ale_protocol::entry(program_id, accounts, data)
}

/// How the embedded bank runs the ALE programs: compiled natively into this process
/// (the default: fast, debuggable), or as the SBF binaries `tools/sbf/build.sh` builds,
/// loaded into the runtime's SBF VM and metered as on a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgramBuild {
    Native,
    /// The directory holding `ale_staking.so` and `ale_protocol.so`.
    Sbf(PathBuf),
}

/// Where tools/sbf/build.sh writes the SBF binaries: `$CARGO_TARGET_DIR/deploy`, or
/// the workspace's `target/deploy`.
pub fn sbf_build_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir).join("deploy"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/deploy"),
    }
}

impl ProgramBuild {
    /// `ALE_SBF` unset, empty or `0`: native. `1`: the SBF binaries in
    /// `$CARGO_TARGET_DIR/deploy` (else the workspace's `target/deploy`). Anything else:
    /// the SBF binaries in that directory.
    pub fn from_env() -> Self {
        match std::env::var("ALE_SBF").as_deref() {
            Err(_) | Ok("") | Ok("0") => Self::Native,
            Ok("1") => Self::Sbf(sbf_build_dir()),
            Ok(dir) => Self::Sbf(PathBuf::from(dir)),
        }
    }

    fn add_programs(&self, test: &mut ProgramTest) {
        match self {
            Self::Native => {
                test.prefer_bpf(false);
                test.add_program("ale_staking", ale_staking::ID, processor!(staking_entry));
                test.add_program("ale_protocol", ale_protocol::ID, processor!(protocol_entry));
            }
            Self::Sbf(dir) => {
                for (name, id) in [
                    ("ale_staking", ale_staking::ID),
                    ("ale_protocol", ale_protocol::ID),
                ] {
                    let path = dir.join(format!("{name}.so"));
                    let elf = std::fs::read(&path).unwrap_or_else(|e| {
                        panic!(
                            "ALE_SBF: cannot read {} ({e}); build it with tools/sbf/build.sh",
                            path.display()
                        )
                    });
                    test.add_account(
                        id,
                        Account {
                            lamports: solana_sdk::rent::Rent::default()
                                .minimum_balance(elf.len())
                                .max(1),
                            data: elf,
                            owner: solana_sdk_ids::bpf_loader::ID,
                            executable: true,
                            rent_epoch: 0,
                        },
                    );
                }
            }
        }
    }
}

pub struct EmbeddedRuntime {
    pub context: ProgramTestContext,
    /// Signatures sent under the current blockhash: an identical resend would be
    /// refused as already processed, so the bank moves one slot on first.
    sent: HashSet<Signature>,
    /// Every address a transaction named: what `save_state` writes.
    touched: BTreeSet<Pubkey>,
    /// The compute budget put on every transaction; `None` sends the instructions as
    /// they are (a cluster then grants 200,000 CU per instruction).
    pub compute_budget: Option<ComputeBudget>,
    /// How the ALE programs run in this bank.
    pub program_build: ProgramBuild,
    /// Compute units the last processed transaction consumed (landed or refused).
    last_compute_units: Option<u64>,
}

/// The embedded bank's accounts and clock, saved between runs of the CLI.
#[derive(Serialize, Deserialize)]
struct SavedState {
    unix_timestamp: i64,
    accounts: BTreeMap<String, Account>,
}

impl EmbeddedRuntime {
    /// Starts a bank with both ALE programs.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts a bank with both ALE programs, built as `ALE_SBF` says (see
    /// [`ProgramBuild::from_env`]), and whatever `customize` adds (test doubles, accounts).
    pub async fn start_with(customize: impl FnOnce(&mut ProgramTest)) -> Self {
        Self::start_build(&ProgramBuild::from_env(), customize).await
    }

    /// Starts a bank with both ALE programs as `build` says.
    pub async fn start_build(
        build: &ProgramBuild,
        customize: impl FnOnce(&mut ProgramTest),
    ) -> Self {
        let mut test = ProgramTest::default();
        build.add_programs(&mut test);
        customize(&mut test);
        Self {
            context: test.start_with_context().await,
            sent: HashSet::new(),
            touched: BTreeSet::new(),
            compute_budget: Some(ComputeBudget::default()),
            last_compute_units: None,
            program_build: build.clone(),
        }
    }

    /// Starts a bank holding the accounts and clock saved at `path` (a new bank if
    /// there is no file yet). The CLI's `--url embedded:PATH` runs on this, so a
    /// sequence of commands acts on one persistent local market.
    pub async fn load_state(path: &Path) -> Result<Self> {
        let saved: Option<SavedState> = match std::fs::read(path) {
            Ok(bytes) => Some(
                serde_json::from_slice(&bytes)
                    .with_context(|| format!("read {}", path.display()))?,
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("open {}", path.display())),
        };
        let Some(saved) = saved else {
            return Ok(Self::start().await);
        };
        let mut accounts = Vec::with_capacity(saved.accounts.len());
        for (address, account) in saved.accounts {
            accounts.push((Pubkey::from_str(&address)?, account));
        }
        let addresses: Vec<Pubkey> = accounts.iter().map(|(a, _)| *a).collect();
        let mut rt = Self::start_with(|test| {
            for (address, account) in accounts {
                test.add_account(address, account);
            }
        })
        .await;
        rt.touched.extend(addresses);
        rt.warp_to_timestamp(saved.unix_timestamp).await;
        Ok(rt)
    }

    /// Writes every account a transaction has named (and still exists, and is not a
    /// program, sysvar or the bank's own payer) and the clock to `path`.
    pub async fn save_state(&mut self, path: &Path) -> Result<()> {
        let mut accounts = BTreeMap::new();
        let payer = self.context.payer.pubkey();
        for address in self.touched.clone() {
            let Some(account) = self.account(address).await else {
                continue;
            };
            if address == payer
                || account.executable
                || account.owner == solana_sdk_ids::sysvar::ID
                || account.owner == solana_sdk_ids::native_loader::ID
            {
                continue;
            }
            accounts.insert(address.to_string(), account);
        }
        let state = SavedState {
            unix_timestamp: self.now().await,
            accounts,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, serde_json::to_vec(&state)?)?;
        std::fs::rename(&tmp, path).with_context(|| format!("write {}", path.display()))
    }

    pub fn payer(&self) -> &Keypair {
        &self.context.payer
    }

    /// Signs with the payer and `signers`, and processes the transaction.
    pub async fn send(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<(), TransactionError> {
        let tx = self.transaction(ixs, signers).await;
        self.process(tx).await
    }

    /// Compute units the last transaction sent consumed, compute-budget instructions
    /// included (150 CU each): in the SBF VM what a cluster meters; natively only the
    /// builtins' fixed charges.
    pub fn last_compute_units(&self) -> Option<u64> {
        self.last_compute_units
    }

    async fn process(&mut self, tx: Transaction) -> Result<(), TransactionError> {
        let processed = self
            .context
            .banks_client
            .process_transaction_with_metadata(tx)
            .await
            .map_err(into_tx_error)?;
        self.last_compute_units = processed
            .metadata
            .map(|metadata| metadata.compute_units_consumed);
        processed.result
    }

    /// As `send`, and also returns the events the transaction emitted. The runtime's
    /// processed-transaction metadata carries no inner instructions, so the
    /// transaction is first simulated on the same bank state to record them.
    pub async fn send_with_events(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<TxOutcome, TransactionError> {
        let tx = self.transaction(ixs, signers).await;
        let simulated = self
            .context
            .banks_client
            .simulate_transaction(tx.clone())
            .await
            .map_err(into_tx_error)?;
        if let Some(Err(err)) = simulated.result {
            return Err(err);
        }
        let keys = &tx.message.account_keys;
        let events = simulated
            .simulation_details
            .and_then(|d| d.inner_instructions)
            .unwrap_or_default()
            .into_iter()
            .flatten()
            .filter_map(|inner| {
                let program = *keys.get(inner.instruction.program_id_index as usize)?;
                RawEvent::from_inner_instruction(program, &inner.instruction.data)
            })
            .collect();
        self.process(tx).await?;
        Ok(TxOutcome { events })
    }

    /// `ixs` under this runtime's compute budget (unchanged when it has none, or when
    /// they already carry a compute-budget instruction).
    fn budgeted(&self, ixs: &[Instruction]) -> Vec<Instruction> {
        match self.compute_budget {
            Some(budget) => budget.apply(ixs),
            None => ixs.to_vec(),
        }
    }

    async fn transaction(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Transaction {
        let budgeted = self.budgeted(ixs);
        let ixs = budgeted.as_slice();
        let payer = self.context.payer.insecure_clone();
        // The runtime's payer pays; a signer the instructions do not ask for (a
        // worker sending its own reveal, which needs no signature) is not added.
        let required = |k: &Keypair| {
            ixs.iter()
                .flat_map(|ix| &ix.accounts)
                .any(|m| m.is_signer && m.pubkey == k.pubkey())
        };
        let mut all: Vec<&Keypair> = vec![&payer];
        all.extend(
            signers
                .iter()
                .copied()
                .filter(|k| k.pubkey() != payer.pubkey() && required(k)),
        );
        self.touched.extend(
            ixs.iter()
                .flat_map(|ix| ix.accounts.iter().map(|m| m.pubkey)),
        );
        let blockhash = self.latest_blockhash().await;
        let tx = Transaction::new_signed_with_payer(ixs, Some(&payer.pubkey()), &all, blockhash);
        if self.sent.insert(tx.signatures[0]) {
            return tx;
        }
        let now = self.now().await;
        self.warp_to_timestamp(now).await;
        let blockhash = self.latest_blockhash().await;
        let tx = Transaction::new_signed_with_payer(ixs, Some(&payer.pubkey()), &all, blockhash);
        self.sent.insert(tx.signatures[0]);
        tx
    }

    async fn latest_blockhash(&mut self) -> solana_sdk::hash::Hash {
        self.context
            .banks_client
            .get_latest_blockhash()
            .await
            .expect("the embedded bank answers")
    }

    pub async fn account(&mut self, address: Pubkey) -> Option<Account> {
        self.context
            .banks_client
            .get_account(address)
            .await
            .expect("the embedded bank answers")
    }

    /// Reads and deserializes an Anchor account (borsh, or zero-copy by value).
    pub async fn anchor_account<T: AccountDeserialize>(&mut self, address: Pubkey) -> Result<T> {
        let account = self
            .account(address)
            .await
            .ok_or_else(|| anyhow!("no account {address}"))?;
        T::try_deserialize(&mut account.data.as_slice()).context("deserialize account")
    }

    /// Balance of a token account (SPL Token or Token-2022: the base layout comes first).
    pub async fn token_balance(&mut self, token_account: Pubkey) -> u64 {
        self.account(token_account)
            .await
            .map(|a| {
                SplAccount::unpack(&a.data[..SplAccount::LEN])
                    .expect("token account")
                    .amount
            })
            .unwrap_or(0)
    }

    pub async fn mint_supply(&mut self, mint: Pubkey) -> u64 {
        let account = self.account(mint).await.expect("mint exists");
        SplMint::unpack(&account.data[..SplMint::LEN])
            .expect("mint")
            .supply
    }

    pub async fn clock(&mut self) -> Clock {
        self.context
            .banks_client
            .get_sysvar::<Clock>()
            .await
            .expect("clock")
    }

    /// Moves the bank to the next slot with a clock reading `unix_timestamp`.
    pub async fn warp_to_timestamp(&mut self, unix_timestamp: i64) {
        self.advance_slot().await;
        let mut clock = self.clock().await;
        clock.unix_timestamp = unix_timestamp;
        self.context.set_sysvar(&clock);
    }

    /// Moves the bank one slot on; returns it. A new slot has a new blockhash, so a
    /// transaction sent before may be sent again.
    async fn advance_slot(&mut self) -> u64 {
        let slot = self.clock().await.slot + 1;
        self.context.warp_to_slot(slot).expect("warp forward");
        self.sent.clear();
        slot
    }

    pub async fn now(&mut self) -> i64 {
        self.clock().await.unix_timestamp
    }

    /// A new wallet funded with `sol` SOL by the payer.
    pub async fn funded_wallet(&mut self, sol: u64) -> Keypair {
        let wallet = Keypair::new();
        let ix = system_instruction::transfer(
            &self.context.payer.pubkey(),
            &wallet.pubkey(),
            sol * LAMPORTS_PER_SOL,
        );
        self.send(&[ix], &[]).await.expect("fund wallet");
        wallet
    }

    /// A new SPL Token mint with `authority`.
    pub async fn create_mint(&mut self, authority: &Pubkey, decimals: u8) -> Pubkey {
        self.create_mint_of(&spl_token_interface::ID, authority, decimals)
            .await
    }

    /// A new mint of `token_program` (SPL Token or Token-2022, no extensions).
    pub async fn create_mint_of(
        &mut self,
        token_program: &Pubkey,
        authority: &Pubkey,
        decimals: u8,
    ) -> Pubkey {
        let mint = Keypair::new();
        let rent = self.context.banks_client.get_rent().await.expect("rent");
        let ixs = [
            system_instruction::create_account(
                &self.context.payer.pubkey(),
                &mint.pubkey(),
                rent.minimum_balance(SplMint::LEN),
                SplMint::LEN as u64,
                token_program,
            ),
            token_2022::instruction::initialize_mint2(
                token_program,
                &mint.pubkey(),
                authority,
                None,
                decimals,
            )
            .expect("initialize_mint2"),
        ];
        self.send(&ixs, &[&mint]).await.expect("create mint");
        mint.pubkey()
    }

    /// A new SPL Token account of `mint` owned by `owner`.
    pub async fn create_token_account(&mut self, mint: &Pubkey, owner: &Pubkey) -> Pubkey {
        let token_program = self.account(*mint).await.expect("mint exists").owner;
        let account = Keypair::new();
        let rent = self.context.banks_client.get_rent().await.expect("rent");
        let ixs = [
            system_instruction::create_account(
                &self.context.payer.pubkey(),
                &account.pubkey(),
                rent.minimum_balance(SplAccount::LEN),
                SplAccount::LEN as u64,
                &token_program,
            ),
            token_2022::instruction::initialize_account3(
                &token_program,
                &account.pubkey(),
                mint,
                owner,
            )
            .expect("initialize_account3"),
        ];
        self.send(&ixs, &[&account])
            .await
            .expect("create token account");
        account.pubkey()
    }

    /// Mints `amount` of `mint` (whose authority signs) to `to`.
    pub async fn mint_to(&mut self, mint: &Pubkey, authority: &Keypair, to: &Pubkey, amount: u64) {
        let token_program = self.account(*mint).await.expect("mint exists").owner;
        let ix = token_2022::instruction::mint_to(
            &token_program,
            mint,
            to,
            &authority.pubkey(),
            &[],
            amount,
        )
        .expect("mint_to");
        self.send(&[ix], &[authority]).await.expect("mint to");
    }

    pub async fn rent_for(&mut self, bytes: usize) -> u64 {
        self.context
            .banks_client
            .get_rent()
            .await
            .expect("rent")
            .minimum_balance(bytes)
    }

    pub async fn lamports(&mut self, address: Pubkey) -> u64 {
        self.account(address).await.map_or(0, |a| a.lamports)
    }

    /// Transfers SPL tokens between two accounts of `owner`'s signing.
    pub async fn token_transfer(
        &mut self,
        from: &Pubkey,
        to: &Pubkey,
        owner: &Keypair,
        amount: u64,
    ) -> Result<(), TransactionError> {
        let ix = spl_token_interface::instruction::transfer(
            &spl_token_interface::ID,
            from,
            to,
            &owner.pubkey(),
            &[],
            amount,
        )
        .expect("transfer");
        self.send(&[ix], &[owner]).await
    }
}

/// SOL from the bank's payer; time by warping the clock (nothing waits).
impl ale_sdk::TestCluster for EmbeddedRuntime {
    async fn airdrop(&mut self, to: &Pubkey, lamports: u64) -> Result<(), ClientError> {
        let ix = system_instruction::transfer(&self.context.payer.pubkey(), to, lamports);
        self.send_transaction(&[ix], &[]).await.map(|_| ())
    }

    async fn wait_until(&mut self, unix_timestamp: i64) -> Result<(), ClientError> {
        if self.now().await < unix_timestamp {
            self.warp_to_timestamp(unix_timestamp).await;
        }
        Ok(())
    }
}

impl Transport for EmbeddedRuntime {
    fn fee_payer(&self) -> Pubkey {
        self.context.payer.pubkey()
    }

    async fn send_transaction(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<TxOutcome, ClientError> {
        // Budgeted here, so a refusal's instruction index points into what was sent.
        let sent = self.budgeted(ixs);
        self.send_with_events(&sent, signers)
            .await
            .map_err(|e| ClientError::from_transaction(e, &sent))
    }

    async fn get_account(&mut self, address: Pubkey) -> Result<Option<Account>, ClientError> {
        Ok(self.account(address).await)
    }

    async fn unix_timestamp(&mut self) -> Result<i64, ClientError> {
        Ok(self.now().await)
    }

    async fn next_slot(&mut self) -> Result<u64, ClientError> {
        Ok(self.advance_slot().await)
    }

    async fn minimum_balance(&mut self, bytes: usize) -> Result<u64, ClientError> {
        Ok(self.rent_for(bytes).await)
    }

    async fn program_accounts(
        &mut self,
        program: Pubkey,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ClientError> {
        // The bank has no account index; every account a transaction named (or the
        // saved state held) is known, and a program's accounts are among them.
        let mut found = Vec::new();
        for address in self.touched.clone() {
            let Some(account) = self.account(address).await else {
                continue;
            };
            if account.owner == program && filters.iter().all(|f| f.matches(&account.data)) {
                found.push((address, account));
            }
        }
        Ok(found)
    }
}

fn into_tx_error(err: BanksClientError) -> TransactionError {
    match err {
        BanksClientError::TransactionError(e) => e,
        BanksClientError::SimulationError { err, .. } => err,
        other => panic!("embedded bank failed: {other}"),
    }
}
