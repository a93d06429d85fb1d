//! A vote budget through the runtime: the poster buys votes per batch at a price per
//! vote; every item first gets the community's minimum, then each round's extra votes
//! go to the least certain open items; the last vote of the budget decides every item;
//! a target confidence stops items early; what is not spent comes back at close; in a
//! community of the confusion rule the closing re-score decides the last round.

use ale_math::em::RESCORE_STEPS;
use ale_protocol::constants::NEVER_STOP_EARLY_BPS;
use ale_protocol::error::ProtocolError;
use ale_protocol::events::BatchClosed;
use ale_protocol::instructions::CommunityParams;
use ale_protocol::state::{item_states_mut, Batch, ItemStatus, Rescore, WeightRule, ITEM_RESCORED};
use ale_sdk::protocol as ix;
use ale_sdk::views::rescore_header;
use ale_tests::assert_error;
use ale_tests::pool::{params, Pool};
use anchor_lang::prelude::Pubkey;
use solana_sdk::signature::{Keypair, Signer};

const PRICE_PER_VOTE: u64 = 100;

/// Raw-reputation votes, 3 to 5 per item, no early stop of the community's own.
fn budget_community() -> CommunityParams {
    let mut p = params(3);
    p.consensus.max_votes = 5;
    p
}

async fn post_with_budget(
    pool: &mut Pool,
    items: u32,
    vote_budget: u32,
    target_confidence_bps: u16,
) -> (Pubkey, Batch) {
    let id = pool.env.community(pool.community).await.batch_count;
    let deadline = pool.env.rt.now().await + 86_400;
    let mut params = pool.env.batch_params(id, items, PRICE_PER_VOTE, deadline);
    params.vote_budget = vote_budget;
    params.target_confidence_bps = target_confidence_bps;
    let address = pool
        .env
        .post(&pool.poster, pool.community, params, items)
        .await
        .unwrap();
    let batch = pool.env.batch(address).await;
    (address, batch)
}

/// Members 0.. take round 0's tickets and commit `labels[m][item]` for the items they
/// were given, in their tickets' order; the ballots to reveal.
async fn take_and_commit<const N: usize>(
    pool: &mut Pool,
    batch: Pubkey,
    b: &Batch,
    labels: &[[u8; N]],
    salt: [u8; 32],
) -> Vec<(usize, Vec<u8>)> {
    let mut ballots = Vec::new();
    for (m, by_item) in labels.iter().enumerate() {
        let taken = pool.take(m, batch, b, 0).await.unwrap();
        let ballot: Vec<u8> = taken.iter().map(|&i| by_item[i as usize]).collect();
        pool.commit(m, batch, 0, &ballot, salt).await.unwrap();
        ballots.push((m, ballot));
    }
    ballots
}

async fn statuses(pool: &mut Pool, b: &Batch) -> Vec<(ItemStatus, u8, u8)> {
    let mut data = pool.env.rt.account(b.item_table).await.unwrap().data;
    item_states_mut(&mut data)
        .unwrap()
        .iter()
        .map(|s| (s.status().unwrap(), s.vote_count, s.label))
        .collect()
}

