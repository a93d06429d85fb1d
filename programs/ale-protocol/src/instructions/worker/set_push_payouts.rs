use anchor_lang::prelude::*;

use crate::error::ProtocolError;
use crate::events::PushPayoutsSet;
use crate::seeds;
use crate::state::{ledger_entries_mut, Community, Ledger, Membership, ENTRY_PUSH_PAYOUTS};

/// A member opts in to (or out of) push payouts: keepers may then pay its credited
/// balances to token accounts the member owns, without a claim transaction.
#[event_cpi]
#[derive(Accounts)]
pub struct SetPushPayouts<'info> {
    pub member: Signer<'info>,
    #[account(seeds = [seeds::COMMUNITY, community.id.to_le_bytes().as_ref()], bump = community.bump)]
    pub community: Box<Account<'info, Community>>,
    #[account(
        seeds = [seeds::MEMBERSHIP, community.key().as_ref(), member.key().as_ref()],
        bump = membership.bump
    )]
    pub membership: Box<Account<'info, Membership>>,
    #[account(mut, address = community.ledger @ ProtocolError::WrongLedger)]
    pub ledger: AccountLoader<'info, Ledger>,
}

pub fn set_push_payouts(ctx: Context<SetPushPayouts>, enabled: bool) -> Result<()> {
    let info = ctx.accounts.ledger.to_account_info();
    let mut data = info.try_borrow_mut_data()?;
    let entry = ledger_entries_mut(&mut data)?
        .get_mut(ctx.accounts.membership.index as usize)
        .ok_or(ProtocolError::WrongMemberIndex)?;
    if enabled {
        entry.flags |= ENTRY_PUSH_PAYOUTS;
    } else {
        entry.flags &= !ENTRY_PUSH_PAYOUTS;
    }
    drop(data);
    emit_cpi!(PushPayoutsSet {
        community: ctx.accounts.community.key(),
        member: ctx.accounts.member.key(),
        enabled,
    });
    Ok(())
}
