//! ale-protocol: communities, reputation ledgers, task batches with escrow, validation
//! pools, settlement and claims. Depends on ale-staking (CPI through its reporter PDA),
//! never the reverse.

use anchor_lang::prelude::*;

pub mod constants;
pub mod error;
pub mod escrow;
pub mod events;
pub mod instructions;
pub mod mint_policy;
pub mod rewards_claim;
pub mod seat;
pub mod seeds;
pub mod state;

use instructions::*;
use state::ConversionRate;

declare_id!("8tfyae5XkFjpn9bndzeWV5UKuMMmLQJnZ2jpUtjUeinM");

// Read by explorers and `query-security-txt` from the deployed binary; every link
// derives from the workspace's `repository` (see SECURITY.md).
#[cfg(not(feature = "no-entrypoint"))]
solana_security_txt::security_txt! {
    name: "ALE protocol",
    project_url: env!("CARGO_PKG_REPOSITORY"),
    contacts: concat!("link:", env!("CARGO_PKG_REPOSITORY"), "/security/advisories/new"),
    policy: concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/SECURITY.md"),
    preferred_languages: "en",
    source_code: env!("CARGO_PKG_REPOSITORY"),
    source_release: env!("CARGO_PKG_VERSION")
}

#[program]
pub mod ale_protocol {
    use super::*;

    // Operator.
    pub fn initialize_protocol(
        ctx: Context<InitializeProtocol>,
        params: ProtocolParams,
    ) -> Result<()> {
        instructions::initialize_protocol(ctx, params)
    }

    pub fn set_conversion_rate(
        ctx: Context<SetConversionRate>,
        rate: ConversionRate,
    ) -> Result<()> {
        instructions::set_conversion_rate(ctx, rate)
    }

    // Community creators.
    pub fn create_community(
        ctx: Context<CreateCommunity>,
        community_id: u64,
        params: CommunityParams,
    ) -> Result<()> {
        instructions::create_community(ctx, community_id, params)
    }

    pub fn reveal_qualification_key(
        ctx: Context<RevealQualificationKey>,
        answers: Vec<u8>,
        salt: [u8; 32],
    ) -> Result<()> {
        instructions::reveal_qualification_key(ctx, answers, salt)
    }

    pub fn rotate_qualification(
        ctx: Context<RotateQualification>,
        items_root: [u8; 32],
        key_commitment: [u8; 32],
    ) -> Result<()> {
        instructions::rotate_qualification(ctx, items_root, key_commitment)
    }

    // Workers.
    pub fn commit_qualification(
        ctx: Context<CommitQualification>,
        commitment: [u8; 32],
    ) -> Result<()> {
        instructions::commit_qualification(ctx, commitment)
    }

    pub fn join_community(ctx: Context<JoinCommunity>, proof: JoinProof) -> Result<()> {
        instructions::join_community(ctx, proof)
    }

    pub fn take_ticket(
        ctx: Context<TakeTicket>,
        round: u32,
        sealed: Option<SealedBallot>,
    ) -> Result<()> {
        instructions::take_ticket(ctx, round, sealed)
    }

    pub fn commit_votes(ctx: Context<CommitVotes>, commitment: [u8; 32]) -> Result<()> {
        instructions::commit_votes(ctx, commitment)
    }

    pub fn reveal_votes(ctx: Context<RevealVotes>, labels: Vec<u8>, salt: [u8; 32]) -> Result<()> {
        instructions::reveal_votes(ctx, labels, salt)
    }

    pub fn claim_pay(ctx: Context<ClaimPay>) -> Result<()> {
        instructions::claim_pay(ctx)
    }

    pub fn claim_deposits(ctx: Context<ClaimDeposits>) -> Result<()> {
        instructions::claim_deposits(ctx)
    }

    pub fn set_push_payouts(ctx: Context<SetPushPayouts>, enabled: bool) -> Result<()> {
        instructions::set_push_payouts(ctx, enabled)
    }

    pub fn claim_community_reward(ctx: Context<ClaimCommunityReward>) -> Result<()> {
        instructions::claim_community_reward(ctx)
    }

    // Posters (client companies).
    pub fn post_batch(ctx: Context<PostBatch>, params: PostBatchParams) -> Result<()> {
        instructions::post_batch(ctx, params)
    }

    pub fn cancel_items(ctx: Context<CancelItems>, first: u32, count: u32) -> Result<()> {
        instructions::cancel_items(ctx, first, count)
    }

    pub fn reveal_gold(ctx: Context<RevealGold>, reveals: Vec<GoldReveal>) -> Result<()> {
        instructions::reveal_gold(ctx, reveals)
    }

    // Keepers (permissionless).
    pub fn refund_expired(ctx: Context<RefundExpired>, max_items: u32) -> Result<()> {
        instructions::refund_expired(ctx, max_items)
    }

    pub fn settle_round(ctx: Context<SettleRound>, cursor: u32, max_items: u32) -> Result<()> {
        instructions::settle_round(ctx, cursor, max_items)
    }

    pub fn close_expired_ticket(ctx: Context<CloseExpiredTicket>) -> Result<()> {
        instructions::close_expired_ticket(ctx)
    }

    pub fn draw_community_rewards(ctx: Context<DrawCommunityRewards>, epoch: u64) -> Result<()> {
        instructions::draw_community_rewards(ctx, epoch)
    }

    pub fn push_payouts<'info>(
        ctx: Context<'info, PushPayouts<'info>>,
        indices: Vec<u32>,
    ) -> Result<()> {
        instructions::push_payouts(ctx, indices)
    }

    pub fn start_rescore(ctx: Context<StartRescore>) -> Result<()> {
        instructions::start_rescore(ctx)
    }

    pub fn rescore_batch(ctx: Context<RescoreBatch>, pass: u32, cursor: u32) -> Result<()> {
        instructions::rescore_batch(ctx, pass, cursor)
    }

    pub fn close_batch(ctx: Context<CloseBatch>) -> Result<()> {
        instructions::close_batch(ctx)
    }
}
