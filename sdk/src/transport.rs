//! One interface to a Solana cluster, two implementations: the embedded in-process
//! runtime (`EmbeddedRuntime`) and any RPC URL (`RpcTransport`). Every actor of the
//! client (poster, worker, staker, creator, operator, keeper) is written against
//! `Transport`, so the code the tests run is the code that talks to devnet.

use std::collections::HashMap;
use std::sync::OnceLock;

use anchor_lang::prelude::Pubkey;
use anchor_lang::AccountDeserialize;
use solana_sdk::account::Account;
use solana_sdk::instruction::{Instruction, InstructionError};
use solana_sdk::program_pack::Pack;
use solana_sdk::signature::{Keypair, Signer};
use solana_sdk::transaction::TransactionError;
use spl_associated_token_account_interface::address::get_associated_token_address_with_program_id;
use spl_associated_token_account_interface::instruction::create_associated_token_account_idempotent;
use spl_token_interface::state::Account as SplAccount;

use crate::compute_budget::ComputeBudget;
use crate::events::RawEvent;

/// What a confirmed transaction produced that a client reads back.
#[derive(Debug, Default)]
pub struct TxOutcome {
    pub events: Vec<RawEvent>,
}

impl TxOutcome {
    pub fn events<T>(&self) -> Vec<T>
    where
        T: anchor_lang::Event + anchor_lang::Discriminator + anchor_lang::AnchorDeserialize,
    {
        crate::events::decode_all(&self.events)
    }
}

/// What a transport answers when something goes wrong. Program errors come back by
/// name (from the committed IDL, or Anchor's own codes), not as raw numbers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("{program} refused instruction {instruction}: {name} ({code}): {message}")]
    Program {
        program: &'static str,
        instruction: u8,
        code: u32,
        name: &'static str,
        message: &'static str,
    },
    #[error("transaction refused: {0}")]
    Transaction(TransactionError),
    /// The cluster could not be reached or did not answer in time: worth a retry.
    #[error("cluster unreachable: {0}")]
    Unreachable(String),
    /// An account read back does not add up (an arithmetic or layout error).
    #[error("inconsistent state: {0}")]
    State(String),
    #[error("account {address}: {what}")]
    Account { address: Pubkey, what: String },
    /// The cluster answers but has not got this program: the wrong cluster, or ALE is
    /// not deployed there yet.
    #[error("{program} is not deployed at {id} on {url}: wrong cluster, or deploy it first (`ale deploy`)")]
    ProgramMissing {
        program: &'static str,
        id: Pubkey,
        url: String,
    },
    /// The fee payer has no SOL on this cluster.
    #[error(
        "fee payer {payer} has no SOL (or too little for the fee) on this cluster: fund it first"
    )]
    FeePayerUnfunded { payer: Pubkey },
    /// The RPC node answered with an error of its own (not a transaction's).
    #[error("RPC error: {0}")]
    Rpc(String),
}

impl ClientError {
    /// Names a transaction error: a custom code of one of our programs or of Anchor
    /// becomes `Program`; anything else stays a `TransactionError`.
    pub fn from_transaction(err: TransactionError, ixs: &[Instruction]) -> Self {
        let TransactionError::InstructionError(index, InstructionError::Custom(code)) = err else {
            return Self::Transaction(err);
        };
        let program = ixs.get(index as usize).map(|ix| ix.program_id);
        match program.and_then(|p| named_error(&p, code)) {
            Some((program, name, message)) => Self::Program {
                program,
                instruction: index,
                code,
                name,
                message,
            },
            None => Self::Transaction(err),
        }
    }

    /// The program error's name, if this is one.
    pub fn error_name(&self) -> Option<&'static str> {
        match self {
            Self::Program { name, .. } => Some(name),
            _ => None,
        }
    }

    /// Whether sending again later may succeed: the cluster was unreachable, the
    /// blockhash expired, or the transaction was already being processed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Unreachable(_)
                | Self::Transaction(
                    TransactionError::BlockhashNotFound | TransactionError::AlreadyProcessed
                )
        )
    }

    pub fn account(address: Pubkey, what: impl ToString) -> Self {
        Self::Account {
            address,
            what: what.to_string(),
        }
    }
}

