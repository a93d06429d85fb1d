//! A member acting in its own community: the signer, the community, its membership
//! (which gives its ledger index) and the community's ledger. Shared by every
//! instruction that reads or writes the signer's own ledger entry.

use anchor_lang::prelude::*;

use crate::error::ProtocolError;
use crate::seeds;
use crate::state::{ledger_entries_mut, Community, Ledger, LedgerEntry, Membership};

#[derive(Accounts)]
pub struct MemberSeat<'info> {
    pub member: Signer<'info>,
    #[account(mut, seeds = [seeds::COMMUNITY, community.id.to_le_bytes().as_ref()], bump = community.bump)]
    pub community: Box<Account<'info, Community>>,
    #[account(
        seeds = [seeds::MEMBERSHIP, community.key().as_ref(), member.key().as_ref()],
        bump = membership.bump
    )]
    pub membership: Box<Account<'info, Membership>>,
    #[account(mut, address = community.ledger @ ProtocolError::WrongLedger)]
    pub ledger: AccountLoader<'info, Ledger>,
}

impl MemberSeat<'_> {
    /// A destination the member may be paid into: a token account it owns, of `mint`.
    pub fn require_own_account(
        &self,
        account_owner: Pubkey,
        account_mint: Pubkey,
        mint: Pubkey,
    ) -> Result<()> {
        require_keys_eq!(
            account_owner,
            self.member.key(),
            ProtocolError::WrongTokenOwner
        );
        require_keys_eq!(account_mint, mint, ProtocolError::WrongMint);
        Ok(())
    }

    /// Runs `f` on the signer's own ledger entry.
    pub fn with_entry<R>(&self, f: impl FnOnce(&mut LedgerEntry) -> Result<R>) -> Result<R> {
        let info = self.ledger.to_account_info();
        let mut data = info.try_borrow_mut_data()?;
        let entry = ledger_entries_mut(&mut data)?
            .get_mut(self.membership.index as usize)
            .ok_or(ProtocolError::WrongMemberIndex)?;
        f(entry)
    }
}
