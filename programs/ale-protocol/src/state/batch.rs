use ale_math::allocation::CERTAINTY_BUCKETS;
use ale_math::checked::CheckedMath;
use ale_math::consensus::DecisionRule;
use anchor_lang::prelude::*;

use crate::constants::NEVER_STOP_EARLY_BPS;
use crate::error::{OrMathOverflow, ProtocolError};
use crate::state::{round_seed, Allotment, ConsensusParams, WeightRule};

/// A funded labelling job: N items of one community, paid in one SPL mint from an
/// escrow vault owned by this account. Priced per decided item, or, with a vote
/// budget, per vote: the poster buys `vote_budget` votes at `price` each, ALE spends
/// them where they can still change a label, and what is not spent goes back.
#[account]
#[derive(InitSpace)]
pub struct Batch {
    pub community: Pubkey,
    pub id: u64,
    pub poster: Pubkey,
    pub mint: Pubkey,
    pub mint_slot: u8,
    pub token_program: Pubkey,
    pub vault: Pubkey,
    /// The poster's token account that receives cancellations and refunds.
    pub refund_account: Pubkey,
    pub item_table: Pubkey,
    pub items_root: [u8; 32],
    pub item_count: u32,
    /// Per decided item, or per vote of a decided item when `vote_budget` is set; the
    /// fees are per the same unit.
    pub price: u64,
    pub protocol_fee: u64,
    pub creator_fee: u64,
    pub created_at: i64,
    pub deadline: i64,
    /// Merkle root of sha256(item index || answer || salt) of the gold items, revealed
    /// at the end of the batch.
    pub gold_root: [u8; 32],
    pub gold_count: u32,
    pub gold_revealed: u32,
    pub bump: u8,
    pub vault_bump: u8,
    pub items_cancelled: u32,
    pub items_refunded: u32,
    pub items_decided: u32,
    pub refund_cursor: u32,
    /// Where this batch's worker pay goes at settlement, for members to claim.
    pub community_vault: Pubkey,
    /// Round timing, fixed at posting from the community's windows: round r's commit
    /// window opens at created_at + r x (commit + reveal).
    pub commit_seconds: u32,
    pub reveal_seconds: u32,
    /// Rounds fully settled, and the settlement cursor within the next one.
    pub settled_rounds: u32,
    pub settle_cursor: u32,
    /// Escrow accounting: deposited = credited + fees_paid + refunded + in escrow.
    pub deposited: u64,
    pub credited: u64,
    pub fees_paid: u64,
    pub refunded: u64,
    /// The current round's sortition seed (`round_seed`), drawn by its first take, and
    /// the round it belongs to plus one (0: none drawn yet).
    pub round_seed: [u8; 32],
    pub round_seed_for: u32,
    /// Tickets of the current round (`settled_rounds`) committed, and of those
    /// revealed; both reset when the round settles. When every committed ticket is
    /// revealed after the commit window, the round may settle before its reveal window
    /// ends (so a relayer's last reveals and the settlement share a transaction).
    pub round_committed: u32,
    pub round_revealed: u32,
    /// Tickets taken and not yet revealed or closed: the batch cannot close while any
    /// exists, or their rent could never be reclaimed (THREATS.md, K-14).
    pub open_tickets: u32,
    /// Votes bought (0: priced per item, the community's schedule of votes). Revealed
    /// votes spend it; at close what is left returns to the poster.
    pub vote_budget: u32,
    /// Votes revealed on this batch.
    pub votes_cast: u32,
    /// Votes reserved by the current round's tickets; reset when it settles.
    pub round_reserved: u32,
    /// When an item stops early: 0 at the community's early stop, NEVER_STOP_EARLY_BPS
    /// never (a budget is then spent to the end), else at this posterior confidence
    /// (the confusion rule) or weight margin (the weight rules), in bps.
    pub target_confidence_bps: u16,
    /// What the current round serves beyond items' minimum votes (ale-math
    /// allocation): one more vote to every open item of certainty bucket at most
    /// `serve_cutoff`, when `serve_extras`.
    pub serve_extras: bool,
    pub serve_cutoff: u8,
    /// The current round's settlement so far: open items per certainty bucket, and
    /// open items below the minimum votes. They set the next round's serving.
    pub certainty_counts: [u16; CERTAINTY_BUCKETS],
    pub below_min_open: u32,
    /// The closing re-score's workspace (default: none started), and whether it ran to
    /// the end: a vote budget's last round in a confusion-rule community is decided by
    /// it.
    pub rescore: Pubkey,
    pub rescore_done: bool,
    pub reserved: [u8; 16],
}

