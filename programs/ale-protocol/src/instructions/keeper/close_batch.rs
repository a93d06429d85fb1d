use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::ProtocolError;
use crate::escrow::Escrow;
use crate::events::BatchClosed;
use crate::seeds;
use crate::state::{Batch, ItemTable, RequesterRecord};

/// Permissionless once every item is decided, cancelled or refunded and the escrow owes
/// nothing: returns any surplus tokens sent to the vault to the poster, closes the
/// vault, the item table and the batch, and gives all their rent back to the poster
/// (who paid it).
#[event_cpi]
#[derive(Accounts)]
pub struct CloseBatch<'info> {
    #[account(
        mut,
        close = poster,
        has_one = poster @ ProtocolError::NotPoster,
        has_one = item_table @ ProtocolError::WrongItemTable,
        has_one = vault @ ProtocolError::WrongVault,
        has_one = mint @ ProtocolError::WrongMint,
        has_one = refund_account @ ProtocolError::WrongRefundAccount
    )]
    pub batch: Box<Account<'info, Batch>>,
    /// CHECK: receives the rent; must be the batch's poster (has_one above).
    #[account(mut)]
    pub poster: UncheckedAccount<'info>,
    #[account(mut, close = poster)]
    pub item_table: AccountLoader<'info, ItemTable>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub refund_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, seeds = [seeds::REQUESTER, batch.poster.as_ref()], bump = requester.bump)]
    pub requester: Box<Account<'info, RequesterRecord>>,
    #[account(address = batch.token_program)]
    pub token_program: Interface<'info, TokenInterface>,
}

impl CloseBatch<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(
            self.batch.is_finished() && self.batch.escrow_expected()? == 0,
            ProtocolError::BatchNotFinished
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn close_batch(ctx: Context<CloseBatch>) -> Result<()> {
    let escrow = Escrow {
        batch: &ctx.accounts.batch,
        vault: &ctx.accounts.vault,
        mint: &ctx.accounts.mint,
        token_program: &ctx.accounts.token_program,
    };
    escrow.pay(&ctx.accounts.refund_account, ctx.accounts.vault.amount)?;
    escrow.close_vault(&ctx.accounts.poster.to_account_info())?;

    let batch = &ctx.accounts.batch;
    let requester = &mut ctx.accounts.requester;
    let outcome = if batch.items_cancelled == batch.item_count {
        &mut requester.batches_cancelled
    } else if batch.items_decided == 0 {
        &mut requester.batches_refunded
    } else {
        &mut requester.batches_completed
    };
    *outcome = outcome.checked_add(1).ok_or(ProtocolError::MathOverflow)?;
    emit_cpi!(BatchClosed {
        batch: ctx.accounts.batch.key(),
        poster: ctx.accounts.batch.poster
    });
    Ok(())
}
