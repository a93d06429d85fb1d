//! Validation pools through the runtime: sortition tickets, batched commit–reveal,
//! settlement by the consensus rule, credits and claims, with exact balances,
//! chunking independence, and every bad input refused with its error.

use ale_embedded::ProgramBuild;
use ale_math::gamification::{level, BADGE_FIRST_TASK};
use ale_protocol::constants::{MAX_ITEMS_PER_SETTLE, MAX_TICKET_ITEMS, MAX_VOTES_PER_SETTLE};
use ale_protocol::error::ProtocolError;
use ale_protocol::instructions::SealedBallot;
use ale_protocol::state::{
    assigned_items, item_states_mut, probe, Allotment, Batch, Ticket, WeightRule,
};
use ale_sdk::pda;
use ale_sdk::protocol as ix;
use ale_sdk::transport::wire_size;
use ale_sdk::ComputeBudget;
use ale_tests::{assert_error, snapshot};
use anchor_lang::prelude::Pubkey;
use solana_sdk::instruction::InstructionError;
use solana_sdk::signature::Signer;
use solana_sdk::transaction::TransactionError;

use ale_tests::pool::{params, Pool, PRICE};

/// White paper: four members say "cat", one says "not cat". The four gain the
/// reputation reward, the one keeps its reputation, and the item's pay after fees is
/// split among the four pro rata to their new reputation.
#[tokio::test]
async fn white_paper_example_end_to_end_with_exact_balances() {
    let mut pool = Pool::new(params(5), 5).await;
    let (batch, b) = pool.post(1).await;
    let salt = [4u8; 32];
    for m in 0..5 {
        assert_eq!(pool.take(m, batch, &b, 0).await.unwrap(), vec![0]);
        let label = if m == 4 { 1 } else { 0 };
        pool.commit(m, batch, 0, &[label], salt).await.unwrap();
    }
    pool.env
        .rt
        .warp_to_timestamp(b.commit_end(0).unwrap())
        .await;
    for m in 0..5 {
        let label = if m == 4 { 1 } else { 0 };
        pool.reveal(m, batch, &b, 0, &[label], salt).await.unwrap();
        assert!(
            pool.env
                .rt
                .account(pool.ticket(m, batch, 0))
                .await
                .is_none(),
            "ticket closed at reveal"
        );
    }
    pool.env
        .rt
        .warp_to_timestamp(b.reveal_end(0).unwrap())
        .await;
    let settled = pool.settle(batch, &b, 0, 16).await.unwrap();
    assert_eq!(
        (
            settled.decided,
            settled.votes_credited,
            settled.round_complete
        ),
        (1, 5, true)
    );

    // Fees: 2.5% = 25 to the treasury, 5% = 50 to the creator; pay 925 split 4 ways
    // pro rata to reputation 2 each: 231 each, 1 unit of dust to the treasury.
    let entries = pool.entries().await;
    for (m, entry) in entries.iter().enumerate() {
        let (reputation, claimable, won) = if m == 4 { (1, 0, 0) } else { (2, 231, 1) };
        assert_eq!(
            (
                entry.reputation,
                entry.claimable[0],
                entry.tasks_won,
                entry.tasks_done
            ),
            (reputation, claimable, won, 1)
        );
        // Gamification state: a first task and a one-day streak for every voter.
        assert_eq!(entry.badges & BADGE_FIRST_TASK, BADGE_FIRST_TASK);
        assert_eq!((entry.streak_days, entry.best_streak_days), (1, 1));
        assert_eq!(level(entry.reputation), 1);
    }
    assert_eq!(pool.env.rt.token_balance(pool.treasury_token).await, 26);
    assert_eq!(pool.env.rt.token_balance(pool.creator_token).await, 50);
    assert_eq!(
        pool.env
            .rt
            .token_balance(pda::community_vault(&pool.community, &pool.env.usd))
            .await,
        924
    );
    pool.env.assert_escrow_conserved(batch).await;
    let after = pool.env.batch(batch).await;
    assert_eq!(
        (after.items_decided, after.credited, after.fees_paid),
        (1, 924, 76)
    );

    // Claims move each balance once, only to the member's own account: a claim of
    // member 0's balance to member 1's account is refused.
    let usd = pool.env.usd;
    let member0 = pool.members[0].insecure_clone();
    let others = pool
        .env
        .rt
        .create_token_account(&usd, &pool.members[1].pubkey())
        .await;
    let steal = ix::claim_pay(
        member0.pubkey(),
        pool.community,
        usd,
        others,
        spl_token_interface::ID,
    );
    let watched = [pda::ledger(&pool.community), others];
    let before = snapshot(&mut pool.env.rt, &watched).await;
    assert_error(
        pool.env.rt.send(&[steal], &[&member0]).await,
        ProtocolError::WrongTokenOwner,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &watched).await, before);
    for m in 0..4 {
        let member = pool.members[m].insecure_clone();
        let token = pool
            .env
            .rt
            .create_token_account(&usd, &member.pubkey())
            .await;
        let claim = ix::claim_pay(
            member.pubkey(),
            pool.community,
            usd,
            token,
            spl_token_interface::ID,
        );
        pool.env
            .rt
            .send(std::slice::from_ref(&claim), &[&member])
            .await
            .unwrap();
        assert_eq!(pool.env.rt.token_balance(token).await, 231);
        let watched = [pda::ledger(&pool.community), token];
        let before = snapshot(&mut pool.env.rt, &watched).await;
        assert_error(
            pool.env.rt.send(&[claim], &[&member]).await,
            ProtocolError::NothingToClaim,
        );
        assert_eq!(snapshot(&mut pool.env.rt, &watched).await, before);
    }
    assert_eq!(
        pool.env
            .rt
            .token_balance(pda::community_vault(&pool.community, &usd))
            .await,
        0
    );

    // The decided batch closes, its rent back to the poster.
    assert_eq!(
        pool.env
            .rt
            .anchor_account::<Batch>(batch)
            .await
            .unwrap()
            .items_decided,
        1
    );
    let close = ix::close_batch(batch, &after);
    pool.env.rt.send(&[close], &[]).await.unwrap();
    let record = pool.env.requester(&pool.poster.wallet.pubkey()).await;
    assert_eq!((record.items_decided, record.batches_completed), (1, 1));
}

