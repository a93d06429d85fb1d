//! Economic attacks by actors who follow every account rule (docs/THREATS.md), each
//! played through the runtime: the attack fails, changes nothing, or leaves the
//! attacker no better off than what it paid.

use ale_math::consensus::PROBATION_WINS;
use ale_math::inflation::ONE_ALE;
use ale_protocol::error::ProtocolError;
use ale_protocol::events::{CommunityRewardsDrawn, RoundSettled};
use ale_protocol::state::{item_states_mut, ItemStatus};
use ale_sdk::{pda, protocol as ix};
use ale_staking::error::StakingError;
use ale_tests::pool::{params, Pool, PRICE};
use ale_tests::{assert_error, snapshot, Poster};
use anchor_lang::prelude::Pubkey;
use solana_sdk::signature::{Keypair, Signer};

const DAY: i64 = 86_400;

/// Members `voters` take their round-0 tickets of `batch` in that order and commit the
/// labels `labels(member, items)` gives; all reveal; the round's windows pass.
async fn vote_round(
    pool: &mut Pool,
    batch: Pubkey,
    voters: &[usize],
    labels: impl Fn(usize, &[u32]) -> Vec<u8>,
) {
    let b = pool.env.batch(batch).await;
    let salt = [5u8; 32];
    let mut ballots = Vec::new();
    for &m in voters {
        let items = pool.take(m, batch, &b, 0).await.unwrap();
        let ballot = labels(m, &items);
        pool.commit(m, batch, 0, &ballot, salt).await.unwrap();
        ballots.push((m, ballot));
    }
    pool.reveal_round(batch, &b, 0, &ballots, salt).await;
}

async fn settle_all(pool: &mut Pool, batch: Pubkey) -> RoundSettled {
    let b = pool.env.batch(batch).await;
    pool.settle(batch, &b, 0, 64).await.unwrap()
}

/// P-1. A poster closes the refund account it named, hoping every settlement fails
/// and it gets a full refund after the deadline. Settlement does not load that account;
/// the refund of what was not decided goes to any account of the poster's in the mint,
/// and to no one else's.
#[tokio::test]
async fn a_poster_closing_its_refund_account_cannot_block_settlement() {
    let mut pool = Pool::new(params(4), 4).await;
    let (batch, b) = pool.post(2).await;
    // Item 0: four votes for 1 (decided). Item 1: 2 : 2 (unresolved, refundable).
    vote_round(&mut pool, batch, &[0, 1, 2, 3], |m, items| {
        items
            .iter()
            .map(|&i| if i == 0 { 1 } else { (m % 2) as u8 })
            .collect()
    })
    .await;

    let poster = pool.poster.wallet.insecure_clone();
    let usd = pool.env.usd;
    let stash = pool
        .env
        .rt
        .create_token_account(&usd, &poster.pubkey())
        .await;
    let left = pool.env.rt.token_balance(pool.poster.token).await;
    pool.env
        .rt
        .token_transfer(&pool.poster.token, &stash, &poster, left)
        .await
        .unwrap();
    let close = spl_token_interface::instruction::close_account(
        &spl_token_interface::ID,
        &pool.poster.token,
        &poster.pubkey(),
        &poster.pubkey(),
        &[],
    )
    .unwrap();
    pool.env.rt.send(&[close], &[&poster]).await.unwrap();
    assert!(pool.env.rt.account(b.refund_account).await.is_none());

    let settled = settle_all(&mut pool, batch).await;
    assert_eq!((settled.decided, settled.unresolved), (1, 1));
    pool.env.assert_escrow_conserved(batch).await;

    // After the deadline: not to the closed account, not to a stranger's account.
    pool.env.rt.warp_to_timestamp(b.deadline).await;
    let watched = [batch, b.vault, b.item_table, stash];
    assert!(pool
        .env
        .rt
        .send(&[ix::refund_expired(batch, &b, 2)], &[])
        .await
        .is_err());
    let stranger = pool.env.usd_poster(0).await;
    let mut to_stranger = ix::refund_expired(batch, &b, 2);
    to_stranger.accounts[6].pubkey = stranger.token;
    let before = snapshot(&mut pool.env.rt, &watched).await;
    assert_error(
        pool.env.rt.send(&[to_stranger], &[]).await,
        ProtocolError::WrongRefundAccount,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &watched).await, before);
    let mut to_stash = ix::refund_expired(batch, &b, 2);
    to_stash.accounts[6].pubkey = stash;
    pool.env.rt.send(&[to_stash], &[]).await.unwrap();
    assert_eq!(pool.env.rt.token_balance(stash).await, left + PRICE);
    let end = pool.env.batch(batch).await;
    assert_eq!((end.items_decided, end.items_refunded), (1, 1));
    pool.env.assert_escrow_conserved(batch).await;
}

