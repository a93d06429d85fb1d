use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;

use crate::constants::{MAX_ITEMS_PER_REFUND_CALL, MAX_VOTES_PER_REFUND_CALL};
use crate::error::{OrMathOverflow, ProtocolError};
use crate::escrow::*;
use crate::events::ItemsRefunded;
use crate::instructions::keeper::settle_round::return_deposits;
use crate::seeds;
use crate::state::{item_states_mut, ledger_entries_mut, Community, ItemStatus, Ledger};

/// Permissionless after the deadline: walks up to `max_items` items from the batch's
/// refund cursor, stopping before an item whose revealed votes would take the call past
/// MAX_VOTES_PER_REFUND_CALL deposits returned, and returns the price of every undecided
/// one to a token account of the poster's (the only destination it can pay). Resumable; the
/// end state does not depend on how the work is chunked.
#[event_cpi]
#[derive(Accounts)]
pub struct RefundExpired<'info> {
    pub escrow: BatchEscrow<'info>,
    pub refund_to: RefundTo<'info>,
    /// The community and its ledger: refunded items return their vote deposits.
    #[account(
        mut,
        seeds = [seeds::COMMUNITY, community.id.to_le_bytes().as_ref()],
        bump = community.bump,
        constraint = community.key() == escrow.batch.community @ ProtocolError::WrongLedger
    )]
    pub community: Box<Account<'info, Community>>,
    #[account(mut, address = community.ledger @ ProtocolError::WrongLedger)]
    pub ledger: AccountLoader<'info, Ledger>,
}

impl RefundExpired<'_> {
    pub fn validate(&self, max_items: u32) -> Result<()> {
        self.refund_to.validate(&self.escrow.batch)?;
        let now = Clock::get()?.unix_timestamp;
        require!(
            now >= self.escrow.batch.deadline,
            ProtocolError::DeadlineNotReached
        );
        // Votes committed in the open round are revealed and settled first: a refund
        // must not cut off a reveal window that runs past the deadline, nor let the
        // poster refund items the round is about to decide (THREATS.md, P-6). Keepers
        // get one more round's time to settle; after that refunds open anyway, so
        // escrow never waits on a settlement nobody sends.
        let batch = &self.escrow.batch;
        let settle_grace_end = batch.reveal_end(batch.settled_rounds.safe_add(1).or_overflow()?)?;
        require!(
            batch.round_committed == 0 || now >= settle_grace_end,
            ProtocolError::RefundWaitsForSettlement
        );
        require!(
            (1..=MAX_ITEMS_PER_REFUND_CALL).contains(&max_items),
            ProtocolError::TooManyItemsPerCall
        );
        require!(
            self.escrow.batch.refund_cursor < self.escrow.batch.item_count,
            ProtocolError::NothingToRefund
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(max_items))]
pub fn refund_expired(ctx: Context<RefundExpired>, max_items: u32) -> Result<()> {
    let start = ctx.accounts.escrow.batch.refund_cursor;
    let limit = start
        .saturating_add(max_items)
        .min(ctx.accounts.escrow.batch.item_count);
    let mut end = start;
    let mut votes_returned = 0u32;
    let mut refunded_items = 0u32;
    let deposit = ctx.accounts.community.vote_deposit;
    let mut deposits_forfeited = 0u64;
    {
        let ledger_info = ctx.accounts.ledger.to_account_info();
        let mut ledger_data = ledger_info.try_borrow_mut_data()?;
        let entries = ledger_entries_mut(&mut ledger_data)?;
        let info = ctx.accounts.escrow.item_table.to_account_info();
        let mut data = info.try_borrow_mut_data()?;
        let items = item_states_mut(&mut data)?;
        for item in &mut items[start as usize..limit as usize] {
            if item.is_undecided() {
                // Revealed votes get their deposits back; unrevealed reservations do not.
                if item.status() != Some(ItemStatus::Unresolved) {
                    // An item holds at most MAX_VOTES_PER_ITEM votes, so the first fits.
                    let with_item = votes_returned
                        .safe_add(item.vote_count as u32)
                        .or_overflow()?;
                    if with_item > MAX_VOTES_PER_REFUND_CALL {
                        break;
                    }
                    votes_returned = with_item;
                    return_deposits(&item.votes[..item.vote_count as usize], entries, deposit)?;
                }
                let lapsed = item.votes_reserved.saturating_sub(item.vote_count) as u64;
                deposits_forfeited = deposits_forfeited
                    .safe_add(lapsed.safe_mul(deposit).or_overflow()?)
                    .or_overflow()?;
                item.votes_reserved = item.vote_count;
                item.set_status(ItemStatus::Refunded);
                refunded_items += 1;
            }
            end = end.safe_add(1).or_overflow()?;
        }
    }
    let community = &mut ctx.accounts.community;
    community.rewards_forfeited = community
        .rewards_forfeited
        .safe_add(deposits_forfeited)
        .or_overflow()?;
    let escrow = &mut ctx.accounts.escrow;
    let amount = escrow.return_items(&ctx.accounts.refund_to, refunded_items)?;
    let batch = &mut escrow.batch;
    batch.refund_cursor = end;
    batch.items_refunded = batch
        .items_refunded
        .safe_add(refunded_items)
        .or_overflow()?;
    let requester = &mut escrow.requester;
    requester.items_refunded = requester
        .items_refunded
        .safe_add(refunded_items as u64)
        .or_overflow()?;

    escrow.invariant()?;
    emit_cpi!(ItemsRefunded {
        batch: ctx.accounts.escrow.batch.key(),
        items: refunded_items,
        refunded: amount,
        cursor: end,
    });
    Ok(())
}