/// Three members vote on 20 items (each ticket holds every item needing votes);
/// settles it with the given call sizes and returns every ledger entry and balance.
async fn settle_in_chunks(chunks: &[u32]) -> (Vec<(u64, u64, u32, u32)>, [u64; 3]) {
    let mut pool = Pool::new(params(3), 3).await;
    let (batch, b) = pool.post(20).await;
    let salt = [1u8; 32];
    let mut assigned = Vec::new();
    for m in 0..3 {
        let items = pool.take(m, batch, &b, 0).await.unwrap();
        assert_eq!(items.len(), 20);
        // Members 0 and 1 label by parity; member 2 disagrees on multiples of 3.
        let labels: Vec<u8> = items
            .iter()
            .map(|&i| ((i % 2) as u8) ^ (m == 2 && i % 3 == 0) as u8)
            .collect();
        pool.commit(m, batch, 0, &labels, salt).await.unwrap();
        assigned.push(labels);
    }
    let ballots: Vec<(usize, Vec<u8>)> = assigned.into_iter().enumerate().collect();
    pool.reveal_round(batch, &b, 0, &ballots, salt).await;
    let mut cursor = 0;
    for &chunk in chunks.iter().cycle() {
        let settled = pool.settle(batch, &b, cursor, chunk).await.unwrap();
        pool.env.assert_escrow_conserved(batch).await;
        cursor += settled.items;
        if settled.round_complete {
            break;
        }
    }
    let entries = pool
        .entries()
        .await
        .iter()
        .map(|e| (e.reputation, e.claimable[0], e.tasks_done, e.tasks_won))
        .collect();
    let vault = pda::community_vault(&pool.community, &pool.env.usd);
    let balances = [
        pool.env.rt.token_balance(vault).await,
        pool.env.rt.token_balance(pool.treasury_token).await,
        pool.env.rt.token_balance(pool.creator_token).await,
    ];
    (entries, balances)
}

#[tokio::test]
async fn settlement_does_not_depend_on_chunking() {
    let whole = settle_in_chunks(&[16]).await;
    let ones = settle_in_chunks(&[1]).await;
    let mixed = settle_in_chunks(&[5, 7, 2]).await;
    assert_eq!(whole, ones);
    assert_eq!(whole, mixed);
    // Every item decided: members 0 and 1 won all 20; member 2 lost the 7 multiples of 3.
    assert_eq!(whole.0[0].3, 20);
    assert_eq!(whole.0[2].3, 13);
    assert_eq!(whole.1[0] + whole.1[1] + whole.1[2], 20 * PRICE);
}

/// 16 members vote on all of 17 items (272 votes): one settle call walks every item
/// it may but stops before the 17th, whose votes would take it past
/// MAX_VOTES_PER_SETTLE; the next call from the cursor settles that one and completes
/// the round.
#[tokio::test]
async fn one_settle_transaction_credits_256_votes_and_stops_at_the_vote_cap() {
    let mut pool = Pool::new(params(16), 16).await;
    let (batch, b) = pool.post(17).await;
    let salt = [2u8; 32];
    for m in 0..16 {
        let items = pool.take(m, batch, &b, 0).await.unwrap();
        assert_eq!(items.len(), 17);
        let labels = vec![1u8; items.len()];
        pool.commit(m, batch, 0, &labels, salt).await.unwrap();
    }
    let ballots: Vec<(usize, Vec<u8>)> = (0..16).map(|m| (m, vec![1u8; 17])).collect();
    pool.reveal_round(batch, &b, 0, &ballots, salt).await;
    let settle = ix::settle_round(
        batch,
        &b,
        pool.treasury_token,
        pool.creator_token,
        0,
        MAX_ITEMS_PER_SETTLE,
    );
    // The account list is fixed (21 accounts, the paid-work report to ale-staking
    // included): it does not grow with the 256 voters, and the transaction, with a
    // compute-budget instruction, fits the 1,232-byte limit.
    assert_eq!(settle.accounts.len(), 21);
    let budget = solana_compute_budget_interface::ComputeBudgetInstruction::set_compute_unit_limit(
        1_400_000,
    );
    let payer = pool.env.rt.payer().pubkey();
    let message = solana_sdk::message::Message::new(&[budget, settle.clone()], Some(&payer));
    let size = wire_size(&message);
    assert!(size <= 1_232, "settle transaction is {size} bytes");
    // On the SBF build this call takes more than the 200,000 CU a cluster grants an
    // instruction when the transaction names no limit: without the client's compute
    // budget the meter runs out (the runtime reports ProgramFailedToComplete) and
    // nothing changes; with it, it lands.
    if pool.env.rt.program_build != ProgramBuild::Native {
        pool.env.rt.compute_budget = None;
        let refused = pool.settle(batch, &b, 0, MAX_ITEMS_PER_SETTLE).await.err();
        assert_eq!(
            refused,
            Some(TransactionError::InstructionError(
                0,
                InstructionError::ProgramFailedToComplete
            ))
        );
        pool.env.rt.compute_budget = Some(ComputeBudget::default());
    }
    let first = pool
        .settle(batch, &b, 0, MAX_ITEMS_PER_SETTLE)
        .await
        .unwrap();
    assert_eq!(
        (first.items, first.decided, first.votes_credited),
        (16, 16, MAX_VOTES_PER_SETTLE)
    );
    assert!(!first.round_complete);
    let second = pool
        .settle(batch, &b, 16, MAX_ITEMS_PER_SETTLE)
        .await
        .unwrap();
    assert_eq!((second.items, second.votes_credited), (1, 16));
    assert!(second.round_complete);
    pool.env.assert_escrow_conserved(batch).await;
}

