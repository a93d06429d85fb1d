use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;

use crate::constants::MAX_ITEMS_PER_REFUND_CALL;
use crate::error::{OrMathOverflow, ProtocolError};
use crate::escrow::*;
use crate::events::ItemsCancelled;
use crate::state::{item_states_mut, ItemStatus};

/// The poster cancels the items of `[first, first + count)` that no one has started;
/// started or finished items in the range are skipped. Their full price returns to
/// the poster's refund account at once.
#[event_cpi]
#[derive(Accounts)]
pub struct CancelItems<'info> {
    #[account(address = escrow.batch.poster @ ProtocolError::NotPoster)]
    pub poster: Signer<'info>,
    pub escrow: BatchEscrow<'info>,
    pub refund_to: RefundTo<'info>,
}

impl CancelItems<'_> {
    pub fn validate(&self, first: u32, count: u32) -> Result<()> {
        self.refund_to.validate(&self.escrow.batch)?;
        require!(
            count <= MAX_ITEMS_PER_REFUND_CALL,
            ProtocolError::TooManyItemsPerCall
        );
        let end = first
            .checked_add(count)
            .ok_or(ProtocolError::ItemOutOfRange)?;
        require!(
            count > 0 && end <= self.escrow.batch.item_count,
            ProtocolError::ItemOutOfRange
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(first, count))]
pub fn cancel_items(ctx: Context<CancelItems>, first: u32, count: u32) -> Result<()> {
    let mut cancelled = 0u32;
    {
        let info = ctx.accounts.escrow.item_table.to_account_info();
        let mut data = info.try_borrow_mut_data()?;
        let items = item_states_mut(&mut data)?;
        for item in &mut items[first as usize..(first + count) as usize] {
            if item.status() == Some(ItemStatus::Open) {
                item.set_status(ItemStatus::Cancelled);
                cancelled += 1;
            }
        }
    }
    require!(cancelled > 0, ProtocolError::NothingToCancel);
    let escrow = &mut ctx.accounts.escrow;
    let amount = escrow.return_items(&ctx.accounts.refund_to, cancelled)?;
    let batch = &mut escrow.batch;
    batch.items_cancelled = batch.items_cancelled.safe_add(cancelled).or_overflow()?;
    let requester = &mut escrow.requester;
    requester.items_cancelled = requester
        .items_cancelled
        .safe_add(cancelled as u64)
        .or_overflow()?;

    escrow.invariant()?;
    emit_cpi!(ItemsCancelled {
        batch: ctx.accounts.escrow.batch.key(),
        items: cancelled,
        refunded: amount
    });
    Ok(())
}
