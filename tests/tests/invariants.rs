//! Random sequences of real instructions (tickets, sealed tickets, commits, reveals, clock moves,
//! settlement in random chunks, cancels, refunds, claims, stake, unstake, inflation
//! cranks) sent through the runtime,
//! with PROTOCOL.md's invariants checked after every step, and every refused
//! instruction checked to have changed nothing. CI runs a few cases; set
//! ALE_INVARIANT_CASES for a longer run.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use ale_math::inflation::{GENESIS_SUPPLY, ONE_ALE};
use ale_protocol::instructions::SealedBallot;
use ale_protocol::state::{item_states_mut, ItemStatus};
use ale_sdk::views::ledger_members;
use ale_sdk::{pda, protocol as ix, staker, staking, worker};
use ale_staking::state::{RewardPot, StakeAccount, StakingConfig};
use ale_tests::pool::{params, Pool};
use ale_tests::snapshot;
use anchor_lang::prelude::Pubkey;
use proptest::prelude::*;
use solana_sdk::signature::Signer;
use solana_sdk::transaction::TransactionError;
use spl_associated_token_account_interface::instruction::create_associated_token_account_idempotent;

const MEMBERS: usize = 5;
const ITEMS: u32 = 6;

#[derive(Clone, Debug)]
enum Op {
    Take(usize),
    /// The member computes its assignment and takes a prefix of it (its length from
    /// the bits) with the commitment, in one instruction.
    SealedTake(usize, u8),
    Commit(usize, u8),
    Reveal(usize),
    NextPhase,
    Settle(u32),
    Cancel(u32, u32),
    Refund(u32),
    Claim(usize),
    /// Every member takes, commits or reveals (the common case of a busy round).
    Everyone(u8, u8),
    /// A whole round: everyone takes (some sealed) and commits, the members in the
    /// mask reveal, and the round is settled in chunks.
    Round(u8, u8, u32),
    /// Member stakes this many whole ALE (of the 1,000 each holds).
    Stake(usize, u64),
    Unstake(usize, u64),
    Crank,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..MEMBERS).prop_map(Op::Take),
        3 => (0..MEMBERS, any::<u8>()).prop_map(|(m, bits)| Op::SealedTake(m, bits)),
        3 => (0..MEMBERS, any::<u8>()).prop_map(|(m, bits)| Op::Commit(m, bits)),
        3 => (0..MEMBERS).prop_map(Op::Reveal),
        2 => Just(Op::NextPhase),
        2 => (1..=16u32).prop_map(Op::Settle),
        1 => (0..ITEMS, 1..=3u32).prop_map(|(f, c)| Op::Cancel(f, c)),
        1 => (1..=4u32).prop_map(Op::Refund),
        1 => (0..MEMBERS).prop_map(Op::Claim),
        4 => (0..3u8, any::<u8>()).prop_map(|(step, bits)| Op::Everyone(step, bits)),
        4 => (any::<u8>(), any::<u8>(), 1..=16u32).prop_map(|(b, m, c)| Op::Round(b, m, c)),
        2 => (0..MEMBERS, 0..=600u64).prop_map(|(m, a)| Op::Stake(m, a)),
        1 => (0..MEMBERS, 0..=600u64).prop_map(|(m, a)| Op::Unstake(m, a)),
        1 => Just(Op::Crank),
    ]
}

static CASES: AtomicUsize = AtomicUsize::new(0);
static STEPS: AtomicUsize = AtomicUsize::new(0);
static REFUSED: AtomicUsize = AtomicUsize::new(0);
static DECIDED: AtomicUsize = AtomicUsize::new(0);
static CLAIMED: AtomicUsize = AtomicUsize::new(0);
static SEALED: AtomicUsize = AtomicUsize::new(0);

/// A member's ticket as its client keeps it.
struct Ballot {
    round: u32,
    items: Vec<u32>,
    labels: Vec<u8>,
}