/// (program name, error name, message) for `code` raised by `program`.
pub fn named_error(
    program: &Pubkey,
    code: u32,
) -> Option<(&'static str, &'static str, &'static str)> {
    let program_name = if *program == ale_protocol::ID {
        "ale_protocol"
    } else if *program == ale_staking::ID {
        "ale_staking"
    } else {
        return None;
    };
    if code < anchor_lang::error::ERROR_CODE_OFFSET {
        let (name, message) = framework_errors().get(&code)?;
        return Some((program_name, name, message));
    }
    let (name, message) = program_errors().get(&(program_name, code))?;
    Some((program_name, name, message))
}

type ErrorTable<K> = HashMap<K, (&'static str, &'static str)>;

/// The programs' own errors, read from the committed IDL (which a CI check keeps
/// equal to the programs).
fn program_errors() -> &'static ErrorTable<(&'static str, u32)> {
    static TABLE: OnceLock<ErrorTable<(&'static str, u32)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let idls = [
            (
                "ale_protocol",
                include_str!("../../app-idl/ale_protocol.json"),
            ),
            (
                "ale_staking",
                include_str!("../../app-idl/ale_staking.json"),
            ),
        ];
        let mut table = HashMap::new();
        for (program, json) in idls {
            let idl: anchor_lang_idl::types::Idl =
                serde_json::from_str(json).expect("the committed IDL parses");
            for e in idl.errors {
                let name: &'static str = Box::leak(e.name.into_boxed_str());
                let message: &'static str = Box::leak(e.msg.unwrap_or_default().into_boxed_str());
                table.insert((program, e.code), (name, message));
            }
        }
        table
    })
}

/// Anchor's framework errors that account validation raises.
fn framework_errors() -> &'static ErrorTable<u32> {
    use anchor_lang::error::ErrorCode as E;
    static TABLE: OnceLock<ErrorTable<u32>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let codes = [
            E::InstructionMissing,
            E::InstructionFallbackNotFound,
            E::InstructionDidNotDeserialize,
            E::ConstraintMut,
            E::ConstraintHasOne,
            E::ConstraintSigner,
            E::ConstraintRaw,
            E::ConstraintOwner,
            E::ConstraintRentExempt,
            E::ConstraintSeeds,
            E::ConstraintExecutable,
            E::ConstraintAddress,
            E::ConstraintZero,
            E::ConstraintTokenMint,
            E::ConstraintTokenOwner,
            E::ConstraintSpace,
            E::ConstraintTokenTokenProgram,
            E::ConstraintMintTokenProgram,
            E::ConstraintDuplicateMutableAccount,
            E::RequireViolated,
            E::AccountDiscriminatorAlreadySet,
            E::AccountDiscriminatorNotFound,
            E::AccountDiscriminatorMismatch,
            E::AccountDidNotDeserialize,
            E::AccountNotEnoughKeys,
            E::AccountNotMutable,
            E::AccountOwnedByWrongProgram,
            E::InvalidProgramId,
            E::InvalidProgramExecutable,
            E::AccountNotSigner,
            E::AccountNotSystemOwned,
            E::AccountNotInitialized,
            E::AccountSysvarMismatch,
            E::InvalidNumericConversion,
        ];
        codes
            .into_iter()
            .map(|e| {
                let name: &'static str = Box::leak(e.name().into_boxed_str());
                let message: &'static str = Box::leak(e.to_string().into_boxed_str());
                (u32::from(e), (name, message))
            })
            .collect()
    })
}

/// Which of a program's accounts `Transport::program_accounts` returns: the filters of
/// JSON-RPC's `getProgramAccounts`, all of which an account must pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountFilter {
    DataSize(u64),
    Memcmp { offset: usize, bytes: Vec<u8> },
}

impl AccountFilter {
    /// Accounts of one Anchor type: its discriminator leads the data.
    pub fn anchor<T: anchor_lang::Discriminator>() -> Self {
        Self::Memcmp {
            offset: 0,
            bytes: T::DISCRIMINATOR.to_vec(),
        }
    }

    /// Accounts holding `key` at `offset` (after the discriminator, for Anchor).
    pub fn pubkey_at(offset: usize, key: &Pubkey) -> Self {
        Self::Memcmp {
            offset,
            bytes: key.to_bytes().to_vec(),
        }
    }

    pub fn matches(&self, data: &[u8]) -> bool {
        match self {
            Self::DataSize(size) => data.len() as u64 == *size,
            Self::Memcmp { offset, bytes } => offset
                .checked_add(bytes.len())
                .and_then(|end| data.get(*offset..end))
                .is_some_and(|window| window == bytes.as_slice()),
        }
    }
}

