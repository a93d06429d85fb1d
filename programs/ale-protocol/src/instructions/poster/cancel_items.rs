use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::constants::MAX_ITEMS_PER_REFUND_CALL;
use crate::error::ProtocolError;
use crate::escrow::Escrow;
use crate::events::ItemsCancelled;
use crate::seeds;
use crate::state::{item_states_mut, Batch, ItemTable, RequesterRecord, ITEM_CANCELLED, ITEM_OPEN};

/// The poster cancels the items of `[first, first + count)` that no one has started;
/// started or finished items in the range are skipped. Their full price returns to
/// the poster's refund account at once.
#[event_cpi]
#[derive(Accounts)]
pub struct CancelItems<'info> {
    pub poster: Signer<'info>,
    #[account(
        mut,
        has_one = poster @ ProtocolError::NotPoster,
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

impl CancelItems<'_> {
    pub fn validate(&self, first: u32, count: u32) -> Result<()> {
        require!(
            count <= MAX_ITEMS_PER_REFUND_CALL,
            ProtocolError::TooManyItemsPerCall
        );
        let end = first
            .checked_add(count)
            .ok_or(ProtocolError::ItemOutOfRange)?;
        require!(
            count > 0 && end <= self.batch.item_count,
            ProtocolError::ItemOutOfRange
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(first, count))]
pub fn cancel_items(ctx: Context<CancelItems>, first: u32, count: u32) -> Result<()> {
    let mut cancelled = 0u32;
    {
        let info = ctx.accounts.item_table.to_account_info();
        let mut data = info.try_borrow_mut_data()?;
        let items = item_states_mut(&mut data)?;
        for item in &mut items[first as usize..(first + count) as usize] {
            if item.status == ITEM_OPEN {
                item.status = ITEM_CANCELLED;
                cancelled += 1;
            }
        }
    }
    require!(cancelled > 0, ProtocolError::NothingToCancel);
    let amount = ctx
        .accounts
        .batch
        .price_per_item
        .checked_mul(cancelled as u64)
        .ok_or(ProtocolError::MathOverflow)?;

    Escrow {
        batch: &ctx.accounts.batch,
        vault: &ctx.accounts.vault,
        mint: &ctx.accounts.mint,
        token_program: &ctx.accounts.token_program,
    }
    .pay(&ctx.accounts.refund_account, amount)?;

    let batch = &mut ctx.accounts.batch;
    batch.items_cancelled = batch
        .items_cancelled
        .checked_add(cancelled)
        .ok_or(ProtocolError::MathOverflow)?;
    batch.refunded = batch
        .refunded
        .checked_add(amount)
        .ok_or(ProtocolError::MathOverflow)?;
    let requester = &mut ctx.accounts.requester;
    requester.items_cancelled = requester
        .items_cancelled
        .checked_add(cancelled as u64)
        .ok_or(ProtocolError::MathOverflow)?;

    ctx.accounts.vault.reload()?;
    ctx.accounts.batch.invariant(ctx.accounts.vault.amount)?;
    emit_cpi!(ItemsCancelled {
        batch: ctx.accounts.batch.key(),
        items: cancelled,
        refunded: amount
    });
    Ok(())
}
