use ale_math::checked::CheckedMath;
use ale_math::consensus::{
    vote_costs, vote_weight, MemberRecord, WeightRule as MathWeightRule, CONFUSION_CLASSES,
};
use anchor_lang::prelude::*;
use solana_sha256_hasher::hashv;

use crate::error::{OrMathOverflow, ProtocolError};
use crate::events::VotesRevealed;
use crate::seeds;
use crate::state::{
    item_states_mut, ledger_entries, Batch, Community, ItemTable, Ledger, Ticket, VoteSlot,
    MAX_VOTES_PER_ITEM, SKIP_LABEL,
};

/// Reveals a ticket's labels and salt in the round's reveal window. Each label is
/// stored in its item's vote slots with the weight the worker's record gives it now;
/// the ticket closes and its rent returns to the worker. An unrevealed ticket is no
/// vote. Anyone holding the ballot may send it (the worker, or a relayer the worker
/// hands it to once the commit window has closed, which packs many workers' reveals in
/// one transaction): the commitment the worker signed binds the labels to the voter and
/// the ticket, so a reveal can only disclose the vote, never change or redirect it.
#[event_cpi]
#[derive(Accounts)]
pub struct RevealVotes<'info> {
    /// CHECK: the ticket's member (has_one below), who receives the ticket's rent.
    #[account(mut)]
    pub member: UncheckedAccount<'info>,
    #[account(seeds = [seeds::COMMUNITY, community.id.to_le_bytes().as_ref()], bump = community.bump)]
    pub community: Box<Account<'info, Community>>,
    #[account(address = community.ledger @ ProtocolError::WrongLedger)]
    pub ledger: AccountLoader<'info, Ledger>,
    #[account(mut, has_one = community, has_one = item_table @ ProtocolError::WrongItemTable)]
    pub batch: Box<Account<'info, Batch>>,
    #[account(mut)]
    pub item_table: AccountLoader<'info, ItemTable>,
    #[account(
        mut,
        close = member,
        has_one = batch,
        has_one = member @ ProtocolError::NotTicketOwner,
        seeds = [seeds::TICKET, batch.key().as_ref(), ticket.member.as_ref(), ticket.round.to_le_bytes().as_ref()],
        bump = ticket.bump
    )]
    pub ticket: Box<Account<'info, Ticket>>,
}

impl RevealVotes<'_> {
    pub fn validate(&self, labels: &[u8], salt: &[u8; 32]) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let ticket = &self.ticket;
        require!(ticket.committed, ProtocolError::NotCommitted);
        require!(
            now >= self.batch.commit_end(ticket.round)?,
            ProtocolError::RevealTooEarly
        );
        require!(
            now < self.batch.reveal_end(ticket.round)?,
            ProtocolError::RevealWindowClosed
        );
        let expected = hashv(&[labels, salt, ticket.member.as_ref(), ticket.key().as_ref()]);
        require!(
            labels.len() == ticket.item_count as usize && expected.to_bytes() == ticket.commitment,
            ProtocolError::RevealMismatch
        );
        require!(
            labels
                .iter()
                .all(|&l| l < self.community.num_classes || l == SKIP_LABEL),
            ProtocolError::WrongLabel
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(&labels, &salt))]
pub fn reveal_votes(ctx: Context<RevealVotes>, labels: Vec<u8>, salt: [u8; 32]) -> Result<()> {
    let ticket = &ctx.accounts.ticket;
    let member = ticket.member_index;
    let record = {
        let info = ctx.accounts.ledger.to_account_info();
        let data = info.try_borrow_data()?;
        let entry = ledger_entries(&data)?
            .get(member as usize)
            .ok_or(ProtocolError::WrongMemberIndex)?;
        MemberRecord {
            reputation: entry.reputation,
            tasks_done: entry.tasks_done,
            tasks_won: entry.tasks_won,
            gold_seen: entry.gold_seen,
            gold_correct: entry.gold_correct,
            confusion: entry.confusion,
        }
    };
    let community = &ctx.accounts.community;
    let rule = community.consensus.weight_rule.math();
    // The vote's weight now: one number per vote, or under the confusion rule the
    // vote's per-class costs, which depend on the label said (one per label, cached).
    let confusion = rule == MathWeightRule::Confusion;
    let flat = if confusion {
        0
    } else {
        vote_weight(rule, &record, community.num_classes).or_overflow()?
    };
    let mut costs: [Option<u64>; CONFUSION_CLASSES] = [None; CONFUSION_CLASSES];

    let info = ctx.accounts.item_table.to_account_info();
    let mut data = info.try_borrow_mut_data()?;
    let states = item_states_mut(&mut data)?;
    let mut cast = 0u32;
    for (&index, &label) in ticket.items[..ticket.item_count as usize]
        .iter()
        .zip(&labels)
    {
        let item = &mut states[index as usize];
        // A ticket reserved this slot; an item decided or refunded since takes no vote.
        if label == SKIP_LABEL
            || !item.is_votable()
            || item.vote_count as usize >= MAX_VOTES_PER_ITEM
            || item.has_voter(member)
        {
            continue;
        }
        let weight = if confusion {
            let cached = costs
                .get_mut(label as usize)
                .ok_or(ProtocolError::WrongLabel)?;
            match cached {
                Some(c) => *c,
                None => {
                    *cached.insert(vote_costs(&record, label, community.num_classes).or_overflow()?)
                }
            }
        } else {
            flat
        };
        item.votes[item.vote_count as usize] = VoteSlot {
            weight,
            member,
            label,
            deposited: (ticket.deposit_per_item > 0) as u8,
            padding: [0; 2],
        };
        item.vote_count += 1;
        cast += 1;
    }
    drop(data);
    let batch = &mut ctx.accounts.batch;
    batch.votes_cast = batch.votes_cast.safe_add(cast).or_overflow()?;
    batch.open_tickets = batch.open_tickets.safe_sub(1).or_overflow()?;
    if ctx.accounts.ticket.round == batch.settled_rounds {
        batch.round_revealed = batch.round_revealed.safe_add(1).or_overflow()?;
        require!(
            batch.round_revealed <= batch.round_committed,
            ProtocolError::InvariantViolated
        );
    }
    emit_cpi!(VotesRevealed {
        ticket: ctx.accounts.ticket.key(),
        member: ctx.accounts.member.key(),
        round: ctx.accounts.ticket.round,
        labels,
    });
    Ok(())
}
