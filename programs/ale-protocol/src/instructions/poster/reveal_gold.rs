use ale_math::checked::CheckedMath;
use ale_math::consensus::record_confusion;
use ale_math::gamification::badges_earned;
use anchor_lang::prelude::*;

use crate::error::{OrMathOverflow, ProtocolError};
use crate::events::GoldRevealed;
use crate::seeds;
use crate::state::{
    gold_leaf, item_states_mut, ledger_entries_mut, verify_proof, Batch, Community, ItemTable,
    Ledger, ITEM_GOLD_SCORED,
};

/// Gold reveals one call may carry: each is 37 bytes plus 32 per proof level; eight
/// with 2-level proofs (or four with 6-level ones) fit one transaction.
pub const MAX_GOLD_PER_REVEAL: usize = 8;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct GoldReveal {
    pub index: u32,
    pub answer: u8,
    pub salt: [u8; 32],
    /// Merkle siblings from the leaf up to the batch's gold root.
    pub proof: Vec<[u8; 32]>,
}

/// The poster reveals gold answers once the batch is finished or past its deadline
/// (workers never know which items were gold while they vote). Each revealed answer
/// scores every vote on its item: the voters' gold counts feed their accuracy weight
/// and badges.
#[event_cpi]
#[derive(Accounts)]
pub struct RevealGold<'info> {
    pub poster: Signer<'info>,
    #[account(
        mut,
        has_one = poster @ ProtocolError::NotPoster,
        has_one = community,
        has_one = item_table @ ProtocolError::WrongItemTable
    )]
    pub batch: Box<Account<'info, Batch>>,
    #[account(mut)]
    pub item_table: AccountLoader<'info, ItemTable>,
    #[account(seeds = [seeds::COMMUNITY, community.id.to_le_bytes().as_ref()], bump = community.bump)]
    pub community: Box<Account<'info, Community>>,
    #[account(mut, address = community.ledger @ ProtocolError::WrongLedger)]
    pub ledger: AccountLoader<'info, Ledger>,
}

impl RevealGold<'_> {
    pub fn validate(&self, reveals: &[GoldReveal]) -> Result<()> {
        let batch = &self.batch;
        require!(
            batch.is_finished() || Clock::get()?.unix_timestamp >= batch.deadline,
            ProtocolError::GoldNotRevealable
        );
        let total = (batch.gold_revealed as usize).checked_add(reveals.len());
        require!(
            reveals.len() <= MAX_GOLD_PER_REVEAL
                && total.is_some_and(|t| t <= batch.gold_count as usize),
            ProtocolError::TooManyGoldReveals
        );
        for r in reveals {
            require!(r.index < batch.item_count, ProtocolError::ItemOutOfRange);
            require!(
                r.answer < self.community.num_classes,
                ProtocolError::WrongLabel
            );
            require!(
                verify_proof(
                    &batch.gold_root,
                    gold_leaf(r.index, r.answer, &r.salt),
                    &r.proof
                ),
                ProtocolError::GoldProofInvalid
            );
        }
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(&reveals))]
pub fn reveal_gold(ctx: Context<RevealGold>, reveals: Vec<GoldReveal>) -> Result<()> {
    let (mut scored, mut correct) = (0u32, 0u32);
    {
        let ledger_info = ctx.accounts.ledger.to_account_info();
        let mut ledger_data = ledger_info.try_borrow_mut_data()?;
        let entries = ledger_entries_mut(&mut ledger_data)?;
        let items_info = ctx.accounts.item_table.to_account_info();
        let mut items_data = items_info.try_borrow_mut_data()?;
        let items = item_states_mut(&mut items_data)?;
        for r in &reveals {
            let item = &mut items[r.index as usize];
            require!(
                item.flags & ITEM_GOLD_SCORED == 0,
                ProtocolError::GoldAlreadyRevealed
            );
            item.flags |= ITEM_GOLD_SCORED;
            for vote in &item.votes[..item.vote_count as usize] {
                let entry = entries
                    .get_mut(vote.member as usize)
                    .ok_or(ProtocolError::InvariantViolated)?;
                let right = vote.label == r.answer;
                entry.gold_seen = entry.gold_seen.saturating_add(1);
                entry.gold_correct = entry.gold_correct.saturating_add(right as u16);
                // A gold answer is evidence of the member's confusion against the true
                // class: it counts once more, beside the consensus's count.
                record_confusion(&mut entry.confusion, r.answer, vote.label);
                entry.badges |= badges_earned(entry.tasks_done, entry.tasks_won, entry.streak_days);
                scored += 1;
                correct += right as u32;
            }
        }
    }
    let batch = &mut ctx.accounts.batch;
    batch.gold_revealed = batch
        .gold_revealed
        .safe_add(reveals.len() as u32)
        .or_overflow()?;
    emit_cpi!(GoldRevealed {
        batch: ctx.accounts.batch.key(),
        items: reveals.len() as u32,
        votes_scored: scored,
        votes_correct: correct,
    });
    Ok(())
}