/// A relayer that holds a worker's ballot reveals it in the worker's place (the
/// commitment binds labels, voter and ticket); the ticket's rent still goes to the
/// worker, and naming any other account for it is refused.
#[tokio::test]
async fn a_relayer_reveals_for_the_worker_and_the_rent_goes_to_the_worker() {
    let mut pool = Pool::new(params(1), 1).await;
    let (batch, b) = pool.post(1).await;
    let salt = [4u8; 32];
    pool.take(0, batch, &b, 0).await.unwrap();
    pool.commit(0, batch, 0, &[1], salt).await.unwrap();
    pool.env
        .rt
        .warp_to_timestamp(b.commit_end(0).unwrap())
        .await;
    let worker = pool.members[0].pubkey();
    let ticket = pool.ticket(0, batch, 0);
    // The runtime's fee payer is the relayer: no signature of the worker's.
    let stranger = Pubkey::new_unique();
    let redirected = ix::reveal_votes(stranger, batch, &b, ticket, vec![1], salt);
    let before = snapshot(&mut pool.env.rt, &[ticket, b.item_table]).await;
    assert_error(
        pool.env.rt.send(&[redirected], &[]).await,
        ProtocolError::NotTicketOwner,
    );
    assert_eq!(
        snapshot(&mut pool.env.rt, &[ticket, b.item_table]).await,
        before
    );
    let ticket_rent = pool.env.rt.lamports(ticket).await;
    let worker_before = pool.env.rt.lamports(worker).await;
    let reveal = ix::reveal_votes(worker, batch, &b, ticket, vec![1], salt);
    pool.env.rt.send(&[reveal], &[]).await.unwrap();
    assert!(pool.env.rt.account(ticket).await.is_none());
    assert_eq!(
        pool.env.rt.lamports(worker).await,
        worker_before + ticket_rent
    );
    pool.env
        .rt
        .warp_to_timestamp(b.reveal_end(0).unwrap())
        .await;
    let settled = pool
        .settle(batch, &b, 0, MAX_ITEMS_PER_SETTLE)
        .await
        .unwrap();
    assert_eq!((settled.decided, settled.votes_credited), (1, 1));
}

/// Once a round's seed is drawn, a worker computes its assignment off chain and takes
/// and commits its ticket in one transaction. A sealed take before the seed is drawn,
/// or with items other than the ones the sortition gives now, is refused and changes
/// nothing. The settlement that completes a round draws the next round's seed.
#[tokio::test]
async fn a_sealed_take_commits_in_the_same_transaction() {
    let mut pool = Pool::new(params(2), 2).await;
    let (batch, b) = pool.post(4).await;
    let member = pool.members[0].insecure_clone();
    let ticket = pool.ticket(0, batch, 0);
    let watched = [batch, b.item_table, ticket];
    let sealed = |items: Vec<u32>, commitment| SealedBallot { items, commitment };

    // Round 0's seed is not drawn yet.
    let before = snapshot(&mut pool.env.rt, &watched).await;
    let early = ix::take_ticket_sealed(member.pubkey(), batch, &b, 0, sealed(vec![0], [1; 32]));
    assert_error(
        pool.env.rt.send(&[early], &[&member]).await,
        ProtocolError::RoundSeedNotDrawn,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &watched).await, before);

    // Member 1's plain take draws it; member 0 computes its assignment as the program will.
    let items1 = pool.take(1, batch, &b, 0).await.unwrap();
    let b = pool.env.batch(batch).await;
    let seed = b
        .seed_of(0)
        .expect("round 0's seed drawn by the first take");
    let mut table = pool.env.rt.account(b.item_table).await.unwrap().data;
    let states = item_states_mut(&mut table).unwrap();
    let walk = probe(&seed, &batch, 0, 0, b.item_count);
    let (assigned, n) = assigned_items(
        states,
        walk,
        Allotment::UpTo { target: 2 },
        0,
        MAX_TICKET_ITEMS as u32,
    );
    let items = assigned[..n].to_vec();
    assert_eq!(items.len(), 4);

    // Not the sortition's items (the first one skipped): refused.
    let before = snapshot(&mut pool.env.rt, &watched).await;
    let wrong = ix::take_ticket_sealed(
        member.pubkey(),
        batch,
        &b,
        0,
        sealed(items[1..].to_vec(), [1; 32]),
    );
    assert_error(
        pool.env.rt.send(&[wrong], &[&member]).await,
        ProtocolError::AssignmentChanged,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &watched).await, before);

    // The sortition's items with the commitment: taken and committed at once.
    let salt = [7u8; 32];
    let labels = vec![1u8; items.len()];
    let commitment = ix::vote_commitment(&labels, &salt, &member.pubkey(), &ticket);
    let take = ix::take_ticket_sealed(
        member.pubkey(),
        batch,
        &b,
        0,
        sealed(items.clone(), commitment),
    );
    pool.env.rt.send(&[take], &[&member]).await.unwrap();
    let taken: Ticket = pool.env.rt.anchor_account(ticket).await.unwrap();
    assert!(taken.committed);
    assert_eq!(taken.commitment, commitment);
    assert_eq!(&taken.items[..taken.item_count as usize], items.as_slice());

    pool.commit(1, batch, 0, &vec![1u8; items1.len()], salt)
        .await
        .unwrap();
    let ballots = vec![(0, labels), (1, vec![1u8; items1.len()])];
    pool.reveal_round(batch, &b, 0, &ballots, salt).await;
    let settled = pool
        .settle(batch, &b, 0, MAX_ITEMS_PER_SETTLE)
        .await
        .unwrap();
    assert_eq!((settled.decided, settled.votes_credited), (4, 8));
    assert!(pool.env.batch(batch).await.seed_of(1).is_some());
}

