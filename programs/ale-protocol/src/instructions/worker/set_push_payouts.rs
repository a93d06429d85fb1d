use anchor_lang::prelude::*;

use crate::events::PushPayoutsSet;
use crate::seat::*;
use crate::state::ENTRY_PUSH_PAYOUTS;

/// A member opts in to (or out of) push payouts: keepers may then pay its credited
/// balances to token accounts the member owns, without a claim transaction.
#[event_cpi]
#[derive(Accounts)]
pub struct SetPushPayouts<'info> {
    pub seat: MemberSeat<'info>,
}

pub fn set_push_payouts(ctx: Context<SetPushPayouts>, enabled: bool) -> Result<()> {
    ctx.accounts.seat.with_entry(|entry| {
        if enabled {
            entry.flags |= ENTRY_PUSH_PAYOUTS;
        } else {
            entry.flags &= !ENTRY_PUSH_PAYOUTS;
        }
        Ok(())
    })?;
    emit_cpi!(PushPayoutsSet {
        community: ctx.accounts.seat.community.key(),
        member: ctx.accounts.seat.member.key(),
        enabled,
    });
    Ok(())
}
