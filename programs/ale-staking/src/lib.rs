//! ale-staking: the ALE mint (authority: a PDA of this program), inflation, staking
//! (bucket A) and the community reward pot (bucket B). Depends on no other program of
//! the suite; ale-protocol calls it through its reporter PDA.

use anchor_lang::prelude::*;

pub mod constants;
pub mod emission;
pub mod error;
pub mod events;
pub mod instructions;
pub mod seeds;
pub mod staker_wallet;
pub mod state;

use instructions::*;

declare_id!("3hEhcceeMEPihVJw13iWxbWvrhC4t3tgBSGYxZz9Gejq");

// Read by explorers and `query-security-txt` from the deployed binary; every link
// derives from the workspace's `repository` (see SECURITY.md).
#[cfg(not(feature = "no-entrypoint"))]
solana_security_txt::security_txt! {
    name: "ALE staking",
    project_url: env!("CARGO_PKG_REPOSITORY"),
    contacts: concat!("link:", env!("CARGO_PKG_REPOSITORY"), "/security/advisories/new"),
    policy: concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/SECURITY.md"),
    preferred_languages: "en",
    source_code: env!("CARGO_PKG_REPOSITORY"),
    source_release: env!("CARGO_PKG_VERSION")
}

#[program]
pub mod ale_staking {
    use super::*;

    // Operator.
    pub fn initialize(ctx: Context<Initialize>, params: InitializeParams) -> Result<()> {
        instructions::initialize(ctx, params)
    }

    pub fn genesis_mint(ctx: Context<GenesisMint>) -> Result<()> {
        instructions::genesis_mint(ctx)
    }

    // Keeper (permissionless).
    pub fn crank_inflation(ctx: Context<CrankInflation>) -> Result<()> {
        instructions::crank_inflation(ctx)
    }

    // Stakers.
    pub fn open_stake_account(ctx: Context<OpenStakeAccount>) -> Result<()> {
        instructions::open_stake_account(ctx)
    }

    pub fn stake(ctx: Context<Stake>, amount: u64) -> Result<()> {
        instructions::stake(ctx, amount)
    }

    pub fn request_unstake(ctx: Context<RequestUnstake>, amount: u64) -> Result<()> {
        instructions::request_unstake(ctx, amount)
    }

    pub fn withdraw(ctx: Context<Withdraw>) -> Result<()> {
        instructions::withdraw(ctx)
    }

    pub fn claim_rewards(ctx: Context<ClaimRewards>) -> Result<()> {
        instructions::claim_rewards(ctx)
    }

    pub fn close_stake_account(ctx: Context<CloseStakeAccount>) -> Result<()> {
        instructions::close_stake_account(ctx)
    }

    // ale-protocol (its reporter PDA signs).
    pub fn register_community(ctx: Context<RegisterCommunity>, community: Pubkey) -> Result<()> {
        instructions::register_community(ctx, community)
    }

    pub fn report_paid_work(
        ctx: Context<ReportPaidWork>,
        community: Pubkey,
        amount: u64,
    ) -> Result<()> {
        instructions::report_paid_work(ctx, community, amount)
    }

    pub fn draw_community_reward(
        ctx: Context<DrawCommunityReward>,
        community: Pubkey,
        epoch: u64,
    ) -> Result<()> {
        instructions::draw_community_reward(ctx, community, epoch)
    }
}