/// Once the commit window has closed and every ticket committed in the round is
/// revealed, the round may settle before its reveal window ends, so a relayer's last
/// reveal and the settlement share a transaction; a ticket taken but never committed
/// does not hold the round open, a committed one not yet revealed does.
#[tokio::test]
async fn a_round_settles_early_once_every_committed_ticket_is_revealed() {
    let mut pool = Pool::new(params(3), 3).await;
    let (batch, b) = pool.post(2).await;
    let salt = [8u8; 32];
    let mut labels = Vec::new();
    for m in 0..3 {
        let items = pool.take(m, batch, &b, 0).await.unwrap();
        labels.push(vec![1u8; items.len()]);
    }
    pool.commit(0, batch, 0, &labels[0], salt).await.unwrap();
    pool.commit(1, batch, 0, &labels[1], salt).await.unwrap();
    let state = pool.env.batch(batch).await;
    assert_eq!((state.round_committed, state.round_revealed), (2, 0));
    pool.env
        .rt
        .warp_to_timestamp(b.commit_end(0).unwrap())
        .await;
    pool.reveal(0, batch, &b, 0, &labels[0], salt)
        .await
        .unwrap();

    // Member 1's committed ticket is not revealed yet: the round is not over.
    let watched = [batch, b.item_table, pda::ledger(&pool.community)];
    let before = snapshot(&mut pool.env.rt, &watched).await;
    assert_error(
        pool.settle(batch, &b, 0, MAX_ITEMS_PER_SETTLE).await,
        ProtocolError::RoundNotOver,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &watched).await, before);

    // The last reveal and the settlement in one transaction, inside the reveal window.
    let member = pool.members[1].pubkey();
    let reveal = ix::reveal_votes(
        member,
        batch,
        &b,
        pool.ticket(1, batch, 0),
        labels[1].clone(),
        salt,
    );
    let settle = ix::settle_round(
        batch,
        &b,
        pool.treasury_token,
        pool.creator_token,
        0,
        MAX_ITEMS_PER_SETTLE,
    );
    pool.env.rt.send(&[reveal, settle], &[]).await.unwrap();
    assert!(pool.env.rt.now().await < b.reveal_end(0).unwrap());
    let state = pool.env.batch(batch).await;
    assert_eq!(state.settled_rounds, 1);
    assert_eq!((state.round_committed, state.round_revealed), (0, 0));
    pool.env.assert_escrow_conserved(batch).await;
}

/// Under the confusion rule each vote weighs by the voter's confusion counts against
/// decided labels, which settlement keeps: decided label t, label said g.
#[tokio::test]
async fn the_confusion_rule_decides_and_records_who_said_what() {
    let mut p = params(3);
    p.consensus.weight_rule = WeightRule::Confusion;
    p.consensus.early_stop_margin_bps = 9_500;
    let mut pool = Pool::new(p, 3).await;
    let (batch, b) = pool.post(2).await;
    let salt = [5u8; 32];
    let mut ballots = Vec::new();
    for m in 0..3 {
        let items = pool.take(m, batch, &b, 0).await.unwrap();
        // Members 0 and 1 say 1 on every item; member 2 says 0.
        let labels = vec![(m < 2) as u8; items.len()];
        pool.commit(m, batch, 0, &labels, salt).await.unwrap();
        ballots.push((m, labels));
    }
    pool.reveal_round(batch, &b, 0, &ballots, salt).await;
    let settled = pool
        .settle(batch, &b, 0, MAX_ITEMS_PER_SETTLE)
        .await
        .unwrap();
    assert_eq!((settled.decided, settled.votes_credited), (2, 6));
    let entries = pool.entries().await;
    assert_eq!(entries[0].confusion[1], [0, 2, 0, 0]);
    assert_eq!(entries[2].confusion[1], [2, 0, 0, 0]);
    assert_eq!(entries[2].tasks_won, 0);
    pool.env.assert_escrow_conserved(batch).await;
}

