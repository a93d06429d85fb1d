//! Bucket B end to end: settlement reports paid work (valued in ALE) to ale-staking,
//! a keeper draws the community's share of a closed epoch, and members claim it pro
//! rata to reputation, only if their stake covered their whole accrual window.

use ale_math::inflation::ONE_ALE;
use ale_protocol::error::ProtocolError;
use ale_protocol::events::{CommunityRewardClaimed, CommunityRewardsDrawn};
use ale_protocol::state::ConversionRate;
use ale_sdk::{pda, protocol as ix, staking};
use ale_staking::state::CommunityWork;
use ale_tests::pool::{params, Pool};
use ale_tests::{assert_error, snapshot, Poster};
use anchor_lang::prelude::Pubkey;
use solana_sdk::signature::Signer;

const DAY: i64 = 86_400;

async fn stake(pool: &mut Pool, who: &Poster, amount: u64) {
    let ixs = [
        staking::open_stake_account(who.wallet.pubkey()),
        staking::crank_inflation(),
        staking::stake(who.wallet.pubkey(), who.token, amount),
    ];
    pool.env.rt.send(&ixs, &[&who.wallet]).await.unwrap();
}

/// Runs one item through a round in which every member votes label 0, and settles it.
async fn decide_one_item(
    pool: &mut Pool,
    poster: &Poster,
    price: u64,
    treasury: Pubkey,
    creator: Pubkey,
) {
    let batch = pool
        .env
        .post_simple(poster, pool.community, 1, price)
        .await
        .unwrap();
    let b = pool.env.batch(batch).await;
    let salt = [8u8; 32];
    for m in 0..pool.members.len() {
        pool.take(m, batch, &b, 0).await.unwrap();
        pool.commit(m, batch, 0, &[0], salt).await.unwrap();
    }
    let ballots: Vec<(usize, Vec<u8>)> = (0..pool.members.len()).map(|m| (m, vec![0])).collect();
    pool.reveal_round(batch, &b, 0, &ballots, salt).await;
    let settle = ix::settle_round(batch, &b, treasury, creator, 0, 16);
    pool.env.rt.send(&[settle], &[]).await.unwrap();
}

#[tokio::test]
async fn bucket_b_pays_members_pro_rata_to_reputation_only_with_stake_for_the_window() {
    let mut pool = Pool::new(params(3), 0).await;
    // Alice and Carol stake before they join; Bob joins without stake.
    let mut holders = Vec::new();
    for staked in [50 * ONE_ALE, 0, 50 * ONE_ALE] {
        holders.push(pool.add_ale_member(100 * ONE_ALE, staked).await);
    }
    pool.pay_fees_in_ale().await;
    let (treasury_ale, creator_ale) = (pool.treasury_token, pool.creator_token);
    let poster = pool.env.ale_poster(10 * ONE_ALE).await;
    decide_one_item(&mut pool, &poster, ONE_ALE, treasury_ale, creator_ale).await;

    // Paid work is the protocol fees the work paid (split dust included), in ALE one
    // for one: what the treasury received.
    let fees = pool.env.rt.token_balance(treasury_ale).await;
    assert!(fees > 0);
    let work: CommunityWork = pool
        .env
        .rt
        .anchor_account(pda::community_work(&pool.community))
        .await
        .unwrap();
    assert_eq!(work.epochs[0].paid_work, fees);

    // After the epoch, a keeper cranks inflation and draws the community's share.
    let config: ale_staking::state::StakingConfig = pool
        .env
        .rt
        .anchor_account(pda::staking_config())
        .await
        .unwrap();
    pool.env
        .rt
        .warp_to_timestamp(config.genesis_ts + 7 * DAY)
        .await;
    pool.env
        .rt
        .send(&[staking::crank_inflation()], &[])
        .await
        .unwrap();
    let keeper = pool.env.rt.funded_wallet(1).await;
    let draw = ix::draw_community_rewards(keeper.pubkey(), pool.community, 0);
    let outcome = pool
        .env
        .rt
        .send_with_events(std::slice::from_ref(&draw), &[&keeper])
        .await
        .unwrap();
    let drawn = outcome.events::<CommunityRewardsDrawn>()[0].drawn;
    let pot: ale_staking::state::RewardPot =
        pool.env.rt.anchor_account(pda::reward_pot()).await.unwrap();
    assert!(pot.epochs[0].allocation > fees);
    assert_eq!(
        drawn, fees,
        "the only community with paid work takes its share, capped at the fees it paid"
    );
    assert_eq!(
        pool.env
            .rt
            .token_balance(pda::community_rewards(&pool.community))
            .await,
        drawn
    );
    // A second draw of the same epoch is refused by ale-staking.
    let result = pool.env.rt.send(&[draw], &[&keeper]).await;
    assert_error(result, ale_staking::error::StakingError::AlreadyDrawn);

    // Bob stakes just before claiming: his window began at his join, so he earns
    // nothing and his share returns to the community's next distribution.
    stake(&mut pool, &holders[1], 50 * ONE_ALE).await;
    let mut claimed = 0;
    for (i, holder) in holders.iter().enumerate() {
        let wallet = holder.wallet.insecure_clone();
        let before = pool.env.rt.token_balance(holder.token).await;
        let claim = ix::claim_community_reward(wallet.pubkey(), pool.community, holder.token);
        let outcome = pool
            .env
            .rt
            .send_with_events(&[claim], &[&wallet])
            .await
            .unwrap();
        let event = &outcome.events::<CommunityRewardClaimed>()[0];
        let received = pool.env.rt.token_balance(holder.token).await - before;
        // Equal reputation (2 each out of 6): a third each, floored by the accumulator.
        assert!(
            drawn / 3 - event.amount <= 1,
            "share {} of {}",
            event.amount,
            drawn
        );
        if i == 1 {
            assert!(event.forfeited);
            assert_eq!(received, 0);
        } else {
            assert!(!event.forfeited);
            assert_eq!(received, event.amount);
            claimed += received;
        }
    }
    let community = pool.env.community(pool.community).await;
    assert_eq!(community.rewards_claimed, claimed);
    assert_eq!(
        pool.env
            .rt
            .token_balance(pda::community_rewards(&pool.community))
            .await,
        drawn - claimed
    );
    assert!(community.rewards_forfeited > 0);

    // Claims move rewards once.
    let alice = holders[0].wallet.insecure_clone();
    let claim = ix::claim_community_reward(alice.pubkey(), pool.community, holders[0].token);
    let watched = [
        pda::ledger(&pool.community),
        holders[0].token,
        pool.community,
    ];
    let before = snapshot(&mut pool.env.rt, &watched).await;
    assert_error(
        pool.env.rt.send(&[claim], &[&alice]).await,
        ProtocolError::NothingToClaim,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &watched).await, before);
}

