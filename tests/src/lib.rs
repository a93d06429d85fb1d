//! The test harness every end-to-end test uses: the embedded runtime with both ALE
//! programs and SPL Token, funded wallets, mints, clock warps, error assertions and
//! account snapshots (to prove a refused instruction changed nothing).

pub mod pool;
pub mod protocol_env;
pub mod reporter_stub;
pub mod staking_env;

use ale_embedded::EmbeddedRuntime;
use anchor_lang::prelude::Pubkey;
use solana_sdk::account::Account;
use solana_sdk::instruction::InstructionError;
use solana_sdk::transaction::TransactionError;

pub use protocol_env::{Poster, ProtocolEnv};
pub use staking_env::{Staker, StakingEnv};

/// Asserts that `result` failed with the Anchor error `code` (user errors count from
/// 6000, framework errors such as ConstraintSeeds keep their own numbers).
#[track_caller]
pub fn assert_error<T>(result: Result<T, TransactionError>, code: impl Into<u32>) {
    let code = code.into();
    match result {
        Err(TransactionError::InstructionError(_, InstructionError::Custom(got))) => {
            assert_eq!(got, code, "expected error {code}, got {got}")
        }
        Err(other) => panic!("expected custom error {code}, got {other:?}"),
        Ok(_) => panic!("expected custom error {code}, the transaction succeeded"),
    }
}

/// Raw state of a set of accounts, to compare before and after a refused instruction.
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot(Vec<(Pubkey, Option<Account>)>);

pub async fn snapshot(rt: &mut EmbeddedRuntime, addresses: &[Pubkey]) -> Snapshot {
    let mut accounts = Vec::with_capacity(addresses.len());
    for &address in addresses {
        accounts.push((address, rt.account(address).await));
    }
    Snapshot(accounts)
}