#[tokio::test]
async fn bad_votes_are_refused_and_change_nothing() {
    let mut p = params(3);
    p.rate_limit_per_day = 1;
    let mut pool = Pool::new(p, 5).await;
    // The daily limit counts per UTC day: start the test at the start of a day so that
    // the rounds below never straddle midnight, whatever the wall clock says.
    let now = pool.env.rt.now().await;
    let day_start = (now / 86_400 + 1) * 86_400;
    pool.env.rt.warp_to_timestamp(day_start + 60).await;
    let (batch, b) = pool.post(2).await;
    let salt = [3u8; 32];
    let item_table = b.item_table;
    let watched = |pool: &Pool, m: usize| {
        vec![
            batch,
            item_table,
            pda::ledger(&pool.community),
            pool.ticket(m, batch, 0),
        ]
    };

    // Round 0's tickets: the rate limit (1 item a day) gives each member one item.
    for m in 0..3 {
        assert_eq!(pool.take(m, batch, &b, 0).await.unwrap().len(), 1);
    }
    // A second ticket in the same round; the round after this one.
    let w = watched(&pool, 0);
    let before = snapshot(&mut pool.env.rt, &w).await;
    assert_error(
        pool.take(0, batch, &b, 0).await,
        ProtocolError::AlreadyHasTicket,
    );
    assert_error(
        pool.take(3, batch, &b, 1).await,
        ProtocolError::NotAcceptingVotes,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &w).await, before);

    // Someone else's ticket, a reveal before the commit window closes, and a reveal of
    // something never committed.
    let ticket0 = pool.ticket(0, batch, 0);
    let intruder = pool.members[4].insecure_clone();
    let ixc = ix::commit_votes(intruder.pubkey(), batch, ticket0, [9; 32]);
    assert_error(
        pool.env.rt.send(&[ixc], &[&intruder]).await,
        ProtocolError::NotTicketOwner,
    );
    assert_error(
        pool.reveal(0, batch, &b, 0, &[0], salt).await,
        ProtocolError::NotCommitted,
    );
    pool.commit(0, batch, 0, &[0], salt).await.unwrap();
    pool.commit(1, batch, 0, &[5], salt).await.unwrap(); // a label outside the 2 classes
    let w = watched(&pool, 0);
    let before = snapshot(&mut pool.env.rt, &w).await;
    assert_error(
        pool.reveal(0, batch, &b, 0, &[0], salt).await,
        ProtocolError::RevealTooEarly,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &w).await, before);

    // After the commit window: no commit, no ticket; reveals that do not match or
    // carry a label outside the schema.
    pool.env
        .rt
        .warp_to_timestamp(b.commit_end(0).unwrap())
        .await;
    assert_error(
        pool.commit(2, batch, 0, &[1], salt).await,
        ProtocolError::CommitWindowClosed,
    );
    assert_error(
        pool.take(3, batch, &b, 0).await,
        ProtocolError::NotAcceptingVotes,
    );
    let w = watched(&pool, 0);
    let before = snapshot(&mut pool.env.rt, &w).await;
    assert_error(
        pool.reveal(0, batch, &b, 0, &[1], salt).await,
        ProtocolError::RevealMismatch,
    );
    assert_error(
        pool.reveal(0, batch, &b, 0, &[0], [0; 32]).await,
        ProtocolError::RevealMismatch,
    );
    assert_error(
        pool.reveal(1, batch, &b, 0, &[5], salt).await,
        ProtocolError::WrongLabel,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &w).await, before);
    pool.reveal(0, batch, &b, 0, &[0], salt).await.unwrap();

    // Settlement waits for the reveal window; a stale cursor is refused; fee accounts
    // must be the treasury's and the creator's.
    let esc = vec![batch, item_table, b.vault, pda::ledger(&pool.community)];
    let before = snapshot(&mut pool.env.rt, &esc).await;
    assert_error(
        pool.settle(batch, &b, 0, 16).await,
        ProtocolError::RoundNotOver,
    );
    pool.env
        .rt
        .warp_to_timestamp(b.reveal_end(0).unwrap())
        .await;
    assert_error(
        pool.reveal(1, batch, &b, 0, &[5], salt).await,
        ProtocolError::RevealWindowClosed,
    );
    assert_error(
        pool.settle(batch, &b, 1, 16).await,
        ProtocolError::StaleCursor,
    );
    assert_error(
        pool.settle(batch, &b, 0, MAX_ITEMS_PER_SETTLE + 1).await,
        ProtocolError::TooManyItemsPerCall,
    );
    let usd = pool.env.usd;
    let stranger = pool
        .env
        .rt
        .create_token_account(&usd, &Pubkey::new_unique())
        .await;
    let wrong = ix::settle_round(batch, &b, stranger, pool.creator_token, 0, 16);
    assert_error(
        pool.env.rt.send(&[wrong], &[]).await,
        ProtocolError::WrongFeeAccount,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &esc).await, before);

    // Round 1's tickets wait for round 0's settlement.
    let round1 = b.commit_end(1).unwrap() - 1;
    assert_eq!(
        round1 / 86_400,
        day_start / 86_400,
        "the test must stay in one day"
    );
    pool.env.rt.warp_to_timestamp(round1).await;
    assert_error(
        pool.take(3, batch, &b, 1).await,
        ProtocolError::RoundNotSettled,
    );
    pool.settle(batch, &b, 0, 16).await.unwrap();
    assert_error(
        pool.settle(batch, &b, 0, 16).await,
        ProtocolError::RoundNotOver,
    );
    // Member 3 takes round 1's ticket; member 0 hit its daily limit (same day).
    pool.take(3, batch, &b, 1).await.unwrap();
    assert_error(pool.take(0, batch, &b, 1).await, ProtocolError::RateLimited);
    let ticket: Ticket = pool
        .env
        .rt
        .anchor_account(pool.ticket(3, batch, 1))
        .await
        .unwrap();
    assert_eq!((ticket.round, ticket.item_count), (1, 1));
}

