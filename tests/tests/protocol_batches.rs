//! Task batches through the runtime: posting and funding escrow in several mints,
//! cancelling unstarted items, refunds after the deadline in chunks, closing, and
//! every bad input refused with its error and nothing changed.

use ale_protocol::constants::MAX_ITEMS_PER_REFUND_CALL;
use ale_protocol::error::ProtocolError;
use ale_protocol::events::{BatchPosted, ItemsRefunded};
use ale_protocol::state::{Batch, ItemTable};
use ale_sdk::pda;
use ale_sdk::protocol as ix;
use ale_tests::protocol_env::PROTOCOL_FEE_BPS;
use ale_tests::{assert_error, snapshot, Poster, ProtocolEnv};
use anchor_lang::error::ErrorCode as AnchorErrorCode;
use anchor_lang::prelude::Pubkey;
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::{Keypair, Signer};

const DAY: i64 = 86_400;

async fn env_with_community() -> (ProtocolEnv, Pubkey) {
    let mut env = ProtocolEnv::new().await;
    let creator = env.rt.funded_wallet(5).await;
    let community = env
        .create_community(&creator, ProtocolEnv::community_params("Labels"), None)
        .await
        .unwrap();
    (env, community)
}

fn escrow_accounts(batch: Pubkey, b: &Batch) -> Vec<Pubkey> {
    vec![
        batch,
        b.item_table,
        b.vault,
        b.refund_account,
        pda::requester(&b.poster),
    ]
}

/// Sends `ixs`, asserts error `code`, and that none of `watched` changed.
async fn refused(
    env: &mut ProtocolEnv,
    ixs: &[Instruction],
    signers: &[&Keypair],
    watched: &[Pubkey],
    code: impl Into<u32>,
) {
    let before = snapshot(&mut env.rt, watched).await;
    assert_error(env.rt.send(ixs, signers).await, code);
    assert_eq!(
        snapshot(&mut env.rt, watched).await,
        before,
        "state changed"
    );
}

#[tokio::test]
async fn batches_are_funded_in_a_stablecoin_in_token_2022_and_in_ale() {
    let (mut env, community) = env_with_community().await;
    let poster = env.usd_poster(1_000_000).await;
    let id = env.community(community).await.batch_count;
    let deadline = env.rt.now().await + DAY;
    let params = env.batch_params(id, 10, 1_000, deadline);

    let table = Keypair::new();
    let lamports = env.rt.rent_for(ItemTable::space(10)).await;
    let post = [
        ix::create_item_table(poster.wallet.pubkey(), table.pubkey(), 10, lamports),
        ix::post_batch(
            ix::PostBatchAccounts {
                poster: poster.wallet.pubkey(),
                community,
                item_table: table.pubkey(),
                mint: poster.mint,
                poster_token: poster.token,
                token_program: spl_token_interface::ID,
            },
            params,
        ),
    ];
    let outcome = env
        .rt
        .send_with_events(&post, &[&poster.wallet, &table])
        .await
        .unwrap();
    let posted = &outcome.events::<BatchPosted>()[0];
    // Fees are fixed up front: 2.5% to the protocol, 5% to the creator, per item.
    assert_eq!(
        posted.protocol_fee,
        1_000 * PROTOCOL_FEE_BPS as u64 / 10_000
    );
    assert_eq!(posted.creator_fee, 50);
    assert_eq!(posted.worker_pay, 925);
    assert_eq!(posted.deposited, 10_000);
    let batch_address = posted.batch;
    let batch = env.batch(batch_address).await;
    assert_eq!(env.rt.token_balance(batch.vault).await, 10_000);
    assert_eq!(env.rt.token_balance(poster.token).await, 990_000);
    assert_eq!(
        (batch.mint, batch.mint_slot, batch.item_count),
        (env.usd, 0, 10)
    );
    let record = env.requester(&poster.wallet.pubkey()).await;
    assert_eq!((record.batches_funded, record.items_posted), (1, 10));
    env.assert_escrow_conserved(batch_address).await;

    // A Token-2022 mint takes the community's second payment slot.
    let authority = Keypair::new();
    let mint_2022 = env
        .rt
        .create_mint_of(&spl_token_2022_interface::ID, &authority.pubkey(), 6)
        .await;
    let poster_2022 = env.poster_of(mint_2022, &authority, 50_000).await;
    let batch_2022 = env
        .post_simple(&poster_2022, community, 5, 10_000)
        .await
        .unwrap();
    let b = env.batch(batch_2022).await;
    assert_eq!(
        (b.mint_slot, b.token_program),
        (1, spl_token_2022_interface::ID)
    );
    assert_eq!(env.rt.token_balance(b.vault).await, 50_000);
    env.assert_escrow_conserved(batch_2022).await;

    // ALE itself pays for work too.
    let ale_poster = env.ale_poster(1_000_000_000).await;
    let batch_ale = env
        .post_simple(&ale_poster, community, 4, 250_000_000)
        .await
        .unwrap();
    assert_eq!(env.batch(batch_ale).await.mint_slot, 2);
    env.assert_escrow_conserved(batch_ale).await;
    let state = env.community(community).await;
    assert_eq!(state.mints[..3], [env.usd, mint_2022, pda::ale_mint()]);
    assert_eq!(state.batch_count, 3);
}

