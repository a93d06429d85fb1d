use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;

use crate::error::{OrMathOverflow, ProtocolError};
use crate::events::VotesCommitted;
use crate::seeds;
use crate::state::{Batch, Ticket};

/// The worker commits one hash over its ticket's labels:
/// sha256(labels || salt || worker || ticket). It may replace it until the round's
/// commit window closes.
#[event_cpi]
#[derive(Accounts)]
pub struct CommitVotes<'info> {
    pub member: Signer<'info>,
    #[account(mut)]
    pub batch: Box<Account<'info, Batch>>,
    #[account(
        mut,
        has_one = batch,
        has_one = member @ ProtocolError::NotTicketOwner,
        seeds = [seeds::TICKET, batch.key().as_ref(), ticket.member.as_ref(), ticket.round.to_le_bytes().as_ref()],
        bump = ticket.bump
    )]
    pub ticket: Box<Account<'info, Ticket>>,
}

impl CommitVotes<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(
            Clock::get()?.unix_timestamp < self.batch.commit_end(self.ticket.round)?,
            ProtocolError::CommitWindowClosed
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn commit_votes(ctx: Context<CommitVotes>, commitment: [u8; 32]) -> Result<()> {
    let ticket = &mut ctx.accounts.ticket;
    if !ticket.committed {
        let batch = &mut ctx.accounts.batch;
        batch.round_committed = batch.round_committed.safe_add(1).or_overflow()?;
    }
    ticket.commitment = commitment;
    ticket.committed = true;
    emit_cpi!(VotesCommitted {
        ticket: ticket.key(),
        round: ticket.round
    });
    Ok(())
}
