use ale_math::accumulator::pending_reward;
use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;

use crate::error::{OrMathOverflow, StakingError};
use crate::state::StakingConfig;

/// One wallet's stake: active stake earns bucket A; stake in cooldown earns nothing.
#[account]
#[derive(InitSpace)]
pub struct StakeAccount {
    pub owner: Pubkey,
    pub bump: u8,
    pub active_amount: u64,
    /// When the current run of non-zero active stake began (0 while none is active):
    /// ale-protocol pays bucket B only to members active for a whole accrual window.
    pub active_since: i64,
    pub reward_checkpoint: u128,
    pub claimable: u64,
    pub cooling_amount: u64,
    pub cooldown_ends_at: i64,
    pub total_claimed: u64,
    pub reserved: [u8; 32],
}

impl StakeAccount {
    /// Moves rewards earned since the checkpoint into `claimable`.
    pub fn settle(&mut self, config: &StakingConfig) -> Result<()> {
        let earned = pending_reward(
            self.active_amount,
            config.reward_per_share,
            self.reward_checkpoint,
        )
        .or_overflow()?;
        self.claimable = self.claimable.safe_add(earned).or_overflow()?;
        self.reward_checkpoint = config.reward_per_share;
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.active_amount == 0 && self.cooling_amount == 0 && self.claimable == 0
    }

    pub fn invariant(&self) -> Result<()> {
        require!(
            self.active_amount != 0 || self.active_since == 0,
            StakingError::InvariantViolated
        );
        Ok(())
    }
}

// Borsh sizes pinned like the zero-copy layouts: a field added or resized must be a
// deliberate change (rent, `space`, reserved bytes), not a side effect.
static_assertions::const_assert_eq!(<StakeAccount as anchor_lang::Space>::INIT_SPACE, 129);
