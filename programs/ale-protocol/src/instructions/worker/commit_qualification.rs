use anchor_lang::prelude::*;

use crate::error::ProtocolError;
use crate::events::QualificationCommitted;
use crate::seeds;
use crate::state::{Community, JoinRule, QualificationTicket};

/// A candidate commits blind answers to the current qualification round:
/// sha256(answers || salt || candidate || round). Recommitting before the key is
/// revealed replaces the commitment.
#[event_cpi]
#[derive(Accounts)]
pub struct CommitQualification<'info> {
    #[account(mut)]
    pub candidate: Signer<'info>,
    #[account(
        seeds = [seeds::COMMUNITY, community.id.to_le_bytes().as_ref()],
        bump = community.bump
    )]
    pub community: Box<Account<'info, Community>>,
    #[account(
        init_if_needed,
        payer = candidate,
        space = 8 + QualificationTicket::INIT_SPACE,
        seeds = [seeds::QUALIFICATION, community.key().as_ref(), candidate.key().as_ref()],
        bump
    )]
    pub ticket: Box<Account<'info, QualificationTicket>>,
    pub system_program: Program<'info, System>,
}

impl CommitQualification<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(
            matches!(self.community.join_rule, JoinRule::Qualification { .. }),
            ProtocolError::JoinRuleMismatch
        );
        require!(
            !self.community.qualification.revealed,
            ProtocolError::QualificationKeyRevealed
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn commit_qualification(ctx: Context<CommitQualification>, commitment: [u8; 32]) -> Result<()> {
    let round = ctx.accounts.community.qualification.round;
    ctx.accounts.ticket.set_inner(QualificationTicket {
        community: ctx.accounts.community.key(),
        candidate: ctx.accounts.candidate.key(),
        round,
        commitment,
        bump: ctx.bumps.ticket,
    });
    emit_cpi!(QualificationCommitted {
        community: ctx.accounts.community.key(),
        candidate: ctx.accounts.candidate.key(),
        round,
    });
    Ok(())
}
