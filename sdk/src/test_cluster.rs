//! What a demo, a benchmark or an end-to-end test needs of a cluster beyond
//! `Transport`: SOL to start with, and time passing. The embedded runtime pays SOL from
//! its own payer and warps its clock; a local validator (or devnet) airdrops from its
//! faucet and is waited for, since its clock follows the wall clock.

use anchor_lang::prelude::Pubkey;
use solana_sdk::native_token::LAMPORTS_PER_SOL;
use solana_sdk::signature::{Keypair, Signer};

use crate::transport::{send_packed, ClientError, Transport};

#[allow(async_fn_in_trait)] // the client runs on one task; no caller needs `Send` bounds
pub trait TestCluster: Transport {
    /// Credits `lamports` to `to`, confirmed.
    async fn airdrop(&mut self, to: &Pubkey, lamports: u64) -> Result<(), ClientError>;

    /// Returns once the cluster clock reads `unix_timestamp` or later.
    async fn wait_until(&mut self, unix_timestamp: i64) -> Result<(), ClientError>;
}

/// `count` new wallets holding `sol` SOL each: one airdrop to a funder, then its
/// transfers packed into as few transactions as fit (a faucet airdrop per wallet
/// would be a confirmation round trip each).
pub async fn funded_wallets<T: TestCluster>(
    t: &mut T,
    count: usize,
    sol: u64,
) -> Result<Vec<Keypair>, ClientError> {
    let each = lamports_of(sol)?;
    let wallets: Vec<Keypair> = (0..count).map(|_| Keypair::new()).collect();
    let funder = Keypair::new();
    // The funder pays each packed transaction's fee too: one SOL covers thousands.
    let total = (count as u64)
        .checked_mul(each)
        .and_then(|t| t.checked_add(LAMPORTS_PER_SOL))
        .ok_or_else(|| ClientError::State("SOL for the wallets overflows".into()))?;
    t.airdrop(&funder.pubkey(), total).await?;
    let transfers: Vec<_> = wallets
        .iter()
        .map(|w| {
            solana_system_interface::instruction::transfer(&funder.pubkey(), &w.pubkey(), each)
        })
        .collect();
    let packed = send_packed(t, &transfers, &[&funder]).await?;
    if let Some((_, err)) = packed.refused.into_iter().next() {
        return Err(err);
    }
    Ok(wallets)
}

/// One new wallet holding `sol` SOL.
pub async fn funded_wallet<T: TestCluster>(t: &mut T, sol: u64) -> Result<Keypair, ClientError> {
    let wallet = Keypair::new();
    t.airdrop(&wallet.pubkey(), lamports_of(sol)?).await?;
    Ok(wallet)
}

fn lamports_of(sol: u64) -> Result<u64, ClientError> {
    sol.checked_mul(LAMPORTS_PER_SOL)
        .ok_or_else(|| ClientError::State("SOL per wallet overflows".into()))
}
