//! One attempt per sealevel attack class (coral-xyz/sealevel-attacks) against ALE's
//! instructions, each refused with a named error and nothing changed.

use ale_protocol::error::ProtocolError;
use ale_sdk::{pda, protocol as ix, staking};
use ale_tests::pool::{params, Pool};
use ale_tests::{assert_error, snapshot, StakingEnv};
use anchor_lang::error::ErrorCode as Anchor;
use anchor_lang::prelude::Pubkey;
use solana_sdk::signature::{Keypair, Signer};

/// A pool with one posted batch of 4 items, a second batch of another poster, and
/// the accounts both touch.
async fn two_batches() -> (
    Pool,
    Pubkey,
    ale_protocol::state::Batch,
    Pubkey,
    ale_protocol::state::Batch,
) {
    let mut pool = Pool::new(params(3), 3).await;
    let (a, batch_a) = pool.post(4).await;
    let other = pool.env.usd_poster(100_000).await;
    let b = pool
        .env
        .post_simple(&other, pool.community, 4, 1_000)
        .await
        .unwrap();
    let batch_b = pool.env.batch(b).await;
    (pool, a, batch_a, b, batch_b)
}

fn watched(address: Pubkey, batch: &ale_protocol::state::Batch) -> Vec<Pubkey> {
    vec![address, batch.item_table, batch.vault, batch.refund_account]
}

/// 0. Signer authorization: the poster's cancel without the poster's signature.
#[tokio::test]
async fn missing_signer_is_refused() {
    let (mut pool, a, batch_a, _, _) = two_batches().await;
    let mut cancel = ix::cancel_items(a, &batch_a, 0, 1);
    cancel.accounts[0].is_signer = false;
    let before = snapshot(&mut pool.env.rt, &watched(a, &batch_a)).await;
    assert_error(
        pool.env.rt.send(&[cancel], &[]).await,
        Anchor::AccountNotSigner,
    );
    assert_eq!(
        snapshot(&mut pool.env.rt, &watched(a, &batch_a)).await,
        before
    );
}

/// 1. Account data matching: batch A's cancel pointed at batch B's vault.
#[tokio::test]
async fn account_data_mismatch_is_refused() {
    let (mut pool, a, batch_a, _, batch_b) = two_batches().await;
    let poster = pool.poster.wallet.insecure_clone();
    let mut cancel = ix::cancel_items(a, &batch_a, 0, 1);
    cancel.accounts[3].pubkey = batch_b.vault;
    let mut w = watched(a, &batch_a);
    w.push(batch_b.vault);
    let before = snapshot(&mut pool.env.rt, &w).await;
    assert_error(
        pool.env.rt.send(&[cancel], &[&poster]).await,
        ProtocolError::WrongVault,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &w).await, before);
}

/// 2. Owner checks: a token "vault" not owned by the token program (a system account).
#[tokio::test]
async fn wrong_owner_is_refused() {
    let (mut pool, a, batch_a, _, _) = two_batches().await;
    let poster = pool.poster.wallet.insecure_clone();
    let mut cancel = ix::cancel_items(a, &batch_a, 0, 1);
    cancel.accounts[3].pubkey = pool.env.rt.payer().pubkey();
    let before = snapshot(&mut pool.env.rt, &watched(a, &batch_a)).await;
    assert_error(
        pool.env.rt.send(&[cancel], &[&poster]).await,
        Anchor::AccountOwnedByWrongProgram,
    );
    assert_eq!(
        snapshot(&mut pool.env.rt, &watched(a, &batch_a)).await,
        before
    );
}

/// 3. Type cosplay: a requester record (owned by ale-protocol, same owner) passed
/// where a batch is expected.
#[tokio::test]
async fn type_cosplay_is_refused() {
    let (mut pool, a, batch_a, _, _) = two_batches().await;
    let poster = pool.poster.wallet.insecure_clone();
    let mut cancel = ix::cancel_items(a, &batch_a, 0, 1);
    cancel.accounts[1].pubkey = pda::requester(&poster.pubkey());
    let before = snapshot(&mut pool.env.rt, &watched(a, &batch_a)).await;
    assert_error(
        pool.env.rt.send(&[cancel], &[&poster]).await,
        Anchor::AccountDiscriminatorMismatch,
    );
    assert_eq!(
        snapshot(&mut pool.env.rt, &watched(a, &batch_a)).await,
        before
    );
}

/// 4. Re-initialisation: initialising ale-staking's config a second time.
#[tokio::test]
async fn reinitialisation_is_refused() {
    let mut env = StakingEnv::new().await;
    let attacker = env.rt.funded_wallet(5).await;
    let params = ale_staking::instructions::InitializeParams {
        cooldown_seconds: 0,
        epoch_seconds: 3_600,
        protocol_program: attacker.pubkey(),
    };
    let w = [pda::staking_config(), pda::ale_mint(), pda::reward_pot()];
    let before = snapshot(&mut env.rt, &w).await;
    let result = env
        .rt
        .send(
            &[staking::initialize(attacker.pubkey(), params)],
            &[&attacker],
        )
        .await;
    assert!(result.is_err(), "a second initialize must fail");
    assert_eq!(snapshot(&mut env.rt, &w).await, before);
    assert_ne!(env.config().await.admin, attacker.pubkey());
}

