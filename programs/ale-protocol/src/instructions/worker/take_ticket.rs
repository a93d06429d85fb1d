use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, Token, TokenAccount, TransferChecked};
use solana_sdk_ids::sysvar::slot_hashes;

use crate::constants::MAX_TICKET_ITEMS;
use crate::error::{OrMathOverflow, ProtocolError};
use crate::events::{TicketTaken, VotesCommitted};
use crate::seeds;
use crate::state::{
    assigned_items, item_states_mut, ledger_entries_mut, probe, recent_slot_hash, Batch, Community,
    ItemStatus, ItemTable, Ledger, Membership, Phase, Ticket,
};

/// A member takes its ticket for the current round of a batch: a sortition seeded by
/// the round's seed (drawn by the round's first take from the most recent slot hash,
/// which did not exist when the batch was posted), the batch, the member and the round
/// picks up to MAX_TICKET_ITEMS items that the round's allotment gives a vote (the
/// community's schedule, or a vote budget's least certain items) and that the member
/// has not voted on, within what is left of the batch's vote budget. One ticket per member per round; the community's daily
/// task limit and minimum stake hold.
///
/// Sealed take: once the round's seed is drawn, a worker's client computes the same
/// assignment (state::assigned_items), labels it, and sends the items with the
/// commitment: the ticket is taken and committed in one transaction. The items must be
/// exactly the first ones the sortition gives now (`AssignmentChanged` if another take
/// got there first: the client computes again), so a worker chooses how many items it
/// takes, never which.
#[event_cpi]
#[derive(Accounts)]
#[instruction(round: u32, sealed: Option<SealedBallot>)]
pub struct TakeTicket<'info> {
    #[account(mut)]
    pub member: Signer<'info>,
    #[account(seeds = [seeds::COMMUNITY, community.id.to_le_bytes().as_ref()], bump = community.bump)]
    pub community: Box<Account<'info, Community>>,
    #[account(
        seeds = [seeds::MEMBERSHIP, community.key().as_ref(), member.key().as_ref()],
        bump = membership.bump
    )]
    pub membership: Box<Account<'info, Membership>>,
    #[account(mut, address = community.ledger @ ProtocolError::WrongLedger)]
    pub ledger: AccountLoader<'info, Ledger>,
    #[account(mut, has_one = community, has_one = item_table @ ProtocolError::WrongItemTable)]
    pub batch: Box<Account<'info, Batch>>,
    #[account(mut)]
    pub item_table: AccountLoader<'info, ItemTable>,
    #[account(
        init_if_needed,
        payer = member,
        space = 8 + Ticket::INIT_SPACE,
        seeds = [
            seeds::TICKET,
            batch.key().as_ref(),
            member.key().as_ref(),
            round.to_le_bytes().as_ref()
        ],
        bump
    )]
    pub ticket: Box<Account<'info, Ticket>>,
    /// The member's stake account in ale-staking, when the community asks for stake.
    #[account(
        seeds = [ale_staking::seeds::STAKE, member.key().as_ref()],
        bump = stake_account.bump,
        seeds::program = ale_staking::ID
    )]
    pub stake_account: Option<Box<Account<'info, ale_staking::state::StakeAccount>>>,
    /// CHECK: the SlotHashes sysvar, checked by address and read raw.
    #[account(address = slot_hashes::ID @ ProtocolError::WrongSlotHashes)]
    pub slot_hashes: UncheckedAccount<'info>,
    /// Vote deposits (communities that ask one): the ALE mint, the member's ALE
    /// account and the community's ALE vault.
    pub ale_mint: Option<Box<Account<'info, Mint>>>,
    #[account(mut)]
    pub member_ale: Option<Box<Account<'info, TokenAccount>>>,
    #[account(mut, seeds = [seeds::COMMUNITY_REWARDS, community.key().as_ref()], bump)]
    pub rewards_vault: Option<Box<Account<'info, TokenAccount>>>,
    pub token_program: Option<Program<'info, Token>>,
    pub system_program: Program<'info, System>,
}

/// The ticket's items as the worker computed them, and its commitment over their
/// labels: sha256(labels || salt || worker || ticket).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct SealedBallot {
    pub items: Vec<u32>,
    pub commitment: [u8; 32],
}

