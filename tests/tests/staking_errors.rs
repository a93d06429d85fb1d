//! Every bad input to ale-staking is refused with its named error and changes nothing.

use ale_math::inflation::ONE_ALE;
use ale_sdk::{pda, staking};
use ale_staking::error::StakingError;
use ale_staking::instructions::InitializeParams;
use ale_tests::reporter_stub::{forward, reporter, REPORTER_STUB_ID};
use ale_tests::{assert_error, snapshot, StakingEnv};
use anchor_lang::error::ErrorCode as AnchorErrorCode;
use solana_sdk::instruction::Instruction;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{Keypair, Signer};

const DAY: i64 = 86_400;

/// Accounts whose state a refused staking instruction must leave as it was.
fn watched(extra: &[Pubkey]) -> Vec<Pubkey> {
    let mut all = vec![
        pda::staking_config(),
        pda::reward_pot(),
        pda::ale_mint(),
        pda::stake_vault(),
        pda::reward_vault(),
    ];
    all.extend_from_slice(extra);
    all
}

/// Sends `ixs`, asserts error `code`, and that no watched account changed.
async fn refused(
    env: &mut StakingEnv,
    ixs: &[Instruction],
    signers: &[&Keypair],
    extra: &[Pubkey],
    code: impl Into<u32>,
) {
    let accounts = watched(extra);
    let before = snapshot(&mut env.rt, &accounts).await;
    let result = env.rt.send(ixs, signers).await;
    assert_error(result, code);
    assert_eq!(
        snapshot(&mut env.rt, &accounts).await,
        before,
        "state changed"
    );
}

#[tokio::test]
async fn admin_errors() {
    let mut env = StakingEnv::initialized(7 * DAY, 7 * DAY).await;
    let admin = env.admin.insecure_clone();
    let distribution = env.distribution;

    // Crank and staking before genesis.
    refused(
        &mut env,
        &[staking::crank_inflation()],
        &[],
        &[],
        StakingError::GenesisNotDone,
    )
    .await;

    // Genesis by someone else, to an account of another mint.
    let intruder = env.rt.funded_wallet(1).await;
    let ix = staking::genesis_mint(intruder.pubkey(), distribution);
    refused(
        &mut env,
        &[ix],
        &[&intruder],
        &[distribution],
        StakingError::NotAdmin,
    )
    .await;
    let other_mint = env.rt.create_mint(&admin.pubkey(), 9).await;
    let foreign = env
        .rt
        .create_token_account(&other_mint, &admin.pubkey())
        .await;
    let ix = staking::genesis_mint(admin.pubkey(), foreign);
    refused(
        &mut env,
        &[ix],
        &[&admin],
        &[foreign],
        StakingError::WrongMint,
    )
    .await;

    // A second genesis.
    env.rt
        .send(
            &[staking::genesis_mint(admin.pubkey(), distribution)],
            &[&admin],
        )
        .await
        .unwrap();
    let ix = staking::genesis_mint(admin.pubkey(), distribution);
    refused(
        &mut env,
        &[ix],
        &[&admin],
        &[distribution],
        StakingError::GenesisAlreadyMinted,
    )
    .await;

    // Out-of-range parameters, on a fresh runtime (the config exists here).
    let mut fresh = StakingEnv::initialized(7 * DAY, 7 * DAY).await;
    let someone = fresh.rt.funded_wallet(10).await;
    let params = InitializeParams {
        cooldown_seconds: 0,
        epoch_seconds: 10,
        protocol_program: REPORTER_STUB_ID,
    };
    // The seeds are taken on this runtime, so the config's own init refuses first;
    // InvalidParameter is checked on a runtime where initialize has not run.
    let result = fresh
        .rt
        .send(
            &[staking::initialize(someone.pubkey(), params.clone())],
            &[&someone],
        )
        .await;
    assert!(result.is_err());
    let mut bare = ale_embedded::EmbeddedRuntime::start().await;
    let op = bare.funded_wallet(10).await;
    let before = snapshot(&mut bare, &watched(&[])).await;
    let result = bare
        .send(&[staking::initialize(op.pubkey(), params)], &[&op])
        .await;
    assert_error(result, StakingError::InvalidParameter);
    assert_eq!(snapshot(&mut bare, &watched(&[])).await, before);
}

