use ale_math::allocation::{certainty_bucket, serve_cutoff, CERTAINTY_BUCKETS, SERVE_SHARE_BPS};
use ale_math::checked::CheckedMath;
use ale_math::consensus::{
    decide, decide_by_costs, hold_for_established, record_confusion, reputation_after, Decision,
    DecisionRule, Tally, MAX_CLASSES, PROBATION_WINS,
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
    item_states_mut, ledger_entries_mut, recent_slot_hash, Batch, Community, ItemState, ItemStatus,
    Ledger, LedgerEntry, ProtocolConfig, VoteSlot, WeightRule, ITEM_RESCORED, ITEM_RESCORE_TIE,
    MAX_VOTES_PER_ITEM,
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
        let weight_rule = self.community.consensus.weight_rule;
        require!(
            batch.rescore_done || !batch.needs_rescore(weight_rule, batch.settled_rounds)?,
            ProtocolError::RescoreNotFinished
        );
        require!(
            batch.settleable(batch.settled_rounds, Clock::get()?.unix_timestamp)?,
            ProtocolError::RoundNotOver
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(cursor, max_items))]
pub fn settle_round(ctx: Context<SettleRound>, cursor: u32, max_items: u32) -> Result<()> {
    let batch = &ctx.accounts.escrow.batch;
    let consensus = ctx.accounts.community.consensus;
    let reward_per_reputation = ctx.accounts.community.reward_per_reputation;
    let deposit = ctx.accounts.community.vote_deposit;
    let rule = ItemRule {
        decision: batch.decision_rule(&consensus, batch.settled_rounds)?,
        by_costs: consensus.weight_rule == WeightRule::Confusion,
        num_classes: ctx.accounts.community.num_classes,
        bootstrapped: ctx.accounts.community.established_members >= consensus.min_votes as u32,
    };
    let limit = cursor.saturating_add(max_items).min(batch.item_count);
    let mut end = cursor;
    let (mut voted_items, mut votes_credited) = (0u32, 0u32);
    let mut totals = Totals::default();
    let mut open = OpenItems::default();
    let settlement = ItemSettlement {
        pay: batch.worker_pay(),
        per_vote: batch.has_vote_budget(),
        slot: batch.mint_slot as usize,
        deposit,
        reward_per_win: consensus.reward_per_win,
        reward_per_reputation,
        today: ale_math::gamification::unix_day(Clock::get()?.unix_timestamp),
    };
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
                let (decision, certainty) = decide_item(item, &rule, entries)?;
                item.certainty = certainty;
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
            settle_item(item, decision, entries, &settlement, &mut totals)?;
            open.count(item, consensus.min_votes, consensus.max_votes)?;
        }
    }

    let decided = totals.decided as u64;
    let protocol_fees = batch
        .protocol_fee
        .checked_mul(totals.paid_units)
        .and_then(|f| f.checked_add(totals.dust))
        .ok_or(ProtocolError::MathOverflow)?;
    let creator_fees = batch
        .creator_fee
        .safe_mul(totals.paid_units)
        .or_overflow()?;
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

    // Bucket B weighs a community's work by the protocol fees it paid (valued in ALE),
    // and ale-staking never pays a community more than that: work a poster pays to its
    // own workers cannot earn more from bucket B than it cost (THREATS.md, B-1).
    let paid_work = ctx
        .accounts
        .config
        .paid_work_in_ale(&ctx.accounts.escrow.batch.mint, protocol_fees)?;
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
    community.established_members = community
        .established_members
        .safe_add(totals.newly_established)
        .or_overflow()?;

    let round = ctx.accounts.escrow.batch.settled_rounds;
    let escrow = &mut ctx.accounts.escrow;
    let batch = &mut escrow.batch;
    let fees = protocol_fees.safe_add(creator_fees).or_overflow()?;
    batch.credited = batch.credited.safe_add(totals.credited).or_overflow()?;
    batch.fees_paid = batch.fees_paid.safe_add(fees).or_overflow()?;
    batch.items_decided = batch.items_decided.safe_add(totals.decided).or_overflow()?;
    open.add_to(batch)?;
    let round_complete = end == batch.item_count;
    if round_complete {
        let next = round.safe_add(1).or_overflow()?;
        batch.settled_rounds = next;
        batch.settle_cursor = 0;
        batch.round_committed = 0;
        batch.round_revealed = 0;
        batch.round_reserved = 0;
        // The next round's allocation: extra votes once no open item lacks its
        // minimum, to the least certain SERVE_SHARE_BPS of the open items.
        let cutoff = serve_cutoff(&batch.certainty_counts, SERVE_SHARE_BPS).or_overflow()?;
        batch.serve_extras = batch.below_min_open == 0 && cutoff.is_some();
        batch.serve_cutoff = cutoff.unwrap_or(0);
        batch.certainty_counts = [0; CERTAINTY_BUCKETS];
        batch.below_min_open = 0;
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

/// How a community decides an item.
pub struct ItemRule {
    pub decision: DecisionRule,
    /// Weights are confusion costs (`WeightRule::Confusion`), not plain weights.
    pub by_costs: bool,
    pub num_classes: u8,
    /// The community has `min_votes` established members: a decision needs one of them
    /// among its winners.
    pub bootstrapped: bool,
}

/// The open items one settle call leaves, for the next round's allocation: per
/// certainty bucket, and those below the minimum votes.
#[derive(Debug, Default)]
pub struct OpenItems {
    pub by_certainty: [u16; CERTAINTY_BUCKETS],
    pub below_min: u32,
}

impl OpenItems {
    /// Counts `item` if it is still open after its settlement and can take a vote
    /// (below `max_votes`).
    pub fn count(&mut self, item: &ItemState, min_votes: u8, max_votes: u8) -> Result<()> {
        if !item.is_votable() || item.vote_count >= max_votes {
            return Ok(());
        }
        if item.vote_count < min_votes {
            self.below_min = self.below_min.safe_add(1).or_overflow()?;
        } else {
            let bucket = self
                .by_certainty
                .get_mut(item.certainty as usize)
                .ok_or(ProtocolError::InvariantViolated)?;
            *bucket = bucket.safe_add(1).or_overflow()?;
        }
        Ok(())
    }

    /// Adds this call's counts to the round's, kept in the batch.
    pub fn add_to(&self, batch: &mut Batch) -> Result<()> {
        for (total, count) in batch.certainty_counts.iter_mut().zip(self.by_certainty) {
            *total = total.safe_add(count).or_overflow()?;
        }
        batch.below_min_open = batch
            .below_min_open
            .safe_add(self.below_min)
            .or_overflow()?;
        Ok(())
    }
}

/// What settling one item pays and records, the same for every item of a call.
pub struct ItemSettlement {
    /// Worker pay of one decided item, or of each of its votes (`per_vote`), split
    /// among its winners.
    pub pay: u64,
    /// The batch has a vote budget: a decided item pays per revealed vote.
    pub per_vote: bool,
    /// The claimable slot of the batch's mint in each ledger entry.
    pub slot: usize,
    pub deposit: u64,
    pub reward_per_win: u64,
    pub reward_per_reputation: u128,
    pub today: u32,
}

/// What one settle call adds up.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub decided: u32,
    /// Units paid (decided items, or their votes with a vote budget): the fees' count.
    pub paid_units: u64,
    pub unresolved: u32,
    pub votes: u32,
    pub credited: u64,
    pub dust: u64,
    pub reputation_gained: u64,
    /// Vote deposits not returned to anyone: reservations never revealed, split dust.
    pub deposits_forfeited: u64,
    /// Winners whose win made them established (PROBATION_WINS).
    pub newly_established: u32,
}