/// P-6. A poster whose deadline ends a round races the settlement with a refund, to
/// take back items the round has just decided. Refunds wait for the open round's
/// settlement; if nobody settles, they open one round later anyway.
#[tokio::test]
async fn refunds_wait_for_the_open_round_to_settle() {
    let mut pool = Pool::new(params(3), 3).await;
    let community = pool.env.community(pool.community).await;
    let windows = (community.commit_window_seconds + community.reveal_window_seconds) as i64;
    let mut batches = Vec::new();
    for _ in 0..2 {
        let id = pool.env.community(pool.community).await.batch_count;
        let deadline = pool.env.rt.now().await + windows;
        let params = pool.env.batch_params(id, 1, PRICE, deadline);
        let poster = Poster {
            wallet: pool.poster.wallet.insecure_clone(),
            ..pool.poster
        };
        batches.push(
            pool.env
                .post(&poster, pool.community, params, 1)
                .await
                .unwrap(),
        );
    }
    let salt = [6u8; 32];
    let mut ballots = Vec::new();
    for m in 0..3 {
        for &batch in &batches {
            let b = pool.env.batch(batch).await;
            pool.take(m, batch, &b, 0).await.unwrap();
            pool.commit(m, batch, 0, &[1], salt).await.unwrap();
        }
        ballots.push((m, vec![1u8]));
    }
    let b = pool.env.batch(batches[0]).await;
    pool.reveal_round(batches[0], &b, 0, &ballots, salt).await;
    assert_eq!(pool.env.rt.now().await, b.deadline);

    for &batch in &batches {
        let b = pool.env.batch(batch).await;
        let watched = [batch, b.vault, b.item_table, pool.poster.token];
        let before = snapshot(&mut pool.env.rt, &watched).await;
        assert_error(
            pool.env
                .rt
                .send(&[ix::refund_expired(batch, &b, 1)], &[])
                .await,
            ProtocolError::RefundWaitsForSettlement,
        );
        assert_eq!(snapshot(&mut pool.env.rt, &watched).await, before);
    }
    // The first batch is settled: its item is decided, nothing is refunded.
    settle_all(&mut pool, batches[0]).await;
    let b = pool.env.batch(batches[0]).await;
    pool.env
        .rt
        .send(&[ix::refund_expired(batches[0], &b, 1)], &[])
        .await
        .unwrap();
    let end = pool.env.batch(batches[0]).await;
    assert_eq!((end.items_decided, end.items_refunded), (1, 0));

    // Nobody settles the second: one round later its refund opens.
    let b = pool.env.batch(batches[1]).await;
    pool.env
        .rt
        .warp_to_timestamp(b.reveal_end(1).unwrap())
        .await;
    pool.env
        .rt
        .send(&[ix::refund_expired(batches[1], &b, 1)], &[])
        .await
        .unwrap();
    assert_eq!(pool.env.batch(batches[1]).await.items_refunded, 1);
}

/// S-3. Once a community has established members, fresh identities that fill an
/// item's seats and vote as one decide nothing, earn nothing and gain no reputation;
/// one established co-winner among them is what a decision needs.
#[tokio::test]
async fn fresh_sybils_cannot_decide_alone_once_a_community_is_established() {
    let mut pool = Pool::new(params(3), 3).await;
    // Bootstrap: the three founders win PROBATION_WINS items each.
    let (warmup, _) = pool.post(PROBATION_WINS).await;
    vote_round(&mut pool, warmup, &[0, 1, 2], |_, items| {
        vec![1; items.len()]
    })
    .await;
    settle_all(&mut pool, warmup).await;
    assert_eq!(
        pool.env.community(pool.community).await.established_members,
        3
    );

    for _ in 0..3 {
        let sybil = pool.env.rt.funded_wallet(1).await;
        pool.add_member(&sybil).await;
    }
    let (target, _) = pool.post(2).await;
    let before = pool.entries().await;
    vote_round(&mut pool, target, &[3, 4, 5], |_, items| {
        vec![0; items.len()]
    })
    .await;
    let settled = settle_all(&mut pool, target).await;
    assert_eq!((settled.decided, settled.unresolved), (0, 2));
    let after = pool.entries().await;
    for m in 3..6 {
        assert_eq!(after[m].reputation, before[m].reputation);
        assert_eq!((after[m].tasks_won, after[m].claimable[0]), (0, 0));
    }

    // Two Sybils and a founder agreeing: decided, and the Sybils are paid for it.
    let (shared, _) = pool.post(1).await;
    vote_round(&mut pool, shared, &[3, 4, 0], |_, _| vec![0]).await;
    let settled = settle_all(&mut pool, shared).await;
    assert_eq!(settled.decided, 1);
    assert!(pool.entries().await[3].claimable[0] > 0);
}

