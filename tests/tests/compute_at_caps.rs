//! Instructions whose work grows with an input no other test drives to its cap, sent at
//! their largest allowed input: an exam of `MAX_QUALIFICATION_ITEMS` answers, a batch of
//! `MAX_BATCH_ITEMS` items, cancels and refunds of `MAX_ITEMS_PER_REFUND_CALL` items, a
//! refund returning `MAX_VOTES_PER_REFUND_CALL` deposits, an inflation crank walking
//! `MAX_EMISSION_SEGMENTS` segments.
//! Each must land; on SBF (`ALE_SBF`) its transaction must also fit both the client's
//! budget for it and the 200,000 CU a cluster grants an instruction by default, and the
//! test prints the figure (tools/sbf/compute-units.sh collects them with the suite's).

use ale_embedded::EmbeddedRuntime;
use ale_embedded::ProgramBuild;
use ale_math::inflation::ONE_ALE;
use ale_protocol::constants::{
    MAX_BATCH_ITEMS, MAX_ITEMS_PER_REFUND_CALL, MAX_QUALIFICATION_ITEMS, MAX_VOTES_PER_REFUND_CALL,
};
use ale_protocol::instructions::JoinProof;
use ale_protocol::state::JoinRule;
use ale_sdk::compute_budget::{instruction_compute_units, DEFAULT_INSTRUCTION_COMPUTE_UNITS};
use ale_sdk::pda;
use ale_sdk::protocol::{self as ix, JoinWith};
use ale_sdk::staking;
use ale_staking::constants::MAX_EMISSION_SEGMENTS;
use ale_tests::pool::{params, Pool};
use ale_tests::{Poster, ProtocolEnv, StakingEnv};
use anchor_lang::Discriminator;
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::{Keypair, Signer};
use solana_sha256_hasher::hashv;

/// Sends `ixs`, which must land, and checks its compute units (`check_units`).
async fn send_at_cap(
    rt: &mut EmbeddedRuntime,
    label: &str,
    ixs: &[Instruction],
    signers: &[&Keypair],
) {
    rt.send(ixs, signers)
        .await
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    check_units(rt, label, ixs.last().expect("an instruction"));
}

/// On SBF: the last transaction's compute units fit the client's budget for
/// `measured` (an instruction of the same kind) and the cluster's default.
fn check_units(rt: &EmbeddedRuntime, label: &str, measured: &Instruction) {
    if !matches!(rt.program_build, ProgramBuild::Sbf(_)) {
        return;
    }
    let units = rt.last_compute_units().expect("metered");
    let budget = instruction_compute_units(measured);
    println!("| {label} | {units} | {budget} |");
    assert!(
        units <= u64::from(budget),
        "{label}: {units} CU, budget {budget}"
    );
    assert!(
        units <= u64::from(DEFAULT_INSTRUCTION_COMPUTE_UNITS),
        "{label}: {units} CU, past the cluster's default"
    );
}