/// Posts 50 items, cancels some, refunds the rest after the deadline in `chunks`,
/// checking conservation after every step, then closes the batch. Returns the end
/// state for comparison across chunk patterns.
async fn cancel_refund_close(chunks: &[u32]) -> (Batch, u64, [u64; 4]) {
    let (mut env, community) = env_with_community().await;
    let poster = env.usd_poster(1_000_000).await;
    let batch_address = env.post_simple(&poster, community, 50, 100).await.unwrap();
    let batch = env.batch(batch_address).await;
    let owner = poster.wallet.insecure_clone();

    env.rt
        .send(
            &[ix::cancel_items(batch_address, &batch, 10, 10)],
            &[&owner],
        )
        .await
        .unwrap();
    env.assert_escrow_conserved(batch_address).await;
    // Overlapping range: only the five still open are cancelled.
    env.rt
        .send(
            &[ix::cancel_items(batch_address, &batch, 15, 10)],
            &[&owner],
        )
        .await
        .unwrap();
    env.assert_escrow_conserved(batch_address).await;
    assert_eq!(env.batch(batch_address).await.items_cancelled, 15);
    assert_eq!(
        env.rt.token_balance(poster.token).await,
        1_000_000 - 5_000 + 1_500
    );
    refused(
        &mut env,
        &[ix::cancel_items(batch_address, &batch, 10, 15)],
        &[&owner],
        &escrow_accounts(batch_address, &batch),
        ProtocolError::NothingToCancel,
    )
    .await;

    // Refunds wait for the deadline, then go in chunks.
    refused(
        &mut env,
        &[ix::refund_expired(batch_address, &batch, 10)],
        &[],
        &escrow_accounts(batch_address, &batch),
        ProtocolError::DeadlineNotReached,
    )
    .await;
    env.rt.warp_to_timestamp(batch.deadline).await;
    let mut refunded_events = 0;
    for &chunk in chunks.iter().cycle() {
        if env.batch(batch_address).await.refund_cursor == batch.item_count {
            break;
        }
        let outcome = env
            .rt
            .send_with_events(&[ix::refund_expired(batch_address, &batch, chunk)], &[])
            .await
            .unwrap();
        refunded_events += outcome.events::<ItemsRefunded>()[0].items;
        env.assert_escrow_conserved(batch_address).await;
    }
    assert_eq!(refunded_events, 35);
    refused(
        &mut env,
        &[ix::refund_expired(batch_address, &batch, 10)],
        &[],
        &escrow_accounts(batch_address, &batch),
        ProtocolError::NothingToRefund,
    )
    .await;
    let end = env.batch(batch_address).await;
    assert_eq!(env.rt.token_balance(end.vault).await, 0);
    assert_eq!(
        env.rt.token_balance(poster.token).await,
        1_000_000,
        "every unit back to the poster"
    );

    // Closing returns all three accounts' rent to the poster.
    let rent = env.rt.lamports(batch_address).await
        + env.rt.lamports(end.item_table).await
        + env.rt.lamports(end.vault).await;
    let before = env.rt.lamports(poster.wallet.pubkey()).await;
    env.rt
        .send(&[ix::close_batch(batch_address, &end)], &[])
        .await
        .unwrap();
    assert_eq!(env.rt.lamports(poster.wallet.pubkey()).await, before + rent);
    for gone in [batch_address, end.item_table, end.vault] {
        assert!(env.rt.account(gone).await.is_none());
    }
    // A closed batch is refused by the framework's initialised-account check.
    let result = env
        .rt
        .send(&[ix::cancel_items(batch_address, &end, 0, 1)], &[&owner])
        .await;
    assert_error(result, AnchorErrorCode::AccountNotInitialized);

    let record = env.requester(&poster.wallet.pubkey()).await;
    let counts = [
        record.items_cancelled,
        record.items_refunded,
        record.batches_refunded,
        record.batches_completed,
    ];
    (end, env.rt.token_balance(poster.token).await, counts)
}

