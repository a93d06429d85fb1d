//! ale-staking end to end through the runtime: genesis, inflation, bucket A staking,
//! bucket B community rewards, and the events a keeper reads back.

use ale_math::inflation::{annual_budget, GENESIS_SUPPLY, ONE_ALE, SECONDS_PER_YEAR};
use ale_sdk::{pda, staking};
use ale_staking::events::{
    CommunityRewardDrawn, EpochClosed, GenesisMinted, InflationCranked, InflationYearStarted,
    RewardsClaimed, Staked,
};
use ale_tests::reporter_stub::{forward, reporter};
use ale_tests::StakingEnv;
use rand::{Rng, SeedableRng};
use solana_sdk::signature::Signer;

const DAY: i64 = 86_400;

#[tokio::test]
async fn genesis_mints_once_to_distribution_and_events_are_readable() {
    let mut env = StakingEnv::initialized(7 * DAY, 7 * DAY).await;
    let admin = env.admin.insecure_clone();
    let outcome = env
        .rt
        .send_with_events(
            &[staking::genesis_mint(admin.pubkey(), env.distribution)],
            &[&admin],
        )
        .await
        .unwrap();
    let events = outcome.events::<GenesisMinted>();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].amount, GENESIS_SUPPLY);
    assert_eq!(events[0].distribution, env.distribution);
    assert_eq!(events[0].first_year_budget, 400_000_000 * ONE_ALE);

    assert_eq!(env.supply().await, GENESIS_SUPPLY);
    assert_eq!(env.balance(env.distribution).await, GENESIS_SUPPLY);
    let config = env.config().await;
    assert!(config.genesis_done);
    assert_eq!(config.year_budget, 400_000_000 * ONE_ALE);

    // The mint's authority is the staking PDA and nothing can freeze accounts.
    let mint = env.rt.account(pda::ale_mint()).await.unwrap();
    let mint =
        <spl_token_interface::state::Mint as solana_sdk::program_pack::Pack>::unpack(&mint.data)
            .unwrap();
    assert_eq!(mint.mint_authority, Some(pda::mint_authority()).into());
    assert_eq!(mint.freeze_authority, None.into());
    assert_eq!(mint.decimals, 9);
}

/// White paper: 5B supply, 2.5B staked for a whole year, nothing else changes: the
/// stakers receive 200,000,000 ALE between them. Rounding: the accumulator is exact
/// here (2e17 x 1e18 / 2.5e18 = 8e16 per share), so each staker's floor loses at most
/// one base unit; with three stakers the total is within 3 base units.
#[tokio::test]
async fn white_paper_vector_stakers_receive_200m_ale() {
    let mut env = StakingEnv::new().await;
    let amounts = [
        1_000_000_000 * ONE_ALE,
        1_000_000_000 * ONE_ALE,
        500_000_000 * ONE_ALE,
    ];
    let mut stakers = Vec::new();
    for amount in amounts {
        let staker = env.staker(amount).await;
        let outcome = env.stake(&staker, amount).await.unwrap();
        assert_eq!(outcome.events::<Staked>()[0].amount, amount);
        stakers.push(staker);
    }
    assert_eq!(env.config().await.total_active_stake, GENESIS_SUPPLY / 2);

    let genesis_ts = env.config().await.genesis_ts;
    for week in 1..=52 {
        env.rt.warp_to_timestamp(genesis_ts + week * 7 * DAY).await;
        env.crank().await.unwrap();
    }
    env.rt
        .warp_to_timestamp(genesis_ts + SECONDS_PER_YEAR)
        .await;
    env.crank().await.unwrap();

    let mut received = 0u64;
    for staker in &stakers {
        let outcome = env.claim(staker).await.unwrap();
        let claimed = outcome.events::<RewardsClaimed>()[0].amount;
        assert_eq!(env.balance(staker.token).await, claimed);
        received += claimed;
    }
    let expected = 200_000_000 * ONE_ALE;
    assert!(
        received <= expected && expected - received <= 3,
        "received {received}"
    );
    // Bucket A is the only mint: no community did paid work, so bucket B was never minted.
    assert_eq!(env.supply().await, GENESIS_SUPPLY + expected);
    let config = env.config().await;
    assert_eq!(config.total_emitted, 400_000_000 * ONE_ALE);
    assert_eq!(config.bucket_a_minted, expected);
    // Bucket B: closed epochs without paid work are forfeited; the last epoch is
    // still open and holds the rest.
    let pot = env.pot().await;
    assert_eq!(pot.total_drawn, 0);
    assert_eq!(
        pot.total_forfeited + pot.outstanding().unwrap(),
        config.bucket_b_allocated
    );
}