#[tokio::test]
async fn staker_errors() {
    let mut env = StakingEnv::with_params(7 * DAY, 7 * DAY).await;
    let alice = env.staker(100 * ONE_ALE).await;
    let bob = env.staker(100 * ONE_ALE).await;
    let (a, b) = (alice.wallet.pubkey(), bob.wallet.pubkey());
    let alice_accounts = [pda::stake_account(&a), alice.token];
    let crank = staking::crank_inflation();

    refused(
        &mut env,
        &[crank.clone(), staking::stake(a, alice.token, 0)],
        &[&alice.wallet],
        &alice_accounts,
        StakingError::ZeroAmount,
    )
    .await;
    refused(
        &mut env,
        &[crank.clone(), staking::stake(a, alice.token, 101 * ONE_ALE)],
        &[&alice.wallet],
        &alice_accounts,
        StakingError::InsufficientBalance,
    )
    .await;
    // Bob's tokens, Alice's signature.
    refused(
        &mut env,
        &[crank.clone(), staking::stake(a, bob.token, ONE_ALE)],
        &[&alice.wallet],
        &[bob.token],
        StakingError::WrongTokenOwner,
    )
    .await;
    // A token account of another mint.
    let other_mint = env.rt.create_mint(&a, 9).await;
    let foreign = env.rt.create_token_account(&other_mint, &a).await;
    refused(
        &mut env,
        &[crank.clone(), staking::stake(a, foreign, ONE_ALE)],
        &[&alice.wallet],
        &alice_accounts,
        StakingError::WrongMint,
    )
    .await;
    // The wrong vault.
    let mut ix = staking::stake(a, alice.token, ONE_ALE);
    let vault = ix
        .accounts
        .iter()
        .position(|m| m.pubkey == pda::stake_vault())
        .unwrap();
    ix.accounts[vault].pubkey = pda::reward_vault();
    refused(
        &mut env,
        &[crank.clone(), ix],
        &[&alice.wallet],
        &alice_accounts,
        StakingError::WrongVault,
    )
    .await;
    // Alice signs for Bob's stake account.
    let mut ix = staking::stake(a, alice.token, ONE_ALE);
    ix.accounts[2].pubkey = pda::stake_account(&b);
    refused(
        &mut env,
        &[crank.clone(), ix],
        &[&alice.wallet],
        &[pda::stake_account(&b)],
        StakingError::NotStakeOwner,
    )
    .await;
    // The clock moved and nobody cranked.
    env.warp_by(DAY).await;
    refused(
        &mut env,
        &[staking::stake(a, alice.token, ONE_ALE)],
        &[&alice.wallet],
        &alice_accounts,
        StakingError::EmissionNotCurrent,
    )
    .await;

    env.stake(&alice, 50 * ONE_ALE).await.unwrap();
    env.stake(&bob, 50 * ONE_ALE).await.unwrap();
    refused(
        &mut env,
        &[crank.clone(), staking::request_unstake(a, 0)],
        &[&alice.wallet],
        &alice_accounts,
        StakingError::ZeroAmount,
    )
    .await;
    refused(
        &mut env,
        &[crank.clone(), staking::request_unstake(a, 51 * ONE_ALE)],
        &[&alice.wallet],
        &alice_accounts,
        StakingError::InsufficientStake,
    )
    .await;
    let mut ix = staking::request_unstake(a, ONE_ALE);
    ix.accounts[2].pubkey = pda::stake_account(&b);
    refused(
        &mut env,
        &[crank.clone(), ix],
        &[&alice.wallet],
        &[pda::stake_account(&b)],
        StakingError::NotStakeOwner,
    )
    .await;

    // Withdraw with nothing cooling, then before the cooldown ends.
    refused(
        &mut env,
        &[staking::withdraw(a, alice.token)],
        &[&alice.wallet],
        &alice_accounts,
        StakingError::NothingToWithdraw,
    )
    .await;
    env.send_cranked(staking::request_unstake(a, 10 * ONE_ALE), &alice.wallet)
        .await
        .unwrap();
    env.warp_by(7 * DAY - 1).await;
    refused(
        &mut env,
        &[staking::withdraw(a, alice.token)],
        &[&alice.wallet],
        &alice_accounts,
        StakingError::CooldownNotElapsed,
    )
    .await;

    // Claim of another member's rewards: Alice's signature on Bob's stake account,
    // or Bob's rewards paid to Alice's token account.
    let mut ix = staking::claim_rewards(a, alice.token);
    ix.accounts[2].pubkey = pda::stake_account(&b);
    refused(
        &mut env,
        &[crank.clone(), ix],
        &[&alice.wallet],
        &[pda::stake_account(&b)],
        StakingError::NotStakeOwner,
    )
    .await;
    refused(
        &mut env,
        &[crank.clone(), staking::claim_rewards(b, alice.token)],
        &[&bob.wallet],
        &[pda::stake_account(&b), alice.token],
        StakingError::WrongTokenOwner,
    )
    .await;
    // Nothing to claim for a fresh staker.
    let carol = env.staker(0).await;
    let c = carol.wallet.pubkey();
    refused(
        &mut env,
        &[crank.clone(), staking::claim_rewards(c, carol.token)],
        &[&carol.wallet],
        &[pda::stake_account(&c)],
        StakingError::NothingToClaim,
    )
    .await;

    // Closing an account that still holds stake.
    refused(
        &mut env,
        &[staking::close_stake_account(a)],
        &[&alice.wallet],
        &alice_accounts,
        StakingError::StakeAccountNotEmpty,
    )
    .await;

    // Missing signature: Alice's stake instruction signed by nobody is refused by the
    // runtime's signer check before any handler runs.
    let mut ix = staking::stake(a, alice.token, ONE_ALE);
    ix.accounts[0].is_signer = false;
    let result = env.rt.send(&[crank.clone(), ix], &[]).await;
    assert_error(result, AnchorErrorCode::AccountNotSigner);
}