#[tokio::test]
async fn an_exam_of_the_most_items_is_committed_graded_and_joined() {
    let mut env = ProtocolEnv::new().await;
    let creator = env.rt.funded_wallet(5).await;
    let items = MAX_QUALIFICATION_ITEMS;
    let key: Vec<u8> = (0..items).map(|i| i % 3).collect();
    let key_salt = [9u8; 32];
    let mut params = ProtocolEnv::community_params("Exam");
    params.num_classes = 3;
    params.join_rule = JoinRule::Qualification {
        items,
        pass_mark: items,
    };
    params.qualification_items_root = [5; 32];
    params.qualification_key_commitment = hashv(&[&key, &key_salt]).to_bytes();
    let community = env.create_community(&creator, params, None).await.unwrap();

    let candidate = env.rt.funded_wallet(1).await;
    let salt = [3u8; 32];
    let round = 0u32;
    let commitment = hashv(&[
        &key,
        &salt,
        candidate.pubkey().as_ref(),
        &round.to_le_bytes(),
    ])
    .to_bytes();
    let commit = ix::commit_qualification(candidate.pubkey(), community, commitment);
    send_at_cap(&mut env.rt, "CommitQualification", &[commit], &[&candidate]).await;
    let reveal = ix::reveal_qualification_key(creator.pubkey(), community, key.clone(), key_salt);
    send_at_cap(
        &mut env.rt,
        "RevealQualificationKey (32-item key)",
        &[reveal],
        &[&creator],
    )
    .await;
    let proof = JoinProof {
        answers: key,
        salt,
        ..Default::default()
    };
    let join = ix::join_community(
        candidate.pubkey(),
        community,
        JoinWith::QualificationTicket,
        proof,
    );
    send_at_cap(
        &mut env.rt,
        "JoinCommunity by exam (32 answers)",
        &[join],
        &[&candidate],
    )
    .await;
    let (_, members) = env.ledger(&community).await;
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].member, candidate.pubkey());
    assert!(
        env.rt
            .account(pda::qualification_ticket(&community, &candidate.pubkey()))
            .await
            .is_none(),
        "the exam ticket is closed on joining"
    );
}

/// A poster whose wallet pays the rent of the largest item table (~57 SOL).
async fn wealthy_poster(env: &mut ProtocolEnv, amount: u64) -> Poster {
    let poster = env.usd_poster(amount).await;
    let wallet = env.rt.funded_wallet(100).await;
    let token = env
        .rt
        .create_token_account(&poster.mint, &wallet.pubkey())
        .await;
    env.rt
        .token_transfer(&poster.token, &token, &poster.wallet, amount)
        .await
        .unwrap();
    Poster {
        wallet,
        token,
        ..poster
    }
}

#[tokio::test]
async fn the_largest_batch_is_posted_and_its_items_cancelled_and_refunded_at_the_call_cap() {
    let mut env = ProtocolEnv::new().await;
    let creator = env.rt.funded_wallet(5).await;
    let params = ProtocolEnv::community_params("Large");
    let community = env.create_community(&creator, params, None).await.unwrap();
    let price = 10;
    let poster = wealthy_poster(&mut env, u64::from(MAX_BATCH_ITEMS) * price * 2).await;

    let deadline = env.rt.now().await + 86_400;
    let params = env.batch_params(0, MAX_BATCH_ITEMS, price, deadline);
    let address = env
        .post(&poster, community, params, MAX_BATCH_ITEMS)
        .await
        .unwrap();
    let post_kind = Instruction::new_with_bytes(
        ale_protocol::ID,
        ale_protocol::instruction::PostBatch::DISCRIMINATOR,
        vec![],
    );
    check_units(
        &env.rt,
        "PostBatch (32,768 items, with its item table)",
        &post_kind,
    );
    let batch = env.batch(address).await;
    assert_eq!(batch.item_count, MAX_BATCH_ITEMS);

    let cap = MAX_ITEMS_PER_REFUND_CALL;
    let cancel = ix::cancel_items(address, &batch, 0, cap);
    send_at_cap(
        &mut env.rt,
        "CancelItems (512 items)",
        &[cancel],
        &[&poster.wallet],
    )
    .await;
    assert_eq!(env.batch(address).await.items_cancelled, cap);

    env.rt.warp_to_timestamp(batch.deadline).await;
    // The first call walks the cancelled items; the second refunds a full chunk.
    for _ in 0..2 {
        let refund = ix::refund_expired(address, &batch, cap);
        send_at_cap(&mut env.rt, "RefundExpired (512 items)", &[refund], &[]).await;
    }
    let end = env.batch(address).await;
    assert_eq!(end.refund_cursor, 2 * cap);
    assert_eq!(end.items_refunded, cap);
    env.assert_escrow_conserved(address).await;
}