/// Where a batch's clock stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Commit { round: u32 },
    Reveal { round: u32 },
}

impl Batch {
    /// Whether `round` may settle at `now`: its reveal window has ended, or its commit
    /// window has and every ticket committed in it is revealed.
    pub fn settleable(&self, round: u32, now: i64) -> Result<bool> {
        Ok(now >= self.reveal_end(round)?
            || (now >= self.commit_end(round)?
                && round == self.settled_rounds
                && self.round_revealed == self.round_committed))
    }

    /// The sortition seed of `round`, if it has been drawn.
    pub fn seed_of(&self, round: u32) -> Option<[u8; 32]> {
        (round.checked_add(1) == Some(self.round_seed_for)).then_some(self.round_seed)
    }

    /// Draws `round`'s sortition seed from the most recent slot hash; `address` is this
    /// batch's.
    pub fn draw_seed(
        &mut self,
        address: &Pubkey,
        round: u32,
        recent_slot_hash: &[u8; 32],
    ) -> Result<[u8; 32]> {
        self.round_seed = round_seed(recent_slot_hash, address, round);
        self.round_seed_for = round.checked_add(1).ok_or(ProtocolError::MathOverflow)?;
        Ok(self.round_seed)
    }

    fn round_seconds(&self) -> i64 {
        self.commit_seconds as i64 + self.reveal_seconds as i64
    }

    /// Unsigned division: SBPF v0 has no signed one.
    pub fn phase_at(&self, now: i64) -> Result<Phase> {
        let since = now
            .checked_sub(self.created_at)
            .and_then(|s| u64::try_from(s).ok())
            .ok_or(ProtocolError::MathOverflow)?;
        let round_seconds = u64::from(self.commit_seconds) + u64::from(self.reveal_seconds);
        let (round, offset) = since
            .checked_div(round_seconds)
            .zip(since.checked_rem(round_seconds))
            .ok_or(ProtocolError::MathOverflow)?;
        let round = u32::try_from(round).map_err(|_| ProtocolError::MathOverflow)?;
        Ok(if offset < u64::from(self.commit_seconds) {
            Phase::Commit { round }
        } else {
            Phase::Reveal { round }
        })
    }

    pub fn commit_end(&self, round: u32) -> Result<i64> {
        (round as i64)
            .checked_mul(self.round_seconds())
            .and_then(|t| t.checked_add(self.created_at))
            .and_then(|t| t.checked_add(self.commit_seconds as i64))
            .ok_or_else(|| error!(ProtocolError::MathOverflow))
    }

    pub fn reveal_end(&self, round: u32) -> Result<i64> {
        (round as i64 + 1)
            .checked_mul(self.round_seconds())
            .and_then(|t| t.checked_add(self.created_at))
            .ok_or_else(|| error!(ProtocolError::MathOverflow))
    }

    /// Priced per vote, with a vote budget.
    pub fn has_vote_budget(&self) -> bool {
        self.vote_budget > 0
    }

    /// Votes the current round's takes may still reserve (u32::MAX without a budget).
    pub fn votes_left(&self) -> u32 {
        if !self.has_vote_budget() {
            return u32::MAX;
        }
        self.vote_budget
            .saturating_sub(self.votes_cast)
            .saturating_sub(self.round_reserved)
    }

    /// What a cancelled or refunded item returns at once: its price when priced per
    /// item; with a vote budget nothing then, the budget's rest returns at close.
    pub fn refund_per_item(&self) -> u64 {
        if self.has_vote_budget() {
            0
        } else {
            self.price
        }
    }

