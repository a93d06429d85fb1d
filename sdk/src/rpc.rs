//! `Transport` over JSON-RPC: devnet, mainnet, or a local validator running the SBF
//! build of the programs (`tools/sbf/build.sh`). Not exercised here yet (no validator
//! runs on these machines); the embedded runtime, in its SBF mode, runs the same
//! client code against the same binaries.

use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use solana_commitment_config::CommitmentConfig;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::Error as RpcError;
use solana_rpc_client_types::config::RpcTransactionConfig;
use solana_sdk::account::Account;
use solana_sdk::clock::Clock;
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::{Keypair, Signer};
use solana_sdk::transaction::Transaction;
use solana_transaction_status_client_types::{UiInstruction, UiTransactionEncoding};

use crate::compute_budget::ComputeBudget;
use crate::events::RawEvent;
use crate::transport::{ClientError, Transport};
use crate::TxOutcome;

/// How long one RPC request may take before it counts as unreachable.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub struct RpcTransport {
    client: RpcClient,
    /// Pays for transactions that no signer pays for.
    wallet: Keypair,
    /// The compute budget put on every transaction.
    pub compute_budget: ComputeBudget,
}

impl RpcTransport {
    pub fn new(url: &str, wallet: Keypair) -> Self {
        Self {
            client: RpcClient::new_with_timeout_and_commitment(
                url.to_string(),
                REQUEST_TIMEOUT,
                CommitmentConfig::confirmed(),
            ),
            wallet,
            compute_budget: ComputeBudget::default(),
        }
    }

    /// Every transaction also offers `micro_lamports` per compute unit (priority fee).
    pub fn with_unit_price(mut self, micro_lamports: u64) -> Self {
        self.compute_budget.unit_price_micro_lamports = Some(micro_lamports);
        self
    }
}

fn rpc_error(err: RpcError, ixs: &[Instruction]) -> ClientError {
    match err.get_transaction_error() {
        Some(tx_err) => ClientError::from_transaction(tx_err, ixs),
        None => ClientError::Unreachable(err.to_string()),
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
        let payer = signers.first().copied().unwrap_or(&self.wallet);
        let mut all: Vec<&Keypair> = vec![payer];
        all.extend(signers.iter().filter(|k| k.pubkey() != payer.pubkey()));
        let blockhash = self
            .client
            .get_latest_blockhash()
            .await
            .map_err(|e| rpc_error(e, ixs))?;
        let tx = Transaction::new_signed_with_payer(ixs, Some(&payer.pubkey()), &all, blockhash);
        let signature = self
            .client
            .send_and_confirm_transaction(&tx)
            .await
            .map_err(|e| rpc_error(e, ixs))?;
        // Events are self-CPIs: read them back from the confirmed transaction's inner
        // instructions. The message is legacy, so its key order is ours.
        let config = RpcTransactionConfig {
            encoding: Some(UiTransactionEncoding::Json),
            commitment: Some(CommitmentConfig::confirmed()),
            max_supported_transaction_version: Some(0),
        };
        let confirmed = self
            .client
            .get_transaction_with_config(&signature, config)
            .await
            .map_err(|e| rpc_error(e, ixs))?;
        let keys = &tx.message.account_keys;
        let inner: Option<Vec<_>> = confirmed
            .transaction
            .meta
            .and_then(|meta| meta.inner_instructions.into());
        let events = inner
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
            .collect();
        Ok(TxOutcome { events })
    }

    async fn get_account(&mut self, address: Pubkey) -> Result<Option<Account>, ClientError> {
        self.client
            .get_account_with_commitment(&address, CommitmentConfig::confirmed())
            .await
            .map(|r| r.value)
            .map_err(|e| rpc_error(e, &[]))
    }

    async fn unix_timestamp(&mut self) -> Result<i64, ClientError> {
        let account = self
            .get_account(solana_sdk_ids::sysvar::clock::ID)
            .await?
            .ok_or_else(|| ClientError::Unreachable("no clock sysvar".into()))?;
        let clock: Clock = bincode::deserialize(&account.data)
            .map_err(|e| ClientError::account(solana_sdk_ids::sysvar::clock::ID, e))?;
        Ok(clock.unix_timestamp)
    }

    async fn minimum_balance(&mut self, bytes: usize) -> Result<u64, ClientError> {
        self.client
            .get_minimum_balance_for_rent_exemption(bytes)
            .await
            .map_err(|e| rpc_error(e, &[]))
    }
}