/// A Solana cluster as the client sees it. Fees: the first signer pays when there is
/// one (a worker pays for its own votes); otherwise the transport's own wallet does.
#[allow(async_fn_in_trait)] // the client runs on one task; no caller needs `Send` bounds
pub trait Transport {
    /// The wallet that pays for transactions no signer pays for (a keeper's cranks).
    fn fee_payer(&self) -> Pubkey;

    /// Signs, sends and confirms one transaction; returns the events it emitted.
    async fn send_transaction(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<TxOutcome, ClientError>;

    /// Sends transactions that stand alone (none needs another landed first) and
    /// returns once all are confirmed: a program's buffer writes. One by one here; the
    /// RPC transport sends them all before it waits.
    async fn send_independent(
        &mut self,
        transactions: &[Vec<Instruction>],
        signers: &[&Keypair],
    ) -> Result<(), ClientError> {
        for ixs in transactions {
            self.send_transaction(ixs, signers).await?;
        }
        Ok(())
    }

    async fn get_account(&mut self, address: Pubkey) -> Result<Option<Account>, ClientError>;

    /// The cluster clock's unix timestamp.
    async fn unix_timestamp(&mut self) -> Result<i64, ClientError>;

    /// Returns once the cluster is in a later slot than now, and that slot: the
    /// upgradeable loader changes a program at most once a slot. A cluster moves on by
    /// itself; the embedded bank is moved.
    async fn next_slot(&mut self) -> Result<u64, ClientError>;

    async fn minimum_balance(&mut self, bytes: usize) -> Result<u64, ClientError>;

    /// Every account owned by `program` that passes all `filters` (one
    /// `getProgramAccounts` on RPC): how a keeper finds its work without reading every
    /// account ever made.
    async fn program_accounts(
        &mut self,
        program: Pubkey,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ClientError>;

    /// Every account of Anchor type `T` (owned by its program) that passes `filters`,
    /// decoded.
    async fn anchor_accounts<T>(
        &mut self,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, T)>, ClientError>
    where
        T: AccountDeserialize + anchor_lang::Discriminator + anchor_lang::Owner,
    {
        let mut all = vec![AccountFilter::anchor::<T>()];
        all.extend_from_slice(filters);
        self.program_accounts(T::owner(), &all)
            .await?
            .into_iter()
            .map(|(address, account)| {
                T::try_deserialize(&mut account.data.as_slice())
                    .map(|t| (address, t))
                    .map_err(|e| ClientError::account(address, e))
            })
            .collect()
    }

    /// An Anchor account (borsh, or zero-copy read by value).
    async fn read<T: AccountDeserialize>(&mut self, address: Pubkey) -> Result<T, ClientError> {
        let account = self
            .get_account(address)
            .await?
            .ok_or_else(|| ClientError::account(address, "does not exist"))?;
        T::try_deserialize(&mut account.data.as_slice())
            .map_err(|e| ClientError::account(address, e))
    }

    /// An Anchor account, or `None` where there is none.
    async fn read_optional<T: AccountDeserialize>(
        &mut self,
        address: Pubkey,
    ) -> Result<Option<T>, ClientError> {
        match self.get_account(address).await? {
            None => Ok(None),
            Some(account) => T::try_deserialize(&mut account.data.as_slice())
                .map(Some)
                .map_err(|e| ClientError::account(address, e)),
        }
    }

    /// The raw data of an account that must exist (zero-copy tables).
    async fn data(&mut self, address: Pubkey) -> Result<Vec<u8>, ClientError> {
        Ok(self
            .get_account(address)
            .await?
            .ok_or_else(|| ClientError::account(address, "does not exist"))?
            .data)
    }

    /// The token program that owns `mint` (SPL Token or Token-2022).
    async fn token_program_of(&mut self, mint: Pubkey) -> Result<Pubkey, ClientError> {
        Ok(self
            .get_account(mint)
            .await?
            .ok_or_else(|| ClientError::account(mint, "no such mint"))?
            .owner)
    }

    /// Balance of a token account (SPL Token or Token-2022); 0 if there is none.
    async fn token_balance(&mut self, token_account: Pubkey) -> Result<u64, ClientError> {
        match self.get_account(token_account).await? {
            None => Ok(0),
            Some(a) => SplAccount::unpack(a.data.get(..SplAccount::LEN).unwrap_or_default())
                .map(|t| t.amount)
                .map_err(|e| ClientError::account(token_account, e)),
        }
    }
}

/// Sends the instructions `pay_to` builds for the wallet's associated token account of
/// `mint` (opened first, if missing, at the wallet's cost); returns what the account
/// received.
pub async fn receive_in_own_account<T: Transport>(
    t: &mut T,
    wallet: &Keypair,
    mint: Pubkey,
    token_program: Pubkey,
    pay_to: impl FnOnce(Pubkey) -> Vec<Instruction>,
) -> Result<u64, ClientError> {
    let owner = wallet.pubkey();
    let destination = get_associated_token_address_with_program_id(&owner, &mint, &token_program);
    let before = t.token_balance(destination).await?;
    let mut ixs = vec![create_associated_token_account_idempotent(
        &owner,
        &owner,
        &mint,
        &token_program,
    )];
    ixs.extend(pay_to(destination));
    t.send_transaction(&ixs, &[wallet]).await?;
    Ok(t.token_balance(destination).await? - before)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(program: Pubkey, code: u32) -> ClientError {
        let ix = Instruction::new_with_bytes(program, &[], vec![]);
        let err = TransactionError::InstructionError(0, InstructionError::Custom(code));
        ClientError::from_transaction(err, &[ix])
    }

    #[test]
    fn program_and_framework_errors_come_back_by_name() {
        let claim = u32::from(ale_protocol::error::ProtocolError::NothingToClaim);
        assert_eq!(
            refused(ale_protocol::ID, claim).error_name(),
            Some("NothingToClaim")
        );
        let cooldown = u32::from(ale_staking::error::StakingError::CooldownNotElapsed);
        assert_eq!(
            refused(ale_staking::ID, cooldown).error_name(),
            Some("CooldownNotElapsed")
        );
        let signer = u32::from(anchor_lang::error::ErrorCode::AccountNotSigner);
        assert_eq!(
            refused(ale_staking::ID, signer).error_name(),
            Some("AccountNotSigner")
        );
        // Another program's custom code stays a raw transaction error.
        let other = refused(spl_token_interface::ID, 1);
        assert!(matches!(other, ClientError::Transaction(_)));
        assert!(!other.is_transient());
        assert!(ClientError::Unreachable("timeout".into()).is_transient());
    }
}

/// The most bytes a transaction may take on the wire.
pub const MAX_TRANSACTION_BYTES: usize = 1_232;

/// Wire size of a signed transaction of `message`: signature count, signatures, message.
pub fn wire_size(message: &solana_sdk::message::Message) -> usize {
    1 + 64 * message.header.num_required_signatures as usize + message.serialize().len()
}

/// Wire size of a transaction of `ixs` paid by `payer`, with the compute-budget
/// instructions the client puts in front (limit and price).
pub fn transaction_bytes(ixs: &[Instruction], payer: &Pubkey) -> usize {
    let priced = ComputeBudget {
        unit_price_micro_lamports: Some(0),
    };
    wire_size(&solana_sdk::message::Message::new(
        &priced.apply(ixs),
        Some(payer),
    ))
}

/// What `send_packed` did with each instruction.
#[derive(Debug, Default)]
pub struct Packed {
    pub transactions: usize,
    /// Index (into the instructions given) of each one that landed.
    pub landed: Vec<usize>,
    /// Each instruction refused when sent alone, with its error.
    pub refused: Vec<(usize, ClientError)>,
}

/// Sends independent instructions in as few transactions as fit the size limit, in
/// order, each transaction paid by the first signer (or the transport's payer). A
/// packed transaction that fails is retried one instruction per transaction, so one
/// bad instruction does not hold back the others.
pub async fn send_packed<T: Transport>(
    t: &mut T,
    ixs: &[Instruction],
    signers: &[&Keypair],
) -> Result<Packed, ClientError> {
    let payer = signers.first().map_or(t.fee_payer(), |s| s.pubkey());
    let mut packed = Packed::default();
    let mut start = 0;
    while start < ixs.len() {
        let mut end = start + 1;
        while end < ixs.len()
            && transaction_bytes(&ixs[start..=end], &payer) <= MAX_TRANSACTION_BYTES
        {
            end += 1;
        }
        packed.transactions += 1;
        match t.send_transaction(&ixs[start..end], signers).await {
            Ok(_) => packed.landed.extend(start..end),
            Err(e) if end - start == 1 => packed.refused.push((start, e)),
            Err(e) if e.is_transient() => return Err(e),
            Err(_) => {
                for i in start..end {
                    packed.transactions += 1;
                    match t.send_transaction(&ixs[i..=i], signers).await {
                        Ok(_) => packed.landed.push(i),
                        Err(e) => packed.refused.push((i, e)),
                    }
                }
            }
        }
        start = end;
    }
    Ok(packed)
}