#[tokio::test]
async fn sortition_needs_the_real_slot_hashes_and_the_minimum_stake() {
    let mut p = params(3);
    p.min_stake_to_vote = 1_000;
    let mut pool = Pool::new(p, 2).await;
    let (batch, b) = pool.post(1).await;
    let member = pool.members[0].insecure_clone();
    let mut take = ix::take_ticket(member.pubkey(), batch, &b, 0, false, None);
    let w = vec![batch, b.item_table];
    let before = snapshot(&mut pool.env.rt, &w).await;
    assert_error(
        pool.env.rt.send(&[take.clone()], &[&member]).await,
        ProtocolError::InsufficientStake,
    );
    take.accounts[8].pubkey = solana_sdk_ids::sysvar::clock::ID;
    assert_error(
        pool.env.rt.send(&[take], &[&member]).await,
        ProtocolError::WrongSlotHashes,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &w).await, before);

    // A staked member takes its ticket.
    let staker = pool.env.ale_poster(2_000).await;
    let wallet = staker.wallet.insecure_clone();
    pool.env
        .join(
            &wallet,
            pool.community,
            ix::JoinWith::Nothing,
            Default::default(),
        )
        .await
        .unwrap();
    let ixs = [
        ale_sdk::staking::open_stake_account(wallet.pubkey()),
        ale_sdk::staking::crank_inflation(),
        ale_sdk::staking::stake(wallet.pubkey(), staker.token, 1_500),
    ];
    pool.env.rt.send(&ixs, &[&wallet]).await.unwrap();
    let take = ix::take_ticket(wallet.pubkey(), batch, &b, 0, true, None);
    pool.env.rt.send(&[take], &[&wallet]).await.unwrap();
    // One item needing votes is all there is; the unstaked member still cannot vote.
    let lonely = pool.members[1].insecure_clone();
    let take = ix::take_ticket(lonely.pubkey(), batch, &b, 0, false, None);
    assert_error(
        pool.env.rt.send(&[take], &[&lonely]).await,
        ProtocolError::InsufficientStake,
    );
}

#[tokio::test]
async fn a_full_round_leaves_no_items_for_latecomers() {
    let mut pool = Pool::new(params(3), 4).await;
    let (batch, b) = pool.post(1).await;
    for m in 0..3 {
        pool.take(m, batch, &b, 0).await.unwrap();
    }
    let w = vec![batch, b.item_table, pool.ticket(3, batch, 0)];
    let before = snapshot(&mut pool.env.rt, &w).await;
    assert_error(
        pool.take(3, batch, &b, 0).await,
        ProtocolError::NoItemsAvailable,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &w).await, before);

    // Unrevealed tickets are no vote; once their reveal window closes anyone can close
    // them. The no-show held a seat from other workers all round: the closer takes the
    // rent and the member loses one reward per win of reputation per item it held.
    let ticket = pool.ticket(0, batch, 0);
    let keeper = pool.env.rt.funded_wallet(1).await;
    let close = ix::close_expired_ticket(keeper.pubkey(), batch, &b, ticket);
    assert_error(
        pool.env
            .rt
            .send(std::slice::from_ref(&close), &[&keeper])
            .await,
        ProtocolError::TicketStillOpen,
    );
    pool.env
        .rt
        .warp_to_timestamp(b.reveal_end(0).unwrap())
        .await;
    let rent = pool.env.rt.lamports(ticket).await;
    let before = pool.env.rt.lamports(keeper.pubkey()).await;
    let reputation = pool.entries().await[0].reputation;
    let community = pool.env.community(pool.community).await;
    pool.env.rt.send(&[close], &[&keeper]).await.unwrap();
    assert!(pool.env.rt.account(ticket).await.is_none());
    assert_eq!(pool.env.rt.lamports(keeper.pubkey()).await, before + rent);
    let lost = community.consensus.reward_per_win; // a one-item ticket
    assert_eq!(pool.entries().await[0].reputation, reputation - lost);
    assert_eq!(
        pool.env.community(pool.community).await.total_reputation,
        community.total_reputation - lost
    );
}

