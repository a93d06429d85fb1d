use ale_math::checked::CheckedMath;
use ale_math::consensus::CONFUSION_CLASSES;
use ale_staking::program::AleStaking;
use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::constants::{
    LEDGER_INITIAL_ENTRIES, LEDGER_MAX_ENTRIES, MAX_CLASSES, MAX_QUALIFICATION_ITEMS,
    MAX_REPUTATION_STEP, MAX_VOTE_DEPOSIT, MAX_WINDOW_SECONDS, MIN_CLASSES, MIN_WINDOW_SECONDS,
    NAME_LEN, SKILL_TAG_LEN,
};
use crate::error::{OrMathOverflow, ProtocolError};
use crate::events::CommunityCreated;
use crate::seeds;
use crate::state::{
    Community, ConsensusParams, JoinRule, Ledger, ProtocolConfig, QualificationRound, WeightRule,
    MAX_VOTES_PER_ITEM,
};

/// The community template: everything a creator chooses.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CommunityParams {
    pub name: String,
    pub skill_tag: String,
    pub num_classes: u8,
    pub join_rule: JoinRule,
    /// For `JoinRule::Qualification`: the first round's gold items and key commitment.
    pub qualification_items_root: [u8; 32],
    pub qualification_key_commitment: [u8; 32],
    pub consensus: ConsensusParams,
    pub commit_window_seconds: u32,
    pub reveal_window_seconds: u32,
    pub min_stake_to_vote: u64,
    /// ALE per vote put down and forfeited to the winners by losers (0: none).
    pub vote_deposit: u64,
    pub creator_fee_bps: u16,
    pub rate_limit_per_day: u16,
    /// 0: as many as a ledger account holds.
    pub max_members: u32,
}

/// Permissionless: creates a community from the template, its reputation ledger, and
/// its paid-work record in ale-staking (by CPI, signed by the reporter PDA).
#[event_cpi]
#[derive(Accounts)]
#[instruction(community_id: u64)]
pub struct CreateCommunity<'info> {
    #[account(mut)]
    pub creator: Signer<'info>,
    #[account(mut, seeds = [seeds::PROTOCOL_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, ProtocolConfig>>,
    #[account(
        init,
        payer = creator,
        space = 8 + Community::INIT_SPACE,
        seeds = [seeds::COMMUNITY, community_id.to_le_bytes().as_ref()],
        bump
    )]
    pub community: Box<Account<'info, Community>>,
    #[account(
        init,
        payer = creator,
        space = Ledger::space(LEDGER_INITIAL_ENTRIES),
        seeds = [seeds::LEDGER, community.key().as_ref()],
        bump
    )]
    pub ledger: AccountLoader<'info, Ledger>,
    /// The prerequisite community, for `JoinRule::MinReputation`.
    pub prerequisite: Option<Box<Account<'info, Community>>>,
    /// CHECK: ale-protocol's reporter PDA, checked by its seeds; signs the CPI.
    #[account(seeds = [seeds::PROTOCOL_REPORTER], bump = config.reporter_bump)]
    pub reporter: UncheckedAccount<'info>,
    /// CHECK: ale-staking's config, checked by ale-staking.
    pub staking_config: UncheckedAccount<'info>,
    /// CHECK: created by ale-staking at its own PDA.
    #[account(mut)]
    pub community_work: UncheckedAccount<'info>,
    /// CHECK: ale-staking's event authority, checked by ale-staking.
    pub staking_event_authority: UncheckedAccount<'info>,
    pub staking_program: Program<'info, AleStaking>,
    #[account(address = config.ale_mint @ ProtocolError::WrongMint)]
    pub ale_mint: Box<Account<'info, Mint>>,
    /// The community's ALE vault: bucket-B rewards and vote deposits.
    #[account(
        init,
        payer = creator,
        seeds = [seeds::COMMUNITY_REWARDS, community.key().as_ref()],
        bump,
        token::mint = ale_mint,
        token::authority = community,
        token::token_program = token_program
    )]
    pub rewards_vault: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

fn fixed<const N: usize>(text: &str) -> Result<[u8; N]> {
    let bytes = text.as_bytes();
    require!(
        !bytes.is_empty() && bytes.len() <= N,
        ProtocolError::InvalidName
    );
    let mut out = [0u8; N];
    out[..bytes.len()].copy_from_slice(bytes);
    Ok(out)
}

