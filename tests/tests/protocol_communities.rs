//! Communities through the runtime: creation from the template, the three join rules,
//! ledger growth past one account size, and every bad input refused with its error.

use ale_math::consensus::defaults;
use ale_math::gamification::BADGE_GRADUATE;
use ale_protocol::constants::{
    LEDGER_GROWTH_ENTRIES, LEDGER_INITIAL_ENTRIES, MAX_REPUTATION_STEP, MAX_VOTE_DEPOSIT,
};
use ale_protocol::error::ProtocolError;
use ale_protocol::events::{LedgerGrown, MemberJoined};
use ale_protocol::instructions::JoinProof;
use ale_protocol::state::{JoinRule, Ledger, WeightRule};
use ale_sdk::pda;
use ale_sdk::protocol::{self as ix, JoinWith};
use ale_tests::{assert_error, snapshot, ProtocolEnv};
use anchor_lang::prelude::Pubkey;
use solana_sdk::signature::{Keypair, Signer};
use solana_sha256_hasher::hashv;

#[tokio::test]
async fn open_community_is_registered_with_staking_and_admits_anyone_once() {
    let mut env = ProtocolEnv::new().await;
    let creator = env.rt.funded_wallet(5).await;
    let community = env
        .create_community(&creator, ProtocolEnv::community_params("Bot-or-Not"), None)
        .await
        .unwrap();
    let state = env.community(community).await;
    assert_eq!(&state.name[..10], b"Bot-or-Not");
    assert_eq!(state.creator, creator.pubkey());
    assert_eq!(env.protocol_config().await.community_count, 1);
    // ale-staking now holds the community's paid-work record.
    let work: ale_staking::state::CommunityWork = env
        .rt
        .anchor_account(pda::community_work(&community))
        .await
        .unwrap();
    assert_eq!(work.community, community);

    let alice = env.rt.funded_wallet(1).await;
    let outcome = env
        .rt
        .send_with_events(
            &[ix::join_community(
                alice.pubkey(),
                community,
                JoinWith::Nothing,
                JoinProof::default(),
            )],
            &[&alice],
        )
        .await
        .unwrap();
    let joined = &outcome.events::<MemberJoined>()[0];
    assert_eq!(
        (joined.member, joined.index, joined.reputation),
        (
            alice.pubkey(),
            0,
            defaults::for_classes(2).initial_reputation
        )
    );
    let (header, entries) = env.ledger(&community).await;
    assert_eq!(header.len, 1);
    assert_eq!(entries[0].member, alice.pubkey());
    assert_eq!(
        entries[0].reputation,
        defaults::for_classes(2).initial_reputation
    );

    // A second join is refused and changes nothing.
    let watched = [
        community,
        pda::ledger(&community),
        pda::membership(&community, &alice.pubkey()),
    ];
    let before = snapshot(&mut env.rt, &watched).await;
    let again = env
        .join(&alice, community, JoinWith::Nothing, JoinProof::default())
        .await;
    assert_error(again, ProtocolError::AlreadyMember);
    assert_eq!(snapshot(&mut env.rt, &watched).await, before);
}

