//! Moving tokens out of a batch's escrow vault, signed by the batch PDA.

use anchor_lang::prelude::*;
use anchor_spl::token_interface::{
    self, CloseAccount, Mint, TokenAccount, TokenInterface, TransferChecked,
};

use crate::seeds;
use crate::state::Batch;

pub struct Escrow<'a, 'info> {
    pub batch: &'a Account<'info, Batch>,
    pub vault: &'a InterfaceAccount<'info, TokenAccount>,
    pub mint: &'a InterfaceAccount<'info, Mint>,
    pub token_program: &'a Interface<'info, TokenInterface>,
}

impl<'info> Escrow<'_, 'info> {
    fn with_signer<R>(&self, f: impl FnOnce(&[&[&[u8]]]) -> R) -> R {
        let id = self.batch.id.to_le_bytes();
        let bump = [self.batch.bump];
        let seeds: &[&[u8]] = &[seeds::BATCH, self.batch.community.as_ref(), &id, &bump];
        f(&[seeds])
    }

    pub fn pay(&self, to: &InterfaceAccount<'info, TokenAccount>, amount: u64) -> Result<()> {
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
                        to: to.to_account_info(),
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
}