/// Cranks a year at the given offsets (seconds after genesis) and returns what was
/// emitted; checks the year's total, the bucket split and the supply.
async fn run_year_with_cranks(offsets: &[i64]) -> (StakingEnv, u64) {
    let mut env = StakingEnv::new().await;
    let staker = env.staker(ONE_ALE * 1_000).await;
    env.stake(&staker, ONE_ALE * 1_000).await.unwrap();
    let genesis_ts = env.config().await.genesis_ts;
    for &offset in offsets {
        env.rt.warp_to_timestamp(genesis_ts + offset).await;
        env.rt
            .send(&[staking::crank_inflation()], &[])
            .await
            .unwrap();
    }
    env.rt
        .warp_to_timestamp(genesis_ts + SECONDS_PER_YEAR)
        .await;
    env.crank().await.unwrap();

    let config = env.config().await;
    let budget = annual_budget(GENESIS_SUPPLY).unwrap();
    assert_eq!(config.total_emitted, budget, "emitted over the year");
    assert_eq!(config.year_emitted, budget);
    assert_eq!(config.bucket_a_minted, budget / 2);
    assert_eq!(config.bucket_b_allocated, budget - budget / 2);
    assert_eq!(env.supply().await, GENESIS_SUPPLY + budget / 2);
    (env, config.total_emitted)
}

#[tokio::test]
async fn inflation_is_independent_of_crank_frequency() {
    let hourly: Vec<i64> = (1..365 * 24).map(|h| h * 3_600).collect();
    let weekly: Vec<i64> = (1..=52).map(|w| w * 7 * DAY).collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0xA1E);
    let mut random: Vec<i64> = (0..300)
        .map(|_| rng.gen_range(1..SECONDS_PER_YEAR))
        .collect();
    random.sort_unstable();
    random.dedup();

    let (_, by_hour) = run_year_with_cranks(&hourly).await;
    let (_, by_week) = run_year_with_cranks(&weekly).await;
    let (mut env, at_random) = run_year_with_cranks(&random).await;
    // floor(0.08 x S0) exactly, whatever the cadence.
    assert_eq!(by_hour, 400_000_000 * ONE_ALE);
    assert_eq!(by_week, by_hour);
    assert_eq!(at_random, by_hour);

    // The second year is budgeted on the supply when it starts.
    let supply_at_rollover = env.supply().await;
    let genesis_ts = env.config().await.genesis_ts;
    env.rt
        .warp_to_timestamp(genesis_ts + SECONDS_PER_YEAR + DAY)
        .await;
    let outcome = env.crank().await.unwrap();
    let started = outcome.events::<InflationYearStarted>();
    assert_eq!(started.len(), 1);
    assert_eq!(started[0].year_index, 1);
    assert_eq!(started[0].supply, supply_at_rollover);
    assert_eq!(
        started[0].budget,
        annual_budget(supply_at_rollover).unwrap()
    );
    for week in 1..=52 {
        env.rt
            .warp_to_timestamp(genesis_ts + SECONDS_PER_YEAR + week * 7 * DAY)
            .await;
        env.rt
            .send(&[staking::crank_inflation()], &[])
            .await
            .unwrap();
    }
    env.rt
        .warp_to_timestamp(genesis_ts + 2 * SECONDS_PER_YEAR)
        .await;
    env.crank().await.unwrap();
    let config = env.config().await;
    assert_eq!(
        config.year_emitted,
        annual_budget(supply_at_rollover).unwrap()
    );
    assert_eq!(config.total_emitted, by_hour + config.year_emitted);
}