#[tokio::test]
async fn ledger_grows_past_its_first_account_size_and_member_limit_holds() {
    let mut env = ProtocolEnv::new().await;
    let creator = env.rt.funded_wallet(5).await;
    let community = env
        .create_community(&creator, ProtocolEnv::community_params("Crowd"), None)
        .await
        .unwrap();
    let first_size = Ledger::space(LEDGER_INITIAL_ENTRIES);
    assert_eq!(
        env.rt
            .account(pda::ledger(&community))
            .await
            .unwrap()
            .data
            .len(),
        first_size
    );

    let total = LEDGER_INITIAL_ENTRIES + LEDGER_GROWTH_ENTRIES + 4;
    let mut members = Vec::new();
    let mut growths = Vec::new();
    for _ in 0..total {
        let member = env.rt.funded_wallet(1).await;
        let join = ix::join_community(
            member.pubkey(),
            community,
            JoinWith::Nothing,
            JoinProof::default(),
        );
        let outcome = env.rt.send_with_events(&[join], &[&member]).await.unwrap();
        growths.extend(
            outcome
                .events::<LedgerGrown>()
                .into_iter()
                .map(|g| g.capacity),
        );
        members.push(member.pubkey());
    }
    assert_eq!(
        growths,
        vec![
            LEDGER_INITIAL_ENTRIES + LEDGER_GROWTH_ENTRIES,
            LEDGER_INITIAL_ENTRIES + 2 * LEDGER_GROWTH_ENTRIES
        ]
    );
    let account = env.rt.account(pda::ledger(&community)).await.unwrap();
    assert_eq!(
        account.data.len(),
        Ledger::space(LEDGER_INITIAL_ENTRIES + 2 * LEDGER_GROWTH_ENTRIES)
    );
    assert!(account.data.len() > first_size);
    let rent = env.rt.rent_for(account.data.len()).await;
    assert!(
        account.lamports >= rent,
        "the grown ledger stays rent-exempt"
    );
    let (header, entries) = env.ledger(&community).await;
    assert_eq!(header.len, total);
    assert_eq!(
        entries.iter().map(|e| e.member).collect::<Vec<_>>(),
        members
    );
    assert_eq!(env.community(community).await.member_count, total);

    // A community capped at 3 members refuses the 4th with LedgerFull.
    let mut params = ProtocolEnv::community_params("Small");
    params.max_members = 3;
    let small = env.create_community(&creator, params, None).await.unwrap();
    for _ in 0..3 {
        env.member(small).await;
    }
    let late = env.rt.funded_wallet(1).await;
    let watched = [small, pda::ledger(&small)];
    let before = snapshot(&mut env.rt, &watched).await;
    assert_error(
        env.join(&late, small, JoinWith::Nothing, JoinProof::default())
            .await,
        ProtocolError::LedgerFull,
    );
    assert_eq!(snapshot(&mut env.rt, &watched).await, before);
}

#[tokio::test]
async fn graduation_needs_reputation_in_the_prerequisite_community() {
    let mut env = ProtocolEnv::new().await;
    let creator = env.rt.funded_wallet(5).await;
    let mut base = ProtocolEnv::community_params("Bot-or-Not");
    base.consensus.initial_reputation = 10;
    let bot_or_not = env.create_community(&creator, base, None).await.unwrap();
    let other = env
        .create_community(&creator, ProtocolEnv::community_params("Other"), None)
        .await
        .unwrap();

    let rule = |min_reputation| {
        let mut p = ProtocolEnv::community_params("Image Recognition");
        p.join_rule = JoinRule::MinReputation {
            prerequisite: bot_or_not,
            min_reputation,
        };
        p
    };
    let image = env
        .create_community(&creator, rule(10), Some(bot_or_not))
        .await
        .unwrap();
    let strict = env
        .create_community(&creator, rule(11), Some(bot_or_not))
        .await
        .unwrap();

    let veteran = env.member(bot_or_not).await; // index 0, reputation 10
    let outsider = env.member(other).await;
    let prereq = JoinWith::PrerequisiteLedger(pda::ledger(&bot_or_not));
    let at = |index| JoinProof {
        prerequisite_index: index,
        ..Default::default()
    };

    let refusals: Vec<(&Keypair, Pubkey, JoinWith, JoinProof, ProtocolError)> = vec![
        (
            &veteran,
            strict,
            JoinWith::PrerequisiteLedger(pda::ledger(&bot_or_not)),
            at(0),
            ProtocolError::InsufficientReputation,
        ),
        (
            &outsider,
            image,
            JoinWith::PrerequisiteLedger(pda::ledger(&bot_or_not)),
            at(0),
            ProtocolError::WrongMemberIndex,
        ),
        (
            &outsider,
            image,
            JoinWith::PrerequisiteLedger(pda::ledger(&bot_or_not)),
            at(5),
            ProtocolError::WrongMemberIndex,
        ),
        (
            &outsider,
            image,
            JoinWith::PrerequisiteLedger(pda::ledger(&other)),
            at(0),
            ProtocolError::WrongLedger,
        ),
        (
            &veteran,
            image,
            JoinWith::Nothing,
            at(0),
            ProtocolError::JoinRuleMismatch,
        ),
    ];
    for (who, community, with, proof, code) in refusals {
        let watched = [
            community,
            pda::ledger(&community),
            pda::membership(&community, &who.pubkey()),
        ];
        let before = snapshot(&mut env.rt, &watched).await;
        assert_error(env.join(who, community, with, proof).await, code);
        assert_eq!(snapshot(&mut env.rt, &watched).await, before);
    }
    env.join(&veteran, image, prereq, at(0)).await.unwrap();
    let (_, entries) = env.ledger(&image).await;
    assert_eq!(entries[0].member, veteran.pubkey());
    assert_eq!(
        entries[0].badges & BADGE_GRADUATE,
        BADGE_GRADUATE,
        "graduation earns a badge"
    );
    assert_eq!(env.ledger(&bot_or_not).await.1[0].badges, 0);
}

