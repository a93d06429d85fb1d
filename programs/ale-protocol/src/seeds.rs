//! PDA seeds of ale-protocol, in one place.

pub const PROTOCOL_CONFIG: &[u8] = b"protocol_config";
pub const COMMUNITY: &[u8] = b"community";
pub const LEDGER: &[u8] = b"ledger";
pub const MEMBERSHIP: &[u8] = b"membership";
pub const QUALIFICATION: &[u8] = b"qualification";
pub const BATCH: &[u8] = b"batch";
pub const BATCH_VAULT: &[u8] = b"batch_vault";
pub const REQUESTER: &[u8] = b"requester";
pub const TICKET: &[u8] = b"ticket";
pub const COMMUNITY_VAULT: &[u8] = b"community_vault";
pub const COMMUNITY_REWARDS: &[u8] = b"community_rewards";
/// The PDA that signs CPIs into ale-staking; its seed is ale-staking's constant.
pub use ale_staking::seeds::PROTOCOL_REPORTER;