#[tokio::test]
async fn stake_unstake_withdraw_and_claim_once() {
    let mut env = StakingEnv::new().await;
    let alice = env.staker(100 * ONE_ALE).await;
    let bob = env.staker(100 * ONE_ALE).await;
    env.stake(&alice, 100 * ONE_ALE).await.unwrap();
    env.stake(&bob, 100 * ONE_ALE).await.unwrap();

    // Ten days at equal stake, then Alice moves all of hers into cooldown.
    env.warp_by(10 * DAY).await;
    let ix = staking::request_unstake(alice.wallet.pubkey(), 100 * ONE_ALE);
    env.send_cranked(ix, &alice.wallet).await.unwrap();
    let alice_account = env.stake_account(&alice.wallet.pubkey()).await;
    assert_eq!(alice_account.active_amount, 0);
    assert_eq!(alice_account.cooling_amount, 100 * ONE_ALE);
    let earned_while_active = alice_account.claimable;
    assert!(earned_while_active > 0);

    // Stake in cooldown earns nothing: ten more days change nothing for Alice, while
    // Bob now earns the whole of bucket A.
    env.warp_by(10 * DAY).await;
    env.claim(&alice).await.unwrap();
    assert_eq!(env.balance(alice.token).await, earned_while_active);
    env.claim(&bob).await.unwrap();
    let bob_rewards = env.balance(bob.token).await;
    assert!(
        bob_rewards > 2 * earned_while_active - 3,
        "bob {bob_rewards}"
    );

    // Claims move tokens once: a second claim at the same time has nothing to pay.
    let again = env.claim(&alice).await;
    ale_tests::assert_error(again, ale_staking::error::StakingError::NothingToClaim);

    // Withdraw after the cooldown returns the stake, then the account closes.
    let ix = staking::withdraw(alice.wallet.pubkey(), alice.token);
    env.rt.send(&[ix], &[&alice.wallet]).await.unwrap();
    assert_eq!(
        env.balance(alice.token).await,
        earned_while_active + 100 * ONE_ALE
    );
    let ix = staking::close_stake_account(alice.wallet.pubkey());
    env.rt.send(&[ix], &[&alice.wallet]).await.unwrap();
    assert!(env
        .rt
        .account(pda::stake_account(&alice.wallet.pubkey()))
        .await
        .is_none());

    // Conservation: the vaults hold every staked and every unclaimed reward token.
    let config = env.config().await;
    assert_eq!(
        env.balance(pda::stake_vault()).await,
        config.total_active_stake + config.total_cooling_stake
    );
    assert_eq!(
        env.balance(pda::reward_vault()).await,
        config.bucket_a_minted - config.rewards_claimed
    );
}