#[tokio::test]
async fn refunds_after_the_deadline_do_not_depend_on_chunking() {
    let whole = cancel_refund_close(&[MAX_ITEMS_PER_REFUND_CALL]).await;
    let sevens = cancel_refund_close(&[7]).await;
    let mixed = cancel_refund_close(&[1, 2, 3, 30]).await;
    assert_eq!(whole.0.items_refunded, 35);
    assert_eq!(whole.0.refunded, 5_000);
    assert_eq!(whole.2, [15, 35, 1, 0]);
    for other in [&sevens, &mixed] {
        let (a, b) = (&whole.0, &other.0);
        assert_eq!(
            (
                a.items_cancelled,
                a.items_refunded,
                a.refund_cursor,
                a.refunded,
                a.credited,
                a.fees_paid
            ),
            (
                b.items_cancelled,
                b.items_refunded,
                b.refund_cursor,
                b.refunded,
                b.credited,
                b.fees_paid
            )
        );
        assert_eq!((whole.1, whole.2), (other.1, other.2));
    }
}

#[tokio::test]
async fn bad_batches_are_refused() {
    let (mut env, community) = env_with_community().await;
    let poster = env.usd_poster(1_000_000).await;
    let now = env.rt.now().await;
    let id = env.community(community).await.batch_count;
    let batch = pda::batch(&community, id);
    let watched = [
        community,
        batch,
        poster.token,
        pda::requester(&poster.wallet.pubkey()),
    ];

    type Edit = fn(&mut ale_protocol::instructions::PostBatchParams);
    let cases: Vec<(Edit, u32, ProtocolError)> = vec![
        (|p| p.item_count = 0, 0, ProtocolError::ZeroItems),
        (|p| p.item_count = 1_000_001, 1, ProtocolError::TooManyItems),
        (|p| p.item_count = 11, 10, ProtocolError::WrongItemTableSize),
        (|p| p.price = 0, 10, ProtocolError::ZeroPrice),
        (|p| p.price = u64::MAX, 10, ProtocolError::MathOverflow),
        (|p| p.price = 100_001, 10, ProtocolError::InsufficientFunds),
        (|p| p.deadline -= DAY, 10, ProtocolError::DeadlineTooSoon),
        (|p| p.gold_count = 11, 10, ProtocolError::InvalidGoldItems),
        (|p| p.batch_id += 1, 10, ProtocolError::BatchIdMismatch),
        // A vote budget below 10 items x 3 votes, or above 10 x 11 (the template's).
        (
            |p| p.vote_budget = 29,
            10,
            ProtocolError::VoteBudgetOutOfRange,
        ),
        (
            |p| p.vote_budget = 111,
            10,
            ProtocolError::VoteBudgetOutOfRange,
        ),
        (
            |p| p.target_confidence_bps = 5_000,
            10,
            ProtocolError::InvalidTargetConfidence,
        ),
        (
            |p| p.target_confidence_bps = 10_001,
            10,
            ProtocolError::InvalidTargetConfidence,
        ),
    ];
    for (edit, table_items, code) in cases {
        let mut params = env.batch_params(id, 10, 100, now + DAY);
        edit(&mut params);
        let before = snapshot(&mut env.rt, &watched).await;
        assert_error(
            env.post(&poster, community, params, table_items).await,
            code,
        );
        assert_eq!(
            snapshot(&mut env.rt, &watched).await,
            before,
            "state changed"
        );
    }

    // Paying from a token account of another mint, or of another owner.
    let other = env.usd_poster(1_000_000).await;
    let authority = Keypair::new();
    let other_mint = env.rt.create_mint(&authority.pubkey(), 6).await;
    let wrong_mint = Poster {
        wallet: poster.wallet.insecure_clone(),
        token: env
            .rt
            .create_token_account(&other_mint, &poster.wallet.pubkey())
            .await,
        mint: env.usd,
    };
    let not_owned = Poster {
        wallet: poster.wallet.insecure_clone(),
        token: other.token,
        mint: env.usd,
    };
    for (who, code) in [
        (&wrong_mint, ProtocolError::WrongMint),
        (&not_owned, ProtocolError::WrongTokenOwner),
    ] {
        let before = snapshot(&mut env.rt, &watched).await;
        let params = env.batch_params(id, 10, 100, now + DAY);
        assert_error(env.post(who, community, params, 10).await, code);
        assert_eq!(snapshot(&mut env.rt, &watched).await, before);
    }

    // A community that does not exist.
    let params = env.batch_params(0, 10, 100, now + DAY);
    assert_error(
        env.post(&poster, pda::community(99), params, 10).await,
        AnchorErrorCode::AccountNotInitialized,
    );

    // Junk one-item batches in throwaway mints take two slots, not the last two: those
    // are kept for ALE and operator-vetted mints. Then a fifth mint of any kind.
    let mut throwaway = Vec::new();
    for _ in 0..3 {
        let authority = Keypair::new();
        let mint = env.rt.create_mint(&authority.pubkey(), 6).await;
        throwaway.push(env.poster_of(mint, &authority, 1_000).await);
    }
    for p in &throwaway[..2] {
        env.post_simple(p, community, 1, 10).await.unwrap();
    }
    let third = &throwaway[2];
    let next = env.community(community).await.batch_count;
    let params = env.batch_params(next, 1, 10, now + DAY);
    let before = snapshot(&mut env.rt, &[community, third.token]).await;
    assert_error(
        env.post(third, community, params, 1).await,
        ProtocolError::MintSlotsFull,
    );
    assert_eq!(
        snapshot(&mut env.rt, &[community, third.token]).await,
        before
    );
    let usd_mint = env.usd;
    env.vet_mint(usd_mint).await;
    let usd = env.usd_poster(1_000).await;
    env.post_simple(&usd, community, 1, 10).await.unwrap();
    let ale = env.ale_poster(1_000).await;
    env.post_simple(&ale, community, 1, 10).await.unwrap();
    let authority = Keypair::new();
    let mint = env.rt.create_mint(&authority.pubkey(), 6).await;
    let fifth = env.poster_of(mint, &authority, 1_000).await;
    let next = env.community(community).await.batch_count;
    let params = env.batch_params(next, 1, 10, now + DAY);
    let before = snapshot(&mut env.rt, &[community, fifth.token]).await;
    assert_error(
        env.post(&fifth, community, params, 1).await,
        ProtocolError::MintSlotsFull,
    );
    assert_eq!(
        snapshot(&mut env.rt, &[community, fifth.token]).await,
        before
    );
}