#[tokio::test]
async fn paid_work_in_other_mints_counts_at_the_operators_rate() {
    let mut pool = Pool::new(params(3), 3).await;
    let operator = pool.env.operator.insecure_clone();
    let usd = pool.env.usd;
    // Refused: a rate set by someone else, a zero rate, a fifth rate.
    let intruder = pool.env.rt.funded_wallet(1).await;
    let rate = ConversionRate {
        mint: usd,
        ale_numerator: 1_000,
        denominator: 1,
    };
    let watched = [pda::protocol_config()];
    let before = snapshot(&mut pool.env.rt, &watched).await;
    let bad = ix::set_conversion_rate(intruder.pubkey(), rate);
    assert_error(
        pool.env.rt.send(&[bad], &[&intruder]).await,
        ProtocolError::NotProtocolAdmin,
    );
    let zero = ConversionRate {
        denominator: 0,
        ..rate
    };
    let bad = ix::set_conversion_rate(operator.pubkey(), zero);
    assert_error(
        pool.env.rt.send(&[bad], &[&operator]).await,
        ProtocolError::InvalidConversionRate,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &watched).await, before);
    for _ in 0..3 {
        let other = ConversionRate {
            mint: Pubkey::new_unique(),
            ..rate
        };
        pool.env
            .rt
            .send(
                &[ix::set_conversion_rate(operator.pubkey(), other)],
                &[&operator],
            )
            .await
            .unwrap();
    }
    pool.env
        .rt
        .send(
            &[ix::set_conversion_rate(operator.pubkey(), rate)],
            &[&operator],
        )
        .await
        .unwrap();
    let fifth = ConversionRate {
        mint: Pubkey::new_unique(),
        ..rate
    };
    let bad = ix::set_conversion_rate(operator.pubkey(), fifth);
    assert_error(
        pool.env.rt.send(&[bad], &[&operator]).await,
        ProtocolError::ConversionRatesFull,
    );

    // A stablecoin batch: 1,000 ALE base units of paid work per unit of fees paid.
    let (treasury, creator) = (pool.treasury_token, pool.creator_token);
    let poster = pool.env.usd_poster(1_000_000).await;
    decide_one_item(&mut pool, &poster, 1_000, treasury, creator).await;
    let fees = pool.env.rt.token_balance(treasury).await;
    assert!(fees > 0);
    let work: CommunityWork = pool
        .env
        .rt
        .anchor_account(pda::community_work(&pool.community))
        .await
        .unwrap();
    assert_eq!(work.epochs[0].paid_work, fees * 1_000);
}

