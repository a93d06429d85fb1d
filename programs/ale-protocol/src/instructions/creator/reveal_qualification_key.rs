use anchor_lang::prelude::*;
use solana_sha256_hasher::hashv;

use crate::error::ProtocolError;
use crate::events::QualificationKeyRevealed;
use crate::seeds;
use crate::state::{Community, JoinRule};

/// The creator reveals the current round's answer key: it must match the commitment.
/// From then on no candidate can commit to this round; committed candidates can join.
#[event_cpi]
#[derive(Accounts)]
pub struct RevealQualificationKey<'info> {
    pub creator: Signer<'info>,
    #[account(
        mut,
        seeds = [seeds::COMMUNITY, community.id.to_le_bytes().as_ref()],
        bump = community.bump,
        has_one = creator @ ProtocolError::NotCreator
    )]
    pub community: Box<Account<'info, Community>>,
}

impl RevealQualificationKey<'_> {
    pub fn validate(&self, answers: &[u8], salt: &[u8; 32]) -> Result<()> {
        let JoinRule::Qualification { items, .. } = self.community.join_rule else {
            return err!(ProtocolError::JoinRuleMismatch);
        };
        let round = &self.community.qualification;
        require!(!round.revealed, ProtocolError::QualificationKeyRevealed);
        require!(
            answers.len() == items as usize
                && answers.iter().all(|&a| a < self.community.num_classes)
                && hashv(&[answers, salt]).to_bytes() == round.key_commitment,
            ProtocolError::QualificationKeyMismatch
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(&answers, &salt))]
pub fn reveal_qualification_key(
    ctx: Context<RevealQualificationKey>,
    answers: Vec<u8>,
    salt: [u8; 32],
) -> Result<()> {
    let community = &mut ctx.accounts.community;
    community.qualification.revealed = true;
    community.qualification.answers[..answers.len()].copy_from_slice(&answers);
    community.invariant()?;
    emit_cpi!(QualificationKeyRevealed {
        community: community.key(),
        round: community.qualification.round,
    });
    Ok(())
}