/// What one self-paid job returned to an attacker who is poster, creator and every
/// worker of a community, against what it spent (ALE base units).
struct SelfPaid {
    spent: u64,
    recovered: u64,
    protocol_fees: u64,
    bucket_b: u64,
}

/// B-4. The attacker posts a job in ALE to its own community, its own staked members
/// do it, and a keeper draws the community's bucket-B share of the epoch.
async fn self_paid_job(price: u64) -> SelfPaid {
    let mut pool = Pool::new(params(3), 0).await;
    for _ in 0..3 {
        pool.add_ale_member(100 * ONE_ALE, 50 * ONE_ALE).await;
    }
    pool.pay_fees_in_ale().await;
    let poster = pool.env.ale_poster(10 * ONE_ALE).await;
    let funds = pool.env.rt.token_balance(poster.token).await;
    let batch = pool
        .env
        .post_simple(&poster, pool.community, 1, price)
        .await
        .unwrap();
    let b = pool.env.batch(batch).await;
    vote_round(&mut pool, batch, &[0, 1, 2], |_, _| vec![0]).await;
    pool.settle(batch, &b, 0, 1).await.unwrap();

    let protocol_fees = pool.env.rt.token_balance(pool.treasury_token).await;
    let bucket_b = match pool.draw_first_epoch().await {
        Ok(outcome) => outcome.events::<CommunityRewardsDrawn>()[0].drawn,
        Err(e) => {
            assert_eq!(
                protocol_fees, 0,
                "only work that paid no fee has no paid work"
            );
            assert_error(Err::<(), _>(e), StakingError::NoPaidWork);
            0
        }
    };
    let pot: ale_staking::state::RewardPot =
        pool.env.rt.anchor_account(pda::reward_pot()).await.unwrap();
    let pay: u64 = pool.entries().await.iter().map(|e| e.claimable[0]).sum();
    let spent = funds - pool.env.rt.token_balance(poster.token).await;
    assert!(pot.epochs[0].allocation > bucket_b, "the cap binds");
    SelfPaid {
        spent,
        recovered: pay + pool.env.rt.token_balance(pool.creator_token).await + bucket_b,
        protocol_fees,
        bucket_b,
    }
}

#[tokio::test]
async fn self_paid_work_earns_no_more_from_bucket_b_than_its_fees_cost() {
    // 250 bps of 39 base units rounds to a zero fee: no paid work, no bucket B.
    for price in [ONE_ALE, 39] {
        let job = self_paid_job(price).await;
        let gain = job.recovered as i128 - job.spent as i128;
        println!(
            "self-paid job at {price}: spent {}, protocol fees {}, bucket B {}, recovered {}, gain {gain}",
            job.spent, job.protocol_fees, job.bucket_b, job.recovered
        );
        assert!(job.bucket_b <= job.protocol_fees);
        assert!(gain <= 0, "the attacker gained {gain}");
    }
}