/// The community's rule applied to an item's revealed votes, held while no winner is
/// established (THREATS.md, S-3), and the votes' certainty bucket (ale-math
/// allocation). Writes nothing.
pub fn decide_item(
    item: &ItemState,
    rule: &ItemRule,
    entries: &[LedgerEntry],
) -> Result<(Decision, u8)> {
    let mut tally = Tally::default();
    for v in &item.votes[..item.vote_count as usize] {
        if rule.by_costs {
            tally
                .add_costs(v.label, v.weight, rule.num_classes)
                .or_overflow()?;
        } else {
            tally.add(v.label, v.weight).or_overflow()?;
        }
    }
    let decision = if rule.by_costs {
        decide_by_costs(&tally, &rule.decision, rule.num_classes).or_overflow()?
    } else {
        decide(&tally, &rule.decision).or_overflow()?
    };
    let certainty = certainty_bucket(&tally, rule.by_costs, rule.num_classes).or_overflow()?;
    // The closing re-score decides a vote budget's last round: its label, if some
    // voter said it.
    let decision = if item.flags & ITEM_RESCORE_TIE != 0 {
        Decision::Unresolved
    } else if item.flags & ITEM_RESCORED != 0 {
        let said = tally.counts[item.label as usize % MAX_CLASSES];
        if said == 0 {
            Decision::Unresolved
        } else {
            Decision::Decided {
                label: item.label,
                share_bps: (said as u32 * 10_000 / tally.votes.max(1) as u32) as u16,
            }
        }
    } else {
        decision
    };
    let Decision::Decided { label, .. } = decision else {
        return Ok((decision, certainty));
    };
    let mut established_winner = false;
    for v in &item.votes[..item.vote_count as usize] {
        let entry = entries
            .get(v.member as usize)
            .ok_or(ProtocolError::InvariantViolated)?;
        established_winner |= v.label == label && entry.tasks_won >= PROBATION_WINS;
    }
    let decision = hold_for_established(
        decision,
        established_winner,
        rule.bootstrapped,
        item.vote_count >= rule.decision.max_votes,
    );
    Ok((decision, certainty))
}