/// Staking: total supply moves only by the staking PDA's emission; staked ALE is in
/// the stake vault; the members' stake accounts add up to the config's totals.
async fn check_staking_invariants(pool: &mut Pool) {
    let config: StakingConfig = pool
        .env
        .rt
        .anchor_account(pda::staking_config())
        .await
        .unwrap();
    let supply = pool.env.rt.mint_supply(pda::ale_mint()).await;
    // Bucket B is minted only when a community draws it.
    let pot: RewardPot = pool.env.rt.anchor_account(pda::reward_pot()).await.unwrap();
    assert_eq!(
        supply,
        GENESIS_SUPPLY + config.bucket_a_minted + pot.total_drawn,
        "supply = genesis + minted by the staking PDA"
    );
    let vault = pool.env.rt.token_balance(pda::stake_vault()).await;
    assert_eq!(
        vault,
        config.total_active_stake + config.total_cooling_stake
    );
    let (mut active, mut cooling) = (0, 0);
    for member in &pool.members {
        let stake: Option<StakeAccount> = pool
            .env
            .rt
            .anchor_account(pda::stake_account(&member.pubkey()))
            .await
            .ok();
        if let Some(s) = stake {
            active += s.active_amount;
            cooling += s.cooling_amount;
        }
    }
    assert_eq!(
        (active, cooling),
        (config.total_active_stake, config.total_cooling_stake)
    );
}

async fn check_invariants(pool: &mut Pool, batch: Pubkey) {
    check_staking_invariants(pool).await;
    let b = pool.env.batch(batch).await;
    let vault = pool.env.rt.token_balance(b.vault).await;
    // 1. Conservation per escrow.
    assert_eq!(
        b.deposited as u128,
        b.credited as u128 + b.fees_paid as u128 + b.refunded as u128 + vault as u128
    );
    // Fees went to the treasury and the creator, nowhere else.
    let fees = pool.env.rt.token_balance(pool.treasury_token).await
        + pool.env.rt.token_balance(pool.creator_token).await;
    assert_eq!(fees, b.fees_paid);
    // 2. Credited pay is in the community vault until claimed: no double credit or claim.
    let ledger = pool
        .env
        .rt
        .account(pda::ledger(&pool.community))
        .await
        .unwrap()
        .data;
    let entries = ledger_members(&ledger).unwrap().to_vec();
    let owed: u64 = entries.iter().map(|e| e.claimable[0]).sum();
    let community_vault = pool.env.rt.token_balance(b.community_vault).await;
    assert_eq!(community_vault, owed);
    // 6. Reputation: the community's total is its members' sum; it only grows.
    let community = pool.env.community(pool.community).await;
    assert_eq!(
        community.total_reputation,
        entries.iter().map(|e| e.reputation).sum::<u64>()
    );
    // Item states agree with the batch's counters; no member votes twice on an item.
    let mut table = pool.env.rt.account(b.item_table).await.unwrap().data;
    let items = item_states_mut(&mut table).unwrap();
    let count = |status| items.iter().filter(|i| i.status() == Some(status)).count() as u32;
    assert_eq!(count(ItemStatus::Decided), b.items_decided);
    assert_eq!(count(ItemStatus::Cancelled), b.items_cancelled);
    assert_eq!(count(ItemStatus::Refunded), b.items_refunded);
    for item in items.iter() {
        let voters: Vec<u32> = item.votes[..item.vote_count as usize]
            .iter()
            .map(|v| v.member)
            .collect();
        let mut unique = voters.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(
            unique.len(),
            voters.len(),
            "a member voted twice on an item"
        );
        assert!(item.votes_reserved >= item.vote_count);
    }
    // Every reveal counted belongs to a committed ticket of the round.
    assert!(b.round_revealed <= b.round_committed);
}

