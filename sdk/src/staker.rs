//! What an ALE holder does with stake. Every call carries the inflation crank in the
//! same transaction: the program refuses stake changes against a stale accumulator
//! (`EmissionNotCurrent`), and the crank is a no-op when nothing is due.

use ale_staking::state::StakeAccount;
use anchor_lang::prelude::Pubkey;
use serde::Serialize;
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::{Keypair, Signer};
use spl_associated_token_account_interface::address::get_associated_token_address;

use crate::transport::{receive_in_own_account, ClientError, Transport};
use crate::{pda, staking};

/// The wallet's ALE account (associated token account).
pub fn ale_account(owner: &Pubkey) -> Pubkey {
    get_associated_token_address(owner, &pda::ale_mint())
}

async fn send<T: Transport>(
    t: &mut T,
    wallet: &Keypair,
    action: Instruction,
) -> Result<(), ClientError> {
    t.send_transaction(&[staking::crank_inflation(), action], &[wallet])
        .await?;
    Ok(())
}

/// Stakes `amount` base units from the wallet's ALE account, opening its stake
/// account first if it has none.
pub async fn stake<T: Transport>(
    t: &mut T,
    wallet: &Keypair,
    amount: u64,
) -> Result<(), ClientError> {
    let owner = wallet.pubkey();
    let mut ixs = Vec::new();
    if t.get_account(pda::stake_account(&owner)).await?.is_none() {
        ixs.push(staking::open_stake_account(owner));
    }
    ixs.push(staking::crank_inflation());
    ixs.push(staking::stake(owner, ale_account(&owner), amount));
    t.send_transaction(&ixs, &[wallet]).await?;
    Ok(())
}

/// Starts the cooldown of `amount` active stake.
pub async fn unstake<T: Transport>(
    t: &mut T,
    wallet: &Keypair,
    amount: u64,
) -> Result<(), ClientError> {
    send(t, wallet, staking::request_unstake(wallet.pubkey(), amount)).await
}

/// Withdraws stake whose cooldown has ended to the wallet's ALE account.
pub async fn withdraw<T: Transport>(t: &mut T, wallet: &Keypair) -> Result<(), ClientError> {
    send(
        t,
        wallet,
        staking::withdraw(wallet.pubkey(), ale_account(&wallet.pubkey())),
    )
    .await
}

/// Claims staking rewards to the wallet's ALE account (opened if missing); returns
/// the amount received.
pub async fn claim<T: Transport>(t: &mut T, wallet: &Keypair) -> Result<u64, ClientError> {
    let owner = wallet.pubkey();
    let ale = pda::ale_mint();
    receive_in_own_account(t, wallet, ale, anchor_spl::token::ID, |destination| {
        vec![
            staking::crank_inflation(),
            staking::claim_rewards(owner, destination),
        ]
    })
    .await
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct StakeView {
    pub owner: String,
    pub liquid: u64,
    pub active: u64,
    pub cooling: u64,
    pub cooldown_ends_at: i64,
    /// Rewards accrued up to the last crank that touched this account.
    pub claimable: u64,
    pub total_claimed: u64,
}

pub async fn show<T: Transport>(t: &mut T, owner: Pubkey) -> Result<StakeView, ClientError> {
    let stake = t
        .read_optional::<StakeAccount>(pda::stake_account(&owner))
        .await?;
    let liquid = t.token_balance(ale_account(&owner)).await?;
    Ok(match stake {
        None => StakeView {
            owner: owner.to_string(),
            liquid,
            active: 0,
            cooling: 0,
            cooldown_ends_at: 0,
            claimable: 0,
            total_claimed: 0,
        },
        Some(s) => StakeView {
            owner: owner.to_string(),
            liquid,
            active: s.active_amount,
            cooling: s.cooling_amount,
            cooldown_ends_at: s.cooldown_ends_at,
            claimable: s.claimable,
            total_claimed: s.total_claimed,
        },
    })
}
