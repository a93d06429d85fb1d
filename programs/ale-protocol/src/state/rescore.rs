use ale_math::consensus::CONFUSION_CLASSES;
use anchor_lang::prelude::*;
use static_assertions::const_assert_eq;
use std::mem::size_of;

const K: usize = CONFUSION_CLASSES;

/// The workspace of a batch's closing re-score (ale-math em): a few EM steps over the
/// batch's votes before its last round is decided. The client creates it with
/// `Rescore::space(member_count)` bytes (one entry per community member, addressed by
/// ledger index), `start_rescore` claims it and the last `rescore_batch` call closes it.
#[account(zero_copy)]
#[derive(Debug)]
pub struct Rescore {
    pub batch: Pubkey,
    /// Who created the account: its rent goes back there when the re-score ends.
    pub payer: Pubkey,
    /// Entries that follow (the community's members at the start).
    pub members: u32,
    /// The next item (items pass) or member (members pass) of the current pass.
    pub cursor: u32,
    /// Passes done. Even passes walk the items: E-step, and but for the last, M-step
    /// counts; odd passes turn each member's counts into costs. 2 x RESCORE_STEPS + 1
    /// passes in all.
    pub pass: u32,
    pub num_classes: u8,
    pub padding: [u8; 3],
    /// The current items pass's counts summed over members, each cell smoothed (Q16).
    pub pool: [[u64; K]; K],
    pub reserved: [u8; 32],
}
const_assert_eq!(size_of::<Rescore>(), 240);

/// One member's EM state: posterior-weighted counts of what it said per class (Q16),
/// and the costs -ln P(said | class) the last members pass made of them (Q12).
#[zero_copy]
#[derive(Debug, Default)]
pub struct RescoreMember {
    pub counts: [[u64; K]; K],
    pub costs: [[u16; K]; K],
}
const_assert_eq!(size_of::<RescoreMember>(), 160);

impl Rescore {
    pub const fn space(members: u32) -> usize {
        8 + size_of::<Rescore>() + members as usize * size_of::<RescoreMember>()
    }
}