#[tokio::test]
async fn keeper_and_protocol_errors() {
    let mut env = StakingEnv::with_params(7 * DAY, 3_600).await;
    let payer = env.rt.funded_wallet(1).await;

    // Crank with a foreign pot (owner and type checks), a foreign mint, a foreign vault.
    let mut ix = staking::crank_inflation();
    ix.accounts[1].pubkey = pda::stake_vault();
    refused(
        &mut env,
        &[ix],
        &[],
        &[],
        AnchorErrorCode::AccountOwnedByWrongProgram,
    )
    .await;
    let mut ix = staking::crank_inflation();
    ix.accounts[1].pubkey = pda::staking_config();
    refused(
        &mut env,
        &[ix],
        &[],
        &[],
        AnchorErrorCode::AccountDiscriminatorMismatch,
    )
    .await;
    let other_mint = env.rt.create_mint(&payer.pubkey(), 9).await;
    let mut ix = staking::crank_inflation();
    ix.accounts[2].pubkey = other_mint;
    refused(&mut env, &[ix], &[], &[other_mint], StakingError::WrongMint).await;
    let mut ix = staking::crank_inflation();
    ix.accounts[4].pubkey = pda::stake_vault();
    refused(&mut env, &[ix], &[], &[], StakingError::WrongVault).await;

    let community = Pubkey::new_unique();
    let idle = Pubkey::new_unique();
    let work = pda::community_work(&community);
    // Only ale-protocol's reporter PDA may register, report or draw.
    let impostor = Keypair::new();
    let ix = staking::register_community(impostor.pubkey(), payer.pubkey(), community);
    refused(
        &mut env,
        &[ix],
        &[&impostor, &payer],
        &[work],
        StakingError::UnauthorizedReporter,
    )
    .await;
    for c in [community, idle] {
        let ix = forward(staking::register_community(reporter(), payer.pubkey(), c));
        env.rt.send(&[ix], &[&payer]).await.unwrap();
    }
    let ix = staking::report_paid_work(impostor.pubkey(), community, 5);
    refused(
        &mut env,
        &[ix],
        &[&impostor],
        &[work],
        StakingError::UnauthorizedReporter,
    )
    .await;
    let ix = forward(staking::report_paid_work(reporter(), community, 0));
    refused(&mut env, &[ix], &[], &[work], StakingError::ZeroAmount).await;
    env.rt
        .send(
            &[forward(staking::report_paid_work(
                reporter(),
                community,
                u64::MAX,
            ))],
            &[],
        )
        .await
        .unwrap();
    let ix = forward(staking::report_paid_work(reporter(), community, 1));
    refused(&mut env, &[ix], &[], &[work], StakingError::MathOverflow).await;

    // Draws: an open epoch, an idle community, a second draw, an expired epoch.
    let vault = env
        .rt
        .create_token_account(&pda::ale_mint(), &payer.pubkey())
        .await;
    let draw = |c, epoch| forward(staking::draw_community_reward(reporter(), c, epoch, vault));
    refused(
        &mut env,
        &[draw(community, 0)],
        &[],
        &[work, vault],
        StakingError::EpochNotClosed,
    )
    .await;
    env.warp_by(3_600).await;
    env.crank().await.unwrap();
    refused(
        &mut env,
        &[draw(idle, 0)],
        &[],
        &[pda::community_work(&idle), vault],
        StakingError::NoPaidWork,
    )
    .await;
    // Forwarded accounts: the stub's target first, so the destination is at 7.
    let foreign_dest = env
        .rt
        .create_token_account(&other_mint, &payer.pubkey())
        .await;
    let mut ix = draw(community, 0);
    ix.accounts[7].pubkey = foreign_dest;
    refused(
        &mut env,
        &[ix],
        &[],
        &[work, foreign_dest],
        StakingError::WrongMint,
    )
    .await;
    env.rt.send(&[draw(community, 0)], &[]).await.unwrap();
    refused(
        &mut env,
        &[draw(community, 0)],
        &[],
        &[work, vault],
        StakingError::AlreadyDrawn,
    )
    .await;

    // 64 hourly epochs later, epoch 1's ring slot belongs to epoch 65.
    env.rt
        .send(
            &[forward(staking::report_paid_work(reporter(), idle, 7))],
            &[],
        )
        .await
        .unwrap();
    let start = env.config().await.genesis_ts;
    env.rt.warp_to_timestamp(start + 70 * 3_600).await;
    while !env
        .crank()
        .await
        .unwrap()
        .events::<ale_staking::events::InflationCranked>()[0]
        .caught_up
    {}
    refused(
        &mut env,
        &[draw(idle, 1)],
        &[],
        &[pda::community_work(&idle), vault],
        StakingError::EpochExpired,
    )
    .await;
}
