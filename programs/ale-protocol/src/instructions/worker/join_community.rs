use ale_math::checked::CheckedMath;
use ale_math::consensus::record_confusion;
use ale_math::gamification::BADGE_GRADUATE;
use anchor_lang::prelude::*;
use anchor_lang::system_program::{self, Transfer};
use solana_sha256_hasher::hashv;

use crate::constants::{LEDGER_GROWTH_ENTRIES, LEDGER_MAX_ENTRIES};
use crate::error::{OrMathOverflow, ProtocolError};
use crate::events::{LedgerGrown, MemberJoined};
use crate::seeds;
use crate::state::{
    ledger_entries_mut, member_entry, Community, JoinRule, Ledger, LedgerEntry, Membership,
    QualificationTicket,
};

/// What a candidate shows to pass the community's join rule.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, Default)]
pub struct JoinProof {
    /// `MinReputation`: the candidate's index in the prerequisite community's ledger.
    pub prerequisite_index: u32,
    /// `Qualification`: the answers and salt the candidate committed.
    pub answers: Vec<u8>,
    pub salt: [u8; 32],
}

/// Joins a community if its rule admits the signer: appends a ledger entry (growing the
/// ledger by one step when full) and records the membership.
#[event_cpi]
#[derive(Accounts)]
pub struct JoinCommunity<'info> {
    #[account(mut)]
    pub member: Signer<'info>,
    #[account(
        mut,
        seeds = [seeds::COMMUNITY, community.id.to_le_bytes().as_ref()],
        bump = community.bump
    )]
    pub community: Box<Account<'info, Community>>,
    #[account(mut, address = community.ledger @ ProtocolError::WrongLedger)]
    pub ledger: AccountLoader<'info, Ledger>,
    #[account(
        init_if_needed,
        payer = member,
        space = 8 + Membership::INIT_SPACE,
        seeds = [seeds::MEMBERSHIP, community.key().as_ref(), member.key().as_ref()],
        bump
    )]
    pub membership: Box<Account<'info, Membership>>,
    /// `MinReputation`: the prerequisite community's ledger.
    pub prerequisite_ledger: Option<AccountLoader<'info, Ledger>>,
    /// `Qualification`: the candidate's committed answers, closed on success.
    #[account(
        mut,
        close = member,
        seeds = [seeds::QUALIFICATION, community.key().as_ref(), member.key().as_ref()],
        bump = qualification_ticket.bump
    )]
    pub qualification_ticket: Option<Box<Account<'info, QualificationTicket>>>,
    pub system_program: Program<'info, System>,
}

impl JoinCommunity<'_> {
    pub fn validate(&self, proof: &JoinProof) -> Result<()> {
        require_keys_eq!(
            self.membership.member,
            Pubkey::default(),
            ProtocolError::AlreadyMember
        );
        require!(
            self.community.member_count < self.community.max_members,
            ProtocolError::LedgerFull
        );
        let member = self.member.key();
        match self.community.join_rule {
            JoinRule::Open => {}
            JoinRule::MinReputation {
                prerequisite,
                min_reputation,
            } => {
                let ledger = self
                    .prerequisite_ledger
                    .as_ref()
                    .ok_or(ProtocolError::JoinRuleMismatch)?;
                require_keys_eq!(
                    ledger.load()?.community,
                    prerequisite,
                    ProtocolError::WrongLedger
                );
                let info = ledger.to_account_info();
                let data = info.try_borrow_data()?;
                let entry = member_entry(&data, proof.prerequisite_index, &member)?;
                require!(
                    entry.reputation >= min_reputation,
                    ProtocolError::InsufficientReputation
                );
            }
            JoinRule::Qualification { pass_mark, .. } => {
                require!(
                    self.qualification_score(proof)? >= pass_mark as u16,
                    ProtocolError::QualificationFailed
                );
            }
        }
        Ok(())
    }

    /// The candidate's exam score: its committed answers checked against the revealed
    /// key of the community's current qualification round.
    fn qualification_score(&self, proof: &JoinProof) -> Result<u16> {
        let JoinRule::Qualification { items, .. } = self.community.join_rule else {
            return err!(ProtocolError::JoinRuleMismatch);
        };
        let ticket = self
            .qualification_ticket
            .as_ref()
            .ok_or(ProtocolError::JoinRuleMismatch)?;
        let round = &self.community.qualification;
        require!(
            ticket.round == round.round,
            ProtocolError::StaleQualificationRound
        );
        require!(round.revealed, ProtocolError::QualificationKeyNotRevealed);
        let member = self.member.key();
        let commitment = hashv(&[
            &proof.answers,
            &proof.salt,
            member.as_ref(),
            &ticket.round.to_le_bytes(),
        ]);
        require!(
            proof.answers.len() == items as usize && commitment.to_bytes() == ticket.commitment,
            ProtocolError::QualificationCommitMismatch
        );
        // At most MAX_QUALIFICATION_ITEMS (32) answers: the count fits a u16.
        Ok(proof
            .answers
            .iter()
            .zip(&round.answers)
            .filter(|(given, key)| given == key)
            .count() as u16)
    }

    /// Adds one growth step to a full ledger; the joiner pays the extra rent.
    fn grow_ledger_if_full(&mut self) -> Result<Option<u32>> {
        let (len, capacity) = {
            let ledger = self.ledger.load()?;
            (ledger.len, ledger.capacity)
        };
        if len < capacity {
            return Ok(None);
        }
        let new_capacity = capacity
            .safe_add(LEDGER_GROWTH_ENTRIES)
            .or_overflow()?
            .min(LEDGER_MAX_ENTRIES);
        require!(new_capacity > capacity, ProtocolError::LedgerFull);
        let info = self.ledger.to_account_info();
        let new_size = Ledger::space(new_capacity);
        let top_up = Rent::get()?
            .minimum_balance(new_size)
            .saturating_sub(info.lamports());
        if top_up > 0 {
            system_program::transfer(
                CpiContext::new(
                    self.system_program.key(),
                    Transfer {
                        from: self.member.to_account_info(),
                        to: info.clone(),
                    },
                ),
                top_up,
            )?;
        }
        info.resize(new_size)?;
        self.ledger.load_mut()?.capacity = new_capacity;
        Ok(Some(new_capacity))
    }
}