/// S-3 and K-14. A worker that takes seats and never reveals pays for them: the
/// keeper that closes its ticket takes the rent, and the member loses reputation
/// (also in protocol_pools::a_full_round_leaves_no_items_for_latecomers). The batch
/// cannot close before the ticket does, so that rent is never orphaned.
#[tokio::test]
async fn a_no_show_pays_the_keeper_and_holds_the_batch_open_until_closed() {
    let mut pool = Pool::new(params(3), 3).await;
    let (batch, b) = pool.post(1).await;
    let salt = [1u8; 32];
    for m in 0..3 {
        pool.take(m, batch, &b, 0).await.unwrap();
        pool.commit(m, batch, 0, &[1], salt).await.unwrap();
    }
    // Member 0 never reveals: two votes of three, the item stays pending.
    let ballots = vec![(1, vec![1u8]), (2, vec![1u8])];
    pool.reveal_round(batch, &b, 0, &ballots, salt).await;
    settle_all(&mut pool, batch).await;
    pool.env.rt.warp_to_timestamp(b.deadline).await;
    pool.env
        .rt
        .send(&[ix::refund_expired(batch, &b, 1)], &[])
        .await
        .unwrap();
    assert_eq!(pool.env.batch(batch).await.open_tickets, 1);

    let close_batch = ix::close_batch(batch, &b);
    let watched = [batch, b.vault, b.item_table];
    let before = snapshot(&mut pool.env.rt, &watched).await;
    assert_error(
        pool.env
            .rt
            .send(std::slice::from_ref(&close_batch), &[])
            .await,
        ProtocolError::TicketsStillOpen,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &watched).await, before);

    let ticket = pool.ticket(0, batch, 0);
    let rent = pool.env.rt.lamports(ticket).await;
    let keeper = Keypair::new();
    let close = ix::close_expired_ticket(keeper.pubkey(), batch, &b, ticket);
    pool.env.rt.send(&[close], &[&keeper]).await.unwrap();
    assert_eq!(pool.env.rt.lamports(keeper.pubkey()).await, rent);
    assert_eq!(pool.entries().await[0].reputation, 0);
    pool.env.rt.send(&[close_batch], &[]).await.unwrap();
    assert!(pool.env.rt.account(batch).await.is_none());
}

/// One move of the adversary (a poster with three Sybil members) among three honest,
/// established members who always vote the true label 1.
#[derive(Clone, Debug)]
enum Move {
    /// `sybils` Sybils take seats first on an honest job of `items` items and vote 0.
    Capture { items: u32, sybils: usize },
    /// `sybils` Sybils take seats on an honest job and never reveal.
    NoShow { items: u32, sybils: usize },
    /// The adversary posts a job of `items` items at `price` and its Sybils do it.
    SelfPaid { items: u32, price: u64 },
    /// The adversary posts a job the honest members do, and closes its refund account
    /// before settlement.
    ClosedRefund { items: u32 },
    /// The adversary's job ends with round 0; it tries a refund before settlement.
    RaceRefund { items: u32 },
}

fn adversary_move() -> impl proptest::strategy::Strategy<Value = Move> {
    use proptest::prelude::*;
    prop_oneof![
        (1..=4u32, 1..=3usize).prop_map(|(items, sybils)| Move::Capture { items, sybils }),
        (1..=4u32, 1..=3usize).prop_map(|(items, sybils)| Move::NoShow { items, sybils }),
        (
            1..=4u32,
            prop_oneof![Just(39u64), Just(1_000), Just(ONE_ALE)]
        )
            .prop_map(|(items, price)| Move::SelfPaid { items, price }),
        (1..=3u32).prop_map(|items| Move::ClosedRefund { items }),
        (1..=3u32).prop_map(|items| Move::RaceRefund { items }),
    ]
}

const HONEST: [usize; 3] = [0, 1, 2];
const SYBILS: [usize; 3] = [3, 4, 5];

/// How a member acts on its ticket in a round.
#[derive(Clone, Copy)]
enum Act {
    Vote(u8),
    NoShow,
}

/// Members take in `plan` order (a member finding no seat left sits out), commit, and
/// reveal unless they are no-shows; the round's windows pass.
async fn play_round(pool: &mut Pool, batch: Pubkey, plan: &[(usize, Act)]) {
    let b = pool.env.batch(batch).await;
    let salt = [9u8; 32];
    let mut ballots = Vec::new();
    for &(m, act) in plan {
        let Ok(items) = pool.take(m, batch, &b, 0).await else {
            continue;
        };
        let label = match act {
            Act::Vote(label) => label,
            Act::NoShow => 0,
        };
        let ballot = vec![label; items.len()];
        pool.commit(m, batch, 0, &ballot, salt).await.unwrap();
        if let Act::Vote(_) = act {
            ballots.push((m, ballot));
        }
    }
    pool.reveal_round(batch, &b, 0, &ballots, salt).await;
}