impl CreateCommunity<'_> {
    pub fn validate(&self, community_id: u64, params: &CommunityParams) -> Result<()> {
        require!(
            community_id == self.config.community_count,
            ProtocolError::CommunityIdMismatch
        );
        require_keys_neq!(
            self.creator.key(),
            self.config.treasury,
            ProtocolError::CreatorIsTreasury
        );
        fixed::<NAME_LEN>(&params.name)?;
        fixed::<SKILL_TAG_LEN>(&params.skill_tag)?;
        require!(
            (MIN_CLASSES..=MAX_CLASSES).contains(&params.num_classes),
            ProtocolError::InvalidLabelSchema
        );
        let c = &params.consensus;
        require!(
            (1..=MAX_REPUTATION_STEP).contains(&c.initial_reputation)
                && (1..=MAX_REPUTATION_STEP).contains(&c.reward_per_win)
                && c.min_votes >= 1
                && c.min_votes <= c.max_votes
                && c.max_votes as usize <= MAX_VOTES_PER_ITEM
                && c.votes_per_round >= 1
                && (5_001..=10_000).contains(&c.threshold_bps)
                && c.early_stop_margin_bps <= 10_000,
            ProtocolError::InvalidConsensusRule
        );
        // The confusion rule keeps 4 x 4 counts per member, and reads its thresholds
        // as confidences strictly between 50% and 100%.
        require!(
            c.weight_rule != WeightRule::Confusion
                || (params.num_classes as usize <= CONFUSION_CLASSES
                    && c.threshold_bps < 10_000
                    && (c.early_stop_margin_bps == 0
                        || (5_001..10_000).contains(&c.early_stop_margin_bps))),
            ProtocolError::InvalidConsensusRule
        );
        let windows = MIN_WINDOW_SECONDS..=MAX_WINDOW_SECONDS;
        require!(
            windows.contains(&params.commit_window_seconds)
                && windows.contains(&params.reveal_window_seconds),
            ProtocolError::InvalidWindows
        );
        require!(
            params.vote_deposit <= MAX_VOTE_DEPOSIT,
            ProtocolError::VoteDepositTooHigh
        );
        require!(
            params.creator_fee_bps <= self.config.max_creator_fee_bps,
            ProtocolError::CreatorFeeTooHigh
        );
        require!(
            params.max_members <= LEDGER_MAX_ENTRIES,
            ProtocolError::InvalidJoinRule
        );
        match params.join_rule {
            JoinRule::Open => {}
            JoinRule::MinReputation {
                prerequisite,
                min_reputation,
            } => {
                let given = self.prerequisite.as_ref().map(|c| c.key());
                require!(
                    min_reputation > 0 && given == Some(prerequisite),
                    ProtocolError::InvalidJoinRule
                );
            }
            JoinRule::Qualification { items, pass_mark } => require!(
                (1..=MAX_QUALIFICATION_ITEMS).contains(&items)
                    && (1..=items).contains(&pass_mark)
                    && params.qualification_key_commitment != [0; 32],
                ProtocolError::InvalidJoinRule
            ),
        }
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(community_id, &params))]
pub fn create_community(
    ctx: Context<CreateCommunity>,
    community_id: u64,
    params: CommunityParams,
) -> Result<()> {
    let community_key = ctx.accounts.community.key();
    let ledger_key = ctx.accounts.ledger.key();
    {
        let mut ledger = ctx.accounts.ledger.load_init()?;
        ledger.community = community_key;
        ledger.capacity = LEDGER_INITIAL_ENTRIES;
    }
    let max_members = if params.max_members == 0 {
        LEDGER_MAX_ENTRIES
    } else {
        params.max_members
    };
    ctx.accounts.community.set_inner(Community {
        id: community_id,
        creator: ctx.accounts.creator.key(),
        ledger: ledger_key,
        bump: ctx.bumps.community,
        name: fixed(&params.name)?,
        skill_tag: fixed(&params.skill_tag)?,
        num_classes: params.num_classes,
        join_rule: params.join_rule,
        qualification: QualificationRound {
            round: 0,
            items_root: params.qualification_items_root,
            key_commitment: params.qualification_key_commitment,
            revealed: false,
            answers: [0; 32],
        },
        consensus: params.consensus,
        commit_window_seconds: params.commit_window_seconds,
        reveal_window_seconds: params.reveal_window_seconds,
        min_stake_to_vote: params.min_stake_to_vote,
        vote_deposit: params.vote_deposit,
        creator_fee_bps: params.creator_fee_bps,
        rate_limit_per_day: params.rate_limit_per_day,
        max_members,
        member_count: 0,
        mints: Default::default(),
        batch_count: 0,
        total_reputation: 0,
        reward_per_reputation: 0,
        reward_carry: 0,
        rewards_drawn: 0,
        rewards_claimed: 0,
        rewards_forfeited: 0,
        established_members: 0,
        reserved: [0; 60],
    });
    ctx.accounts.config.community_count = community_id.safe_add(1).or_overflow()?;

    let bump = [ctx.accounts.config.reporter_bump];
    let signer: &[&[&[u8]]] = &[&[seeds::PROTOCOL_REPORTER, &bump]];
    ale_staking::cpi::register_community(
        CpiContext::new_with_signer(
            ctx.accounts.staking_program.key(),
            ale_staking::cpi::accounts::RegisterCommunity {
                config: ctx.accounts.staking_config.to_account_info(),
                reporter: ctx.accounts.reporter.to_account_info(),
                payer: ctx.accounts.creator.to_account_info(),
                community_work: ctx.accounts.community_work.to_account_info(),
                system_program: ctx.accounts.system_program.to_account_info(),
                event_authority: ctx.accounts.staking_event_authority.to_account_info(),
                program: ctx.accounts.staking_program.to_account_info(),
            },
            signer,
        ),
        community_key,
    )?;

    ctx.accounts.community.invariant()?;
    emit_cpi!(CommunityCreated {
        community: community_key,
        id: community_id,
        creator: ctx.accounts.creator.key(),
        ledger: ledger_key,
    });
    Ok(())
}