/// Settles one walked item for the round: its unrevealed reservations lapse (deposits
/// forfeited); then, with its `decision` (None: no votes this round), an unresolved
/// item returns its deposits, a decided one rewards and pays its winners pro rata to
/// their new reputation, records every voter's confusion, streak and badges, and splits
/// the losers' deposits. Pure over the item, the ledger entries and the settlement.
pub fn settle_item(
    item: &mut ItemState,
    decision: Option<Decision>,
    entries: &mut [LedgerEntry],
    settlement: &ItemSettlement,
    totals: &mut Totals,
) -> Result<()> {
    if !item.is_votable() {
        return Ok(());
    }
    let deposit = settlement.deposit;
    // Unrevealed reservations lapse with the round, their deposits forfeited.
    let lapsed = item.votes_reserved.saturating_sub(item.vote_count) as u64;
    totals.deposits_forfeited = totals
        .deposits_forfeited
        .safe_add(lapsed.safe_mul(deposit).or_overflow()?)
        .or_overflow()?;
    item.votes_reserved = item.vote_count;
    let Some(decision) = decision else {
        return Ok(());
    };
    match decision {
        Decision::Pending => return Ok(()),
        Decision::Unresolved => item.set_status(ItemStatus::Unresolved),
        Decision::Decided { label, .. } => {
            item.set_status(ItemStatus::Decided);
            item.label = label;
        }
    }
    let votes = &item.votes[..item.vote_count as usize];
    match decision {
        Decision::Pending => {}
        Decision::Unresolved => {
            totals.unresolved += 1;
            return_deposits(votes, entries, deposit)?;
        }
        Decision::Decided { label, .. } => {
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
                    entry.accrue_rewards(settlement.reward_per_reputation)?;
                    entry.tasks_won = entry.tasks_won.saturating_add(1);
                    if entry.tasks_won == PROBATION_WINS {
                        totals.newly_established += 1;
                    }
                    entry.reputation =
                        reputation_after(entry.reputation, true, settlement.reward_per_win)
                            .or_overflow()?;
                    // votes.len() <= MAX_VOTES_PER_ITEM
                    winners[winner_count] = (v.member, entry.reputation);
                    winner_count += 1;
                    winner_weight = winner_weight
                        .safe_add(entry.reputation as u128)
                        .or_overflow()?;
                }
                entry.streak_days =
                    streak_after(entry.last_active_day, entry.streak_days, settlement.today);
                entry.best_streak_days = entry.best_streak_days.max(entry.streak_days);
                entry.last_active_day = settlement.today;
                entry.badges |= badges_earned(entry.tasks_done, entry.tasks_won, entry.streak_days);
            }
            let winners = &winners[..winner_count];
            let units = if settlement.per_vote {
                votes.len() as u64
            } else {
                1
            };
            let pay = settlement.pay.safe_mul(units).or_overflow()?;
            // ale-math's pro-rata share per winner, without a heap allocation.
            let mut paid = 0u64;
            for (member, weight) in winners {
                let share = pro_rata_share(pay, *weight, winner_weight).or_overflow()?;
                let entry = &mut entries[*member as usize];
                entry.claimable[settlement.slot] = entry.claimable[settlement.slot]
                    .safe_add(share)
                    .or_overflow()?;
                paid = paid.safe_add(share).or_overflow()?;
            }
            totals.credited = totals.credited.safe_add(paid).or_overflow()?;
            let dust = pay.safe_sub(paid).or_overflow()?;
            totals.paid_units = totals.paid_units.safe_add(units).or_overflow()?;
            totals.dust = totals.dust.safe_add(dust).or_overflow()?;
            let unsplit = settle_deposits(votes, label, entries, deposit)?;
            totals.deposits_forfeited =
                totals.deposits_forfeited.safe_add(unsplit).or_overflow()?;
            totals.reputation_gained = totals
                .reputation_gained
                .safe_add(
                    settlement
                        .reward_per_win
                        .safe_mul(winners.len() as u64)
                        .or_overflow()?,
                )
                .or_overflow()?;
            totals.decided += 1;
            totals.votes += votes.len() as u32;
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    const DEPOSIT: u64 = 10;

    /// Three voters with reputation 10, 20 and 30 label an item 1, 1 and 0; four
    /// reservations were taken, so one lapsed unrevealed.
    fn voted_item() -> (ItemState, Vec<LedgerEntry>) {
        let mut item = ItemState::default();
        item.set_status(ItemStatus::Started);
        for (index, label) in [1u8, 1, 0].into_iter().enumerate() {
            item.votes[index] = VoteSlot {
                weight: 1,
                member: index as u32,
                label,
                deposited: 1,
                padding: [0; 2],
            };
        }
        item.vote_count = 3;
        item.votes_reserved = 4;
        let entries = [10, 20, 30]
            .map(|reputation| LedgerEntry {
                reputation,
                ..Default::default()
            })
            .to_vec();
        (item, entries)
    }

    fn rule() -> ItemRule {
        ItemRule {
            decision: DecisionRule {
                min_votes: 3,
                max_votes: 3,
                threshold_bps: 6_000,
                early_stop_margin_bps: 0,
            },
            by_costs: false,
            num_classes: 2,
            bootstrapped: false,
        }
    }

    fn settlement() -> ItemSettlement {
        ItemSettlement {
            pay: 100,
            per_vote: false,
            slot: 0,
            deposit: DEPOSIT,
            reward_per_win: 5,
            reward_per_reputation: 0,
            today: 20_000,
        }
    }

    #[test]
    fn a_decided_item_rewards_and_pays_its_winners_pro_rata_to_their_new_reputation() {
        let (mut item, mut entries) = voted_item();
        let (decision, _) = decide_item(&item, &rule(), &entries).unwrap();
        assert!(matches!(decision, Decision::Decided { label: 1, .. }));
        let mut totals = Totals::default();
        settle_item(
            &mut item,
            Some(decision),
            &mut entries,
            &settlement(),
            &mut totals,
        )
        .unwrap();

        assert_eq!(item.status(), Some(ItemStatus::Decided));
        assert_eq!((item.label, item.votes_reserved), (1, 3));
        // Winners: 10 + 5 and 20 + 5 reputation share 100 as 15 : 25.
        let reputation: Vec<u64> = entries.iter().map(|e| e.reputation).collect();
        assert_eq!(reputation, [15, 25, 30]);
        let paid: Vec<u64> = entries.iter().map(|e| e.claimable[0]).collect();
        assert_eq!(paid, [37, 62, 0]);
        // Each winner gets its deposit back and half the loser's.
        let deposits: Vec<u64> = entries.iter().map(|e| e.deposit_claimable).collect();
        assert_eq!(deposits, [15, 15, 0]);
        assert!(entries
            .iter()
            .all(|e| e.tasks_done == 1 && e.last_active_day == 20_000));
        assert_eq!(
            totals,
            Totals {
                decided: 1,
                paid_units: 1,
                votes: 3,
                credited: 99,
                dust: 1,
                reputation_gained: 10,
                deposits_forfeited: DEPOSIT,
                ..Default::default()
            }
        );
    }

    #[test]
    fn with_a_vote_budget_a_decided_item_pays_per_vote_it_holds() {
        let (mut item, mut entries) = voted_item();
        let (decision, certainty) = decide_item(&item, &rule(), &entries).unwrap();
        // 2:1 of weight 1 each: a margin of a third, bucket 10.
        assert_eq!(certainty, 10);
        let mut totals = Totals::default();
        let per_vote = ItemSettlement {
            per_vote: true,
            ..settlement()
        };
        settle_item(
            &mut item,
            Some(decision),
            &mut entries,
            &per_vote,
            &mut totals,
        )
        .unwrap();
        // Three votes of 100: 300 shared 15 : 25 by the winners.
        let paid: Vec<u64> = entries.iter().map(|e| e.claimable[0]).collect();
        assert_eq!(paid, [112, 187, 0]);
        assert_eq!(
            (totals.paid_units, totals.credited, totals.dust),
            (3, 299, 1)
        );
    }

    #[test]
    fn the_open_items_are_counted_by_certainty_and_below_the_minimum() {
        let mut open = OpenItems::default();
        let (mut item, _) = voted_item();
        item.certainty = 7;
        open.count(&item, 3, 5).unwrap();
        open.count(&item, 4, 5).unwrap();
        // At its cap it takes no more votes; decided, none at all.
        open.count(&item, 3, 3).unwrap();
        item.set_status(ItemStatus::Decided);
        open.count(&item, 3, 5).unwrap();
        assert_eq!((open.by_certainty[7], open.below_min), (1, 1));
    }

    #[test]
    fn a_pending_item_only_lapses_its_unrevealed_reservations() {
        let (mut item, mut entries) = voted_item();
        let mut totals = Totals::default();
        settle_item(
            &mut item,
            Some(Decision::Pending),
            &mut entries,
            &settlement(),
            &mut totals,
        )
        .unwrap();
        assert_eq!(item.status(), Some(ItemStatus::Started));
        assert_eq!(item.votes_reserved, 3);
        assert!(entries
            .iter()
            .all(|e| e.tasks_done == 0 && e.claimable[0] == 0));
        assert_eq!(
            totals,
            Totals {
                deposits_forfeited: DEPOSIT,
                ..Default::default()
            }
        );
    }

    #[test]
    fn an_unresolved_item_returns_every_revealed_deposit_and_a_finished_one_is_left_alone() {
        let (mut item, mut entries) = voted_item();
        let mut totals = Totals::default();
        settle_item(
            &mut item,
            Some(Decision::Unresolved),
            &mut entries,
            &settlement(),
            &mut totals,
        )
        .unwrap();
        assert_eq!(item.status(), Some(ItemStatus::Unresolved));
        assert!(entries.iter().all(|e| e.deposit_claimable == DEPOSIT));
        assert_eq!(totals.unresolved, 1);

        let before = totals.deposits_forfeited;
        settle_item(&mut item, None, &mut entries, &settlement(), &mut totals).unwrap();
        assert_eq!(
            totals.deposits_forfeited, before,
            "an unresolved item is not votable"
        );
    }
}
