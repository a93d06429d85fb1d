use anchor_lang::prelude::*;

use crate::error::ProtocolError;
use crate::events::TicketExpired;
use crate::seeds;
use crate::state::{Batch, Ticket};

/// Permissionless once a ticket's reveal window has closed without a reveal: the
/// ticket (no vote) is closed and its rent returns to the worker who paid it.
#[event_cpi]
#[derive(Accounts)]
pub struct CloseExpiredTicket<'info> {
    pub batch: Box<Account<'info, Batch>>,
    #[account(
        mut,
        close = member,
        has_one = batch,
        has_one = member @ ProtocolError::NotTicketOwner,
        seeds = [seeds::TICKET, batch.key().as_ref(), ticket.member.as_ref(), ticket.round.to_le_bytes().as_ref()],
        bump = ticket.bump
    )]
    pub ticket: Box<Account<'info, Ticket>>,
    /// CHECK: the ticket's worker, who receives the rent (has_one above).
    #[account(mut)]
    pub member: UncheckedAccount<'info>,
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
    emit_cpi!(TicketExpired {
        ticket: ctx.accounts.ticket.key(),
        member: ctx.accounts.ticket.member,
        round: ctx.accounts.ticket.round,
    });
    Ok(())
}