#[tokio::test]
async fn bucket_b_pays_communities_pro_rata_to_paid_work_and_withholds_the_rest() {
    let mut env = StakingEnv::with_params(7 * DAY, DAY).await;
    let payer = env.rt.funded_wallet(1).await;
    let (busy, quiet) = (
        solana_sdk::pubkey::Pubkey::new_unique(),
        solana_sdk::pubkey::Pubkey::new_unique(),
    );
    for community in [busy, quiet] {
        let ix = forward(staking::register_community(
            reporter(),
            payer.pubkey(),
            community,
        ));
        env.rt.send(&[ix], &[&payer]).await.unwrap();
    }
    // Epoch 0: paid work 3 : 1, both above their pro-rata shares of the day's bucket B
    // (~548,000 ALE), so the cap at paid work does not bind.
    for (community, amount) in [(busy, 3_000_000 * ONE_ALE), (quiet, 1_000_000 * ONE_ALE)] {
        let ix = forward(staking::report_paid_work(reporter(), community, amount));
        env.rt.send(&[ix], &[]).await.unwrap();
    }
    assert_eq!(
        env.community_work(&busy).await.epochs[0].paid_work,
        3_000_000 * ONE_ALE
    );

    // Two days later epochs 0 and 1 are closed; epoch 1 had no paid work.
    let genesis_ts = env.config().await.genesis_ts;
    env.rt.warp_to_timestamp(genesis_ts + 2 * DAY).await;
    let outcome = env.crank().await.unwrap();
    let closed = outcome.events::<EpochClosed>();
    assert_eq!(closed.len(), 2);
    assert!(!closed[0].undistributable && closed[0].paid_work == 4_000_000 * ONE_ALE);
    assert!(closed[1].undistributable);
    let cranked = &outcome.events::<InflationCranked>()[0];
    assert_eq!(
        cranked.bucket_a_to_stakers, 0,
        "no stakers: bucket A is withheld"
    );
    assert_eq!(
        cranked.bucket_a_withheld + cranked.bucket_b_allocated,
        cranked.emitted
    );

    let allocation = closed[0].allocation;
    let supply_before = env.supply().await;
    let vault = env
        .rt
        .create_token_account(&pda::ale_mint(), &payer.pubkey())
        .await;
    let mut drawn = 0;
    for community in [busy, quiet] {
        let ix = forward(staking::draw_community_reward(
            reporter(),
            community,
            0,
            vault,
        ));
        let outcome = env.rt.send_with_events(&[ix], &[]).await.unwrap();
        drawn += outcome.events::<CommunityRewardDrawn>()[0].amount;
    }
    assert_eq!(env.balance(vault).await, drawn);
    assert_eq!(drawn, allocation * 3 / 4 + allocation / 4);
    assert!(allocation - drawn <= 1);
    assert_eq!(env.supply().await, supply_before + drawn);
    let pot = env.pot().await;
    assert_eq!(pot.total_drawn, drawn);
    assert_eq!(pot.total_forfeited, closed[1].allocation);
}

/// K-5. Nobody cranks for more than a ring of epochs while paid work is reported: the
/// old epochs' slots are taken by the new reports. The crank forfeits their bucket B
/// (never minted) and catches up instead of failing with EpochExpired for good.
#[tokio::test]
async fn a_crank_a_whole_ring_late_still_catches_up() {
    use ale_staking::constants::EPOCH_RING_LEN;
    let mut env = StakingEnv::with_params(7 * DAY, DAY).await;
    let payer = env.rt.funded_wallet(1).await;
    let community = solana_sdk::pubkey::Pubkey::new_unique();
    let ix = forward(staking::register_community(
        reporter(),
        payer.pubkey(),
        community,
    ));
    env.rt.send(&[ix], &[&payer]).await.unwrap();
    env.crank().await.unwrap();
    let genesis_ts = env.config().await.genesis_ts;
    let late = EPOCH_RING_LEN as i64 + 6;
    env.rt.warp_to_timestamp(genesis_ts + late * DAY).await;
    let ix = forward(staking::report_paid_work(reporter(), community, ONE_ALE));
    env.rt.send(&[ix], &[]).await.unwrap();

    let mut calls = 0;
    loop {
        let outcome = env.crank().await.unwrap();
        calls += 1;
        if outcome.events::<InflationCranked>()[0].caught_up {
            break;
        }
        assert!(calls < 100, "the crank does not catch up");
    }
    let pot = env.pot().await;
    let config = env.config().await;
    assert!(pot.total_forfeited > 0);
    assert_eq!(
        pot.total_drawn + pot.total_forfeited + pot.outstanding().unwrap(),
        config.bucket_b_allocated
    );
    // The reported epoch is still in the ring, with its paid work.
    assert_eq!(pot.slot(late as u64).unwrap().paid_work, ONE_ALE);
}
