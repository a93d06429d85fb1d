//! A stand-in for ale-protocol when ale-staking is tested alone: a native program
//! that forwards an ale-staking instruction with its own reporter PDA as signer,
//! exactly as ale-protocol's CPI will. Loaded only by tests.

use ale_sdk::pda;
use ale_staking::seeds::PROTOCOL_REPORTER;
use anchor_lang::prelude::{AccountInfo, AccountMeta, Pubkey};
use anchor_lang::solana_program::entrypoint::ProgramResult;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::solana_program::program::invoke_signed;
use solana_program_test::{processor, ProgramTest};

pub const REPORTER_STUB_ID: Pubkey = Pubkey::new_from_array([7u8; 32]);

/// Loads the stub into a runtime being built.
pub fn add_to(test: &mut ProgramTest) {
    test.add_program("reporter_stub", REPORTER_STUB_ID, processor!(process));
}

pub fn reporter() -> Pubkey {
    pda::protocol_reporter(&REPORTER_STUB_ID)
}

/// Wraps `ix` (an ale-staking instruction naming `reporter()` as signer) in a call to
/// the stub.
pub fn forward(ix: Instruction) -> Instruction {
    let mut accounts = vec![AccountMeta::new_readonly(ix.program_id, false)];
    accounts.extend(ix.accounts.into_iter().map(|mut meta| {
        if meta.pubkey == reporter() {
            meta.is_signer = false;
        }
        meta
    }));
    Instruction {
        program_id: REPORTER_STUB_ID,
        accounts,
        data: ix.data,
    }
}

fn process(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    let (reporter, bump) = Pubkey::find_program_address(&[PROTOCOL_REPORTER], program_id);
    let target = &accounts[0];
    let inner = &accounts[1..];
    let metas = inner
        .iter()
        .map(|info| AccountMeta {
            pubkey: *info.key,
            is_signer: info.is_signer || *info.key == reporter,
            is_writable: info.is_writable,
        })
        .collect();
    let ix = Instruction {
        program_id: *target.key,
        accounts: metas,
        data: data.to_vec(),
    };
    invoke_signed(&ix, inner, &[&[PROTOCOL_REPORTER, &[bump]]])
}
