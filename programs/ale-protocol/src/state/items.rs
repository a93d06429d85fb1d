use anchor_lang::prelude::*;
use static_assertions::const_assert_eq;
use std::mem::size_of;

use crate::error::ProtocolError;

pub const ITEM_OPEN: u8 = 0;
pub const ITEM_STARTED: u8 = 1;
pub const ITEM_DECIDED: u8 = 2;
pub const ITEM_CANCELLED: u8 = 3;
pub const ITEM_REFUNDED: u8 = 4;

/// One item of a batch. Its content stays off chain (the batch commits to it by a
/// Merkle root); the chain keeps its state.
#[zero_copy]
#[derive(Debug, Default)]
pub struct ItemState {
    pub status: u8,
    pub label: u8,
    pub votes: u8,
    pub round: u8,
    pub reserved: [u8; 4],
}
const_assert_eq!(size_of::<ItemState>(), 8);

impl ItemState {
    /// Not decided and not yet returned to the poster.
    pub fn is_undecided(&self) -> bool {
        self.status == ITEM_OPEN || self.status == ITEM_STARTED
    }
}

/// Header of a batch's item table; `count` item states follow it. The client creates
/// the account (up to 10 MiB with a top-level `create_account`), `post_batch` claims it.
#[account(zero_copy)]
#[derive(Debug)]
pub struct ItemTable {
    pub batch: Pubkey,
    pub count: u32,
    pub reserved: [u8; 28],
}
const_assert_eq!(size_of::<ItemTable>(), 64);

impl ItemTable {
    pub const fn space(count: u32) -> usize {
        8 + size_of::<ItemTable>() + count as usize * size_of::<ItemState>()
    }
}

const ITEMS_OFFSET: usize = 8 + size_of::<ItemTable>();

pub fn item_states_mut(data: &mut [u8]) -> Result<&mut [ItemState]> {
    let tail = data
        .get_mut(ITEMS_OFFSET..)
        .ok_or(ProtocolError::InvariantViolated)?;
    bytemuck::try_cast_slice_mut(tail).map_err(|_| error!(ProtocolError::InvariantViolated))
}
