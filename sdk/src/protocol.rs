//! Typed instruction builders for ale-protocol, from the program's own `accounts` and
//! `instruction` types.

use ale_math::consensus::{defaults, WeightRule as MathWeightRule};
use ale_protocol::instructions::{
    CommunityParams, GoldReveal, JoinProof, PostBatchParams, ProtocolParams, SealedBallot,
};
use ale_protocol::state::{Batch, ConsensusParams, ConversionRate, ItemTable, Rescore, WeightRule};
use ale_protocol::{accounts, instruction};
use anchor_lang::prelude::Pubkey;
use anchor_lang::{InstructionData, ToAccountMetas};
use solana_sdk::instruction::Instruction;
use solana_system_interface::instruction as system_instruction;

use crate::pda;

const SYSTEM_PROGRAM: Pubkey = anchor_lang::system_program::ID;

/// The community template's consensus defaults (chosen by `ale quality`).
/// The template's consensus for a label set of `num_classes` (ale-math's defaults,
/// chosen by the quality search).
pub fn default_consensus(num_classes: u8) -> ConsensusParams {
    let t = defaults::for_classes(num_classes);
    ConsensusParams {
        initial_reputation: t.initial_reputation,
        reward_per_win: t.reward_per_win,
        min_votes: t.rule.min_votes,
        max_votes: t.rule.max_votes,
        threshold_bps: t.rule.threshold_bps,
        early_stop_margin_bps: t.rule.early_stop_margin_bps,
        votes_per_round: t.votes_per_round,
        weight_rule: match t.weight_rule {
            MathWeightRule::AccuracyLogOdds => WeightRule::AccuracyLogOdds,
            MathWeightRule::RawReputation => WeightRule::RawReputation,
            MathWeightRule::Confusion => WeightRule::Confusion,
        },
    }
}

/// The signer, its community, membership and the community's ledger.
fn member_seat(member: Pubkey, community: Pubkey) -> accounts::MemberSeat {
    accounts::MemberSeat {
        member,
        community,
        membership: pda::membership(&community, &member),
        ledger: pda::ledger(&community),
    }
}

