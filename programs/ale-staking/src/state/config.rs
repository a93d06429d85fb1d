use ale_math::accumulator::RewardAccumulator;
use ale_math::inflation::YearProgress;
use anchor_lang::prelude::*;

use crate::error::StakingError;

/// The one configuration of ale-staking: addresses, parameters, the inflation year in
/// progress and the bucket-A accumulator.
#[account]
#[derive(InitSpace)]
pub struct StakingConfig {
    pub admin: Pubkey,
    pub ale_mint: Pubkey,
    pub stake_vault: Pubkey,
    pub reward_vault: Pubkey,
    pub reward_pot: Pubkey,
    /// PDA of ale-protocol allowed to register communities, report work and draw.
    pub protocol_reporter: Pubkey,
    pub bump: u8,
    pub mint_authority_bump: u8,
    pub genesis_done: bool,
    pub cooldown_seconds: i64,
    pub epoch_seconds: i64,
    /// Origin of the inflation and epoch clocks (the genesis mint's time).
    pub genesis_ts: i64,
    /// Time up to which emission has been computed.
    pub last_emission_ts: i64,
    pub year_index: u32,
    pub year_start: i64,
    pub year_budget: u64,
    pub year_emitted: u64,
    pub total_active_stake: u64,
    pub total_cooling_stake: u64,
    pub reward_per_share: u128,
    pub reward_carry: u128,
    /// Lifetime totals, for conservation checks.
    pub total_emitted: u64,
    pub bucket_a_minted: u64,
    pub bucket_a_withheld: u64,
    pub bucket_b_allocated: u64,
    pub rewards_claimed: u64,
    pub reserved: [u8; 64],
}

impl StakingConfig {
    pub fn year(&self) -> YearProgress {
        YearProgress {
            year_start: self.year_start,
            budget: self.year_budget,
            emitted: self.year_emitted,
        }
    }

    pub fn set_year(&mut self, year: YearProgress) {
        self.year_start = year.year_start;
        self.year_budget = year.budget;
        self.year_emitted = year.emitted;
    }

    pub fn accumulator(&self) -> RewardAccumulator {
        RewardAccumulator {
            per_share: self.reward_per_share,
            carry: self.reward_carry,
        }
    }

    pub fn set_accumulator(&mut self, acc: RewardAccumulator) {
        self.reward_per_share = acc.per_share;
        self.reward_carry = acc.carry;
    }

    /// Epoch containing time `t` (epochs count from the genesis mint). Unsigned division:
    /// SBPF v0 has no signed one.
    pub fn epoch_at(&self, t: i64) -> Result<u64> {
        let since = t
            .checked_sub(self.genesis_ts)
            .and_then(|s| u64::try_from(s).ok())
            .ok_or(StakingError::MathOverflow)?;
        let epoch_seconds =
            u64::try_from(self.epoch_seconds).map_err(|_| StakingError::MathOverflow)?;
        since
            .checked_div(epoch_seconds)
            .ok_or_else(|| error!(StakingError::MathOverflow))
    }

    /// Start time of `epoch`.
    pub fn epoch_start(&self, epoch: u64) -> Result<i64> {
        i64::try_from(epoch)
            .ok()
            .and_then(|e| e.checked_mul(self.epoch_seconds))
            .and_then(|s| s.checked_add(self.genesis_ts))
            .ok_or_else(|| error!(StakingError::MathOverflow))
    }

    /// Users' instructions need the bucket-A accumulator to be current.
    pub fn require_current_emission(&self, now: i64) -> Result<()> {
        require!(self.genesis_done, StakingError::GenesisNotDone);
        require!(
            self.last_emission_ts >= now,
            StakingError::EmissionNotCurrent
        );
        Ok(())
    }

    /// Cross-field rules that every mutating instruction leaves true.
    pub fn invariant(&self) -> Result<()> {
        let accounted = (self.bucket_a_minted as u128)
            + (self.bucket_a_withheld as u128)
            + (self.bucket_b_allocated as u128);
        require!(
            accounted == self.total_emitted as u128
                && self.year_emitted <= self.year_budget
                && self.rewards_claimed <= self.bucket_a_minted
                && self.last_emission_ts >= self.genesis_ts,
            StakingError::InvariantViolated
        );
        Ok(())
    }
}

// Borsh sizes pinned like the zero-copy layouts: a field added or resized must be a
// deliberate change (rent, `space`, reserved bytes), not a side effect.
static_assertions::const_assert_eq!(<StakingConfig as anchor_lang::Space>::INIT_SPACE, 407);