#[access_control(ctx.accounts.validate(&proof))]
pub fn join_community(ctx: Context<JoinCommunity>, proof: JoinProof) -> Result<()> {
    let grown_to = ctx.accounts.grow_ledger_if_full()?;
    let now = Clock::get()?.unix_timestamp;
    let member = ctx.accounts.member.key();
    let reputation = ctx.accounts.community.consensus.initial_reputation;
    let index = ctx.accounts.ledger.load()?.len;
    {
        let info = ctx.accounts.ledger.to_account_info();
        let mut data = info.try_borrow_mut_data()?;
        let entry = ledger_entries_mut(&mut data)?
            .get_mut(index as usize)
            .ok_or(ProtocolError::InvariantViolated)?;
        // Joining by graduation or qualification earns the graduate badge. The exam's
        // score is the member's first gold record: the accuracy weight counts it from
        // the first vote.
        let (badges, gold_seen, gold_correct) = match ctx.accounts.community.join_rule {
            JoinRule::Open => (0, 0, 0),
            JoinRule::MinReputation { .. } => (BADGE_GRADUATE, 0, 0),
            JoinRule::Qualification { items, .. } => (
                BADGE_GRADUATE,
                items as u16,
                ctx.accounts.qualification_score(&proof)?,
            ),
        };
        *entry = LedgerEntry {
            member,
            reputation,
            joined_at: now,
            badges,
            gold_seen,
            gold_correct,
            reward_window_start: now,
            ..Default::default()
        };
        // The exam's answers against its key are the member's first confusion evidence
        // too: the confusion rule weighs its first votes with them.
        if let JoinRule::Qualification { .. } = ctx.accounts.community.join_rule {
            let key = &ctx.accounts.community.qualification.answers;
            for (&given, &truth) in proof.answers.iter().zip(key) {
                record_confusion(&mut entry.confusion, truth, given);
            }
        }
        // Bucket-B rewards accrue from now on, not from before the member existed.
        entry.set_reward_checkpoint(ctx.accounts.community.reward_per_reputation);
    }
    ctx.accounts.ledger.load_mut()?.len = index.safe_add(1).or_overflow()?;

    let community_key = ctx.accounts.community.key();
    ctx.accounts.membership.set_inner(Membership {
        community: community_key,
        member,
        index,
        joined_at: now,
        bump: ctx.bumps.membership,
    });
    let community = &mut ctx.accounts.community;
    community.total_reputation = community
        .total_reputation
        .safe_add(reputation)
        .or_overflow()?;
    community.member_count = community.member_count.safe_add(1).or_overflow()?;
    community.invariant()?;
    {
        let ledger = ctx.accounts.ledger.load()?;
        require!(
            ledger.len == community.member_count && ledger.len <= ledger.capacity,
            ProtocolError::InvariantViolated
        );
    }

    if let Some(capacity) = grown_to {
        emit_cpi!(LedgerGrown {
            community: community_key,
            capacity
        });
    }
    emit_cpi!(MemberJoined {
        community: community_key,
        member,
        index,
        reputation
    });
    Ok(())
}
