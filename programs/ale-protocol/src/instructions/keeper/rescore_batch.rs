use ale_math::checked::CheckedMath;
use ale_math::consensus::{Tally, CONFUSION_CLASSES};
use ale_math::em::{posterior_q16, shrunk_costs, CELL_SMOOTHING_Q16, RESCORE_STEPS};
use anchor_lang::prelude::*;

use crate::constants::{MAX_RESCORE_MEMBERS_PER_CALL, MAX_RESCORE_VOTES_PER_CALL};
use crate::error::{OrMathOverflow, ProtocolError};
use crate::state::{
    item_states_mut, Batch, ItemState, ItemStatus, ItemTable, Rescore, RescoreMember,
    ITEM_RESCORED, ITEM_RESCORE_TIE,
};

const K: usize = CONFUSION_CLASSES;
/// Passes in all: an items pass per EM step and the last, a members pass between two.
const PASSES: u32 = 2 * RESCORE_STEPS as u32 + 1;

/// Permissionless: one bounded piece of a batch's closing re-score, from the pass and
/// cursor the caller names (a repeated call is refused, never applied twice). An items
/// pass walks items from the cursor, at most MAX_RESCORE_VOTES_PER_CALL votes: each
/// voted item's posterior over classes from its votes' costs (the first pass: the
/// costs the votes were weighed with; later ones: what the members pass made of the
/// counts), then adds it to each voter's counts and the pool; the last items pass
/// writes each open item's likeliest class instead. A members pass turns at most
/// MAX_RESCORE_MEMBERS_PER_CALL members' counts into costs, shrunk toward the pool.
/// The call that ends the last pass marks the batch re-scored and closes the workspace.
#[derive(Accounts)]
pub struct RescoreBatch<'info> {
    /// CHECK: the workspace's payer, by address: receives its rent at the end.
    #[account(mut, address = rescore.load()?.payer @ ProtocolError::WrongRescoreAccount)]
    pub payer: UncheckedAccount<'info>,
    #[account(mut, has_one = item_table @ ProtocolError::WrongItemTable)]
    pub batch: Box<Account<'info, Batch>>,
    /// Written by the last pass: each open item's re-scored label.
    #[account(mut)]
    pub item_table: AccountLoader<'info, ItemTable>,
    #[account(mut, address = batch.rescore @ ProtocolError::WrongRescoreAccount)]
    pub rescore: AccountLoader<'info, Rescore>,
}

impl RescoreBatch<'_> {
    pub fn validate(&self, pass: u32, cursor: u32) -> Result<()> {
        let rescore = self.rescore.load()?;
        require!(
            rescore.pass == pass && rescore.cursor == cursor && pass < PASSES,
            ProtocolError::StaleCursor
        );
        Ok(())
    }
}

/// The item takes part: it has votes and is open or decided (decided items' votes
/// teach the members' matrices, but keep their labels).
fn counted(item: &ItemState) -> bool {
    item.vote_count > 0
        && matches!(
            item.status(),
            Some(ItemStatus::Open | ItemStatus::Started | ItemStatus::Decided)
        )
}

#[access_control(ctx.accounts.validate(pass, cursor))]
pub fn rescore_batch(ctx: Context<RescoreBatch>, pass: u32, cursor: u32) -> Result<()> {
    let info = ctx.accounts.rescore.to_account_info();
    let finished = {
        let mut data = info.try_borrow_mut_data()?;
        let (header, tail) = data
            .get_mut(8..)
            .ok_or(ProtocolError::InvariantViolated)?
            .split_at_mut(std::mem::size_of::<Rescore>());
        let header: &mut Rescore = bytemuck::try_from_bytes_mut(header)
            .map_err(|_| error!(ProtocolError::InvariantViolated))?;
        let members: &mut [RescoreMember] = bytemuck::try_cast_slice_mut(tail)
            .map_err(|_| error!(ProtocolError::InvariantViolated))?;
        let k = header.num_classes;
        if pass.is_multiple_of(2) {
            let items_info = ctx.accounts.item_table.to_account_info();
            let mut items_data = items_info.try_borrow_mut_data()?;
            let items = item_states_mut(&mut items_data)?;
            items_pass(header, members, items, pass, cursor, k)?;
        } else {
            members_pass(header, members, cursor, k)?;
        }
        header.pass == PASSES
    };
    if finished {
        ctx.accounts.batch.rescore_done = true;
        ctx.accounts
            .rescore
            .close(ctx.accounts.payer.to_account_info())?;
    }
    Ok(())
}