/// 5. Arbitrary CPI: create_community handed a fake "ale-staking" program.
#[tokio::test]
async fn arbitrary_cpi_target_is_refused() {
    let mut pool = Pool::new(params(3), 0).await;
    let creator = pool.env.rt.funded_wallet(5).await;
    let id = pool.env.protocol_config().await.community_count;
    let mut create = ix::create_community(
        creator.pubkey(),
        id,
        ale_tests::ProtocolEnv::community_params("Evil"),
        None,
    );
    let staking_program = create
        .accounts
        .iter()
        .position(|m| m.pubkey == ale_staking::ID)
        .unwrap();
    create.accounts[staking_program].pubkey = spl_token_interface::ID;
    let w = [pda::protocol_config(), pda::community(id)];
    let before = snapshot(&mut pool.env.rt, &w).await;
    assert_error(
        pool.env.rt.send(&[create], &[&creator]).await,
        Anchor::InvalidProgramId,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &w).await, before);
}

/// 6. Duplicate mutable accounts: settlement paying the treasury's and the creator's
/// fees into one account.
#[tokio::test]
async fn duplicate_mutable_accounts_are_refused() {
    let (mut pool, a, batch_a, _, _) = two_batches().await;
    pool.env
        .rt
        .warp_to_timestamp(batch_a.reveal_end(0).unwrap())
        .await;
    let settle = ix::settle_round(a, &batch_a, pool.creator_token, pool.creator_token, 0, 16);
    let before = snapshot(&mut pool.env.rt, &watched(a, &batch_a)).await;
    assert_error(
        pool.env.rt.send(&[settle], &[]).await,
        Anchor::ConstraintDuplicateMutableAccount,
    );
    assert_eq!(
        snapshot(&mut pool.env.rt, &watched(a, &batch_a)).await,
        before
    );
}

/// 7. Bump seed canonicalisation: a membership address from a non-canonical bump.
#[tokio::test]
async fn non_canonical_bump_is_refused() {
    let mut pool = Pool::new(params(3), 1).await;
    let member = pool.members[0].insecure_clone();
    let member_key = member.pubkey();
    let seeds: [&[u8]; 3] = [
        ale_protocol::seeds::MEMBERSHIP,
        pool.community.as_ref(),
        member_key.as_ref(),
    ];
    let (canonical, bump) = Pubkey::find_program_address(&seeds, &ale_protocol::ID);
    let other = (0..bump)
        .rev()
        .find_map(|b| {
            Pubkey::create_program_address(&[seeds[0], seeds[1], seeds[2], &[b]], &ale_protocol::ID)
                .ok()
        })
        .expect("another bump");
    assert_ne!(other, canonical);
    let mut opt_in = ix::set_push_payouts(member.pubkey(), pool.community, true);
    opt_in.accounts[2].pubkey = other;
    let before = snapshot(&mut pool.env.rt, &[pda::ledger(&pool.community)]).await;
    let result = pool.env.rt.send(&[opt_in], &[&member]).await;
    assert_error(result, Anchor::AccountNotInitialized);
    assert_eq!(
        snapshot(&mut pool.env.rt, &[pda::ledger(&pool.community)]).await,
        before
    );
}

/// 8. PDA sharing: every batch's vault answers to its own batch PDA, so batch A's
/// authority cannot refund out of batch B's vault, even through a keeper crank.
#[tokio::test]
async fn pda_sharing_is_refused() {
    let (mut pool, a, batch_a, b, batch_b) = two_batches().await;
    pool.env
        .rt
        .warp_to_timestamp(batch_a.deadline.max(batch_b.deadline))
        .await;
    let mut refund = ix::refund_expired(a, &batch_a, 4);
    refund.accounts[2].pubkey = batch_b.vault;
    refund.accounts[6].pubkey = batch_b.refund_account;
    let mut w = watched(a, &batch_a);
    w.extend(watched(b, &batch_b));
    let before = snapshot(&mut pool.env.rt, &w).await;
    assert_error(
        pool.env.rt.send(&[refund], &[]).await,
        ProtocolError::WrongVault,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &w).await, before);
}

/// 9. Closing accounts: a closed batch revived with lamports in the same transaction
/// is no batch at all.
#[tokio::test]
async fn closed_account_revival_is_refused() {
    let (mut pool, a, batch_a, _, _) = two_batches().await;
    let poster = pool.poster.wallet.insecure_clone();
    pool.env
        .rt
        .send(&[ix::cancel_items(a, &batch_a, 0, 4)], &[&poster])
        .await
        .unwrap();
    let closed = pool.env.batch(a).await;
    let payer = pool.env.rt.payer().pubkey();
    let ixs = [
        ix::close_batch(a, &closed),
        solana_system_interface::instruction::transfer(&payer, &a, 10_000_000),
        ix::cancel_items(a, &closed, 0, 1),
    ];
    let before = snapshot(&mut pool.env.rt, &watched(a, &closed)).await;
    let result = pool.env.rt.send(&ixs, &[&poster]).await;
    assert!(result.is_err(), "a revived batch must not be usable");
    assert_eq!(
        snapshot(&mut pool.env.rt, &watched(a, &closed)).await,
        before
    );
}

/// 10. Sysvar address spoofing: the sortition fed an account posing as SlotHashes.
#[tokio::test]
async fn sysvar_spoofing_is_refused() {
    let (mut pool, a, batch_a, _, _) = two_batches().await;
    let member = pool.members[0].insecure_clone();
    let fake = Keypair::new();
    let mut take = ix::take_ticket(member.pubkey(), a, &batch_a, 0, false, None);
    let slot_hashes = take
        .accounts
        .iter()
        .position(|m| m.pubkey == solana_sdk_ids::sysvar::slot_hashes::ID)
        .unwrap();
    take.accounts[slot_hashes].pubkey = fake.pubkey();
    let before = snapshot(&mut pool.env.rt, &watched(a, &batch_a)).await;
    assert_error(
        pool.env.rt.send(&[take], &[&member]).await,
        ProtocolError::WrongSlotHashes,
    );
    assert_eq!(
        snapshot(&mut pool.env.rt, &watched(a, &batch_a)).await,
        before
    );
}
