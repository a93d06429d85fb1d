//! A batch together with the accounts that move its escrow, each checked against the
//! batch; shared by every instruction that pays out of a batch's vault. None of them is
//! an account the poster can close or freeze (THREATS.md, poster-1): refunds name their
//! destination separately (`RefundTo`), so settlement never loads the poster's account.

use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{
    self, CloseAccount, Mint, TokenAccount, TokenInterface, TransferChecked,
};

use crate::error::{OrMathOverflow, ProtocolError};
use crate::seeds;
use crate::state::{Batch, ItemTable, RequesterRecord};

#[derive(Accounts)]
pub struct BatchEscrow<'info> {
    #[account(
        mut,
        has_one = item_table @ ProtocolError::WrongItemTable,
        has_one = vault @ ProtocolError::WrongVault,
        has_one = mint @ ProtocolError::WrongMint
    )]
    pub batch: Box<Account<'info, Batch>>,
    #[account(mut)]
    pub item_table: AccountLoader<'info, ItemTable>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut, seeds = [seeds::REQUESTER, batch.poster.as_ref()], bump = requester.bump)]
    pub requester: Box<Account<'info, RequesterRecord>>,
    #[account(address = batch.token_program)]
    pub token_program: Interface<'info, TokenInterface>,
}

impl<'info> BatchEscrow<'info> {
    fn with_signer<R>(&self, f: impl FnOnce(&[&[&[u8]]]) -> R) -> R {
        let id = self.batch.id.to_le_bytes();
        let bump = [self.batch.bump];
        let seeds: &[&[u8]] = &[seeds::BATCH, self.batch.community.as_ref(), &id, &bump];
        f(&[seeds])
    }

    /// Returns what `items` cancelled or refunded items give back at once (their full
    /// price when priced per item, nothing with a vote budget: see `return_unspent`) to
    /// the poster's account `to` and records it as refunded escrow; the amount.
    pub fn return_items(&mut self, to: &RefundTo<'info>, items: u32) -> Result<u64> {
        let amount = self
            .batch
            .refund_per_item()
            .safe_mul(items as u64)
            .or_overflow()?;
        self.refund(to, amount)
    }

    /// Returns the rest of a finished batch's vote budget (votes never cast, and votes
    /// of items that were not decided) to the poster's account `to`; the amount.
    pub fn return_unspent(&mut self, to: &RefundTo<'info>) -> Result<u64> {
        let amount = self.batch.escrow_expected()?;
        self.refund(to, amount)
    }

    fn refund(&mut self, to: &RefundTo<'info>, amount: u64) -> Result<u64> {
        self.pay(&to.refund_account.to_account_info(), amount)?;
        self.batch.refunded = self.batch.refunded.safe_add(amount).or_overflow()?;
        Ok(amount)
    }

    /// Pays `amount` from the vault to `to` (a token account of the batch's mint).
    pub fn pay(&self, to: &AccountInfo<'info>, amount: u64) -> Result<()> {
        if amount == 0 {
            return Ok(());
        }
        self.with_signer(|signer| {
            token_interface::transfer_checked(
                CpiContext::new_with_signer(
                    self.token_program.key(),
                    TransferChecked {
                        from: self.vault.to_account_info(),
                        mint: self.mint.to_account_info(),
                        to: to.clone(),
                        authority: self.batch.to_account_info(),
                    },
                    signer,
                ),
                amount,
                self.mint.decimals,
            )
        })
    }

    /// Closes the (empty) vault, its rent to `rent_to`.
    pub fn close_vault(&self, rent_to: &AccountInfo<'info>) -> Result<()> {
        self.with_signer(|signer| {
            token_interface::close_account(CpiContext::new_with_signer(
                self.token_program.key(),
                CloseAccount {
                    account: self.vault.to_account_info(),
                    destination: rent_to.clone(),
                    authority: self.batch.to_account_info(),
                },
                signer,
            ))
        })
    }

    /// Escrow conservation against the vault's balance after this instruction's moves.
    pub fn invariant(&mut self) -> Result<()> {
        self.vault.reload()?;
        self.batch.invariant(self.vault.amount)
    }
}

/// Where a refund goes: any token account of the batch's mint owned by the poster. Not
/// only the one named at posting, so a poster that closed it can name another, and no
/// refund waits on an account that no longer exists.
#[derive(Accounts)]
pub struct RefundTo<'info> {
    #[account(mut)]
    pub refund_account: Box<InterfaceAccount<'info, TokenAccount>>,
}

impl RefundTo<'_> {
    pub fn validate(&self, batch: &Batch) -> Result<()> {
        require!(
            self.refund_account.owner == batch.poster && self.refund_account.mint == batch.mint,
            ProtocolError::WrongRefundAccount
        );
        Ok(())
    }
}
