//! PDA seeds of ale-staking, in one place.

pub const CONFIG: &[u8] = b"config";
pub const ALE_MINT: &[u8] = b"ale_mint";
pub const MINT_AUTHORITY: &[u8] = b"mint_authority";
pub const STAKE_VAULT: &[u8] = b"stake_vault";
pub const REWARD_VAULT: &[u8] = b"reward_vault";
pub const REWARD_POT: &[u8] = b"reward_pot";
pub const STAKE: &[u8] = b"stake";
pub const COMMUNITY_WORK: &[u8] = b"community_work";
/// Seed of the PDA of ale-protocol that signs paid-work reports and reward draws.
/// ale-protocol derives its signer with this same constant.
pub const PROTOCOL_REPORTER: &[u8] = b"staking_reporter";