#[tokio::test]
async fn extra_votes_go_to_the_least_certain_items_and_the_last_vote_of_the_budget_decides() {
    let mut pool = Pool::new(budget_community(), 6).await;
    let paid_before = pool.env.rt.token_balance(pool.poster.token).await;
    // Four items, 14 votes: 3 each and 2 more.
    let (batch, b) = post_with_budget(&mut pool, 4, 14, NEVER_STOP_EARLY_BPS).await;
    assert_eq!(
        paid_before - pool.env.rt.token_balance(pool.poster.token).await,
        14 * PRICE_PER_VOTE,
        "the budget is escrowed up front"
    );
    assert_eq!((b.vote_budget, b.votes_cast), (14, 0));

    // Round 0 gives every item its minimum: three tickets of all four items, then none.
    let salt = [3u8; 32];
    let labels: [[u8; 4]; 3] = [[0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 1, 0]];
    let ballots = take_and_commit(&mut pool, batch, &b, &labels, salt).await;
    // A ticket holds distinct items: four of them are all four.
    assert!(ballots.iter().all(|(_, ballot)| ballot.len() == 4));
    assert_error(
        pool.take(3, batch, &b, 0).await,
        ProtocolError::NoItemsAvailable,
    );
    pool.reveal_round(batch, &b, 0, &ballots, salt).await;
    let settled = pool.settle(batch, &b, 0, 16).await.unwrap();
    assert_eq!((settled.decided, settled.round_complete), (0, true));
    let b = pool.env.batch(batch).await;
    // Items 0 and 1 are unanimous (bucket 31), 2 and 3 split 2:1 (a third of the
    // weight: bucket 10); half the open items are served: buckets up to 10.
    assert_eq!(b.votes_cast, 12);
    assert!(b.serve_extras);
    assert_eq!(b.serve_cutoff, 10);

    // Round 1: the two extra votes go to the split items; the budget is then spent.
    let taken = pool.take(3, batch, &b, 1).await.unwrap();
    let mut sorted = taken.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [2, 3]);
    assert_error(
        pool.take(4, batch, &b, 1).await,
        ProtocolError::VoteBudgetSpent,
    );
    let extra = [0u8, 0, 0, 1];
    let ballot: Vec<u8> = taken.iter().map(|&i| extra[i as usize]).collect();
    pool.commit(3, batch, 1, &ballot, salt).await.unwrap();
    pool.reveal_round(batch, &b, 1, &[(3, ballot)], salt).await;
    let settled = pool.settle(batch, &b, 0, 16).await.unwrap();
    // The budget's last vote is cast: every item is decided at its cap.
    assert_eq!(settled.decided, 4);
    assert_eq!(
        statuses(&mut pool, &b).await,
        [
            (ItemStatus::Decided, 3, 0),
            (ItemStatus::Decided, 3, 0),
            (ItemStatus::Decided, 4, 0),
            (ItemStatus::Decided, 4, 1),
        ]
    );
    // Paid per vote: 14 votes of worker pay and fees, nothing left to return.
    let b = pool.env.batch(batch).await;
    assert_eq!(b.votes_cast, 14);
    assert_eq!(
        b.credited + b.fees_paid,
        14 * PRICE_PER_VOTE,
        "every vote bought was paid for"
    );
    assert_eq!(settled.votes_credited, 14);
    pool.env.assert_escrow_conserved(batch).await;
    let closed = pool
        .env
        .rt
        .send_with_events(&[ix::close_batch(batch, &b)], &[])
        .await
        .unwrap();
    assert_eq!(closed.events::<BatchClosed>()[0].unspent_refunded, 0);
}

#[tokio::test]
async fn a_target_confidence_stops_items_early_and_the_unspent_budget_comes_back_at_close() {
    // Four members: three votes leave an item below its cap, so only the target stops it.
    let mut pool = Pool::new(budget_community(), 4).await;
    let start = pool.env.rt.token_balance(pool.poster.token).await;
    // Two items, five votes each bought; stop at a 60% weight margin.
    let (batch, b) = post_with_budget(&mut pool, 2, 10, 6_000).await;
    let salt = [5u8; 32];
    let labels = [[1u8, 0], [1, 0], [1, 0]];
    let ballots = take_and_commit(&mut pool, batch, &b, &labels, salt).await;
    pool.reveal_round(batch, &b, 0, &ballots, salt).await;
    // Unanimous at the minimum: both decided, 6 of the 10 votes spent.
    let settled = pool.settle(batch, &b, 0, 16).await.unwrap();
    assert_eq!(settled.decided, 2);
    let b = pool.env.batch(batch).await;
    assert_eq!(b.credited + b.fees_paid, 6 * PRICE_PER_VOTE);

    let closed = pool
        .env
        .rt
        .send_with_events(&[ix::close_batch(batch, &b)], &[])
        .await
        .unwrap();
    assert_eq!(
        closed.events::<BatchClosed>()[0].unspent_refunded,
        4 * PRICE_PER_VOTE
    );
    assert_eq!(
        start - pool.env.rt.token_balance(pool.poster.token).await,
        6 * PRICE_PER_VOTE,
        "the poster paid for the six votes cast, no more"
    );
}

/// The template's confusion rule, 3 to 5 votes an item.
fn confusion_community() -> CommunityParams {
    let mut p = budget_community();
    p.consensus.weight_rule = WeightRule::Confusion;
    p.consensus.threshold_bps = 5_001;
    p
}

