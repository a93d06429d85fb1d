use ale_math::checked::CheckedMath;
use ale_math::consensus::{
    decide, decide_by_costs, record_confusion, reputation_after, Decision, DecisionRule, Tally,
};
use ale_math::gamification::{badges_earned, streak_after};
use ale_math::split::pro_rata_share;
use ale_staking::program::AleStaking;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenAccount;
use solana_sdk_ids::sysvar::slot_hashes;

use crate::constants::{MAX_ITEMS_PER_SETTLE, MAX_VOTED_ITEMS_PER_SETTLE, MAX_VOTES_PER_SETTLE};
use crate::error::{OrMathOverflow, ProtocolError};
use crate::escrow::*;
use crate::events::RoundSettled;
use crate::seeds;
use crate::state::{
    item_states_mut, ledger_entries_mut, recent_slot_hash, Community, Ledger, LedgerEntry,
    ProtocolConfig, VoteSlot, WeightRule, ITEM_DECIDED, ITEM_UNRESOLVED, MAX_VOTES_PER_ITEM,
};

/// Permissionless once a round's reveal window has closed (or, after its commit window,
/// once every committed ticket of the round is revealed): from the batch's cursor,
/// walks up to `max_items` items (at most MAX_ITEMS_PER_SETTLE), stopping before an item
/// whose votes would take the call past MAX_VOTES_PER_SETTLE votes or
/// MAX_VOTED_ITEMS_PER_SETTLE items with votes; decides them with the community's rule (ale-math), gives
/// winners the reputation reward, splits each decided item's pay among its winners pro
/// rata to their new reputation (dust to the treasury), credits it to their ledger
/// entries, and moves pay and fees out of escrow. The caller names the cursor it
/// expects, so a repeated call is refused, never applied twice; items are walked in
/// index order, so the result does not depend on how the work is chunked.
#[event_cpi]
#[derive(Accounts)]
pub struct SettleRound<'info> {
    pub escrow: BatchEscrow<'info>,
    #[account(seeds = [seeds::PROTOCOL_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, ProtocolConfig>>,
    #[account(
        mut,
        seeds = [seeds::COMMUNITY, community.id.to_le_bytes().as_ref()],
        bump = community.bump,
        constraint = community.key() == escrow.batch.community @ ProtocolError::WrongLedger
    )]
    pub community: Box<Account<'info, Community>>,
    #[account(mut, address = community.ledger @ ProtocolError::WrongLedger)]
    pub ledger: AccountLoader<'info, Ledger>,
    #[account(mut, address = escrow.batch.community_vault @ ProtocolError::WrongVault)]
    pub community_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        constraint = treasury_token.owner == config.treasury
            && treasury_token.mint == escrow.batch.mint @ ProtocolError::WrongFeeAccount
    )]
    pub treasury_token: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        constraint = creator_token.owner == community.creator
            && creator_token.mint == escrow.batch.mint @ ProtocolError::WrongFeeAccount
    )]
    pub creator_token: Box<InterfaceAccount<'info, TokenAccount>>,
    /// ale-staking's accounts for the paid-work report (checked by ale-staking).
    pub staking: PaidWorkReport<'info>,
    /// CHECK: the SlotHashes sysvar, checked by address and read raw: the call that
    /// completes a round draws the next round's sortition seed from it.
    #[account(address = slot_hashes::ID @ ProtocolError::WrongSlotHashes)]
    pub slot_hashes: UncheckedAccount<'info>,
}

/// What reporting paid work to ale-staking needs.
#[derive(Accounts)]
pub struct PaidWorkReport<'info> {
    /// CHECK: ale-protocol's reporter PDA, checked by its seeds; signs the CPI.
    #[account(seeds = [seeds::PROTOCOL_REPORTER], bump)]
    pub reporter: UncheckedAccount<'info>,
    /// CHECK: ale-staking's config, checked by ale-staking.
    pub staking_config: UncheckedAccount<'info>,
    /// CHECK: ale-staking's reward pot, checked by ale-staking.
    #[account(mut)]
    pub reward_pot: UncheckedAccount<'info>,
    /// CHECK: the community's paid-work record in ale-staking, checked by its seeds there.
    #[account(mut)]
    pub community_work: UncheckedAccount<'info>,
    /// CHECK: ale-staking's event authority, checked by ale-staking.
    pub staking_event_authority: UncheckedAccount<'info>,
    pub staking_program: Program<'info, AleStaking>,
}