impl TakeTicket<'_> {
    pub fn validate(&self, round: u32, sealed: &Option<SealedBallot>) -> Result<()> {
        require_keys_eq!(
            self.ticket.member,
            Pubkey::default(),
            ProtocolError::AlreadyHasTicket
        );
        let now = Clock::get()?.unix_timestamp;
        require!(
            self.batch.phase_at(now)? == Phase::Commit { round },
            ProtocolError::NotAcceptingVotes
        );
        require!(now < self.batch.deadline, ProtocolError::NotAcceptingVotes);
        require!(
            round == self.batch.settled_rounds,
            ProtocolError::RoundNotSettled
        );
        if let Some(sealed) = sealed {
            require!(
                self.batch.seed_of(round).is_some(),
                ProtocolError::RoundSeedNotDrawn
            );
            require!(
                (1..=MAX_TICKET_ITEMS).contains(&sealed.items.len()),
                ProtocolError::AssignmentChanged
            );
        }
        if self.community.vote_deposit > 0 {
            let (Some(mint), Some(from), Some(vault), Some(_)) = (
                &self.ale_mint,
                &self.member_ale,
                &self.rewards_vault,
                &self.token_program,
            ) else {
                return err!(ProtocolError::DepositAccountsMissing);
            };
            require_keys_eq!(
                from.owner,
                self.member.key(),
                ProtocolError::WrongTokenOwner
            );
            require!(
                from.mint == mint.key() && vault.mint == mint.key(),
                ProtocolError::WrongMint
            );
        }
        let min_stake = self.community.min_stake_to_vote;
        if min_stake > 0 {
            let stake = self
                .stake_account
                .as_ref()
                .ok_or(ProtocolError::InsufficientStake)?;
            require!(
                stake.active_amount >= min_stake,
                ProtocolError::InsufficientStake
            );
        }
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(round, &sealed))]
pub fn take_ticket(
    ctx: Context<TakeTicket>,
    round: u32,
    sealed: Option<SealedBallot>,
) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let member_index = ctx.accounts.membership.index;
    let community = &ctx.accounts.community;
    let allotment = ctx.accounts.batch.allotment(&community.consensus, round);
    // Daily task limit: how many items this ticket may still take today.
    let today = ale_math::gamification::unix_day(now);
    let mut allowance = MAX_TICKET_ITEMS as u32;
    {
        let info = ctx.accounts.ledger.to_account_info();
        let mut data = info.try_borrow_mut_data()?;
        let entry = ledger_entries_mut(&mut data)?
            .get_mut(member_index as usize)
            .ok_or(ProtocolError::WrongMemberIndex)?;
        if entry.rate_window_day != today {
            entry.rate_window_day = today;
            entry.rate_window_count = 0;
        }
        if community.rate_limit_per_day > 0 {
            let left = community
                .rate_limit_per_day
                .saturating_sub(entry.rate_window_count);
            require!(left > 0, ProtocolError::RateLimited);
            allowance = allowance.min(left as u32);
        }
    }
    // The round's seed: drawn when the previous round settled; round 0's by its
    // first take.
    let batch_key = ctx.accounts.batch.key();
    let seed = match ctx.accounts.batch.seed_of(round) {
        Some(seed) => seed,
        None => {
            let recent_hash = recent_slot_hash(&ctx.accounts.slot_hashes.to_account_info())?;
            ctx.accounts
                .batch
                .draw_seed(&batch_key, round, &recent_hash)?
        }
    };
    let count = ctx.accounts.batch.item_count;
    let walk = probe(&seed, &batch_key, member_index, round, count);
    // A vote budget caps what the round's tickets reserve.
    let votes_left = ctx.accounts.batch.votes_left();
    require!(votes_left > 0, ProtocolError::VoteBudgetSpent);
    let limit = match &sealed {
        Some(s) => allowance.min(s.items.len() as u32),
        None => allowance,
    }
    .min(votes_left);
    let (items, taken) = {
        let info = ctx.accounts.item_table.to_account_info();
        let mut data = info.try_borrow_mut_data()?;
        let states = item_states_mut(&mut data)?;
        let (items, taken) = assigned_items(states, walk, allotment, member_index, limit);
        if let Some(sealed) = &sealed {
            require!(
                sealed.items.as_slice() == &items[..taken],
                ProtocolError::AssignmentChanged
            );
        }
        for &index in &items[..taken] {
            let item = &mut states[index as usize];
            item.votes_reserved += 1; // the allotment keeps it below max_votes <= 16
            item.set_status(ItemStatus::Started);
        }
        (items, taken)
    };
    require!(taken > 0, ProtocolError::NoItemsAvailable);
    {
        let info = ctx.accounts.ledger.to_account_info();
        let mut data = info.try_borrow_mut_data()?;
        let entry = &mut ledger_entries_mut(&mut data)?[member_index as usize];
        entry.rate_window_count = entry.rate_window_count.saturating_add(taken as u16);
    }

    // The vote deposit, one per item taken, into the community's ALE vault.
    let deposit = community.vote_deposit;
    if deposit > 0 {
        let amount = deposit.safe_mul(taken as u64).or_overflow()?;
        let (Some(mint), Some(from), Some(vault), Some(token_program)) = (
            &ctx.accounts.ale_mint,
            &ctx.accounts.member_ale,
            &ctx.accounts.rewards_vault,
            &ctx.accounts.token_program,
        ) else {
            return err!(ProtocolError::DepositAccountsMissing);
        };
        require!(from.amount >= amount, ProtocolError::InsufficientFunds);
        token::transfer_checked(
            CpiContext::new(
                token_program.key(),
                TransferChecked {
                    from: from.to_account_info(),
                    mint: mint.to_account_info(),
                    to: vault.to_account_info(),
                    authority: ctx.accounts.member.to_account_info(),
                },
            ),
            amount,
            mint.decimals,
        )?;
    }

    ctx.accounts.ticket.set_inner(Ticket {
        batch: batch_key,
        member: ctx.accounts.member.key(),
        member_index,
        round,
        item_count: taken as u8,
        items,
        commitment: sealed.as_ref().map_or([0; 32], |s| s.commitment),
        deposit_per_item: deposit,
        committed: sealed.is_some(),
        bump: ctx.bumps.ticket,
    });
    let batch = &mut ctx.accounts.batch;
    batch.open_tickets = batch.open_tickets.safe_add(1).or_overflow()?;
    batch.round_reserved = batch.round_reserved.safe_add(taken as u32).or_overflow()?;
    if sealed.is_some() {
        batch.round_committed = batch.round_committed.safe_add(1).or_overflow()?;
    }
    emit_cpi!(TicketTaken {
        batch: batch_key,
        member: ctx.accounts.member.key(),
        round,
        items: items[..taken].to_vec(),
    });
    if sealed.is_some() {
        emit_cpi!(VotesCommitted {
            ticket: ctx.accounts.ticket.key(),
            round,
        });
    }
    Ok(())
}