fn commitment(answers: &[u8], salt: &[u8; 32], candidate: &Pubkey, round: u32) -> [u8; 32] {
    hashv(&[answers, salt, candidate.as_ref(), &round.to_le_bytes()]).to_bytes()
}

#[tokio::test]
async fn qualification_admits_those_who_pass_k_of_n_gold_items() {
    let mut env = ProtocolEnv::new().await;
    let creator = env.rt.funded_wallet(5).await;
    let key = [1u8, 0, 2, 1];
    let key_salt = [9u8; 32];
    let mut params = ProtocolEnv::community_params("RLHF");
    params.num_classes = 3;
    params.join_rule = JoinRule::Qualification {
        items: 4,
        pass_mark: 3,
    };
    params.qualification_items_root = [5; 32];
    params.qualification_key_commitment = hashv(&[&key, &key_salt]).to_bytes();
    let rlhf = env.create_community(&creator, params, None).await.unwrap();

    let good = env.rt.funded_wallet(1).await; // 3 of 4 right
    let poor = env.rt.funded_wallet(1).await; // 2 of 4 right
    let late = env.rt.funded_wallet(1).await; // commits after the reveal
    let (good_answers, poor_answers) = (vec![1u8, 0, 2, 0], vec![1u8, 1, 1, 1]);
    let salt = [3u8; 32];
    for (who, answers) in [(&good, &good_answers), (&poor, &poor_answers)] {
        let c = commitment(answers, &salt, &who.pubkey(), 0);
        env.rt
            .send(&[ix::commit_qualification(who.pubkey(), rlhf, c)], &[who])
            .await
            .unwrap();
    }
    let proof = |answers: &Vec<u8>| JoinProof {
        answers: answers.clone(),
        salt,
        ..Default::default()
    };
    let ticket = || JoinWith::QualificationTicket;
    let watched = |who: &Keypair| {
        [
            rlhf,
            pda::ledger(&rlhf),
            pda::qualification_ticket(&rlhf, &who.pubkey()),
        ]
    };

    // Before the key is out nobody can be graded.
    let before = snapshot(&mut env.rt, &watched(&good)).await;
    assert_error(
        env.join(&good, rlhf, ticket(), proof(&good_answers)).await,
        ProtocolError::QualificationKeyNotRevealed,
    );
    assert_eq!(snapshot(&mut env.rt, &watched(&good)).await, before);

    // Only the creator reveals, and only the committed key.
    let intruder = env.rt.funded_wallet(1).await;
    let ixr = ix::reveal_qualification_key(intruder.pubkey(), rlhf, key.to_vec(), key_salt);
    assert_error(
        env.rt.send(&[ixr], &[&intruder]).await,
        ProtocolError::NotCreator,
    );
    let ixr = ix::reveal_qualification_key(creator.pubkey(), rlhf, key.to_vec(), [0; 32]);
    assert_error(
        env.rt.send(&[ixr], &[&creator]).await,
        ProtocolError::QualificationKeyMismatch,
    );
    let ixr = ix::reveal_qualification_key(creator.pubkey(), rlhf, key.to_vec(), key_salt);
    env.rt
        .send(std::slice::from_ref(&ixr), &[&creator])
        .await
        .unwrap();
    assert_error(
        env.rt.send(&[ixr], &[&creator]).await,
        ProtocolError::QualificationKeyRevealed,
    );

    // No commitments once the key is public.
    let c = commitment(&good_answers, &salt, &late.pubkey(), 0);
    let ixc = ix::commit_qualification(late.pubkey(), rlhf, c);
    assert_error(
        env.rt.send(&[ixc], &[&late]).await,
        ProtocolError::QualificationKeyRevealed,
    );

    // Answers other than the committed ones, a failing score, then a pass.
    let before = snapshot(&mut env.rt, &watched(&poor)).await;
    assert_error(
        env.join(&poor, rlhf, ticket(), proof(&good_answers)).await,
        ProtocolError::QualificationCommitMismatch,
    );
    assert_error(
        env.join(&poor, rlhf, ticket(), proof(&poor_answers)).await,
        ProtocolError::QualificationFailed,
    );
    assert_eq!(snapshot(&mut env.rt, &watched(&poor)).await, before);
    env.join(&good, rlhf, ticket(), proof(&good_answers))
        .await
        .unwrap();
    assert!(
        env.rt
            .account(pda::qualification_ticket(&rlhf, &good.pubkey()))
            .await
            .is_none(),
        "ticket closed"
    );
    let entry = env.ledger(&rlhf).await.1[0];
    assert_eq!(entry.member, good.pubkey());
    // The exam's score is the member's first gold record, for the accuracy weight.
    let score = good_answers
        .iter()
        .zip(&key)
        .filter(|(a, k)| a == k)
        .count() as u16;
    assert!(score >= 3);
    assert_eq!((entry.gold_seen, entry.gold_correct), (4, score));
    // And its first confusion evidence: each answer in the row of the key's class.
    let mut confusion = [[0u16; 4]; 4];
    for (&given, &truth) in good_answers.iter().zip(&key) {
        if given < 4 && truth < 4 {
            confusion[truth as usize][given as usize] += 1;
        }
    }
    assert_eq!(entry.confusion, confusion);
    assert_ne!(confusion, [[0; 4]; 4]);

    // A new round: the old commitment no longer counts.
    let ixr = ix::rotate_qualification(
        creator.pubkey(),
        rlhf,
        [6; 32],
        hashv(&[&key, &[1u8; 32]]).to_bytes(),
    );
    env.rt.send(&[ixr], &[&creator]).await.unwrap();
    assert_eq!(env.community(rlhf).await.qualification.round, 1);
    assert_error(
        env.join(&poor, rlhf, ticket(), proof(&poor_answers)).await,
        ProtocolError::StaleQualificationRound,
    );

    // Qualification instructions on an open community.
    let open = env
        .create_community(&creator, ProtocolEnv::community_params("Open"), None)
        .await
        .unwrap();
    let ixc = ix::commit_qualification(late.pubkey(), open, [1; 32]);
    assert_error(
        env.rt.send(&[ixc], &[&late]).await,
        ProtocolError::JoinRuleMismatch,
    );
    let ixr = ix::reveal_qualification_key(creator.pubkey(), open, key.to_vec(), key_salt);
    assert_error(
        env.rt.send(&[ixr], &[&creator]).await,
        ProtocolError::JoinRuleMismatch,
    );
}