    /// Which items round `round`'s tickets take (state::assigned_items).
    pub fn allotment(&self, consensus: &ConsensusParams, round: u32) -> Allotment {
        if !self.has_vote_budget() {
            return Allotment::UpTo {
                target: consensus.target_votes(round),
            };
        }
        Allotment::Budget {
            min_votes: consensus.min_votes,
            max_votes: consensus.max_votes,
            extras_up_to: self.serve_extras.then_some(self.serve_cutoff),
        }
    }

    /// The community's rule as this batch applies it in round `round`: the batch's
    /// early stop; and with a vote budget, no item is at its cap before the last round
    /// (one at `max_votes` takes no more votes and waits), and in the last round (the
    /// budget spent, or no later round can end by the deadline) every item with its
    /// minimum votes is, so it is decided then, by the closing re-score where there is
    /// one, rather than refunded at the deadline.
    pub fn decision_rule(&self, consensus: &ConsensusParams, round: u32) -> Result<DecisionRule> {
        let early_stop_margin_bps = match self.target_confidence_bps {
            0 => consensus.early_stop_margin_bps,
            NEVER_STOP_EARLY_BPS => 0,
            target => target,
        };
        let mut rule = DecisionRule {
            min_votes: consensus.min_votes,
            max_votes: consensus.max_votes,
            threshold_bps: consensus.threshold_bps,
            early_stop_margin_bps,
        };
        if self.has_vote_budget() {
            rule.max_votes = if self.is_last_round(round)? {
                rule.min_votes
            } else {
                u8::MAX
            };
        }
        Ok(rule)
    }

    /// With a vote budget, `round` is the last: the budget's last vote is cast, or no
    /// later round can end by the deadline.
    pub fn is_last_round(&self, round: u32) -> Result<bool> {
        if !self.has_vote_budget() {
            return Ok(false);
        }
        let next_round_end = self.reveal_end(round.safe_add(1).or_overflow()?)?;
        Ok(self.votes_cast >= self.vote_budget || next_round_end > self.deadline)
    }

    /// Round `round` is decided by the closing re-score: a vote budget's last round in
    /// a community of the confusion rule (the re-score needs per-class costs).
    pub fn needs_rescore(&self, weight_rule: WeightRule, round: u32) -> Result<bool> {
        Ok(weight_rule == WeightRule::Confusion && self.is_last_round(round)?)
    }

    /// Price less fees. Fees are at most 10% + 20% of the price (the caps in
    /// constants.rs), floored, so a worker's pay is at least one base unit.
    pub fn worker_pay(&self) -> u64 {
        self.price
            .saturating_sub(self.protocol_fee)
            .saturating_sub(self.creator_fee)
    }

    /// What the escrow vault must hold.
    pub fn escrow_expected(&self) -> Result<u64> {
        self.deposited
            .checked_sub(self.credited)
            .and_then(|v| v.checked_sub(self.fees_paid))
            .and_then(|v| v.checked_sub(self.refunded))
            .ok_or_else(|| error!(ProtocolError::InvariantViolated))
    }

    pub fn is_finished(&self) -> bool {
        self.items_cancelled as u64 + self.items_refunded as u64 + self.items_decided as u64
            == self.item_count as u64
    }

    /// Conservation of the escrow (the vault may hold more: anyone can send tokens to
    /// it; close_batch returns any surplus to the poster), and item counts.
    pub fn invariant(&self, vault_balance: u64) -> Result<()> {
        let fees = self.protocol_fee as u128 + self.creator_fee as u128;
        let counted =
            self.items_cancelled as u64 + self.items_refunded as u64 + self.items_decided as u64;
        require!(
            vault_balance >= self.escrow_expected()?
                && counted <= self.item_count as u64
                && fees <= self.price as u128
                && self.refund_cursor <= self.item_count
                && self.settle_cursor < self.item_count
                && self.round_revealed <= self.round_committed
                && (!self.has_vote_budget() || self.votes_cast <= self.vote_budget),
            ProtocolError::InvariantViolated
        );
        Ok(())
    }
}

// Borsh sizes pinned like the zero-copy layouts: a field added or resized must be a
// deliberate change (rent, `space`, reserved bytes), not a side effect.
static_assertions::const_assert_eq!(<Batch as anchor_lang::Space>::INIT_SPACE, 628);