impl<'info> PaidWorkReport<'info> {
    /// Reports `amount` ALE of paid work for `community` in the current epoch.
    pub fn report(&self, reporter_bump: u8, community: Pubkey, amount: u64) -> Result<()> {
        if amount == 0 {
            return Ok(());
        }
        let bump = [reporter_bump];
        let signer: &[&[&[u8]]] = &[&[seeds::PROTOCOL_REPORTER, &bump]];
        ale_staking::cpi::report_paid_work(
            CpiContext::new_with_signer(
                self.staking_program.key(),
                ale_staking::cpi::accounts::ReportPaidWork {
                    config: self.staking_config.to_account_info(),
                    reporter: self.reporter.to_account_info(),
                    reward_pot: self.reward_pot.to_account_info(),
                    community_work: self.community_work.to_account_info(),
                    event_authority: self.staking_event_authority.to_account_info(),
                    program: self.staking_program.to_account_info(),
                },
                signer,
            ),
            community,
            amount,
        )
    }
}

impl SettleRound<'_> {
    pub fn validate(&self, cursor: u32, max_items: u32) -> Result<()> {
        let batch = &self.escrow.batch;
        require!(
            (1..=MAX_ITEMS_PER_SETTLE).contains(&max_items),
            ProtocolError::TooManyItemsPerCall
        );
        require!(cursor == batch.settle_cursor, ProtocolError::StaleCursor);
        require!(
            batch.settleable(batch.settled_rounds, Clock::get()?.unix_timestamp)?,
            ProtocolError::RoundNotOver
        );
        Ok(())
    }
}

/// What one settle call adds up.
#[derive(Default)]
struct Totals {
    decided: u32,
    unresolved: u32,
    votes: u32,
    credited: u64,
    dust: u64,
    reputation_gained: u64,
    /// Vote deposits not returned to anyone: reservations never revealed, split dust.
    deposits_forfeited: u64,
}