/// The adversary's holdings in ALE base units: its token accounts, and its Sybils'
/// pay, deposits and bucket-B rewards claimable in the ledger. The Sybils hold no
/// stake, so their bucket-B share on their initial reputation is forfeited at claim
/// and not counted (THREATS.md, B-9: a staked fresh identity would draw it).
async fn adversary_value(pool: &mut Pool, accounts: &[Pubkey]) -> u64 {
    let mut value = 0;
    for &account in accounts {
        if pool.env.rt.account(account).await.is_some() {
            value += pool.env.rt.token_balance(account).await;
        }
    }
    for e in pool.entries().await.iter().skip(SYBILS[0]) {
        value += e.claimable[0] + e.deposit_claimable;
    }
    value
}

/// The adversary as a poster, paying from its first account while it exists and from
/// its stash once it closed that one.
async fn funded(pool: &mut Pool, adversary: &Poster, stash: Pubkey) -> Poster {
    let open = pool.env.rt.account(adversary.token).await.is_some();
    Poster {
        wallet: adversary.wallet.insecure_clone(),
        token: if open { adversary.token } else { stash },
        mint: adversary.mint,
    }
}

/// Plays `moves` and returns the adversary's gain (ALE base units; negative: a loss).
async fn adversary_run(moves: Vec<Move>) -> i128 {
    let mut pool = Pool::new(params(3), 3).await;
    let honest_poster = pool.env.ale_poster(1_000 * ONE_ALE).await;
    pool.poster = honest_poster;
    let (warmup, _) = pool.post(PROBATION_WINS).await;
    vote_round(&mut pool, warmup, &HONEST, |_, items| vec![1; items.len()]).await;
    pool.pay_fees_in_ale().await;
    let ale = pda::ale_mint();
    settle_all(&mut pool, warmup).await;
    for _ in SYBILS {
        let sybil = pool.env.rt.funded_wallet(1).await;
        pool.add_member(&sybil).await;
    }
    let adversary = pool.env.ale_poster(1_000 * ONE_ALE).await;
    let stash = pool
        .env
        .rt
        .create_token_account(&ale, &adversary.wallet.pubkey())
        .await;
    let accounts = [adversary.token, stash];
    let start = adversary_value(&mut pool, &accounts).await;
    let honest = |first: &[(usize, Act)]| {
        let mut plan = first.to_vec();
        plan.extend(HONEST.iter().map(|&m| (m, Act::Vote(1))));
        plan
    };
    let mut adversary_batches = Vec::new();
    for mv in moves {
        match mv {
            Move::Capture { items, sybils } | Move::NoShow { items, sybils } => {
                let act = match mv {
                    Move::Capture { .. } => Act::Vote(0),
                    _ => Act::NoShow,
                };
                let (batch, b) = pool.post(items).await;
                let sybil_plan: Vec<_> = SYBILS[..sybils].iter().map(|&m| (m, act)).collect();
                play_round(&mut pool, batch, &honest(&sybil_plan)).await;
                settle_all(&mut pool, batch).await;
                // No item the honest members label 1 ends with the Sybils' 0.
                let mut table = pool.env.rt.account(b.item_table).await.unwrap().data;
                let captured = item_states_mut(&mut table)
                    .unwrap()
                    .iter()
                    .filter(|i| i.status() == Some(ItemStatus::Decided) && i.label == 0)
                    .count();
                assert_eq!(captured, 0, "{mv:?} decided a Sybil label");
                // A keeper closes the no-shows' tickets.
                for &m in &SYBILS[..sybils] {
                    let ticket = pool.ticket(m, batch, 0);
                    if pool.env.rt.account(ticket).await.is_some() {
                        let keeper = pool.env.rt.payer().pubkey();
                        let close = ix::close_expired_ticket(keeper, batch, &b, ticket);
                        pool.env.rt.send(&[close], &[]).await.unwrap();
                    }
                }
            }
            Move::SelfPaid { items, price } => {
                let poster = funded(&mut pool, &adversary, stash).await;
                let batch = pool
                    .env
                    .post_simple(&poster, pool.community, items, price)
                    .await
                    .unwrap();
                let plan: Vec<_> = SYBILS.iter().map(|&m| (m, Act::Vote(0))).collect();
                play_round(&mut pool, batch, &plan).await;
                settle_all(&mut pool, batch).await;
                adversary_batches.push(batch);
            }
            Move::ClosedRefund { items } => {
                let poster = funded(&mut pool, &adversary, stash).await;
                let batch = pool
                    .env
                    .post_simple(&poster, pool.community, items, PRICE)
                    .await
                    .unwrap();
                play_round(&mut pool, batch, &honest(&[])).await;
                if pool.env.rt.account(adversary.token).await.is_some() {
                    let left = pool.env.rt.token_balance(adversary.token).await;
                    pool.env
                        .rt
                        .token_transfer(&adversary.token, &stash, &adversary.wallet, left)
                        .await
                        .unwrap();
                    let close = spl_token_interface::instruction::close_account(
                        &spl_token_interface::ID,
                        &adversary.token,
                        &adversary.wallet.pubkey(),
                        &adversary.wallet.pubkey(),
                        &[],
                    )
                    .unwrap();
                    pool.env
                        .rt
                        .send(&[close], &[&adversary.wallet])
                        .await
                        .unwrap();
                }
                settle_all(&mut pool, batch).await;
                adversary_batches.push(batch);
            }
            Move::RaceRefund { items } => {
                let community = pool.env.community(pool.community).await;
                let windows =
                    (community.commit_window_seconds + community.reveal_window_seconds) as i64;
                let poster = funded(&mut pool, &adversary, stash).await;
                let id = community.batch_count;
                let deadline = pool.env.rt.now().await + windows;
                let params = pool.env.batch_params(id, items, PRICE, deadline);
                let batch = pool
                    .env
                    .post(&poster, pool.community, params, items)
                    .await
                    .unwrap();
                play_round(&mut pool, batch, &honest(&[])).await;
                let b = pool.env.batch(batch).await;
                let mut refund = ix::refund_expired(batch, &b, items);
                refund.accounts[6].pubkey = poster.token;
                assert_error(
                    pool.env.rt.send(&[refund], &[]).await,
                    ProtocolError::RefundWaitsForSettlement,
                );
                settle_all(&mut pool, batch).await;
                adversary_batches.push(batch);
            }
        }
    }
    // Every deadline passes; what was not decided returns to the adversary.
    let later = pool.env.rt.now().await + 2 * DAY;
    pool.env.rt.warp_to_timestamp(later).await;
    for batch in adversary_batches {
        let b = pool.env.batch(batch).await;
        let mut refund = ix::refund_expired(batch, &b, b.item_count);
        refund.accounts[6].pubkey = funded(&mut pool, &adversary, stash).await.token;
        pool.env.rt.send(&[refund], &[]).await.unwrap();
        pool.env.assert_escrow_conserved(batch).await;
    }
    // And the first epoch closes: the community draws its bucket B (if it did paid
    // work; otherwise the draw is refused and there is nothing to gain).
    let _ = pool.draw_first_epoch().await;
    let end = adversary_value(&mut pool, &accounts).await;
    end as i128 - start as i128
}