#[tokio::test]
async fn cancels_refunds_and_closes_refuse_foreign_accounts_and_early_calls() {
    let (mut env, community) = env_with_community().await;
    let poster = env.usd_poster(1_000_000).await;
    let address = env.post_simple(&poster, community, 20, 100).await.unwrap();
    let b = env.batch(address).await;
    let stranger = env.usd_poster(1_000).await;
    let other = env.post_simple(&stranger, community, 5, 100).await.unwrap();
    let o = env.batch(other).await;
    let watched = escrow_accounts(address, &b);
    let owner = poster.wallet.insecure_clone();

    // Only the poster cancels.
    let mut cancel = ix::cancel_items(address, &b, 0, 1);
    cancel.accounts[0].pubkey = stranger.wallet.pubkey();
    refused(
        &mut env,
        &[cancel],
        &[&stranger.wallet],
        &watched,
        ProtocolError::NotPoster,
    )
    .await;
    // Out of range, and above the per-call cap.
    refused(
        &mut env,
        &[ix::cancel_items(address, &b, 15, 6)],
        &[&owner],
        &watched,
        ProtocolError::ItemOutOfRange,
    )
    .await;
    refused(
        &mut env,
        &[ix::cancel_items(address, &b, 0, 0)],
        &[&owner],
        &watched,
        ProtocolError::ItemOutOfRange,
    )
    .await;
    refused(
        &mut env,
        &[ix::cancel_items(
            address,
            &b,
            0,
            MAX_ITEMS_PER_REFUND_CALL + 1,
        )],
        &[&owner],
        &watched,
        ProtocolError::TooManyItemsPerCall,
    )
    .await;

    // Another batch's vault, table, refund account; a foreign mint.
    let swaps: Vec<(usize, Pubkey, ProtocolError)> = vec![
        (2, o.item_table, ProtocolError::WrongItemTable),
        (3, o.vault, ProtocolError::WrongVault),
        (7, stranger.token, ProtocolError::WrongRefundAccount),
    ];
    for (index, account, code) in swaps {
        let mut cancel = ix::cancel_items(address, &b, 0, 1);
        cancel.accounts[index].pubkey = account;
        refused(&mut env, &[cancel], &[&owner], &watched, code).await;
        let mut refund = ix::refund_expired(address, &b, 5);
        refund.accounts[index - 1].pubkey = account;
        refused(&mut env, &[refund], &[], &watched, code).await;
    }
    let authority = Keypair::new();
    let foreign_mint = env.rt.create_mint(&authority.pubkey(), 6).await;
    let mut cancel = ix::cancel_items(address, &b, 0, 1);
    cancel.accounts[4].pubkey = foreign_mint;
    refused(
        &mut env,
        &[cancel],
        &[&owner],
        &watched,
        ProtocolError::WrongMint,
    )
    .await;

    // Refund batch sizes outside 1..=cap; closing an unfinished batch.
    env.rt.warp_to_timestamp(b.deadline).await;
    refused(
        &mut env,
        &[ix::refund_expired(address, &b, 0)],
        &[],
        &watched,
        ProtocolError::TooManyItemsPerCall,
    )
    .await;
    refused(
        &mut env,
        &[ix::close_batch(address, &b)],
        &[],
        &watched,
        ProtocolError::BatchNotFinished,
    )
    .await;
    let mut close = ix::close_batch(address, &b);
    close.accounts[0].pubkey = stranger.wallet.pubkey();
    refused(&mut env, &[close], &[], &watched, ProtocolError::NotPoster).await;
}

