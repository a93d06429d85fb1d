use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;

use crate::error::{OrMathOverflow, ProtocolError};
use crate::escrow::*;
use crate::events::BatchClosed;

/// Permissionless once every item is decided, cancelled or refunded and the escrow owes
/// nothing but a vote budget's rest: returns that rest (votes never cast or cast on
/// items not decided) and any surplus tokens sent to the vault to the poster, closes the
/// vault, the item table and the batch, and gives all their rent back to the poster
/// (who paid it).
#[event_cpi]
#[derive(Accounts)]
pub struct CloseBatch<'info> {
    /// CHECK: receives the rent; must be the batch's poster.
    #[account(mut, address = escrow.batch.poster @ ProtocolError::NotPoster)]
    pub poster: UncheckedAccount<'info>,
    pub escrow: BatchEscrow<'info>,
    pub refund_to: RefundTo<'info>,
}

impl CloseBatch<'_> {
    pub fn validate(&self) -> Result<()> {
        self.refund_to.validate(&self.escrow.batch)?;
        require!(
            self.escrow.batch.is_finished()
                && (self.escrow.batch.has_vote_budget()
                    || self.escrow.batch.escrow_expected()? == 0),
            ProtocolError::BatchNotFinished
        );
        require!(
            self.escrow.batch.open_tickets == 0,
            ProtocolError::TicketsStillOpen
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn close_batch(ctx: Context<CloseBatch>) -> Result<()> {
    let poster = ctx.accounts.poster.to_account_info();
    let escrow = &mut ctx.accounts.escrow;
    // A vote budget's rest is owed back now; then any surplus sent to the vault.
    let unspent = escrow.return_unspent(&ctx.accounts.refund_to)?;
    escrow.invariant()?;
    escrow.pay(
        &ctx.accounts.refund_to.refund_account.to_account_info(),
        escrow.vault.amount,
    )?;
    escrow.close_vault(&poster)?;
    escrow.item_table.close(poster.clone())?;
    escrow.batch.close(poster)?;

    let batch = &escrow.batch;
    let requester = &mut escrow.requester;
    let outcome = if batch.items_cancelled == batch.item_count {
        &mut requester.batches_cancelled
    } else if batch.items_decided == 0 {
        &mut requester.batches_refunded
    } else {
        &mut requester.batches_completed
    };
    *outcome = outcome.safe_add(1).or_overflow()?;
    emit_cpi!(BatchClosed {
        batch: ctx.accounts.escrow.batch.key(),
        poster: ctx.accounts.escrow.batch.poster,
        unspent_refunded: unspent,
    });
    Ok(())
}