/// 16 members put a deposit on each of 17 items and reveal; nobody settles. After the
/// deadline one refund call returns the deposits of the first 16 items (256 votes,
/// MAX_VOTES_PER_REFUND_CALL) and stops before the 17th, which the next call refunds.
#[tokio::test]
async fn a_refund_returns_at_most_the_vote_cap_of_deposits_per_call() {
    const DEPOSIT: u64 = ONE_ALE;
    let mut community = params(16);
    community.vote_deposit = DEPOSIT;
    let mut pool = Pool::new(community, 0).await;
    let mut deposit_accounts = Vec::new();
    for _ in 0..16 {
        let holder = pool.env.ale_poster(20 * ONE_ALE).await;
        pool.add_member(&holder.wallet).await;
        deposit_accounts.push(holder.token);
    }
    let items = MAX_VOTES_PER_REFUND_CALL / 16 + 1;
    let (batch, b) = pool.post(items).await;
    let salt = [4u8; 32];
    for (m, &account) in deposit_accounts.iter().enumerate() {
        let member = pool.members[m].insecure_clone();
        let take = ix::take_ticket(member.pubkey(), batch, &b, 0, false, Some(account));
        pool.env.rt.send(&[take], &[&member]).await.unwrap();
        pool.commit(m, batch, 0, &vec![1; items as usize], salt)
            .await
            .unwrap();
    }
    let ballots: Vec<(usize, Vec<u8>)> = (0..16).map(|m| (m, vec![1; items as usize])).collect();
    pool.reveal_round(batch, &b, 0, &ballots, salt).await;
    pool.env.rt.warp_to_timestamp(b.deadline).await;

    let refund = ix::refund_expired(batch, &b, MAX_ITEMS_PER_REFUND_CALL);
    send_at_cap(
        &mut pool.env.rt,
        "RefundExpired (256 deposits returned)",
        std::slice::from_ref(&refund),
        &[],
    )
    .await;
    let first = pool.env.batch(batch).await;
    assert_eq!(
        (first.refund_cursor, first.items_refunded),
        (items - 1, items - 1)
    );
    let returned = |entries: &[ale_protocol::state::LedgerEntry]| {
        entries.iter().map(|e| e.deposit_claimable).sum::<u64>()
    };
    assert_eq!(
        returned(&pool.entries().await),
        u64::from(MAX_VOTES_PER_REFUND_CALL) * DEPOSIT
    );
    pool.env.rt.send(&[refund], &[]).await.unwrap();
    let second = pool.env.batch(batch).await;
    assert_eq!(
        (second.refund_cursor, second.items_refunded),
        (items, items)
    );
    let entries = pool.entries().await;
    assert!(entries
        .iter()
        .all(|e| e.deposit_claimable == u64::from(items) * DEPOSIT));
    pool.env.assert_escrow_conserved(batch).await;
}

/// A crank after a long silence walks MAX_EMISSION_SEGMENTS segments (one per epoch it
/// closes) and stops short of now; the next call goes on from there.
#[tokio::test]
async fn a_crank_after_many_epochs_walks_the_segment_cap_and_stops() {
    let mut env = StakingEnv::new().await;
    let staker = env.staker(1_000 * ONE_ALE).await;
    env.stake(&staker, 1_000 * ONE_ALE).await.unwrap();
    let epoch = env.config().await.epoch_seconds;
    let epochs_behind = 3 * MAX_EMISSION_SEGMENTS as i64;
    env.warp_by(epochs_behind * epoch).await;
    let now = env.rt.now().await;
    let before = env.config().await.last_emission_ts;
    let crank = staking::crank_inflation();
    send_at_cap(
        &mut env.rt,
        "CrankInflation (8 segments)",
        std::slice::from_ref(&crank),
        &[],
    )
    .await;
    let after = env.config().await.last_emission_ts;
    assert!(after > before && after < now, "capped short of now");
    assert!(after - before <= MAX_EMISSION_SEGMENTS as i64 * epoch);
}