/// A Token-2022 mint with `extensions` (set up by `init`), its freeze authority if any,
/// and an empty token account of it owned by a new funded poster.
async fn token_2022_poster(
    env: &mut ProtocolEnv,
    extensions: &[spl_token_2022_interface::extension::ExtensionType],
    init: &dyn Fn(&Pubkey) -> Vec<Instruction>,
    freeze_authority: Option<&Pubkey>,
) -> Poster {
    use spl_token_2022_interface::extension::ExtensionType;
    use spl_token_2022_interface::instruction as token_ix;
    use spl_token_2022_interface::state::{Account, Mint};
    use spl_token_2022_interface::ID as TOKEN_2022;

    let payer = env.rt.payer().pubkey();
    let mint = Keypair::new();
    let mint_len = ExtensionType::try_calculate_account_len::<Mint>(extensions).unwrap();
    let mut ixs = vec![solana_system_interface::instruction::create_account(
        &payer,
        &mint.pubkey(),
        env.rt.rent_for(mint_len).await,
        mint_len as u64,
        &TOKEN_2022,
    )];
    ixs.extend(init(&mint.pubkey()));
    ixs.push(
        token_ix::initialize_mint2(&TOKEN_2022, &mint.pubkey(), &payer, freeze_authority, 6)
            .unwrap(),
    );
    env.rt.send(&ixs, &[&mint]).await.unwrap();

    let wallet = env.rt.funded_wallet(5).await;
    let token = Keypair::new();
    let account_extensions = ExtensionType::get_required_init_account_extensions(extensions);
    let account_len =
        ExtensionType::try_calculate_account_len::<Account>(&account_extensions).unwrap();
    let ixs = [
        solana_system_interface::instruction::create_account(
            &payer,
            &token.pubkey(),
            env.rt.rent_for(account_len).await,
            account_len as u64,
            &TOKEN_2022,
        ),
        token_ix::initialize_account3(
            &TOKEN_2022,
            &token.pubkey(),
            &mint.pubkey(),
            &wallet.pubkey(),
        )
        .unwrap(),
    ];
    env.rt.send(&ixs, &[&token]).await.unwrap();
    Poster {
        wallet,
        token: token.pubkey(),
        mint: mint.pubkey(),
    }
}