fn build(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: ale_protocol::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

fn event_authority() -> Pubkey {
    pda::event_authority(&ale_protocol::ID)
}

pub fn initialize_protocol(admin: Pubkey, params: ProtocolParams) -> Instruction {
    build(
        accounts::InitializeProtocol {
            admin,
            config: pda::protocol_config(),
            reporter: pda::protocol_signer(),
            system_program: SYSTEM_PROGRAM,
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::InitializeProtocol { params },
    )
}

pub fn create_community(
    creator: Pubkey,
    community_id: u64,
    params: CommunityParams,
    prerequisite: Option<Pubkey>,
) -> Instruction {
    let community = pda::community(community_id);
    build(
        accounts::CreateCommunity {
            creator,
            config: pda::protocol_config(),
            community,
            ledger: pda::ledger(&community),
            prerequisite,
            reporter: pda::protocol_signer(),
            staking_config: pda::staking_config(),
            community_work: pda::community_work(&community),
            staking_event_authority: pda::event_authority(&ale_staking::ID),
            staking_program: ale_staking::ID,
            ale_mint: pda::ale_mint(),
            rewards_vault: pda::community_rewards(&community),
            token_program: anchor_spl::token::ID,
            system_program: SYSTEM_PROGRAM,
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::CreateCommunity {
            community_id,
            params,
        },
    )
}

pub fn reveal_qualification_key(
    creator: Pubkey,
    community: Pubkey,
    answers: Vec<u8>,
    salt: [u8; 32],
) -> Instruction {
    build(
        accounts::RevealQualificationKey {
            creator,
            community,
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::RevealQualificationKey { answers, salt },
    )
}

pub fn rotate_qualification(
    creator: Pubkey,
    community: Pubkey,
    items_root: [u8; 32],
    key_commitment: [u8; 32],
) -> Instruction {
    build(
        accounts::RotateQualification {
            creator,
            community,
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::RotateQualification {
            items_root,
            key_commitment,
        },
    )
}

pub fn commit_qualification(
    candidate: Pubkey,
    community: Pubkey,
    commitment: [u8; 32],
) -> Instruction {
    build(
        accounts::CommitQualification {
            candidate,
            community,
            ticket: pda::qualification_ticket(&community, &candidate),
            system_program: SYSTEM_PROGRAM,
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::CommitQualification { commitment },
    )
}

/// Which proof accounts a join carries (the community's join rule decides).
pub enum JoinWith {
    Nothing,
    PrerequisiteLedger(Pubkey),
    QualificationTicket,
}

pub fn join_community(
    member: Pubkey,
    community: Pubkey,
    with: JoinWith,
    proof: JoinProof,
) -> Instruction {
    let (prerequisite_ledger, qualification_ticket) = match with {
        JoinWith::Nothing => (None, None),
        JoinWith::PrerequisiteLedger(ledger) => (Some(ledger), None),
        JoinWith::QualificationTicket => {
            (None, Some(pda::qualification_ticket(&community, &member)))
        }
    };
    build(
        accounts::JoinCommunity {
            member,
            community,
            ledger: pda::ledger(&community),
            membership: pda::membership(&community, &member),
            prerequisite_ledger,
            qualification_ticket,
            system_program: SYSTEM_PROGRAM,
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::JoinCommunity { proof },
    )
}

/// The system instruction that creates a batch's item table (a fresh keypair's
/// account, owned by ale-protocol); it goes in the same transaction as `post_batch`.
pub fn create_item_table(
    payer: Pubkey,
    table: Pubkey,
    item_count: u32,
    lamports: u64,
) -> Instruction {
    system_instruction::create_account(
        &payer,
        &table,
        lamports,
        ItemTable::space(item_count) as u64,
        &ale_protocol::ID,
    )
}

pub struct PostBatchAccounts {
    pub poster: Pubkey,
    pub community: Pubkey,
    pub item_table: Pubkey,
    pub mint: Pubkey,
    pub poster_token: Pubkey,
    pub token_program: Pubkey,
}

pub fn post_batch(a: PostBatchAccounts, params: PostBatchParams) -> Instruction {
    let batch = pda::batch(&a.community, params.batch_id);
    build(
        accounts::PostBatch {
            poster: a.poster,
            config: pda::protocol_config(),
            community: a.community,
            batch,
            item_table: a.item_table,
            mint: a.mint,
            vault: pda::batch_vault(&batch),
            poster_token: a.poster_token,
            community_vault: pda::community_vault(&a.community, &a.mint),
            requester: pda::requester(&a.poster),
            token_program: a.token_program,
            system_program: SYSTEM_PROGRAM,
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::PostBatch { params },
    )
}

/// Refunds go to the token account the poster named at posting.
fn refund_to(batch: &Batch) -> accounts::RefundTo {
    accounts::RefundTo {
        refund_account: batch.refund_account,
    }
}

/// The escrow accounts of a batch, as every payout instruction names them.
fn batch_escrow(batch_address: Pubkey, batch: &Batch) -> accounts::BatchEscrow {
    accounts::BatchEscrow {
        batch: batch_address,
        item_table: batch.item_table,
        vault: batch.vault,
        mint: batch.mint,
        requester: pda::requester(&batch.poster),
        token_program: batch.token_program,
    }
}

pub fn cancel_items(batch_address: Pubkey, batch: &Batch, first: u32, count: u32) -> Instruction {
    build(
        accounts::CancelItems {
            poster: batch.poster,
            escrow: batch_escrow(batch_address, batch),
            refund_to: refund_to(batch),
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::CancelItems { first, count },
    )
}

pub fn refund_expired(batch_address: Pubkey, batch: &Batch, max_items: u32) -> Instruction {
    build(
        accounts::RefundExpired {
            escrow: batch_escrow(batch_address, batch),
            refund_to: refund_to(batch),
            community: batch.community,
            ledger: pda::ledger(&batch.community),
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::RefundExpired { max_items },
    )
}

pub fn close_batch(batch_address: Pubkey, batch: &Batch) -> Instruction {
    build(
        accounts::CloseBatch {
            poster: batch.poster,
            escrow: batch_escrow(batch_address, batch),
            refund_to: refund_to(batch),
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::CloseBatch {},
    )
}

/// Creates the account of a batch's closing re-score, sized for the community's
/// `members` (`start_rescore` claims it).
pub fn create_rescore_account(
    payer: Pubkey,
    rescore: Pubkey,
    members: u32,
    lamports: u64,
) -> Instruction {
    system_instruction::create_account(
        &payer,
        &rescore,
        lamports,
        Rescore::space(members) as u64,
        &ale_protocol::ID,
    )
}

pub fn start_rescore(
    payer: Pubkey,
    batch_address: Pubkey,
    batch: &Batch,
    rescore: Pubkey,
) -> Instruction {
    build(
        accounts::StartRescore {
            payer,
            community: batch.community,
            batch: batch_address,
            rescore,
        },
        instruction::StartRescore {},
    )
}

/// One piece of the re-score at `pass` and `cursor` (the workspace's own); the rent
/// goes back to `payer`, the workspace's creator, at the end.
pub fn rescore_batch(
    payer: Pubkey,
    batch_address: Pubkey,
    batch: &Batch,
    pass: u32,
    cursor: u32,
) -> Instruction {
    build(
        accounts::RescoreBatch {
            payer,
            batch: batch_address,
            item_table: batch.item_table,
            rescore: batch.rescore,
        },
        instruction::RescoreBatch { pass, cursor },
    )
}

/// The commitment a worker signs for its ticket: sha256(labels || salt || worker ||
/// ticket).
pub fn vote_commitment(
    labels: &[u8],
    salt: &[u8; 32],
    member: &Pubkey,
    ticket: &Pubkey,
) -> [u8; 32] {
    solana_sha256_hasher::hashv(&[labels, salt, member.as_ref(), ticket.as_ref()]).to_bytes()
}

pub fn take_ticket(
    member: Pubkey,
    batch_address: Pubkey,
    batch: &Batch,
    round: u32,
    with_stake: bool,
    deposit_from: Option<Pubkey>,
) -> Instruction {
    take_ticket_with(
        member,
        batch_address,
        batch,
        round,
        with_stake,
        deposit_from,
        None,
    )
}

/// `take_ticket` with the ticket's items and commitment: taken and committed at once.
pub fn take_ticket_sealed(
    member: Pubkey,
    batch_address: Pubkey,
    batch: &Batch,
    round: u32,
    sealed: SealedBallot,
) -> Instruction {
    take_ticket_with(
        member,
        batch_address,
        batch,
        round,
        false,
        None,
        Some(sealed),
    )
}

fn take_ticket_with(
    member: Pubkey,
    batch_address: Pubkey,
    batch: &Batch,
    round: u32,
    with_stake: bool,
    deposit_from: Option<Pubkey>,
    sealed: Option<SealedBallot>,
) -> Instruction {
    let community = batch.community;
    build(
        accounts::TakeTicket {
            member,
            community,
            membership: pda::membership(&community, &member),
            ledger: pda::ledger(&community),
            batch: batch_address,
            item_table: batch.item_table,
            ticket: pda::ticket(&batch_address, &member, round),
            stake_account: with_stake.then(|| pda::stake_account(&member)),
            slot_hashes: solana_sdk_ids::sysvar::slot_hashes::ID,
            ale_mint: deposit_from.map(|_| pda::ale_mint()),
            member_ale: deposit_from,
            rewards_vault: deposit_from.map(|_| pda::community_rewards(&community)),
            token_program: deposit_from.map(|_| anchor_spl::token::ID),
            system_program: SYSTEM_PROGRAM,
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::TakeTicket { round, sealed },
    )
}

pub fn commit_votes(
    member: Pubkey,
    batch: Pubkey,
    ticket: Pubkey,
    commitment: [u8; 32],
) -> Instruction {
    build(
        accounts::CommitVotes {
            member,
            batch,
            ticket,
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::CommitVotes { commitment },
    )
}

pub fn reveal_votes(
    member: Pubkey,
    batch_address: Pubkey,
    batch: &Batch,
    ticket: Pubkey,
    labels: Vec<u8>,
    salt: [u8; 32],
) -> Instruction {
    build(
        accounts::RevealVotes {
            member,
            community: batch.community,
            ledger: pda::ledger(&batch.community),
            batch: batch_address,
            item_table: batch.item_table,
            ticket,
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::RevealVotes { labels, salt },
    )
}

pub fn settle_round(
    batch_address: Pubkey,
    batch: &Batch,
    treasury_token: Pubkey,
    creator_token: Pubkey,
    cursor: u32,
    max_items: u32,
) -> Instruction {
    build(
        accounts::SettleRound {
            escrow: batch_escrow(batch_address, batch),
            config: pda::protocol_config(),
            community: batch.community,
            ledger: pda::ledger(&batch.community),
            community_vault: batch.community_vault,
            treasury_token,
            creator_token,
            staking: accounts::PaidWorkReport {
                reporter: pda::protocol_signer(),
                staking_config: pda::staking_config(),
                reward_pot: pda::reward_pot(),
                community_work: pda::community_work(&batch.community),
                staking_event_authority: pda::event_authority(&ale_staking::ID),
                staking_program: ale_staking::ID,
            },
            slot_hashes: solana_sdk_ids::sysvar::slot_hashes::ID,
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::SettleRound { cursor, max_items },
    )
}

pub fn claim_pay(
    member: Pubkey,
    community: Pubkey,
    mint: Pubkey,
    member_token: Pubkey,
    token_program: Pubkey,
) -> Instruction {
    build(
        accounts::ClaimPay {
            seat: member_seat(member, community),
            mint,
            community_vault: pda::community_vault(&community, &mint),
            member_token,
            token_program,
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::ClaimPay {},
    )
}

/// Closes an unrevealed ticket after its reveal window; `closer` signs and gets the rent.
pub fn close_expired_ticket(
    closer: Pubkey,
    batch_address: Pubkey,
    batch: &Batch,
    ticket: Pubkey,
) -> Instruction {
    build(
        accounts::CloseExpiredTicket {
            closer,
            batch: batch_address,
            community: batch.community,
            ledger: pda::ledger(&batch.community),
            ticket,
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::CloseExpiredTicket {},
    )
}

pub fn set_conversion_rate(admin: Pubkey, rate: ConversionRate) -> Instruction {
    build(
        accounts::SetConversionRate {
            admin,
            config: pda::protocol_config(),
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::SetConversionRate { rate },
    )
}

pub fn draw_community_rewards(payer: Pubkey, community: Pubkey, epoch: u64) -> Instruction {
    build(
        accounts::DrawCommunityRewards {
            payer,
            config: pda::protocol_config(),
            community,
            ale_mint: pda::ale_mint(),
            rewards_vault: pda::community_rewards(&community),
            reporter: pda::protocol_signer(),
            staking_config: pda::staking_config(),
            reward_pot: pda::reward_pot(),
            community_work: pda::community_work(&community),
            mint_authority: pda::mint_authority(),
            staking_event_authority: pda::event_authority(&ale_staking::ID),
            staking_program: ale_staking::ID,
            token_program: anchor_spl::token::ID,
            system_program: SYSTEM_PROGRAM,
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::DrawCommunityRewards { epoch },
    )
}

/// The accounts of an ALE claim from the community's rewards vault.
fn rewards_claim(
    member: Pubkey,
    community: Pubkey,
    member_token: Pubkey,
) -> accounts::RewardsClaim {
    accounts::RewardsClaim {
        seat: member_seat(member, community),
        config: pda::protocol_config(),
        ale_mint: pda::ale_mint(),
        rewards_vault: pda::community_rewards(&community),
        member_token,
        token_program: anchor_spl::token::ID,
    }
}

pub fn claim_community_reward(
    member: Pubkey,
    community: Pubkey,
    member_token: Pubkey,
) -> Instruction {
    build(
        accounts::ClaimCommunityReward {
            claim: rewards_claim(member, community, member_token),
            stake_account: pda::stake_account(&member),
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::ClaimCommunityReward {},
    )
}

pub fn reveal_gold(batch_address: Pubkey, batch: &Batch, reveals: Vec<GoldReveal>) -> Instruction {
    build(
        accounts::RevealGold {
            poster: batch.poster,
            batch: batch_address,
            item_table: batch.item_table,
            community: batch.community,
            ledger: pda::ledger(&batch.community),
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::RevealGold { reveals },
    )
}

pub fn set_push_payouts(member: Pubkey, community: Pubkey, enabled: bool) -> Instruction {
    build(
        accounts::SetPushPayouts {
            seat: member_seat(member, community),
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::SetPushPayouts { enabled },
    )
}

/// Pushes the pay of the members at `indices` to `destinations` (their own token
/// accounts of `mint`, in the same order).
pub fn push_payouts(
    community: Pubkey,
    mint: Pubkey,
    token_program: Pubkey,
    indices: Vec<u32>,
    destinations: &[Pubkey],
) -> Instruction {
    let mut ix = build(
        accounts::PushPayouts {
            community,
            ledger: pda::ledger(&community),
            mint,
            community_vault: pda::community_vault(&community, &mint),
            token_program,
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::PushPayouts { indices },
    );
    ix.accounts.extend(
        destinations
            .iter()
            .map(|d| solana_sdk::instruction::AccountMeta::new(*d, false)),
    );
    ix
}

pub fn claim_deposits(member: Pubkey, community: Pubkey, member_token: Pubkey) -> Instruction {
    build(
        accounts::ClaimDeposits {
            claim: rewards_claim(member, community, member_token),
            event_authority: event_authority(),
            program: ale_protocol::ID,
        },
        instruction::ClaimDeposits {},
    )
}
