use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::constants::MAX_PUSHES_PER_CALL;
use crate::error::{OrMathOverflow, ProtocolError};
use crate::events::PayoutsPushed;
use crate::seeds;
use crate::state::{ledger_entries_mut, Community, Ledger, ENTRY_PUSH_PAYOUTS};

/// Permissionless: pays the credited balance in `mint` of the members at `indices`,
/// each to the token account at the same position in the remaining accounts. A member
/// is paid only if it opted in and the account is its own token account of the mint;
/// anything else is skipped, never failed, so one stale entry cannot block a batch.
#[event_cpi]
#[derive(Accounts)]
pub struct PushPayouts<'info> {
    #[account(seeds = [seeds::COMMUNITY, community.id.to_le_bytes().as_ref()], bump = community.bump)]
    pub community: Box<Account<'info, Community>>,
    #[account(mut, address = community.ledger @ ProtocolError::WrongLedger)]
    pub ledger: AccountLoader<'info, Ledger>,
    #[account(mint::token_program = token_program)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        mut,
        seeds = [seeds::COMMUNITY_VAULT, community.key().as_ref(), mint.key().as_ref()],
        bump
    )]
    pub community_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl PushPayouts<'_> {
    pub fn validate(&self, indices: &[u32], accounts: usize) -> Result<()> {
        require!(
            indices.len() <= MAX_PUSHES_PER_CALL && indices.len() == accounts,
            ProtocolError::TooManyItemsPerCall
        );
        require!(
            self.community.mints.contains(&self.mint.key()),
            ProtocolError::WrongMint
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(&indices, ctx.remaining_accounts.len()))]
pub fn push_payouts<'info>(
    ctx: Context<'info, PushPayouts<'info>>,
    indices: Vec<u32>,
) -> Result<()> {
    let mint = ctx.accounts.mint.key();
    let slot = ctx
        .accounts
        .community
        .mints
        .iter()
        .position(|m| *m == mint)
        .ok_or(ProtocolError::WrongMint)?;
    let (mut paid_members, mut paid) = (0u32, 0u64);
    for (&index, destination) in indices.iter().zip(ctx.remaining_accounts) {
        let amount = {
            let info = ctx.accounts.ledger.to_account_info();
            let mut data = info.try_borrow_mut_data()?;
            let Some(entry) = ledger_entries_mut(&mut data)?.get_mut(index as usize) else {
                continue;
            };
            let owned = InterfaceAccount::<TokenAccount>::try_from(destination)
                .map(|t| t.owner == entry.member && t.mint == mint)
                .unwrap_or(false);
            let amount = entry.claimable[slot];
            if entry.flags & ENTRY_PUSH_PAYOUTS == 0
                || !owned
                || amount == 0
                || !destination.is_writable
            {
                continue;
            }
            entry.claimable[slot] = 0;
            amount
        };
        Community::pay_from_vault(
            &ctx.accounts.community,
            ctx.accounts.token_program.key(),
            ctx.accounts.community_vault.to_account_info(),
            ctx.accounts.mint.to_account_info(),
            ctx.accounts.mint.decimals,
            destination.clone(),
            amount,
        )?;
        paid_members += 1;
        paid = paid.safe_add(amount).or_overflow()?;
    }
    emit_cpi!(PayoutsPushed {
        community: ctx.accounts.community.key(),
        mint,
        members: paid_members,
        amount: paid,
    });
    Ok(())
}