/// A mint's authorities keep powers over every account of the mint, the protocol's
/// vaults included: a permanent delegate could drain credited pay, a transfer fee (even
/// 0 bps now, raised later) or hook could tax or block the vault, a close authority or
/// default-frozen accounts could strand it. Posting refuses each, changing nothing;
/// a metadata pointer (display only) is accepted as far as the balance check.
#[tokio::test]
async fn mints_whose_authorities_keep_power_over_the_vaults_are_refused() {
    use spl_token_2022_interface::extension::transfer_fee::instruction::initialize_transfer_fee_config;
    use spl_token_2022_interface::extension::{
        default_account_state, metadata_pointer, transfer_hook, ExtensionType,
    };
    use spl_token_2022_interface::instruction as token_ix;
    use spl_token_2022_interface::state::AccountState;
    use spl_token_2022_interface::ID as TOKEN_2022;

    type Init = Box<dyn Fn(&Pubkey) -> Vec<Instruction>>;
    let authority = Pubkey::new_unique();
    let cases: Vec<(&str, ExtensionType, Init, ProtocolError)> = vec![
        (
            "transfer fee at 0 bps",
            ExtensionType::TransferFeeConfig,
            Box::new(move |m| {
                vec![
                    initialize_transfer_fee_config(&TOKEN_2022, m, Some(&authority), None, 0, 0)
                        .unwrap(),
                ]
            }),
            ProtocolError::MintExtensionRefused,
        ),
        (
            "permanent delegate",
            ExtensionType::PermanentDelegate,
            Box::new(move |m| {
                vec![token_ix::initialize_permanent_delegate(&TOKEN_2022, m, &authority).unwrap()]
            }),
            ProtocolError::MintExtensionRefused,
        ),
        (
            "transfer hook",
            ExtensionType::TransferHook,
            Box::new(move |m| {
                vec![
                    transfer_hook::instruction::initialize(&TOKEN_2022, m, Some(authority), None)
                        .unwrap(),
                ]
            }),
            ProtocolError::MintExtensionRefused,
        ),
        (
            "close authority",
            ExtensionType::MintCloseAuthority,
            Box::new(move |m| {
                vec![
                    token_ix::initialize_mint_close_authority(&TOKEN_2022, m, Some(&authority))
                        .unwrap(),
                ]
            }),
            ProtocolError::MintExtensionRefused,
        ),
        (
            "default account state",
            ExtensionType::DefaultAccountState,
            Box::new(|m| {
                vec![
                    default_account_state::instruction::initialize_default_account_state(
                        &TOKEN_2022,
                        m,
                        &AccountState::Initialized,
                    )
                    .unwrap(),
                ]
            }),
            ProtocolError::MintExtensionRefused,
        ),
        (
            "non-transferable",
            ExtensionType::NonTransferable,
            Box::new(|m| vec![token_ix::initialize_non_transferable_mint(&TOKEN_2022, m).unwrap()]),
            ProtocolError::MintExtensionRefused,
        ),
        (
            "metadata pointer (harmless: fails only for the empty account)",
            ExtensionType::MetadataPointer,
            Box::new(move |m| {
                vec![metadata_pointer::instruction::initialize(
                    &TOKEN_2022,
                    m,
                    Some(authority),
                    Some(*m),
                )
                .unwrap()]
            }),
            ProtocolError::InsufficientFunds,
        ),
    ];
    let (mut env, community) = env_with_community().await;
    for (name, extension, init, code) in cases {
        let poster = token_2022_poster(&mut env, &[extension], &*init, None).await;
        let id = env.community(community).await.batch_count;
        let deadline = env.rt.now().await + DAY;
        let params = env.batch_params(id, 10, 1_000, deadline);
        let watched = [community, poster.token, pda::batch(&community, id)];
        let before = snapshot(&mut env.rt, &watched).await;
        let result = env.post(&poster, community, params, 10).await;
        println!("{name}: {result:?}");
        assert_error(result, code);
        assert_eq!(snapshot(&mut env.rt, &watched).await, before, "{name}");
    }
}

