use anchor_lang::prelude::*;

use crate::constants::{MINT_SLOTS, NAME_LEN, SKILL_TAG_LEN, VETTED_MINT_SLOTS};
use crate::error::ProtocolError;

/// Who may join.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum JoinRule {
    Open,
    /// Reputation at least `min_reputation` in the `prerequisite` community.
    MinReputation {
        prerequisite: Pubkey,
        min_reputation: u64,
    },
    /// Pass `pass_mark` of `items` gold items of the current qualification round.
    Qualification {
        items: u8,
        pass_mark: u8,
    },
}

/// Which weight a vote carries in the consensus.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum WeightRule {
    /// Estimated accuracy from the member's record (PROTOCOL.md "Which weight").
    AccuracyLogOdds,
    /// The white paper's literal rule: weight = raw reputation.
    RawReputation,
    /// Online Dawid–Skene from each member's confusion counts (label sets of at most
    /// 4); `early_stop_margin_bps` is then the confidence that stops early.
    Confusion,
}

impl WeightRule {
    /// ale-math's rule.
    pub fn math(self) -> ale_math::consensus::WeightRule {
        use ale_math::consensus::WeightRule as Math;
        match self {
            WeightRule::AccuracyLogOdds => Math::AccuracyLogOdds,
            WeightRule::RawReputation => Math::RawReputation,
            WeightRule::Confusion => Math::Confusion,
        }
    }
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub struct ConsensusParams {
    pub initial_reputation: u64,
    pub reward_per_win: u64,
    pub min_votes: u8,
    pub max_votes: u8,
    /// Share of the total weight the leading label needs, in basis points (> 50%).
    pub threshold_bps: u16,
    /// Lead over the runner-up, in basis points of total weight, that stops early.
    pub early_stop_margin_bps: u16,
    pub weight_rule: WeightRule,
    /// Votes an open item gains per round after the first (which brings it to
    /// `min_votes`).
    pub votes_per_round: u8,
}

impl ConsensusParams {
    /// Votes an item collects by the end of round `round`.
    pub fn target_votes(&self, round: u32) -> u8 {
        let target = self.min_votes as u32 + round.saturating_mul(self.votes_per_round as u32);
        target.min(self.max_votes as u32) as u8
    }
}

/// One round of the onboarding exam: the gold items' answers are committed by hash;
/// candidates commit their answers blind, the creator reveals the key, candidates
/// reveal and are graded on chain. A new round needs new items and a new key.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub struct QualificationRound {
    pub round: u32,
    /// Merkle root of the gold items' content (off chain).
    pub items_root: [u8; 32],
    /// sha256(answers || salt).
    pub key_commitment: [u8; 32],
    pub revealed: bool,
    pub answers: [u8; 32],
}

#[account]
#[derive(InitSpace)]
pub struct Community {
    pub id: u64,
    pub creator: Pubkey,
    pub ledger: Pubkey,
    pub bump: u8,
    pub name: [u8; NAME_LEN],
    pub skill_tag: [u8; SKILL_TAG_LEN],
    pub num_classes: u8,
    pub join_rule: JoinRule,
    pub qualification: QualificationRound,
    pub consensus: ConsensusParams,
    pub commit_window_seconds: u32,
    pub reveal_window_seconds: u32,
    pub min_stake_to_vote: u64,
    /// ALE each vote puts down (0: none); losers forfeit it to the item's winners.
    pub vote_deposit: u64,
    pub creator_fee_bps: u16,
    /// Tasks one member may take per day (0: no limit).
    pub rate_limit_per_day: u16,
    /// Members the ledger may hold (the ledger's size limit when set to 0).
    pub max_members: u32,
    pub member_count: u32,
    /// Payment mints this community holds balances in; ledger entries index them.
    pub mints: [Pubkey; MINT_SLOTS],
    pub batch_count: u64,
    /// Sum of members' reputation: the denominator of bucket-B rewards.
    pub total_reputation: u64,
    /// Bucket-B rewards per reputation point (ale-math accumulator, 1e18 scale).
    pub reward_per_reputation: u128,
    pub reward_carry: u128,
    /// ALE drawn from ale-staking, claimed by members, and forfeited by members whose
    /// stake did not cover their accrual window (redistributed at the next draw).
    pub rewards_drawn: u64,
    pub rewards_claimed: u64,
    pub rewards_forfeited: u64,
    /// Members with at least PROBATION_WINS wins: once there are `min_votes` of them,
    /// fresh identities cannot decide an item alone (ale-math hold_for_established).
    pub established_members: u32,
    pub reserved: [u8; 60],
}

impl Community {
    /// The slot of `mint`, registering it if a slot is free. The last
    /// VETTED_MINT_SLOTS free slots are kept for ALE and operator-vetted mints (`vetted`),
    /// so junk batches in throwaway mints cannot lock a community out of the mints its
    /// posters use (THREATS.md, C-8).
    pub fn mint_slot(&mut self, mint: Pubkey, vetted: bool) -> Result<u8> {
        if let Some(i) = self.mints.iter().position(|m| *m == mint) {
            return Ok(i as u8);
        }
        let free_slots = self
            .mints
            .iter()
            .filter(|m| **m == Pubkey::default())
            .count();
        require!(
            vetted || free_slots > VETTED_MINT_SLOTS,
            ProtocolError::MintSlotsFull
        );
        let free = self
            .mints
            .iter()
            .position(|m| *m == Pubkey::default())
            .ok_or(ProtocolError::MintSlotsFull)?;
        self.mints[free] = mint;
        Ok(free as u8)
    }

    /// Pays `amount` out of one of the community's vaults (pay, rewards or deposits),
    /// the community PDA signing.
    pub fn pay_from_vault<'info>(
        community: &Account<'info, Community>,
        token_program: Pubkey,
        vault: AccountInfo<'info>,
        mint: AccountInfo<'info>,
        decimals: u8,
        to: AccountInfo<'info>,
        amount: u64,
    ) -> Result<()> {
        let id = community.id.to_le_bytes();
        let bump = [community.bump];
        let signer: &[&[&[u8]]] = &[&[crate::seeds::COMMUNITY, &id, &bump]];
        anchor_spl::token_interface::transfer_checked(
            CpiContext::new_with_signer(
                token_program,
                anchor_spl::token_interface::TransferChecked {
                    from: vault,
                    mint,
                    to,
                    authority: community.to_account_info(),
                },
                signer,
            ),
            amount,
            decimals,
        )
    }

    pub fn invariant(&self) -> Result<()> {
        require!(
            self.member_count <= self.max_members
                && self.established_members <= self.member_count
                && (2..=16).contains(&self.num_classes)
                && self.consensus.min_votes <= self.consensus.max_votes,
            ProtocolError::InvariantViolated
        );
        Ok(())
    }
}

// Borsh sizes pinned like the zero-copy layouts: a field added or resized must be a
// deliberate change (rent, `space`, reserved bytes), not a side effect.
static_assertions::const_assert_eq!(<Community as anchor_lang::Space>::INIT_SPACE, 588);
