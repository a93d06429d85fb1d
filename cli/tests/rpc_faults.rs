//! The RPC transport across a validator outage: transactions in flight when the
//! validator stops answering are sent again (the same signed bytes) once it is back,
//! and each lands exactly once. Run by tools/validator/rpc-check.sh against a local
//! validator.

use std::time::Duration;

use ale_sdk::{RpcTransport, Transport};
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::{Keypair, Signer};
use solana_system_interface::instruction::transfer;

mod support;
use support::Validator;

const LAMPORTS_PER_SOL: u64 = 1_000_000_000;
const FEE_PER_SIGNATURE: u64 = 5_000;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a local validator with ALE deployed: tools/validator/rpc-check.sh runs it"]
async fn transfers_in_flight_across_a_validator_outage_land_exactly_once() {
    let validator = Validator::from_env();
    let payer = Keypair::new();
    let mut rpc = RpcTransport::new(&validator.url, payer.insecure_clone());
    rpc.patience = Duration::from_secs(180);
    rpc.airdrop(&payer.pubkey(), 2 * LAMPORTS_PER_SOL)
        .await
        .expect("airdrop");
    let to = Keypair::new().pubkey();
    // Opens the receiver with more than its rent-exempt minimum.
    rpc.send_transaction(&[transfer(&payer.pubkey(), &to, 1_000_000)], &[&payer])
        .await
        .expect("open the receiver");

    // 200 transfers, each of a different amount (so each its own transaction), sent
    // as one batch; a second after it starts, the validator stops for a while.
    let transfers: Vec<Vec<Instruction>> = (1..=200u64)
        .map(|lamports| vec![transfer(&payer.pubkey(), &to, lamports)])
        .collect();
    let outage = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(1));
        validator.pause();
        std::thread::sleep(Duration::from_secs(5));
        validator.resume();
    });
    rpc.send_independent(&transfers, &[&payer])
        .await
        .expect("the batch lands once the validator is back");
    outage.join().expect("the outage");

    // One more after it, through the one-at-a-time path.
    rpc.send_transaction(&[transfer(&payer.pubkey(), &to, 7)], &[&payer])
        .await
        .expect("a transaction after the outage");

    let sent: u64 = 1_000_000 + (1..=200u64).sum::<u64>() + 7;
    let received = rpc
        .get_account(to)
        .await
        .expect("read")
        .map_or(0, |a| a.lamports);
    assert_eq!(received, sent, "every transfer landed exactly once");
    let left = rpc
        .get_account(payer.pubkey())
        .await
        .expect("read")
        .map_or(0, |a| a.lamports);
    assert_eq!(
        left,
        2 * LAMPORTS_PER_SOL - sent - 202 * FEE_PER_SIGNATURE,
        "one fee per transaction: nothing was paid for twice"
    );
}