/// Gold items: committed by a Merkle root at posting, revealed by the poster once the
/// batch is finished, each scoring the votes cast on it.
#[tokio::test]
async fn gold_answers_are_revealed_at_the_end_and_score_the_voters() {
    use ale_protocol::instructions::GoldReveal;
    use ale_protocol::state::gold_leaf;
    use ale_sdk::merkle;

    let mut pool = Pool::new(params(3), 3).await;
    // Items 0 and 1 are gold, with answers 0 and 1.
    let salts = [[21u8; 32], [22u8; 32]];
    let leaves = [gold_leaf(0, 0, &salts[0]), gold_leaf(1, 1, &salts[1])];
    let id = pool.env.community(pool.community).await.batch_count;
    let deadline = pool.env.rt.now().await + 86_400;
    let mut params = pool.env.batch_params(id, 3, PRICE, deadline);
    params.gold_root = merkle::root(&leaves);
    params.gold_count = 2;
    let poster = pool.env.usd_poster(1_000_000).await;
    let batch = pool
        .env
        .post(&poster, pool.community, params, 3)
        .await
        .unwrap();
    let b = pool.env.batch(batch).await;
    let salt = [5u8; 32];
    let mut tickets = Vec::new();
    for m in 0..3 {
        let items = pool.take(m, batch, &b, 0).await.unwrap();
        // Everyone answers 0, except member 2 who answers 1 on every item.
        let labels = vec![(m == 2) as u8; items.len()];
        pool.commit(m, batch, 0, &labels, salt).await.unwrap();
        tickets.push(labels);
    }
    let reveal = |index: u32, answer: u8, salt: [u8; 32], at: usize| GoldReveal {
        index,
        answer,
        salt,
        proof: merkle::proof(&leaves, at),
    };
    let owner = poster.wallet.insecure_clone();
    let early = ix::reveal_gold(batch, &b, vec![reveal(0, 0, salts[0], 0)]);
    assert_error(
        pool.env.rt.send(&[early], &[&owner]).await,
        ProtocolError::GoldNotRevealable,
    );

    pool.env
        .rt
        .warp_to_timestamp(b.commit_end(0).unwrap())
        .await;
    for (m, labels) in tickets.iter().enumerate() {
        pool.reveal(m, batch, &b, 0, labels, salt).await.unwrap();
    }
    pool.env
        .rt
        .warp_to_timestamp(b.reveal_end(0).unwrap())
        .await;
    pool.settle(batch, &b, 0, 16).await.unwrap();
    assert!(pool.env.batch(batch).await.is_finished());

    // Bad reveals change nothing: a wrong answer, a stranger, too many.
    let watched = [batch, b.item_table, pda::ledger(&pool.community)];
    let before = snapshot(&mut pool.env.rt, &watched).await;
    let wrong = ix::reveal_gold(batch, &b, vec![reveal(0, 1, salts[0], 0)]);
    assert_error(
        pool.env.rt.send(&[wrong], &[&owner]).await,
        ProtocolError::GoldProofInvalid,
    );
    let stranger = pool.members[0].insecure_clone();
    let mut foreign = ix::reveal_gold(batch, &b, vec![reveal(0, 0, salts[0], 0)]);
    foreign.accounts[0].pubkey = stranger.pubkey();
    assert_error(
        pool.env.rt.send(&[foreign], &[&stranger]).await,
        ProtocolError::NotPoster,
    );
    let three = vec![
        reveal(0, 0, salts[0], 0),
        reveal(1, 1, salts[1], 1),
        reveal(0, 0, salts[0], 0),
    ];
    let too_many = ix::reveal_gold(batch, &b, three);
    assert_error(
        pool.env.rt.send(&[too_many], &[&owner]).await,
        ProtocolError::TooManyGoldReveals,
    );
    assert_eq!(snapshot(&mut pool.env.rt, &watched).await, before);

    let first = ix::reveal_gold(batch, &b, vec![reveal(0, 0, salts[0], 0)]);
    pool.env
        .rt
        .send(std::slice::from_ref(&first), &[&owner])
        .await
        .unwrap();
    assert_error(
        pool.env.rt.send(&[first], &[&owner]).await,
        ProtocolError::GoldAlreadyRevealed,
    );
    let second = ix::reveal_gold(batch, &b, vec![reveal(1, 1, salts[1], 1)]);
    pool.env.rt.send(&[second], &[&owner]).await.unwrap();
    let entries = pool.entries().await;
    // Members 0 and 1 answered 0: right on item 0, wrong on item 1; member 2 the reverse.
    for entry in &entries {
        assert_eq!((entry.gold_seen, entry.gold_correct), (2, 1));
    }
    // Gold answers are confusion evidence too: on top of the three items the consensus
    // decided 0, item 0 (truly 0) and item 1 (truly 1) count in each voter's rows.
    assert_eq!(
        (entries[0].confusion[0][0], entries[0].confusion[1][0]),
        (4, 1)
    );
    assert_eq!(
        (entries[2].confusion[0][1], entries[2].confusion[1][1]),
        (4, 1)
    );
    assert_eq!(pool.env.batch(batch).await.gold_revealed, 2);
    let again = ix::reveal_gold(batch, &b, vec![reveal(0, 0, salts[0], 0)]);
    assert_error(
        pool.env.rt.send(&[again], &[&owner]).await,
        ProtocolError::TooManyGoldReveals,
    );
}

/// Rounds and adaptive redundancy: an item the first votes agree on is decided after
/// two votes; a contested one gains a vote per round until the cap decides it. A
/// member never votes twice on an item.
#[tokio::test]
async fn rounds_add_votes_only_where_the_decision_is_not_yet_safe() {
    let mut p = params(2);
    p.consensus.max_votes = 4;
    p.consensus.votes_per_round = 1;
    p.consensus.early_stop_margin_bps = 5_000;
    let mut pool = Pool::new(p, 4).await;
    let (batch, b) = pool.post(2).await;
    let salt = [6u8; 32];
    // label(member, item): everyone says 0, except member 1 on item 0.
    let label = |m: usize, item: u32| (m == 1 && item == 0) as u8;
    for round in 0..3u32 {
        let voters: &[usize] = match round {
            0 => &[0, 1],
            1 => &[2],
            _ => &[3],
        };
        let mut ballots = Vec::new();
        for &m in voters {
            let items = pool.take(m, batch, &b, round).await.unwrap();
            let labels: Vec<u8> = items.iter().map(|&i| label(m, i)).collect();
            pool.commit(m, batch, round, &labels, salt).await.unwrap();
            ballots.push((m, labels));
        }
        if round == 1 {
            // Member 0 already voted on the only open item: nothing for it.
            assert_error(
                pool.take(0, batch, &b, round).await,
                ProtocolError::NoItemsAvailable,
            );
        }
        pool.reveal_round(batch, &b, round, &ballots, salt).await;
        let settled = pool.settle(batch, &b, 0, 16).await.unwrap();
        let expected_decided = match round {
            0 => 1, // item 1: 2-0, safely ahead
            1 => 0, // item 0: 2-1, not yet
            _ => 1, // item 0: 3-1 at the cap of 4
        };
        assert_eq!(settled.decided, expected_decided, "round {round}");
    }
    let after = pool.env.batch(batch).await;
    assert_eq!(after.items_decided, 2);
    assert_eq!(after.settled_rounds, 3);
    let entries = pool.entries().await;
    assert_eq!(
        entries.iter().map(|e| e.tasks_done).collect::<Vec<_>>(),
        vec![2, 2, 1, 1]
    );
    assert_eq!(
        entries.iter().map(|e| e.tasks_won).collect::<Vec<_>>(),
        vec![2, 1, 1, 1]
    );
    pool.env.assert_escrow_conserved(batch).await;
}

