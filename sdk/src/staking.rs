//! Typed instruction builders for ale-staking, from the program's own `accounts` and
//! `instruction` types (no hand-written layouts).

use ale_staking::instructions::InitializeParams;
use ale_staking::{accounts, instruction};
use anchor_lang::prelude::Pubkey;
use anchor_lang::{InstructionData, ToAccountMetas};
use solana_sdk::instruction::Instruction;

use crate::pda;

const TOKEN_PROGRAM: Pubkey = anchor_spl::token::ID;
const SYSTEM_PROGRAM: Pubkey = anchor_lang::system_program::ID;

fn build(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: ale_staking::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

fn event_authority() -> Pubkey {
    pda::event_authority(&ale_staking::ID)
}

pub fn initialize(admin: Pubkey, params: InitializeParams) -> Instruction {
    build(
        accounts::Initialize {
            admin,
            config: pda::staking_config(),
            ale_mint: pda::ale_mint(),
            mint_authority: pda::mint_authority(),
            stake_vault: pda::stake_vault(),
            reward_vault: pda::reward_vault(),
            reward_pot: pda::reward_pot(),
            token_program: TOKEN_PROGRAM,
            system_program: SYSTEM_PROGRAM,
            event_authority: event_authority(),
            program: ale_staking::ID,
        },
        instruction::Initialize { params },
    )
}

pub fn genesis_mint(admin: Pubkey, distribution: Pubkey) -> Instruction {
    build(
        accounts::GenesisMint {
            admin,
            config: pda::staking_config(),
            ale_mint: pda::ale_mint(),
            mint_authority: pda::mint_authority(),
            distribution,
            token_program: TOKEN_PROGRAM,
            event_authority: event_authority(),
            program: ale_staking::ID,
        },
        instruction::GenesisMint {},
    )
}

pub fn crank_inflation() -> Instruction {
    build(
        accounts::CrankInflation {
            config: pda::staking_config(),
            reward_pot: pda::reward_pot(),
            ale_mint: pda::ale_mint(),
            mint_authority: pda::mint_authority(),
            reward_vault: pda::reward_vault(),
            token_program: TOKEN_PROGRAM,
            event_authority: event_authority(),
            program: ale_staking::ID,
        },
        instruction::CrankInflation {},
    )
}

pub fn open_stake_account(owner: Pubkey) -> Instruction {
    build(
        accounts::OpenStakeAccount {
            owner,
            stake_account: pda::stake_account(&owner),
            system_program: SYSTEM_PROGRAM,
            event_authority: event_authority(),
            program: ale_staking::ID,
        },
        instruction::OpenStakeAccount {},
    )
}

/// A stake account, its signing owner and the staking config.
fn stake_owner(owner: Pubkey) -> accounts::StakeOwner {
    accounts::StakeOwner {
        owner,
        config: pda::staking_config(),
        stake_account: pda::stake_account(&owner),
    }
}

/// The accounts of an owner moving ALE between its token account and a vault.
fn staker_wallet(owner: Pubkey, owner_token: Pubkey) -> accounts::StakerWallet {
    accounts::StakerWallet {
        staker: stake_owner(owner),
        ale_mint: pda::ale_mint(),
        owner_token,
        token_program: TOKEN_PROGRAM,
    }
}

pub fn stake(owner: Pubkey, owner_token: Pubkey, amount: u64) -> Instruction {
    build(
        accounts::Stake {
            wallet: staker_wallet(owner, owner_token),
            stake_vault: pda::stake_vault(),
            event_authority: event_authority(),
            program: ale_staking::ID,
        },
        instruction::Stake { amount },
    )
}

pub fn request_unstake(owner: Pubkey, amount: u64) -> Instruction {
    build(
        accounts::RequestUnstake {
            staker: stake_owner(owner),
            event_authority: event_authority(),
            program: ale_staking::ID,
        },
        instruction::RequestUnstake { amount },
    )
}

pub fn withdraw(owner: Pubkey, owner_token: Pubkey) -> Instruction {
    build(
        accounts::Withdraw {
            wallet: staker_wallet(owner, owner_token),
            stake_vault: pda::stake_vault(),
            event_authority: event_authority(),
            program: ale_staking::ID,
        },
        instruction::Withdraw {},
    )
}

pub fn claim_rewards(owner: Pubkey, owner_token: Pubkey) -> Instruction {
    build(
        accounts::ClaimRewards {
            wallet: staker_wallet(owner, owner_token),
            reward_vault: pda::reward_vault(),
            event_authority: event_authority(),
            program: ale_staking::ID,
        },
        instruction::ClaimRewards {},
    )
}

pub fn close_stake_account(owner: Pubkey) -> Instruction {
    build(
        accounts::CloseStakeAccount {
            owner,
            stake_account: pda::stake_account(&owner),
            event_authority: event_authority(),
            program: ale_staking::ID,
        },
        instruction::CloseStakeAccount {},
    )
}

pub fn register_community(reporter: Pubkey, payer: Pubkey, community: Pubkey) -> Instruction {
    build(
        accounts::RegisterCommunity {
            config: pda::staking_config(),
            reporter,
            payer,
            community_work: pda::community_work(&community),
            system_program: SYSTEM_PROGRAM,
            event_authority: event_authority(),
            program: ale_staking::ID,
        },
        instruction::RegisterCommunity { community },
    )
}

pub fn report_paid_work(reporter: Pubkey, community: Pubkey, amount: u64) -> Instruction {
    build(
        accounts::ReportPaidWork {
            config: pda::staking_config(),
            reporter,
            reward_pot: pda::reward_pot(),
            community_work: pda::community_work(&community),
            event_authority: event_authority(),
            program: ale_staking::ID,
        },
        instruction::ReportPaidWork { community, amount },
    )
}

pub fn draw_community_reward(
    reporter: Pubkey,
    community: Pubkey,
    epoch: u64,
    destination: Pubkey,
) -> Instruction {
    build(
        accounts::DrawCommunityReward {
            config: pda::staking_config(),
            reporter,
            reward_pot: pda::reward_pot(),
            community_work: pda::community_work(&community),
            ale_mint: pda::ale_mint(),
            mint_authority: pda::mint_authority(),
            destination,
            token_program: TOKEN_PROGRAM,
            event_authority: event_authority(),
            program: ale_staking::ID,
        },
        instruction::DrawCommunityReward { community, epoch },
    )
}
