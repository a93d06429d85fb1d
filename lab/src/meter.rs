//! A `Transport` that counts what passes through it by market phase: transactions,
//! signatures (fees), the largest transaction, and votes credited per settle. The cost
//! benchmark wraps the embedded runtime in it; the actors do not know it is there.

use std::collections::BTreeMap;

use ale_protocol::events::RoundSettled;
use ale_protocol::instruction as protocol_ix;
use anchor_lang::prelude::Pubkey;
use anchor_lang::Discriminator;
use solana_sdk::account::Account;
use solana_sdk::instruction::Instruction;
use solana_sdk::message::Message;
use solana_sdk::signature::{Keypair, Signer};

use ale_sdk::transport::{transaction_bytes, AccountFilter, ClientError, Transport, TxOutcome};

/// Signature fee on every cluster today.
pub const LAMPORTS_PER_SIGNATURE: u64 = 5_000;

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

/// The market phase a transaction belongs to, from its last ALE instruction.
pub fn phase_of(ixs: &[Instruction]) -> &'static str {
    let phases: [(&[u8], &'static str); 13] = [
        (protocol_ix::PostBatch::DISCRIMINATOR, "post"),
        (protocol_ix::CancelItems::DISCRIMINATOR, "cancel"),
        (protocol_ix::JoinCommunity::DISCRIMINATOR, "join"),
        (protocol_ix::SetPushPayouts::DISCRIMINATOR, "join"),
        (protocol_ix::TakeTicket::DISCRIMINATOR, "ticket"),
        (protocol_ix::CloseExpiredTicket::DISCRIMINATOR, "ticket"),
        (protocol_ix::CommitVotes::DISCRIMINATOR, "commit"),
        (protocol_ix::RevealVotes::DISCRIMINATOR, "reveal"),
        (protocol_ix::SettleRound::DISCRIMINATOR, "settle"),
        (protocol_ix::ClaimPay::DISCRIMINATOR, "claim"),
        (protocol_ix::PushPayouts::DISCRIMINATOR, "claim"),
        (protocol_ix::RefundExpired::DISCRIMINATOR, "refund"),
        (protocol_ix::CloseBatch::DISCRIMINATOR, "close"),
    ];
    ixs.iter()
        .rev()
        .filter(|ix| ix.program_id == ale_protocol::ID)
        .find_map(|ix| {
            phases
                .iter()
                .find(|(d, _)| ix.data.starts_with(d))
                .map(|(_, p)| *p)
        })
        .unwrap_or("setup")
}

pub struct Metered<T> {
    pub inner: T,
    pub phases: BTreeMap<&'static str, PhaseCost>,
    pub most_votes_per_settle: u32,
}

impl<T> Metered<T> {
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            phases: BTreeMap::new(),
            most_votes_per_settle: 0,
        }
    }
}

impl<T: Transport> Transport for Metered<T> {
    fn fee_payer(&self) -> Pubkey {
        self.inner.fee_payer()
    }

    /// Counts the first signer as the fee payer (a worker pays for its own votes),
    /// or the transport's wallet when there is none.
    async fn send_transaction(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<TxOutcome, ClientError> {
        let payer = signers
            .first()
            .map_or(self.inner.fee_payer(), |s| s.pubkey());
        let message = Message::new(ixs, Some(&payer));
        let signatures = message.header.num_required_signatures as u64;
        let bytes = transaction_bytes(ixs, &payer);
        // A refused transaction pays its fees too.
        let result = self.inner.send_transaction(ixs, signers).await;
        let cost = self.phases.entry(phase_of(ixs)).or_default();
        cost.transactions += 1;
        cost.signatures += signatures;
        cost.largest_bytes = cost.largest_bytes.max(bytes);
        if let Ok(outcome) = &result {
            for settled in outcome.events::<RoundSettled>() {
                self.most_votes_per_settle = self.most_votes_per_settle.max(settled.votes_credited);
            }
        }
        result
    }

    async fn get_account(&mut self, address: Pubkey) -> Result<Option<Account>, ClientError> {
        self.inner.get_account(address).await
    }

    async fn unix_timestamp(&mut self) -> Result<i64, ClientError> {
        self.inner.unix_timestamp().await
    }

    async fn next_slot(&mut self) -> Result<u64, ClientError> {
        self.inner.next_slot().await
    }

    async fn minimum_balance(&mut self, bytes: usize) -> Result<u64, ClientError> {
        self.inner.minimum_balance(bytes).await
    }

    async fn program_accounts(
        &mut self,
        program: Pubkey,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ClientError> {
        self.inner.program_accounts(program, filters).await
    }
}

impl<T: ale_sdk::TestCluster> ale_sdk::TestCluster for Metered<T> {
    async fn airdrop(&mut self, to: &Pubkey, lamports: u64) -> Result<(), ClientError> {
        self.inner.airdrop(to, lamports).await
    }

    async fn wait_until(&mut self, unix_timestamp: i64) -> Result<(), ClientError> {
        self.inner.wait_until(unix_timestamp).await
    }
}