/// Push mode: a keeper pays members who opted in, only to their own token accounts;
/// everyone else is skipped, not failed.
#[tokio::test]
async fn keepers_push_pay_only_to_opted_in_members_own_accounts() {
    let mut pool = Pool::new(params(3), 4).await;
    let (batch, b) = pool.post(1).await;
    let salt = [7u8; 32];
    for m in 0..3 {
        pool.take(m, batch, &b, 0).await.unwrap();
        pool.commit(m, batch, 0, &[0], salt).await.unwrap();
    }
    let ballots: Vec<(usize, Vec<u8>)> = (0..3).map(|m| (m, vec![0])).collect();
    pool.reveal_round(batch, &b, 0, &ballots, salt).await;
    pool.settle(batch, &b, 0, 16).await.unwrap();
    let share = pool.entries().await[0].claimable[0];
    assert!(share > 0);

    // Members 0 and 1 opt in; member 2 does not.
    for m in 0..2 {
        let member = pool.members[m].insecure_clone();
        let opt_in = ix::set_push_payouts(member.pubkey(), pool.community, true);
        pool.env.rt.send(&[opt_in], &[&member]).await.unwrap();
    }
    let usd = pool.env.usd;
    let mut own = Vec::new();
    for m in 0..3 {
        let owner = pool.members[m].pubkey();
        own.push(pool.env.rt.create_token_account(&usd, &owner).await);
    }
    let keeper = pool.env.rt.funded_wallet(1).await;
    let keepers_account = pool
        .env
        .rt
        .create_token_account(&usd, &keeper.pubkey())
        .await;
    // Member 1's pay aimed at the keeper's account is skipped, as is member 2 (not
    // opted in); member 0 is paid.
    let destinations = [own[0], keepers_account, own[2]];
    let push = ix::push_payouts(
        pool.community,
        usd,
        spl_token_interface::ID,
        vec![0, 1, 2],
        &destinations,
    );
    pool.env.rt.send(&[push], &[]).await.unwrap();
    assert_eq!(pool.env.rt.token_balance(own[0]).await, share);
    assert_eq!(pool.env.rt.token_balance(keepers_account).await, 0);
    assert_eq!(pool.env.rt.token_balance(own[2]).await, 0);
    let entries = pool.entries().await;
    assert_eq!(
        [
            entries[0].claimable[0],
            entries[1].claimable[0],
            entries[2].claimable[0]
        ],
        [0, share, share]
    );

    // Pushed once: a second push pays nothing more; member 1 is paid to its own account.
    let push = ix::push_payouts(
        pool.community,
        usd,
        spl_token_interface::ID,
        vec![0, 1],
        &[own[0], own[1]],
    );
    pool.env.rt.send(&[push], &[]).await.unwrap();
    assert_eq!(pool.env.rt.token_balance(own[0]).await, share);
    assert_eq!(pool.env.rt.token_balance(own[1]).await, share);
    // More members than one call may pay, or a list that does not match its accounts.
    let many = ix::push_payouts(
        pool.community,
        usd,
        spl_token_interface::ID,
        vec![0; 17],
        &[own[0]; 17],
    );
    assert_error(
        pool.env.rt.send(&[many], &[]).await,
        ProtocolError::TooManyItemsPerCall,
    );
}

/// A worker may skip an item it cannot judge: no vote, and the item's place goes to
/// another worker in the next round.
#[tokio::test]
async fn a_skipped_item_is_no_vote_and_returns_to_the_pool() {
    use ale_protocol::state::SKIP_LABEL;
    let mut p = params(3);
    p.consensus.max_votes = 3;
    let mut pool = Pool::new(p, 4).await;
    let (batch, b) = pool.post(1).await;
    let salt = [4u8; 32];
    for m in 0..3 {
        pool.take(m, batch, &b, 0).await.unwrap();
        let label = if m == 2 { SKIP_LABEL } else { 0 };
        pool.commit(m, batch, 0, &[label], salt).await.unwrap();
    }
    let ballots: Vec<(usize, Vec<u8>)> = (0..3)
        .map(|m| (m, vec![if m == 2 { SKIP_LABEL } else { 0 }]))
        .collect();
    pool.reveal_round(batch, &b, 0, &ballots, salt).await;
    assert_eq!(pool.settle(batch, &b, 0, 16).await.unwrap().decided, 0);
    // Round 1: the skipped place is open again, for member 3.
    pool.take(3, batch, &b, 1).await.unwrap();
    pool.commit(3, batch, 1, &[0], salt).await.unwrap();
    pool.reveal_round(batch, &b, 1, &[(3, vec![0])], salt).await;
    assert_eq!(pool.settle(batch, &b, 0, 16).await.unwrap().decided, 1);
    let done: Vec<u32> = pool.entries().await.iter().map(|e| e.tasks_done).collect();
    assert_eq!(done, vec![1, 1, 0, 1]);
}