/// The adversary tries the moves above at random among honest workers; over every run
/// it ends with no more than it started with (what it bought was real work).
#[test]
fn an_adversary_among_honest_workers_gains_nothing() {
    use proptest::strategy::{Strategy, ValueTree};
    let cases: u32 = std::env::var("ALE_ADVERSARY_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(8);
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases,
        ..Default::default()
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let strategy = proptest::collection::vec(adversary_move(), 2..7);
    for case in 0..cases {
        let moves = strategy.new_tree(&mut runner).unwrap().current();
        let summary: Vec<String> = moves.iter().map(|m| format!("{m:?}")).collect();
        let gain = runtime.block_on(adversary_run(moves));
        println!("adversary run {case}: gain {gain} ALE base units after {summary:?}");
        assert!(gain <= 0, "the adversary gained {gain}");
    }
}

/// O-10. Someone initialised the programs before the operator: the operator's deploy
/// and init check the admin after bootstrapping and say so, instead of going on with a
/// deployment under another admin.
#[tokio::test]
async fn the_operator_is_told_when_someone_else_initialised_the_deployment() {
    let mut env = ale_tests::ProtocolEnv::new().await;
    let operator = env.operator.insecure_clone();
    ale_sdk::operator::ensure_admin(&mut env.rt, &operator)
        .await
        .unwrap();
    let latecomer = env.rt.funded_wallet(10).await;
    let genesis = ale_sdk::operator::Genesis::with_treasury(Pubkey::new_unique());
    ale_sdk::operator::bootstrap(&mut env.rt, &latecomer, &genesis)
        .await
        .unwrap();
    let error = ale_sdk::operator::ensure_admin(&mut env.rt, &latecomer)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("not by the operator"), "{error}");
}
