use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;

use crate::error::{OrMathOverflow, ProtocolError};
use crate::events::QualificationRotated;
use crate::seeds;
use crate::state::{Community, JoinRule, QualificationRound};

/// Opens the next qualification round with new gold items and a new key: a revealed
/// key is public, so a round cannot be reused.
#[event_cpi]
#[derive(Accounts)]
pub struct RotateQualification<'info> {
    pub creator: Signer<'info>,
    #[account(
        mut,
        seeds = [seeds::COMMUNITY, community.id.to_le_bytes().as_ref()],
        bump = community.bump,
        has_one = creator @ ProtocolError::NotCreator
    )]
    pub community: Box<Account<'info, Community>>,
}

impl RotateQualification<'_> {
    pub fn validate(&self, key_commitment: &[u8; 32]) -> Result<()> {
        require!(
            matches!(self.community.join_rule, JoinRule::Qualification { .. }),
            ProtocolError::JoinRuleMismatch
        );
        require!(*key_commitment != [0; 32], ProtocolError::InvalidJoinRule);
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(&key_commitment))]
pub fn rotate_qualification(
    ctx: Context<RotateQualification>,
    items_root: [u8; 32],
    key_commitment: [u8; 32],
) -> Result<()> {
    let community = &mut ctx.accounts.community;
    let round = community.qualification.round.safe_add(1).or_overflow()?;
    community.qualification = QualificationRound {
        round,
        items_root,
        key_commitment,
        revealed: false,
        answers: [0; 32],
    };
    community.invariant()?;
    emit_cpi!(QualificationRotated {
        community: community.key(),
        round
    });
    Ok(())
}
