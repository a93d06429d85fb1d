use ale_math::allocation::CERTAINTY_BUCKETS;
use ale_math::checked::mul_div_floor;
use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};

use crate::constants::{BPS_DENOMINATOR, MAX_BATCH_ITEMS, NEVER_STOP_EARLY_BPS};
use crate::error::{OrMathOverflow, ProtocolError};
use crate::events::BatchPosted;
use crate::mint_policy::check_payment_mint;
use crate::seeds;
use crate::state::{Batch, Community, ItemTable, ProtocolConfig, RequesterRecord};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct PostBatchParams {
    /// The community's next batch id.
    pub batch_id: u64,
    pub item_count: u32,
    /// Merkle root of the items' content hashes or URIs (content stays off chain).
    pub items_root: [u8; 32],
    /// Per decided item; per vote of a decided item with a vote budget.
    pub price: u64,
    pub deadline: i64,
    /// Merkle root of the gold items' committed answers (zero when there are none).
    pub gold_root: [u8; 32],
    pub gold_count: u32,
    /// Votes bought for the whole batch (0: priced per item): from item_count x the
    /// community's min_votes to item_count x its max_votes. Escrowed at `price` each.
    pub vote_budget: u32,
    /// When an item stops early, in bps: 0 at the community's early stop, 5001..=9999 at
    /// that confidence, NEVER_STOP_EARLY_BPS never.
    pub target_confidence_bps: u16,
}

/// What a batch is priced in: its items, or the votes of its budget when it has one.
pub fn priced_units(item_count: u32, vote_budget: u32) -> u32 {
    if vote_budget > 0 {
        vote_budget
    } else {
        item_count
    }
}

impl PostBatchParams {
    /// What the poster escrows: the price of every item, or of every vote bought.
    pub fn escrow_total(&self) -> Result<u64> {
        let units = priced_units(self.item_count, self.vote_budget);
        self.price.safe_mul(units as u64).or_overflow()
    }
}

/// A client company posts a batch and funds its escrow in one instruction, in ALE or
/// any SPL mint (Token or Token-2022): priced per item, or per vote with a vote budget
/// and a target confidence. Fees are fixed per unit up front and leave the escrow only
/// for decided items; everything else returns to the poster.
#[event_cpi]
#[derive(Accounts)]
#[instruction(params: PostBatchParams)]
pub struct PostBatch<'info> {
    #[account(mut)]
    pub poster: Signer<'info>,
    #[account(seeds = [seeds::PROTOCOL_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, ProtocolConfig>>,
    #[account(
        mut,
        seeds = [seeds::COMMUNITY, community.id.to_le_bytes().as_ref()],
        bump = community.bump
    )]
    pub community: Box<Account<'info, Community>>,
    #[account(
        init,
        payer = poster,
        space = 8 + Batch::INIT_SPACE,
        seeds = [seeds::BATCH, community.key().as_ref(), params.batch_id.to_le_bytes().as_ref()],
        bump
    )]
    pub batch: Box<Account<'info, Batch>>,
    /// Created by the client with `ItemTable::space(item_count)` bytes, owned by this
    /// program and still zeroed.
    #[account(zero)]
    pub item_table: AccountLoader<'info, ItemTable>,
    #[account(mint::token_program = token_program)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init,
        payer = poster,
        seeds = [seeds::BATCH_VAULT, batch.key().as_ref()],
        bump,
        token::mint = mint,
        token::authority = batch,
        token::token_program = token_program
    )]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut)]
    pub poster_token: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The community's pool of claimable pay in this mint (created by its first batch).
    #[account(
        init_if_needed,
        payer = poster,
        seeds = [seeds::COMMUNITY_VAULT, community.key().as_ref(), mint.key().as_ref()],
        bump,
        token::mint = mint,
        token::authority = community,
        token::token_program = token_program
    )]
    pub community_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        init_if_needed,
        payer = poster,
        space = 8 + RequesterRecord::INIT_SPACE,
        seeds = [seeds::REQUESTER, poster.key().as_ref()],
        bump
    )]
    pub requester: Box<Account<'info, RequesterRecord>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

/// Fees per unit (item or vote): floor(price x bps / 10,000) each.
fn fees_per_unit(price: u64, protocol_bps: u16, creator_bps: u16) -> Result<(u64, u64)> {
    Ok((
        mul_div_floor(price, protocol_bps as u64, BPS_DENOMINATOR).or_overflow()?,
        mul_div_floor(price, creator_bps as u64, BPS_DENOMINATOR).or_overflow()?,
    ))
}

