//! The cluster a CLI command talks to, chosen by `--url`: `embedded:PATH` (the
//! in-process runtime, its accounts and clock kept in PATH between commands) or any
//! RPC URL.

use std::path::PathBuf;
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use anyhow::{bail, Result};
use solana_sdk::account::Account;
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::Keypair;

use ale_embedded::EmbeddedRuntime;
use ale_sdk::transport::{AccountFilter, ClientError, Transport, TxOutcome};
use ale_sdk::RpcTransport;

pub enum Cluster {
    Embedded {
        runtime: Box<EmbeddedRuntime>,
        state: PathBuf,
    },
    Rpc(Box<RpcTransport>),
}

impl Cluster {
    /// `embedded:PATH` or an RPC URL; `wallet` pays the keeper's cranks on RPC. An RPC
    /// cluster must answer now (a wrong URL fails at once, with nothing sent); once
    /// connected, a cluster that stops answering is waited for up to `patience`. A
    /// non-zero `unit_price` (micro-lamports per compute unit) is offered on every
    /// transaction.
    pub async fn connect(
        url: &str,
        wallet: &Keypair,
        patience: Duration,
        unit_price: u64,
    ) -> Result<Self> {
        if let Some(path) = url.strip_prefix("embedded:") {
            let state = PathBuf::from(path);
            let runtime = Box::new(EmbeddedRuntime::load_state(&state).await?);
            return Ok(Self::Embedded { runtime, state });
        }
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            bail!("--url is embedded:PATH or an http(s) RPC URL, not {url}");
        }
        let mut rpc = RpcTransport::new(url, wallet.insecure_clone());
        if unit_price > 0 {
            rpc = rpc.with_unit_price(unit_price);
        }
        rpc.patience = patience;
        rpc.check_reachable().await?;
        Ok(Self::Rpc(Box::new(rpc)))
    }

    /// Both ALE programs are deployed here (always so on the embedded runtime).
    pub async fn check_programs(&self) -> Result<(), ClientError> {
        match self {
            Self::Embedded { .. } => Ok(()),
            Self::Rpc(rpc) => rpc.check_programs().await,
        }
    }

    /// The embedded runtime, for what only it can do (airdrops, clock warps).
    pub fn embedded(&mut self) -> Result<&mut EmbeddedRuntime> {
        match self {
            Self::Embedded { runtime, .. } => Ok(runtime),
            Self::Rpc(_) => {
                bail!("only the embedded runtime can do this; on a cluster use the Solana CLI")
            }
        }
    }

    /// Saves the embedded runtime's state; nothing to do on RPC.
    pub async fn finish(&mut self) -> Result<()> {
        if let Self::Embedded { runtime, state } = self {
            runtime.save_state(state).await?;
        }
        Ok(())
    }
}

impl Transport for Cluster {
    fn fee_payer(&self) -> Pubkey {
        match self {
            Self::Embedded { runtime, .. } => runtime.fee_payer(),
            Self::Rpc(rpc) => rpc.fee_payer(),
        }
    }

    async fn send_transaction(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<TxOutcome, ClientError> {
        match self {
            Self::Embedded { runtime, .. } => runtime.send_transaction(ixs, signers).await,
            Self::Rpc(rpc) => rpc.send_transaction(ixs, signers).await,
        }
    }

    async fn send_independent(
        &mut self,
        transactions: &[Vec<Instruction>],
        signers: &[&Keypair],
    ) -> Result<(), ClientError> {
        match self {
            Self::Embedded { runtime, .. } => runtime.send_independent(transactions, signers).await,
            Self::Rpc(rpc) => rpc.send_independent(transactions, signers).await,
        }
    }

    async fn get_account(&mut self, address: Pubkey) -> Result<Option<Account>, ClientError> {
        match self {
            Self::Embedded { runtime, .. } => runtime.get_account(address).await,
            Self::Rpc(rpc) => rpc.get_account(address).await,
        }
    }

    async fn unix_timestamp(&mut self) -> Result<i64, ClientError> {
        match self {
            Self::Embedded { runtime, .. } => runtime.unix_timestamp().await,
            Self::Rpc(rpc) => rpc.unix_timestamp().await,
        }
    }

    async fn next_slot(&mut self) -> Result<u64, ClientError> {
        match self {
            Self::Embedded { runtime, .. } => runtime.next_slot().await,
            Self::Rpc(rpc) => rpc.next_slot().await,
        }
    }

    async fn minimum_balance(&mut self, bytes: usize) -> Result<u64, ClientError> {
        match self {
            Self::Embedded { runtime, .. } => runtime.minimum_balance(bytes).await,
            Self::Rpc(rpc) => rpc.minimum_balance(bytes).await,
        }
    }

    async fn program_accounts(
        &mut self,
        program: Pubkey,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ClientError> {
        match self {
            Self::Embedded { runtime, .. } => runtime.program_accounts(program, filters).await,
            Self::Rpc(rpc) => rpc.program_accounts(program, filters).await,
        }
    }
}

impl ale_sdk::TestCluster for Cluster {
    async fn airdrop(&mut self, to: &Pubkey, lamports: u64) -> Result<(), ClientError> {
        match self {
            Self::Embedded { runtime, .. } => runtime.airdrop(to, lamports).await,
            Self::Rpc(rpc) => ale_sdk::TestCluster::airdrop(rpc.as_mut(), to, lamports).await,
        }
    }

    async fn wait_until(&mut self, unix_timestamp: i64) -> Result<(), ClientError> {
        match self {
            Self::Embedded { runtime, .. } => runtime.wait_until(unix_timestamp).await,
            Self::Rpc(rpc) => rpc.wait_until(unix_timestamp).await,
        }
    }
}
