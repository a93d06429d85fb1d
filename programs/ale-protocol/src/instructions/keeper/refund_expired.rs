use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::constants::MAX_ITEMS_PER_REFUND_CALL;
use crate::error::ProtocolError;
use crate::escrow::Escrow;
use crate::events::ItemsRefunded;
use crate::seeds;
use crate::state::{item_states_mut, Batch, ItemTable, RequesterRecord, ITEM_REFUNDED};

/// Permissionless after the deadline: walks up to `max_items` items from the batch's
/// refund cursor and returns the price of every undecided one to the poster's refund
/// account (the only destination it can pay). Resumable; the end state does not
/// depend on how the work is chunked.
#[event_cpi]
#[derive(Accounts)]
pub struct RefundExpired<'info> {
    #[account(
        mut,
        has_one = item_table @ ProtocolError::WrongItemTable,
        has_one = vault @ ProtocolError::WrongVault,
        has_one = mint @ ProtocolError::WrongMint,
        has_one = refund_account @ ProtocolError::WrongRefundAccount
    )]
    pub batch: Box<Account<'info, Batch>>,
    #[account(mut)]
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

impl RefundExpired<'_> {
    pub fn validate(&self, max_items: u32) -> Result<()> {
        require!(
            Clock::get()?.unix_timestamp >= self.batch.deadline,
            ProtocolError::DeadlineNotReached
        );
        require!(
            (1..=MAX_ITEMS_PER_REFUND_CALL).contains(&max_items),
            ProtocolError::TooManyItemsPerCall
        );
        require!(
            self.batch.refund_cursor < self.batch.item_count,
            ProtocolError::NothingToRefund
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(max_items))]
pub fn refund_expired(ctx: Context<RefundExpired>, max_items: u32) -> Result<()> {
    let start = ctx.accounts.batch.refund_cursor;
    let end = start
        .saturating_add(max_items)
        .min(ctx.accounts.batch.item_count);
    let mut refunded_items = 0u32;
    {
        let info = ctx.accounts.item_table.to_account_info();
        let mut data = info.try_borrow_mut_data()?;
        let items = item_states_mut(&mut data)?;
        for item in &mut items[start as usize..end as usize] {
            if item.is_undecided() {
                item.status = ITEM_REFUNDED;
                refunded_items += 1;
            }
        }
    }
    let amount = ctx
        .accounts
        .batch
        .price_per_item
        .checked_mul(refunded_items as u64)
        .ok_or(ProtocolError::MathOverflow)?;
    Escrow {
        batch: &ctx.accounts.batch,
        vault: &ctx.accounts.vault,
        mint: &ctx.accounts.mint,
        token_program: &ctx.accounts.token_program,
    }
    .pay(&ctx.accounts.refund_account, amount)?;

    let batch = &mut ctx.accounts.batch;
    batch.refund_cursor = end;
    batch.items_refunded = batch
        .items_refunded
        .checked_add(refunded_items)
        .ok_or(ProtocolError::MathOverflow)?;
    batch.refunded = batch
        .refunded
        .checked_add(amount)
        .ok_or(ProtocolError::MathOverflow)?;
    let requester = &mut ctx.accounts.requester;
    requester.items_refunded = requester
        .items_refunded
        .checked_add(refunded_items as u64)
        .ok_or(ProtocolError::MathOverflow)?;

    ctx.accounts.vault.reload()?;
    ctx.accounts.batch.invariant(ctx.accounts.vault.amount)?;
    emit_cpi!(ItemsRefunded {
        batch: ctx.accounts.batch.key(),
        items: refunded_items,
        refunded: amount,
        cursor: end,
    });
    Ok(())
}