/// Walks items from `cursor` within the call's vote cap; advances the pass at the end.
fn items_pass(
    header: &mut Rescore,
    members: &mut [RescoreMember],
    items: &mut [ItemState],
    pass: u32,
    cursor: u32,
    k: u8,
) -> Result<()> {
    let last = pass + 1 == PASSES;
    if cursor == 0 {
        header.pool = [[CELL_SMOOTHING_Q16; K]; K];
    }
    let mut end = cursor as usize;
    let mut votes = 0u32;
    while let Some(item) = items.get_mut(end) {
        if counted(item) {
            let with_item = votes.safe_add(item.vote_count as u32).or_overflow()?;
            if with_item > MAX_RESCORE_VOTES_PER_CALL {
                break;
            }
            votes = with_item;
            let voted = &item.votes[..item.vote_count as usize];
            let mut costs = [0u64; K];
            if pass == 0 {
                // The costs the votes were weighed with (the confusion rule's), summed as
                // settlement sums them.
                let mut tally = Tally::default();
                for v in voted {
                    tally.add_costs(v.label, v.weight, k).or_overflow()?;
                }
                costs.copy_from_slice(&tally.weights[..K]);
            } else {
                for v in voted {
                    let member = members
                        .get(v.member as usize)
                        .ok_or(ProtocolError::InvariantViolated)?;
                    for (t, cost) in costs.iter_mut().enumerate().take(k as usize) {
                        let c = member.costs[t][v.label as usize % K] as u64;
                        *cost = cost.safe_add(c).or_overflow()?;
                    }
                }
            }
            let posterior = posterior_q16(&costs, k).or_overflow()?;
            if last {
                if item.is_votable() {
                    let leader = (0..k as usize)
                        .max_by_key(|&t| (posterior[t], std::cmp::Reverse(t)))
                        .unwrap_or(0);
                    let tie =
                        (0..k as usize).any(|t| t != leader && posterior[t] == posterior[leader]);
                    item.label = leader as u8;
                    item.flags |= if tie { ITEM_RESCORE_TIE } else { ITEM_RESCORED };
                }
            } else {
                for v in voted {
                    let said = v.label as usize % K;
                    let member = members
                        .get_mut(v.member as usize)
                        .ok_or(ProtocolError::InvariantViolated)?;
                    for (t, mass) in posterior.iter().enumerate().take(k as usize) {
                        member.counts[t][said] =
                            member.counts[t][said].safe_add(*mass).or_overflow()?;
                        header.pool[t][said] =
                            header.pool[t][said].safe_add(*mass).or_overflow()?;
                    }
                }
            }
        }
        end += 1;
    }
    advance(header, end, items.len())
}

/// Turns members' counts into costs from `cursor`; advances the pass at the end.
fn members_pass(
    header: &mut Rescore,
    members: &mut [RescoreMember],
    cursor: u32,
    k: u8,
) -> Result<()> {
    let start = cursor as usize;
    let end = start
        .saturating_add(MAX_RESCORE_MEMBERS_PER_CALL as usize)
        .min(members.len());
    for member in members.get_mut(start..end).unwrap_or_default() {
        member.costs = shrunk_costs(&member.counts, &header.pool, k).or_overflow()?;
        member.counts = [[0; K]; K];
    }
    advance(header, end, members.len())
}

/// The next call's place: `end` of the pass's `len` entries, or the next pass.
fn advance(header: &mut Rescore, end: usize, len: usize) -> Result<()> {
    if end == len {
        header.pass = header.pass.safe_add(1).or_overflow()?;
        header.cursor = 0;
    } else {
        header.cursor = u32::try_from(end).map_err(|_| error!(ProtocolError::MathOverflow))?;
    }
    Ok(())
}