impl PostBatch<'_> {
    pub fn validate(&self, params: &PostBatchParams) -> Result<()> {
        require!(
            params.batch_id == self.community.batch_count,
            ProtocolError::BatchIdMismatch
        );
        require!(params.item_count > 0, ProtocolError::ZeroItems);
        require!(
            params.item_count <= MAX_BATCH_ITEMS,
            ProtocolError::TooManyItems
        );
        require!(
            self.item_table.to_account_info().data_len() == ItemTable::space(params.item_count),
            ProtocolError::WrongItemTableSize
        );
        require!(params.price > 0, ProtocolError::ZeroPrice);
        if params.vote_budget > 0 {
            let consensus = &self.community.consensus;
            let items = params.item_count as u64;
            require!(
                (items.safe_mul(consensus.min_votes as u64).or_overflow()?
                    ..=items.safe_mul(consensus.max_votes as u64).or_overflow()?)
                    .contains(&(params.vote_budget as u64)),
                ProtocolError::VoteBudgetOutOfRange
            );
        }
        require!(
            matches!(
                params.target_confidence_bps,
                0 | 5_001..=NEVER_STOP_EARLY_BPS
            ),
            ProtocolError::InvalidTargetConfidence
        );
        check_payment_mint(&self.mint.to_account_info(), &self.mint, &self.config)?;
        let total = params.escrow_total()?;
        let windows = self.community.commit_window_seconds as i64
            + self.community.reveal_window_seconds as i64;
        let now = Clock::get()?.unix_timestamp;
        require!(
            params.deadline >= now.safe_add(windows).or_overflow()?,
            ProtocolError::DeadlineTooSoon
        );
        require!(
            params.gold_count <= params.item_count,
            ProtocolError::InvalidGoldItems
        );
        require_keys_eq!(
            self.poster_token.mint,
            self.mint.key(),
            ProtocolError::WrongMint
        );
        require_keys_eq!(
            self.poster_token.owner,
            self.poster.key(),
            ProtocolError::WrongTokenOwner
        );
        require!(
            self.poster_token.amount >= total,
            ProtocolError::InsufficientFunds
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(&params))]
pub fn post_batch(ctx: Context<PostBatch>, params: PostBatchParams) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let (protocol_fee, creator_fee) = fees_per_unit(
        params.price,
        ctx.accounts.config.protocol_fee_bps,
        ctx.accounts.community.creator_fee_bps,
    )?;
    let total = params.escrow_total()?;
    let mint = ctx.accounts.mint.key();
    let vetted = ctx.accounts.config.is_vetted(&mint);
    let mint_slot = ctx.accounts.community.mint_slot(mint, vetted)?;

    token_interface::transfer_checked(
        CpiContext::new(
            ctx.accounts.token_program.key(),
            TransferChecked {
                from: ctx.accounts.poster_token.to_account_info(),
                mint: ctx.accounts.mint.to_account_info(),
                to: ctx.accounts.vault.to_account_info(),
                authority: ctx.accounts.poster.to_account_info(),
            },
        ),
        total,
        ctx.accounts.mint.decimals,
    )?;
    ctx.accounts.vault.reload()?;
    // A mint that takes a transfer fee would leave the escrow short of what it owes.
    require!(
        ctx.accounts.vault.amount == total,
        ProtocolError::UnsupportedMint
    );

    let batch_key = ctx.accounts.batch.key();
    {
        let mut table = ctx.accounts.item_table.load_init()?;
        table.batch = batch_key;
        table.count = params.item_count;
    }
    ctx.accounts.batch.set_inner(Batch {
        community: ctx.accounts.community.key(),
        id: params.batch_id,
        poster: ctx.accounts.poster.key(),
        mint: ctx.accounts.mint.key(),
        mint_slot,
        token_program: ctx.accounts.token_program.key(),
        vault: ctx.accounts.vault.key(),
        refund_account: ctx.accounts.poster_token.key(),
        item_table: ctx.accounts.item_table.key(),
        items_root: params.items_root,
        item_count: params.item_count,
        price: params.price,
        protocol_fee,
        creator_fee,
        created_at: now,
        deadline: params.deadline,
        gold_root: params.gold_root,
        gold_count: params.gold_count,
        gold_revealed: 0,
        bump: ctx.bumps.batch,
        vault_bump: ctx.bumps.vault,
        items_cancelled: 0,
        items_refunded: 0,
        items_decided: 0,
        refund_cursor: 0,
        community_vault: ctx.accounts.community_vault.key(),
        commit_seconds: ctx.accounts.community.commit_window_seconds,
        reveal_seconds: ctx.accounts.community.reveal_window_seconds,
        settled_rounds: 0,
        settle_cursor: 0,
        deposited: total,
        credited: 0,
        fees_paid: 0,
        refunded: 0,
        round_seed: [0; 32],
        round_seed_for: 0,
        round_committed: 0,
        round_revealed: 0,
        open_tickets: 0,
        vote_budget: params.vote_budget,
        votes_cast: 0,
        round_reserved: 0,
        target_confidence_bps: params.target_confidence_bps,
        serve_extras: false,
        serve_cutoff: 0,
        certainty_counts: [0; CERTAINTY_BUCKETS],
        below_min_open: 0,
        rescore: Pubkey::default(),
        rescore_done: false,
        reserved: [0; 16],
    });
    let community = &mut ctx.accounts.community;
    community.batch_count = community.batch_count.safe_add(1).or_overflow()?;

    let requester = &mut ctx.accounts.requester;
    if requester.poster == Pubkey::default() {
        requester.poster = ctx.accounts.poster.key();
        requester.bump = ctx.bumps.requester;
    }
    requester.batches_funded = requester.batches_funded.safe_add(1).or_overflow()?;
    requester.items_posted = requester
        .items_posted
        .safe_add(params.item_count as u64)
        .or_overflow()?;

    ctx.accounts.batch.invariant(ctx.accounts.vault.amount)?;
    community.invariant()?;
    let batch = &ctx.accounts.batch;
    emit_cpi!(BatchPosted {
        batch: batch_key,
        community: batch.community,
        poster: batch.poster,
        mint: batch.mint,
        item_count: batch.item_count,
        price: batch.price,
        protocol_fee,
        creator_fee,
        worker_pay: batch.worker_pay(),
        deposited: total,
        deadline: batch.deadline,
        vote_budget: batch.vote_budget,
        target_confidence_bps: batch.target_confidence_bps,
    });
    Ok(())
}