#[tokio::test]
async fn bad_community_templates_are_refused() {
    let mut env = ProtocolEnv::new().await;
    let creator = env.rt.funded_wallet(5).await;
    let base = ProtocolEnv::community_params;
    let prerequisite = env
        .create_community(&creator, base("Base"), None)
        .await
        .unwrap();
    type Edit = fn(&mut ale_protocol::instructions::CommunityParams);
    let cases: Vec<(Edit, ProtocolError)> = vec![
        (|p| p.name = String::new(), ProtocolError::InvalidName),
        (|p| p.name = "x".repeat(33), ProtocolError::InvalidName),
        (|p| p.skill_tag = "y".repeat(17), ProtocolError::InvalidName),
        (|p| p.num_classes = 1, ProtocolError::InvalidLabelSchema),
        (|p| p.num_classes = 17, ProtocolError::InvalidLabelSchema),
        (
            |p| p.consensus.min_votes = 0,
            ProtocolError::InvalidConsensusRule,
        ),
        (
            |p| p.consensus.max_votes = 2,
            ProtocolError::InvalidConsensusRule,
        ),
        (
            |p| p.consensus.threshold_bps = 5_000,
            ProtocolError::InvalidConsensusRule,
        ),
        (
            |p| p.consensus.initial_reputation = 0,
            ProtocolError::InvalidConsensusRule,
        ),
        // A huge reward per win would overflow reputation sums at settlement and
        // leave the cursor stuck (THREATS.md, C-13).
        (
            |p| p.consensus.reward_per_win = MAX_REPUTATION_STEP + 1,
            ProtocolError::InvalidConsensusRule,
        ),
        (
            |p| p.consensus.initial_reputation = MAX_REPUTATION_STEP + 1,
            ProtocolError::InvalidConsensusRule,
        ),
        (
            |p| p.vote_deposit = MAX_VOTE_DEPOSIT + 1,
            ProtocolError::VoteDepositTooHigh,
        ),
        (
            |p| p.commit_window_seconds = 10,
            ProtocolError::InvalidWindows,
        ),
        (
            |p| p.reveal_window_seconds = 31 * 86_400,
            ProtocolError::InvalidWindows,
        ),
        (
            |p| p.creator_fee_bps = 1_001,
            ProtocolError::CreatorFeeTooHigh,
        ),
        // The confusion rule keeps 4 x 4 counts: no larger label sets; its stop is a
        // confidence strictly under 100%.
        (
            |p| {
                p.num_classes = 5;
                p.consensus.weight_rule = WeightRule::Confusion;
            },
            ProtocolError::InvalidConsensusRule,
        ),
        (
            |p| {
                p.consensus.weight_rule = WeightRule::Confusion;
                p.consensus.early_stop_margin_bps = 10_000;
            },
            ProtocolError::InvalidConsensusRule,
        ),
        (
            |p| {
                p.join_rule = JoinRule::Qualification {
                    items: 4,
                    pass_mark: 5,
                }
            },
            ProtocolError::InvalidJoinRule,
        ),
        (
            |p| {
                p.join_rule = JoinRule::Qualification {
                    items: 33,
                    pass_mark: 1,
                }
            },
            ProtocolError::InvalidJoinRule,
        ),
        (
            |p| {
                p.join_rule = JoinRule::MinReputation {
                    prerequisite: Pubkey::new_unique(),
                    min_reputation: 1,
                }
            },
            ProtocolError::InvalidJoinRule,
        ),
    ];
    for (edit, code) in cases {
        let mut params = base("Bad");
        edit(&mut params);
        let id = env.protocol_config().await.community_count;
        let watched = [pda::protocol_config(), pda::community(id)];
        let before = snapshot(&mut env.rt, &watched).await;
        let result = env
            .create_community(&creator, params, Some(prerequisite))
            .await;
        assert_error(result, code);
        assert_eq!(snapshot(&mut env.rt, &watched).await, before);
    }
    // The treasury as a community's creator: its fees could never be settled (two
    // distinct fee accounts of the same owner and mint are required).
    let treasury = env.treasury.insecure_clone();
    let fund = solana_system_interface::instruction::transfer(
        &env.rt.payer().pubkey(),
        &treasury.pubkey(),
        5_000_000_000,
    );
    env.rt.send(&[fund], &[]).await.unwrap();
    let watched = [pda::protocol_config()];
    let before = snapshot(&mut env.rt, &watched).await;
    assert_error(
        env.create_community(&treasury, base("Treasury's own"), None)
            .await,
        ProtocolError::CreatorIsTreasury,
    );
    assert_eq!(snapshot(&mut env.rt, &watched).await, before);
    // An id other than the next one.
    let ixc = ix::create_community(creator.pubkey(), 7, base("Skip"), None);
    assert_error(
        env.rt.send(&[ixc], &[&creator]).await,
        ProtocolError::CommunityIdMismatch,
    );
    // The ledger of another community.
    let other = env
        .create_community(&creator, base("Other"), None)
        .await
        .unwrap();
    let member = env.rt.funded_wallet(1).await;
    let mut join = ix::join_community(
        member.pubkey(),
        other,
        JoinWith::Nothing,
        JoinProof::default(),
    );
    join.accounts[2].pubkey = pda::ledger(&prerequisite);
    assert_error(
        env.rt.send(&[join], &[&member]).await,
        ProtocolError::WrongLedger,
    );
}

#[tokio::test]
async fn protocol_fees_above_their_caps_are_refused() {
    let mut rt = ale_embedded::EmbeddedRuntime::start().await;
    let operator = rt.funded_wallet(5).await;
    for (protocol_fee_bps, max_creator_fee_bps) in [(1_001, 1_000), (250, 2_001)] {
        let params = ale_protocol::instructions::ProtocolParams {
            treasury: Pubkey::new_unique(),
            protocol_fee_bps,
            max_creator_fee_bps,
        };
        let before = snapshot(&mut rt, &[pda::protocol_config()]).await;
        let result = rt
            .send(
                &[ix::initialize_protocol(operator.pubkey(), params)],
                &[&operator],
            )
            .await;
        assert_error(result, ProtocolError::InvalidFeeConfig);
        assert_eq!(snapshot(&mut rt, &[pda::protocol_config()]).await, before);
    }
}
