use anchor_lang::prelude::*;
use static_assertions::const_assert_eq;
use std::mem::size_of;

use crate::constants::EPOCH_RING_LEN;
use crate::error::StakingError;

/// Paid work of one community in one epoch, and whether its share was drawn.
#[zero_copy]
#[derive(Default, Debug)]
pub struct CommunityEpochWork {
    pub epoch: u64,
    pub paid_work: u64,
    pub drawn_amount: u64,
    pub drawn: u32,
    pub in_use: u32,
}
const_assert_eq!(size_of::<CommunityEpochWork>(), 32);

/// Per-community record of paid work (valued in ALE base units), reported by
/// ale-protocol, over the same epoch ring as the reward pot.
#[account(zero_copy)]
pub struct CommunityWork {
    pub community: Pubkey,
    pub bump: u8,
    pub padding: [u8; 7],
    pub epochs: [CommunityEpochWork; EPOCH_RING_LEN],
}
const_assert_eq!(size_of::<CommunityWork>(), 40 + 32 * EPOCH_RING_LEN);
const_assert_eq!(size_of::<CommunityWork>() % 8, 0);

impl CommunityWork {
    pub const SPACE: usize = 8 + size_of::<CommunityWork>();

    pub fn slot_mut(&mut self, epoch: u64) -> Result<&mut CommunityEpochWork> {
        let index = (epoch % EPOCH_RING_LEN as u64) as usize;
        let slot = &mut self.epochs[index];
        if slot.in_use == 0 || slot.epoch < epoch {
            *slot = CommunityEpochWork {
                epoch,
                in_use: 1,
                ..Default::default()
            };
        } else if slot.epoch > epoch {
            return err!(StakingError::EpochExpired);
        }
        Ok(slot)
    }

    pub fn invariant(&self) -> Result<()> {
        require!(
            self.epochs
                .iter()
                .all(|e| e.drawn != 0 || e.drawn_amount == 0),
            StakingError::InvariantViolated
        );
        Ok(())
    }
}