#[access_control(ctx.accounts.validate(cursor, max_items))]
pub fn settle_round(ctx: Context<SettleRound>, cursor: u32, max_items: u32) -> Result<()> {
    let batch = &ctx.accounts.escrow.batch;
    let consensus = ctx.accounts.community.consensus;
    let reward_per_reputation = ctx.accounts.community.reward_per_reputation;
    let deposit = ctx.accounts.community.vote_deposit;
    let rule = DecisionRule {
        min_votes: consensus.min_votes,
        max_votes: consensus.max_votes,
        threshold_bps: consensus.threshold_bps,
        early_stop_margin_bps: consensus.early_stop_margin_bps,
    };
    let by_costs = consensus.weight_rule == WeightRule::Confusion;
    let num_classes = ctx.accounts.community.num_classes;
    let pay = batch.worker_pay_per_item();
    let slot = batch.mint_slot as usize;
    let limit = cursor.saturating_add(max_items).min(batch.item_count);
    let mut end = cursor;
    let (mut voted_items, mut votes_credited) = (0u32, 0u32);
    let mut totals = Totals::default();
    let today = ale_math::gamification::unix_day(Clock::get()?.unix_timestamp);
    {
        let ledger_info = ctx.accounts.ledger.to_account_info();
        let mut ledger_data = ledger_info.try_borrow_mut_data()?;
        let entries = ledger_entries_mut(&mut ledger_data)?;
        let items_info = ctx.accounts.escrow.item_table.to_account_info();
        let mut items_data = items_info.try_borrow_mut_data()?;
        let items = item_states_mut(&mut items_data)?;
        while end < limit {
            let item = items
                .get_mut(end as usize)
                .ok_or(ProtocolError::InvariantViolated)?;
            // The decision comes first (it writes nothing), so the call can stop before
            // an item it has no room to credit and leave it to the next call.
            let decision = if item.is_votable() && item.vote_count > 0 {
                if voted_items == MAX_VOTED_ITEMS_PER_SETTLE {
                    break;
                }
                let mut tally = Tally::default();
                for v in &item.votes[..item.vote_count as usize] {
                    if by_costs {
                        tally
                            .add_costs(v.label, v.weight, num_classes)
                            .or_overflow()?;
                    } else {
                        tally.add(v.label, v.weight).or_overflow()?;
                    }
                }
                let decision = if by_costs {
                    decide_by_costs(&tally, &rule, num_classes).or_overflow()?
                } else {
                    decide(&tally, &rule).or_overflow()?
                };
                if let Decision::Decided { .. } = decision {
                    let with_item = votes_credited
                        .safe_add(item.vote_count as u32)
                        .or_overflow()?;
                    if with_item > MAX_VOTES_PER_SETTLE {
                        break;
                    }
                    votes_credited = with_item;
                }
                voted_items = voted_items.safe_add(1).or_overflow()?;
                Some(decision)
            } else {
                None
            };
            end = end.safe_add(1).or_overflow()?;
            if !item.is_votable() {
                continue;
            }
            // Unrevealed reservations lapse with the round, their deposits forfeited.
            let lapsed = item.reserved.saturating_sub(item.vote_count) as u64;
            totals.deposits_forfeited = totals
                .deposits_forfeited
                .safe_add(lapsed.safe_mul(deposit).or_overflow()?)
                .or_overflow()?;
            item.reserved = item.vote_count;
            let Some(decision) = decision else {
                continue;
            };
            let votes = &item.votes[..item.vote_count as usize];
            match decision {
                Decision::Pending => {}
                Decision::Unresolved => {
                    item.status = ITEM_UNRESOLVED;
                    totals.unresolved += 1;
                    return_deposits(votes, entries, deposit)?;
                }
                Decision::Decided { label, .. } => {
                    item.status = ITEM_DECIDED;
                    item.label = label;
                    let mut winners = [(0u32, 0u64); MAX_VOTES_PER_ITEM];
                    let mut winner_count = 0usize;
                    let mut winner_weight = 0u128;
                    for v in votes {
                        let entry = entries
                            .get_mut(v.member as usize)
                            .ok_or(ProtocolError::InvariantViolated)?;
                        let won = v.label == label;
                        record_confusion(&mut entry.confusion, label, v.label);
                        entry.tasks_done = entry.tasks_done.saturating_add(1);
                        if won {
                            // Bucket-B rewards so far were earned on the old reputation.
                            entry.accrue_rewards(reward_per_reputation)?;
                            entry.tasks_won = entry.tasks_won.saturating_add(1);
                            entry.reputation =
                                reputation_after(entry.reputation, true, consensus.reward_per_win)
                                    .or_overflow()?;
                            // votes.len() <= MAX_VOTES_PER_ITEM
                            winners[winner_count] = (v.member, entry.reputation);
                            winner_count += 1;
                            winner_weight = winner_weight
                                .safe_add(entry.reputation as u128)
                                .or_overflow()?;
                        }
                        entry.streak_days =
                            streak_after(entry.last_active_day, entry.streak_days, today);
                        entry.best_streak_days = entry.best_streak_days.max(entry.streak_days);
                        entry.last_active_day = today;
                        entry.badges |=
                            badges_earned(entry.tasks_done, entry.tasks_won, entry.streak_days);
                    }
                    let winners = &winners[..winner_count];
                    // ale-math's pro-rata share per winner, without a heap allocation.
                    let mut paid = 0u64;
                    for (member, weight) in winners {
                        let share = pro_rata_share(pay, *weight, winner_weight).or_overflow()?;
                        let entry = &mut entries[*member as usize];
                        entry.claimable[slot] =
                            entry.claimable[slot].safe_add(share).or_overflow()?;
                        paid = paid.safe_add(share).or_overflow()?;
                    }
                    totals.credited = totals.credited.safe_add(paid).or_overflow()?;
                    let dust = pay.safe_sub(paid).or_overflow()?;
                    totals.dust = totals.dust.safe_add(dust).or_overflow()?;
                    let unsplit = settle_deposits(votes, label, entries, deposit)?;
                    totals.deposits_forfeited =
                        totals.deposits_forfeited.safe_add(unsplit).or_overflow()?;
                    totals.reputation_gained = totals
                        .reputation_gained
                        .safe_add(
                            consensus
                                .reward_per_win
                                .safe_mul(winners.len() as u64)
                                .or_overflow()?,
                        )
                        .or_overflow()?;
                    totals.decided += 1;
                    totals.votes += votes.len() as u32;
                }
            }
        }
    }

    let decided = totals.decided as u64;
    let protocol_fees = batch
        .protocol_fee_per_item
        .checked_mul(decided)
        .and_then(|f| f.checked_add(totals.dust))
        .ok_or(ProtocolError::MathOverflow)?;
    let creator_fees = batch.creator_fee_per_item.safe_mul(decided).or_overflow()?;
    let escrow = &ctx.accounts.escrow;
    escrow.pay(
        &ctx.accounts.community_vault.to_account_info(),
        totals.credited,
    )?;
    escrow.pay(
        &ctx.accounts.treasury_token.to_account_info(),
        protocol_fees,
    )?;
    escrow.pay(&ctx.accounts.creator_token.to_account_info(), creator_fees)?;

    // Paid work (worker pay credited, valued in ALE) counts toward bucket B.
    let paid_work = ctx
        .accounts
        .config
        .paid_work_in_ale(&ctx.accounts.escrow.batch.mint, totals.credited)?;
    ctx.accounts.staking.report(
        ctx.accounts.config.reporter_bump,
        ctx.accounts.community.key(),
        paid_work,
    )?;
    let community = &mut ctx.accounts.community;
    community.rewards_forfeited = community
        .rewards_forfeited
        .safe_add(totals.deposits_forfeited)
        .or_overflow()?;
    community.total_reputation = community
        .total_reputation
        .safe_add(totals.reputation_gained)
        .or_overflow()?;

    let round = ctx.accounts.escrow.batch.settled_rounds;
    let escrow = &mut ctx.accounts.escrow;
    let batch = &mut escrow.batch;
    let fees = protocol_fees.safe_add(creator_fees).or_overflow()?;
    batch.credited = batch.credited.safe_add(totals.credited).or_overflow()?;
    batch.fees_paid = batch.fees_paid.safe_add(fees).or_overflow()?;
    batch.items_decided = batch.items_decided.safe_add(totals.decided).or_overflow()?;
    let round_complete = end == batch.item_count;
    if round_complete {
        let next = round.safe_add(1).or_overflow()?;
        batch.settled_rounds = next;
        batch.settle_cursor = 0;
        batch.round_committed = 0;
        batch.round_revealed = 0;
        // The next round's seed, known from now on: its workers compute their
        // assignments and take and commit in one transaction.
        let recent_hash = recent_slot_hash(&ctx.accounts.slot_hashes.to_account_info())?;
        let address = batch.key();
        batch.draw_seed(&address, next, &recent_hash)?;
    } else {
        batch.settle_cursor = end;
    }
    escrow.requester.items_decided = escrow
        .requester
        .items_decided
        .safe_add(decided)
        .or_overflow()?;
    escrow.invariant()?;

    emit_cpi!(RoundSettled {
        batch: ctx.accounts.escrow.batch.key(),
        round,
        cursor,
        items: end - cursor,
        decided: totals.decided,
        unresolved: totals.unresolved,
        votes_credited: totals.votes,
        credited: totals.credited,
        fees,
        round_complete,
    });
    Ok(())
}

