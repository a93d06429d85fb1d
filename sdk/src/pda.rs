//! Every PDA of the suite, derived in one place from the programs' seed constants.

use ale_protocol::seeds as protocol_seeds;
use ale_staking::seeds as staking_seeds;
use anchor_lang::prelude::Pubkey;

pub fn staking_pda(seeds: &[&[u8]]) -> Pubkey {
    Pubkey::find_program_address(seeds, &ale_staking::ID).0
}

pub fn staking_config() -> Pubkey {
    staking_pda(&[staking_seeds::CONFIG])
}

pub fn ale_mint() -> Pubkey {
    staking_pda(&[staking_seeds::ALE_MINT])
}

pub fn mint_authority() -> Pubkey {
    staking_pda(&[staking_seeds::MINT_AUTHORITY])
}

pub fn stake_vault() -> Pubkey {
    staking_pda(&[staking_seeds::STAKE_VAULT])
}

pub fn reward_vault() -> Pubkey {
    staking_pda(&[staking_seeds::REWARD_VAULT])
}

pub fn reward_pot() -> Pubkey {
    staking_pda(&[staking_seeds::REWARD_POT])
}

pub fn stake_account(owner: &Pubkey) -> Pubkey {
    staking_pda(&[staking_seeds::STAKE, owner.as_ref()])
}

pub fn community_work(community: &Pubkey) -> Pubkey {
    staking_pda(&[staking_seeds::COMMUNITY_WORK, community.as_ref()])
}

/// The PDA of `protocol_program` that ale-staking accepts as reporter.
pub fn protocol_reporter(protocol_program: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[staking_seeds::PROTOCOL_REPORTER], protocol_program).0
}

/// The `emit_cpi!` event authority of a program.
pub fn event_authority(program: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[b"__event_authority"], program).0
}

pub fn protocol_pda(seeds: &[&[u8]]) -> Pubkey {
    Pubkey::find_program_address(seeds, &ale_protocol::ID).0
}

pub fn protocol_config() -> Pubkey {
    protocol_pda(&[protocol_seeds::PROTOCOL_CONFIG])
}

/// ale-protocol's signer for CPIs into ale-staking.
pub fn protocol_signer() -> Pubkey {
    protocol_reporter(&ale_protocol::ID)
}

pub fn community(id: u64) -> Pubkey {
    protocol_pda(&[protocol_seeds::COMMUNITY, &id.to_le_bytes()])
}

pub fn ledger(community: &Pubkey) -> Pubkey {
    protocol_pda(&[protocol_seeds::LEDGER, community.as_ref()])
}

pub fn membership(community: &Pubkey, member: &Pubkey) -> Pubkey {
    protocol_pda(&[
        protocol_seeds::MEMBERSHIP,
        community.as_ref(),
        member.as_ref(),
    ])
}

pub fn qualification_ticket(community: &Pubkey, candidate: &Pubkey) -> Pubkey {
    protocol_pda(&[
        protocol_seeds::QUALIFICATION,
        community.as_ref(),
        candidate.as_ref(),
    ])
}

pub fn batch(community: &Pubkey, id: u64) -> Pubkey {
    protocol_pda(&[protocol_seeds::BATCH, community.as_ref(), &id.to_le_bytes()])
}

pub fn batch_vault(batch: &Pubkey) -> Pubkey {
    protocol_pda(&[protocol_seeds::BATCH_VAULT, batch.as_ref()])
}

pub fn requester(poster: &Pubkey) -> Pubkey {
    protocol_pda(&[protocol_seeds::REQUESTER, poster.as_ref()])
}

pub fn ticket(batch: &Pubkey, member: &Pubkey, round: u32) -> Pubkey {
    protocol_pda(&[
        protocol_seeds::TICKET,
        batch.as_ref(),
        member.as_ref(),
        &round.to_le_bytes(),
    ])
}

pub fn community_vault(community: &Pubkey, mint: &Pubkey) -> Pubkey {
    protocol_pda(&[
        protocol_seeds::COMMUNITY_VAULT,
        community.as_ref(),
        mint.as_ref(),
    ])
}

pub fn community_rewards(community: &Pubkey) -> Pubkey {
    protocol_pda(&[protocol_seeds::COMMUNITY_REWARDS, community.as_ref()])
}
