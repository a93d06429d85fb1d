//! Decoding `emit_cpi!` events: each is a self-CPI whose data is Anchor's event tag,
//! the event's discriminator, then its borsh body.

use anchor_lang::prelude::Pubkey;
use anchor_lang::{AnchorDeserialize, Discriminator, Event};

/// One event recorded in a transaction: the program that emitted it and its payload
/// (discriminator + borsh body).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawEvent {
    pub program: Pubkey,
    pub data: Vec<u8>,
}

impl RawEvent {
    /// The event data of an inner instruction, if it is an `emit_cpi!` of `program`.
    pub fn from_inner_instruction(program: Pubkey, ix_data: &[u8]) -> Option<Self> {
        let body = ix_data.strip_prefix(anchor_lang::event::EVENT_IX_TAG_LE)?;
        Some(Self {
            program,
            data: body.to_vec(),
        })
    }

    pub fn decode<T: Event + Discriminator + AnchorDeserialize>(&self) -> Option<T> {
        let body = self.data.strip_prefix(T::DISCRIMINATOR)?;
        T::try_from_slice(body).ok()
    }
}

/// Every event of type `T` among `events`, in emission order.
pub fn decode_all<T: Event + Discriminator + AnchorDeserialize>(events: &[RawEvent]) -> Vec<T> {
    events.iter().filter_map(RawEvent::decode::<T>).collect()
}