/// Gives every deposited voter its vote deposit back.
pub fn return_deposits(
    votes: &[VoteSlot],
    entries: &mut [LedgerEntry],
    deposit: u64,
) -> Result<()> {
    for v in votes.iter().filter(|v| v.deposited != 0) {
        let entry = entries
            .get_mut(v.member as usize)
            .ok_or(ProtocolError::InvariantViolated)?;
        entry.deposit_claimable = entry.deposit_claimable.safe_add(deposit).or_overflow()?;
    }
    Ok(())
}

/// Losers forfeit their deposits to the winners: each deposited winner gets its own
/// back plus an equal share of the losers'. Returns what could not be split (dust, or
/// everything when no winner had deposited).
fn settle_deposits(
    votes: &[VoteSlot],
    label: u8,
    entries: &mut [LedgerEntry],
    deposit: u64,
) -> Result<u64> {
    if deposit == 0 {
        return Ok(0);
    }
    let deposited = || votes.iter().filter(|v| v.deposited != 0);
    let winners = deposited().filter(|v| v.label == label).count() as u64;
    let losers = deposited().filter(|v| v.label != label).count() as u64;
    let pot = losers.safe_mul(deposit).or_overflow()?;
    if winners == 0 {
        return Ok(pot);
    }
    let share = pot / winners;
    for v in deposited().filter(|v| v.label == label) {
        let entry = entries
            .get_mut(v.member as usize)
            .ok_or(ProtocolError::InvariantViolated)?;
        entry.deposit_claimable = entry
            .deposit_claimable
            .checked_add(deposit)
            .and_then(|c| c.checked_add(share))
            .ok_or(ProtocolError::MathOverflow)?;
    }
    Ok(pot - share * winners)
}