/// A freeze authority could freeze the batch's vault between the work and its
/// settlement and thaw it after the deadline for a full refund, or freeze the pay
/// credited to workers: a mint with one is accepted only once the operator vetted it
/// (gave it a conversion rate), as it would a regulated stablecoin.
#[tokio::test]
async fn a_freeze_authority_needs_the_operators_vetting() {
    use solana_sdk::program_pack::Pack;
    let (mut env, community) = env_with_community().await;
    let freezer = Keypair::new();
    let poster = {
        let authority = env.rt.funded_wallet(1).await;
        let mint = Keypair::new();
        let rent = env.rt.rent_for(spl_token_interface::state::Mint::LEN).await;
        let ixs = [
            solana_system_interface::instruction::create_account(
                &env.rt.payer().pubkey(),
                &mint.pubkey(),
                rent,
                spl_token_interface::state::Mint::LEN as u64,
                &spl_token_interface::ID,
            ),
            spl_token_interface::instruction::initialize_mint2(
                &spl_token_interface::ID,
                &mint.pubkey(),
                &authority.pubkey(),
                Some(&freezer.pubkey()),
                6,
            )
            .unwrap(),
        ];
        env.rt.send(&ixs, &[&mint]).await.unwrap();
        env.poster_of(mint.pubkey(), &authority, 1_000_000).await
    };
    let id = env.community(community).await.batch_count;
    let deadline = env.rt.now().await + DAY;
    let params = env.batch_params(id, 10, 1_000, deadline);
    let watched = [community, poster.token, pda::batch(&community, id)];
    let before = snapshot(&mut env.rt, &watched).await;
    assert_error(
        env.post(&poster, community, params.clone(), 10).await,
        ProtocolError::MintFreezeAuthority,
    );
    assert_eq!(snapshot(&mut env.rt, &watched).await, before);

    env.vet_mint(poster.mint).await;
    env.post(&poster, community, params, 10).await.unwrap();
}
