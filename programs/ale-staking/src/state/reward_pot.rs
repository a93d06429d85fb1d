use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;
use static_assertions::const_assert_eq;
use std::mem::size_of;

use crate::constants::EPOCH_RING_LEN;
use crate::error::{OrMathOverflow, StakingError};

pub const EPOCH_CLOSED: u32 = 1 << 0;
pub const EPOCH_FORFEITED: u32 = 1 << 1;

/// Bucket B of one epoch: what inflation allocated to it and the paid work of all
/// communities in it. Nothing is minted until a community draws its share.
#[zero_copy]
#[derive(Default, Debug)]
pub struct EpochPot {
    pub epoch: u64,
    pub allocation: u64,
    pub paid_work: u64,
    pub drawn: u64,
    pub flags: u32,
    /// 1 once the slot holds `epoch` (slot 0 of epoch 0 is otherwise indistinguishable).
    pub in_use: u32,
}
const_assert_eq!(size_of::<EpochPot>(), 40);

/// The community reward pot (bucket B): a ring of the last EPOCH_RING_LEN epochs.
#[account(zero_copy)]
pub struct RewardPot {
    pub config: Pubkey,
    /// Lifetime totals of bucket B: allocated = drawn + forfeited + held in the ring.
    pub total_drawn: u64,
    pub total_forfeited: u64,
    pub epochs: [EpochPot; EPOCH_RING_LEN],
}
const_assert_eq!(size_of::<RewardPot>(), 32 + 16 + 40 * EPOCH_RING_LEN);
const_assert_eq!(size_of::<RewardPot>() % 8, 0);

/// What reusing a ring slot released: the older epoch's undrawn allocation.
pub struct ExpiredEpoch {
    pub epoch: u64,
    pub undrawn: u64,
}

impl RewardPot {
    pub const SPACE: usize = 8 + size_of::<RewardPot>();

    /// The slot of `epoch`, claimed for it if it held an older epoch. Refuses an epoch
    /// older than the one the slot holds (it has expired).
    pub fn slot_mut(&mut self, epoch: u64) -> Result<(&mut EpochPot, Option<ExpiredEpoch>)> {
        let index = (epoch % EPOCH_RING_LEN as u64) as usize;
        let slot = &self.epochs[index];
        let mut expired = None;
        if slot.in_use == 0 || slot.epoch < epoch {
            if slot.in_use != 0 && slot.flags & EPOCH_FORFEITED == 0 {
                let undrawn = slot
                    .allocation
                    .checked_sub(slot.drawn)
                    .ok_or(StakingError::InvariantViolated)?;
                self.total_forfeited = self.total_forfeited.safe_add(undrawn).or_overflow()?;
                expired = Some(ExpiredEpoch {
                    epoch: slot.epoch,
                    undrawn,
                });
            }
            self.epochs[index] = EpochPot {
                epoch,
                in_use: 1,
                ..Default::default()
            };
        } else if slot.epoch > epoch {
            return err!(StakingError::EpochExpired);
        }
        Ok((&mut self.epochs[index], expired))
    }

    /// Paid work of an epoch a whole ring later already holds `epoch`'s slot: the
    /// crank fell EPOCH_RING_LEN epochs behind the reports.
    pub fn overtaken(&self, epoch: u64) -> bool {
        let slot = &self.epochs[(epoch % EPOCH_RING_LEN as u64) as usize];
        slot.in_use != 0 && slot.epoch > epoch
    }

    /// The slot holding `epoch`, if it is still in the ring.
    pub fn slot(&self, epoch: u64) -> Result<&EpochPot> {
        let slot = &self.epochs[(epoch % EPOCH_RING_LEN as u64) as usize];
        require!(
            slot.in_use != 0 && slot.epoch == epoch,
            StakingError::EpochExpired
        );
        Ok(slot)
    }

    /// Bucket B still held in the ring (allocated, neither drawn nor forfeited).
    pub fn outstanding(&self) -> Result<u64> {
        self.epochs
            .iter()
            .filter(|e| e.in_use != 0 && e.flags & EPOCH_FORFEITED == 0)
            .try_fold(0u64, |acc, e| {
                e.allocation
                    .checked_sub(e.drawn)
                    .and_then(|left| acc.checked_add(left))
            })
            .ok_or_else(|| error!(StakingError::MathOverflow))
    }

    /// allocated = drawn + forfeited + outstanding, and no epoch paid out more than it held.
    pub fn invariant(&self, bucket_b_allocated: u64) -> Result<()> {
        let within = self.epochs.iter().all(|e| e.drawn <= e.allocation);
        let total = (self.total_drawn as u128)
            + (self.total_forfeited as u128)
            + (self.outstanding()? as u128);
        require!(
            within && total == bucket_b_allocated as u128,
            StakingError::InvariantViolated
        );
        Ok(())
    }
}