/// Vote deposits: every vote puts down ALE; losers forfeit theirs to the item's
/// winners, unrevealed tickets forfeit theirs to the community's next distribution,
/// and refunded items give them back.
#[tokio::test]
async fn vote_deposits_go_from_losers_to_winners_and_back_on_refunds() {
    const DEPOSIT: u64 = 10 * ONE_ALE;
    let mut p = params(5);
    p.vote_deposit = DEPOSIT;
    let mut pool = Pool::new(p, 0).await;
    let mut ale_accounts = Vec::new();
    for _ in 0..5 {
        let holder = pool.env.ale_poster(100 * ONE_ALE).await;
        pool.add_member(&holder.wallet).await;
        ale_accounts.push(holder.token);
    }
    let vault = pda::community_rewards(&pool.community);
    let (batch, b) = pool.post(1).await;
    let salt = [9u8; 32];
    let take = |pool: &Pool,
                m: usize,
                batch: Pubkey,
                b: &ale_protocol::state::Batch,
                round: u32,
                from: Option<Pubkey>| {
        ix::take_ticket(pool.members[m].pubkey(), batch, b, round, false, from)
    };
    // Without its ALE account the member cannot take a ticket here.
    let member0 = pool.members[0].insecure_clone();
    let bare = take(&pool, 0, batch, &b, 0, None);
    assert_error(
        pool.env.rt.send(&[bare], &[&member0]).await,
        ProtocolError::DepositAccountsMissing,
    );
    for (m, &account) in ale_accounts.iter().enumerate() {
        let member = pool.members[m].insecure_clone();
        let ticket = take(&pool, m, batch, &b, 0, Some(account));
        pool.env.rt.send(&[ticket], &[&member]).await.unwrap();
        pool.commit(m, batch, 0, &[(m == 4) as u8], salt)
            .await
            .unwrap();
    }
    assert_eq!(pool.env.rt.token_balance(vault).await, 5 * DEPOSIT);
    assert_eq!(
        pool.env.rt.token_balance(ale_accounts[0]).await,
        90 * ONE_ALE
    );
    let ballots: Vec<(usize, Vec<u8>)> = (0..5).map(|m| (m, vec![(m == 4) as u8])).collect();
    pool.reveal_round(batch, &b, 0, &ballots, salt).await;
    pool.settle(batch, &b, 0, 16).await.unwrap();
    // Four winners share the loser's deposit: 10 + 2.5 ALE each; the loser gets nothing.
    let deposits: Vec<u64> = pool
        .entries()
        .await
        .iter()
        .map(|e| e.deposit_claimable)
        .collect();
    assert_eq!(
        deposits,
        vec![DEPOSIT + DEPOSIT / 4; 4]
            .into_iter()
            .chain([0])
            .collect::<Vec<_>>()
    );
    let winner = pool.members[1].insecure_clone();
    let claim = ix::claim_deposits(winner.pubkey(), pool.community, ale_accounts[1]);
    pool.env.rt.send(&[claim], &[&winner]).await.unwrap();
    assert_eq!(
        pool.env.rt.token_balance(ale_accounts[1]).await,
        90 * ONE_ALE + DEPOSIT + DEPOSIT / 4
    );
    let loser = pool.members[4].insecure_clone();
    let claim = ix::claim_deposits(loser.pubkey(), pool.community, ale_accounts[4]);
    assert_error(
        pool.env.rt.send(&[claim], &[&loser]).await,
        ProtocolError::NothingToClaim,
    );

    // A second batch: member 4 never reveals. Its deposit is forfeited when the round
    // settles; the item, short of votes, is refunded after the deadline and the four
    // revealed deposits come back.
    let (batch2, b2) = pool.post(1).await;
    for (m, &account) in ale_accounts.iter().enumerate() {
        let member = pool.members[m].insecure_clone();
        let ticket = take(&pool, m, batch2, &b2, 0, Some(account));
        pool.env.rt.send(&[ticket], &[&member]).await.unwrap();
        pool.commit(m, batch2, 0, &[0], salt).await.unwrap();
    }
    let ballots: Vec<(usize, Vec<u8>)> = (0..4).map(|m| (m, vec![0])).collect();
    pool.reveal_round(batch2, &b2, 0, &ballots, salt).await;
    let before = pool.env.community(pool.community).await.rewards_forfeited;
    pool.settle(batch2, &b2, 0, 16).await.unwrap();
    assert_eq!(
        pool.env.community(pool.community).await.rewards_forfeited,
        before + DEPOSIT
    );
    pool.env.rt.warp_to_timestamp(b2.deadline).await;
    pool.env
        .rt
        .send(&[ix::refund_expired(batch2, &b2, 16)], &[])
        .await
        .unwrap();
    let entries = pool.entries().await;
    assert_eq!(
        entries[0].deposit_claimable,
        DEPOSIT + DEPOSIT / 4 + DEPOSIT
    );
    assert_eq!(entries[1].deposit_claimable, DEPOSIT);
    assert_eq!(entries[4].deposit_claimable, 0);
    // The vault holds exactly what members can claim plus what was forfeited.
    let owed: u64 = entries.iter().map(|e| e.deposit_claimable).sum();
    let forfeited = pool.env.community(pool.community).await.rewards_forfeited;
    assert_eq!(pool.env.rt.token_balance(vault).await, owed + forfeited);
}