#[tokio::test]
async fn the_last_round_waits_for_the_closing_rescore_which_decides_it() {
    let mut pool = Pool::new(confusion_community(), 4).await;
    // Two items, their minimum only: round 0 is the budget's last.
    let (batch, b) = post_with_budget(&mut pool, 2, 6, NEVER_STOP_EARLY_BPS).await;
    let keeper = pool.env.rt.funded_wallet(5).await;
    let members = pool.env.community(pool.community).await.member_count;
    let space = Rescore::space(members);
    let rent = pool.env.rt.rent_for(space).await;
    let start = |workspace: &Keypair, b: &Batch, members: u32| {
        [
            ix::create_rescore_account(keeper.pubkey(), workspace.pubkey(), members, rent),
            ix::start_rescore(keeper.pubkey(), batch, b, workspace.pubkey()),
        ]
    };
    // Before the round's reveals are over there is nothing to re-score.
    let early = Keypair::new();
    assert_error(
        pool.env
            .rt
            .send(&start(&early, &b, members), &[&keeper, &early])
            .await,
        ProtocolError::RescoreNotDue,
    );

    let salt = [9u8; 32];
    let labels = [[1u8, 0], [1, 0], [0, 0]];
    let ballots = take_and_commit(&mut pool, batch, &b, &labels, salt).await;
    pool.reveal_round(batch, &b, 0, &ballots, salt).await;
    assert_error(
        pool.settle(batch, &b, 0, 16).await,
        ProtocolError::RescoreNotFinished,
    );

    // A workspace of the wrong size is refused; the right one is claimed once.
    let short = Keypair::new();
    assert_error(
        pool.env
            .rt
            .send(&start(&short, &b, members - 1), &[&keeper, &short])
            .await,
        ProtocolError::WrongRescoreSize,
    );
    let workspace = Keypair::new();
    pool.env
        .rt
        .send(&start(&workspace, &b, members), &[&keeper, &workspace])
        .await
        .unwrap();
    let again = Keypair::new();
    assert_error(
        pool.env
            .rt
            .send(&start(&again, &b, members), &[&keeper, &again])
            .await,
        ProtocolError::RescoreAlreadyStarted,
    );

    // The passes, from the workspace's own pass and cursor: a stale one, or a payer
    // that is not the workspace's, is refused.
    let b = pool.env.batch(batch).await;
    assert_error(
        pool.env
            .rt
            .send(&[ix::rescore_batch(keeper.pubkey(), batch, &b, 1, 0)], &[])
            .await,
        ProtocolError::StaleCursor,
    );
    let stranger = Keypair::new().pubkey();
    assert_error(
        pool.env
            .rt
            .send(&[ix::rescore_batch(stranger, batch, &b, 0, 0)], &[])
            .await,
        ProtocolError::WrongRescoreAccount,
    );
    let before = pool.env.rt.lamports(keeper.pubkey()).await;
    let mut calls = 0;
    while !pool.env.batch(batch).await.rescore_done {
        let data = pool.env.rt.account(workspace.pubkey()).await.unwrap().data;
        let header = rescore_header(&data).unwrap();
        pool.env
            .rt
            .send(
                &[ix::rescore_batch(
                    keeper.pubkey(),
                    batch,
                    &b,
                    header.pass,
                    header.cursor,
                )],
                &[],
            )
            .await
            .unwrap();
        calls += 1;
    }
    // One call per pass on two items: 2 x RESCORE_STEPS + 1.
    assert_eq!(calls, 2 * RESCORE_STEPS as u32 + 1);
    assert!(pool.env.rt.account(workspace.pubkey()).await.is_none());
    assert_eq!(
        pool.env.rt.lamports(keeper.pubkey()).await - before,
        rent,
        "the workspace's rent is back"
    );
    let mut data = pool.env.rt.account(b.item_table).await.unwrap().data;
    assert!(item_states_mut(&mut data)
        .unwrap()
        .iter()
        .all(|item| item.flags & ITEM_RESCORED != 0));

    let settled = pool.settle(batch, &b, 0, 16).await.unwrap();
    assert_eq!(settled.decided, 2);
    assert_eq!(
        statuses(&mut pool, &b).await,
        [(ItemStatus::Decided, 3, 1), (ItemStatus::Decided, 3, 0)]
    );
}
