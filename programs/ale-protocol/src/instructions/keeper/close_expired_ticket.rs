use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;

use crate::error::{OrMathOverflow, ProtocolError};
use crate::events::TicketExpired;
use crate::seeds;
use crate::state::{ledger_entries_mut, Batch, Community, Ledger, Ticket};

/// Permissionless once a ticket's reveal window has closed without a reveal: the
/// ticket (no vote) is closed. A reservation never revealed kept its seats from other
/// workers for the round, so it costs its holder (THREATS.md, S-3): the ticket's rent
/// goes to whoever closes it, and the member loses one `reward_per_win` of reputation
/// per item it held.
#[event_cpi]
#[derive(Accounts)]
pub struct CloseExpiredTicket<'info> {
    /// Receives the ticket's rent for cleaning it up.
    #[account(mut)]
    pub closer: Signer<'info>,
    #[account(mut, has_one = community)]
    pub batch: Box<Account<'info, Batch>>,
    #[account(mut, seeds = [seeds::COMMUNITY, community.id.to_le_bytes().as_ref()], bump = community.bump)]
    pub community: Box<Account<'info, Community>>,
    #[account(mut, address = community.ledger @ ProtocolError::WrongLedger)]
    pub ledger: AccountLoader<'info, Ledger>,
    #[account(
        mut,
        close = closer,
        has_one = batch,
        seeds = [seeds::TICKET, batch.key().as_ref(), ticket.member.as_ref(), ticket.round.to_le_bytes().as_ref()],
        bump = ticket.bump
    )]
    pub ticket: Box<Account<'info, Ticket>>,
}

impl CloseExpiredTicket<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(
            Clock::get()?.unix_timestamp >= self.batch.reveal_end(self.ticket.round)?,
            ProtocolError::TicketStillOpen
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn close_expired_ticket(ctx: Context<CloseExpiredTicket>) -> Result<()> {
    let community = &mut ctx.accounts.community;
    let penalty = community
        .consensus
        .reward_per_win
        .safe_mul(ctx.accounts.ticket.item_count as u64)
        .or_overflow()?;
    let lost = {
        let info = ctx.accounts.ledger.to_account_info();
        let mut data = info.try_borrow_mut_data()?;
        let entry = ledger_entries_mut(&mut data)?
            .get_mut(ctx.accounts.ticket.member_index as usize)
            .ok_or(ProtocolError::WrongMemberIndex)?;
        // Bucket-B rewards so far were earned on the old reputation.
        entry.accrue_rewards(community.reward_per_reputation)?;
        let lost = penalty.min(entry.reputation);
        entry.reputation -= lost;
        lost
    };
    community.total_reputation = community.total_reputation.safe_sub(lost).or_overflow()?;
    let batch = &mut ctx.accounts.batch;
    batch.open_tickets = batch.open_tickets.safe_sub(1).or_overflow()?;
    community.invariant()?;
    emit_cpi!(TicketExpired {
        ticket: ctx.accounts.ticket.key(),
        member: ctx.accounts.ticket.member,
        round: ctx.accounts.ticket.round,
        reputation_lost: lost,
    });
    Ok(())
}