async fn run(ops: Vec<Op>) {
    let mut pool = Pool::new(params(3), MEMBERS).await;
    let (batch, b) = pool.post(ITEMS).await;
    let poster = pool.poster.wallet.insecure_clone();
    let usd = pool.env.usd;
    let mut claim_accounts = Vec::new();
    for m in 0..MEMBERS {
        let owner = pool.members[m].pubkey();
        claim_accounts.push(pool.env.rt.create_token_account(&usd, &owner).await);
    }
    // Each member holds 1,000 ALE from the genesis distribution, to stake.
    let operator = pool.env.operator.insecure_clone();
    for m in 0..MEMBERS {
        let owner = pool.members[m].pubkey();
        let open = create_associated_token_account_idempotent(
            &owner,
            &owner,
            &pda::ale_mint(),
            &spl_token_interface::ID,
        );
        let member = pool.members[m].insecure_clone();
        pool.env.rt.send(&[open], &[&member]).await.unwrap();
        let distribution = pool.env.distribution;
        pool.env
            .rt
            .token_transfer(
                &distribution,
                &staker::ale_account(&owner),
                &operator,
                1_000 * ONE_ALE,
            )
            .await
            .unwrap();
    }
    let mut ballots: HashMap<usize, Ballot> = HashMap::new();
    let salt = [3u8; 32];
    let mut watched = vec![
        batch,
        b.item_table,
        b.vault,
        pda::ledger(&pool.community),
        b.community_vault,
        pda::staking_config(),
        pda::stake_vault(),
        pda::ale_mint(),
    ];
    watched.extend(pool.members.iter().map(|m| pda::stake_account(&m.pubkey())));
    let expanded = ops.into_iter().flat_map(|op| match op {
        Op::Everyone(step, bits) => (0..MEMBERS)
            .map(|m| match step {
                0 => Op::Take(m),
                1 => Op::Commit(m, bits.rotate_left(m as u32)),
                _ => Op::Reveal(m),
            })
            .collect(),
        Op::Round(bits, mask, chunk) => {
            // Member 0 takes (drawing the round's seed if need be); each other member
            // takes a sealed ticket or a plain one, as the bits say.
            let mut ops: Vec<Op> = (0..MEMBERS)
                .map(|m| match m > 0 && (bits >> m) & 1 == 1 {
                    true => Op::SealedTake(m, bits.rotate_left(m as u32)),
                    false => Op::Take(m),
                })
                .collect();
            ops.extend((0..MEMBERS).map(|m| Op::Commit(m, bits.rotate_left(m as u32))));
            ops.push(Op::NextPhase);
            ops.extend(
                (0..MEMBERS)
                    .filter(|m| mask & (1 << m) != 0)
                    .map(Op::Reveal),
            );
            ops.push(Op::NextPhase);
            ops.extend((0..ITEMS.div_ceil(chunk) + 1).map(|_| Op::Settle(chunk)));
            ops
        }
        other => vec![other],
    });
    for op in expanded {
        let now = pool.env.rt.now().await;
        let state = pool.env.batch(batch).await;
        let round = match state.phase_at(now).unwrap() {
            ale_protocol::state::Phase::Commit { round }
            | ale_protocol::state::Phase::Reveal { round } => round,
        };
        let before = snapshot(&mut pool.env.rt, &watched).await;
        let result = match op {
            Op::Take(m) => match pool.take(m, batch, &b, round).await {
                Ok(items) => {
                    ballots.insert(
                        m,
                        Ballot {
                            round,
                            labels: vec![0; items.len()],
                            items,
                        },
                    );
                    Ok(())
                }
                Err(e) => Err(e),
            },
            Op::SealedTake(m, bits) => {
                let member = pool.members[m].insecure_clone();
                let Some(assignment) = worker::assignment(&mut pool.env.rt, member.pubkey(), batch)
                    .await
                    .unwrap()
                else {
                    continue; // the round's seed is not drawn yet
                };
                if assignment.items.is_empty() {
                    continue;
                }
                let n = 1 + bits as usize % assignment.items.len();
                let items = assignment.items[..n].to_vec();
                let labels: Vec<u8> = (0..n).map(|i| (bits >> (i % 8)) & 1).collect();
                let ticket = pda::ticket(&batch, &member.pubkey(), assignment.round);
                let sealed = SealedBallot {
                    items: items.clone(),
                    commitment: ix::vote_commitment(&labels, &salt, &member.pubkey(), &ticket),
                };
                let take =
                    ix::take_ticket_sealed(member.pubkey(), batch, &b, assignment.round, sealed);
                let result = pool.env.rt.send(&[take], &[&member]).await;
                if result.is_ok() {
                    SEALED.fetch_add(1, Ordering::Relaxed);
                    ballots.insert(
                        m,
                        Ballot {
                            round: assignment.round,
                            labels,
                            items,
                        },
                    );
                }
                result
            }
            Op::Commit(m, bits) => match ballots.get_mut(&m) {
                Some(ballot) => {
                    ballot.labels = (0..ballot.items.len())
                        .map(|i| (bits >> (i % 8)) & 1)
                        .collect();
                    let (r, labels) = (ballot.round, ballot.labels.clone());
                    pool.commit(m, batch, r, &labels, salt).await
                }
                None => continue,
            },
            Op::Reveal(m) => match ballots.get(&m) {
                Some(ballot) => {
                    let (r, labels) = (ballot.round, ballot.labels.clone());
                    let result = pool.reveal(m, batch, &b, r, &labels, salt).await;
                    if result.is_ok() {
                        ballots.remove(&m);
                    }
                    result
                }
                None => continue,
            },
            Op::NextPhase => {
                let next = match state.phase_at(now).unwrap() {
                    ale_protocol::state::Phase::Commit { round } => {
                        state.commit_end(round).unwrap()
                    }
                    ale_protocol::state::Phase::Reveal { round } => {
                        state.reveal_end(round).unwrap()
                    }
                };
                pool.env.rt.warp_to_timestamp(next).await;
                Ok(())
            }
            Op::Settle(chunk) => pool
                .settle(batch, &b, state.settle_cursor, chunk)
                .await
                .map(|_| ()),
            Op::Cancel(first, count) => {
                let count = count.min(ITEMS - first);
                pool.env
                    .rt
                    .send(&[ix::cancel_items(batch, &b, first, count)], &[&poster])
                    .await
            }
            Op::Refund(chunk) => {
                pool.env
                    .rt
                    .send(&[ix::refund_expired(batch, &b, chunk)], &[])
                    .await
            }
            Op::Everyone(..) | Op::Round(..) => unreachable!("expanded above"),
            Op::Stake(m, amount) => {
                let member = pool.members[m].insecure_clone();
                staker::stake(&mut pool.env.rt, &member, amount * ONE_ALE)
                    .await
                    .map_err(|_| TransactionError::AccountNotFound)
            }
            Op::Unstake(m, amount) => {
                let member = pool.members[m].insecure_clone();
                staker::unstake(&mut pool.env.rt, &member, amount * ONE_ALE)
                    .await
                    .map_err(|_| TransactionError::AccountNotFound)
            }
            Op::Crank => pool.env.rt.send(&[staking::crank_inflation()], &[]).await,
            Op::Claim(m) => {
                let member = pool.members[m].insecure_clone();
                let claim = ix::claim_pay(
                    member.pubkey(),
                    pool.community,
                    usd,
                    claim_accounts[m],
                    spl_token_interface::ID,
                );
                let result = pool.env.rt.send(&[claim], &[&member]).await;
                if result.is_ok() {
                    CLAIMED.fetch_add(1, Ordering::Relaxed);
                }
                result
            }
        };
        if result.is_err() {
            // A refused instruction changes nothing.
            assert_eq!(
                snapshot(&mut pool.env.rt, &watched).await,
                before,
                "refused op changed state"
            );
            REFUSED.fetch_add(1, Ordering::Relaxed);
        }
        STEPS.fetch_add(1, Ordering::Relaxed);
        check_invariants(&mut pool, batch).await;
    }
    let end = pool.env.batch(batch).await;
    DECIDED.fetch_add(end.items_decided as usize, Ordering::Relaxed);
    CASES.fetch_add(1, Ordering::Relaxed);
}

fn cases() -> u32 {
    std::env::var("ALE_INVARIANT_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(24)
}

#[test]
fn invariants_hold_under_random_instruction_sequences() {
    let config = ProptestConfig {
        cases: cases(),
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runner
        .run(&proptest::collection::vec(op(), 10..60), |ops| {
            runtime.block_on(run(ops));
            Ok(())
        })
        .unwrap();
    println!(
        "invariants: {} cases, {} steps, {} refused instructions, {} sealed tickets, {} items decided, {} claims",
        CASES.load(Ordering::Relaxed),
        STEPS.load(Ordering::Relaxed),
        REFUSED.load(Ordering::Relaxed),
        SEALED.load(Ordering::Relaxed),
        DECIDED.load(Ordering::Relaxed),
        CLAIMED.load(Ordering::Relaxed)
    );
}
