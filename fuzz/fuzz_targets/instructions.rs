//! Arbitrary instructions (data and accounts) into both programs' entrypoints, through
//! the loader's own input deserialization. Whatever the input: no panic, and when the
//! program accepts it, the runtime's rules hold (lamports conserved, only writable
//! accounts changed, only the program's own accounts' data written).
#![no_main]

use std::sync::atomic::{AtomicI64, Ordering};

use ale_fuzz::{FuzzInstruction, KeyPool, Program};
use anchor_lang::prelude::{AccountInfo, Clock, Pubkey, Rent};
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::solana_program::program_error::ProgramError;
use libfuzzer_sys::fuzz_target;
use solana_sysvar::program_stubs::{set_syscall_stubs, SyscallStubs};

static UNIX_TIMESTAMP: AtomicI64 = AtomicI64::new(0);
const SUCCESS: u64 = 0;

/// Quiet logs, a clock the input sets, the default rent; CPIs succeed without effect
/// (the programs they call are not in scope here: the runtime tests cover them).
struct Stubs;

impl SyscallStubs for Stubs {
    fn sol_log(&self, _message: &str) {}
    fn sol_log_data(&self, _fields: &[&[u8]]) {}
    fn sol_invoke_signed(
        &self,
        _instruction: &Instruction,
        _account_infos: &[AccountInfo],
        _signers_seeds: &[&[&[u8]]],
    ) -> Result<(), ProgramError> {
        Ok(())
    }
    fn sol_get_clock_sysvar(&self, var_addr: *mut u8) -> u64 {
        let clock = Clock {
            unix_timestamp: UNIX_TIMESTAMP.load(Ordering::Relaxed),
            ..Clock::default()
        };
        unsafe { std::ptr::write_unaligned(var_addr as *mut Clock, clock) };
        SUCCESS
    }
    fn sol_get_rent_sysvar(&self, var_addr: *mut u8) -> u64 {
        unsafe { std::ptr::write_unaligned(var_addr as *mut Rent, Rent::default()) };
        SUCCESS
    }
}

struct Snapshot {
    key: Pubkey,
    lamports: u64,
    data: Vec<u8>,
}

fn snapshot(accounts: &[AccountInfo]) -> Vec<Snapshot> {
    let mut unique: Vec<Snapshot> = Vec::new();
    for a in accounts {
        if unique.iter().all(|s| s.key != *a.key) {
            unique.push(Snapshot {
                key: *a.key,
                lamports: a.lamports(),
                data: a.data.borrow().to_vec(),
            });
        }
    }
    unique
}

fuzz_target!(
    init: {
        set_syscall_stubs(Box::new(Stubs));
        KeyPool::get();
    },
    |input: &[u8]| {
        let ix = FuzzInstruction::decode(input);
        UNIX_TIMESTAMP.store(ix.unix_timestamp, Ordering::Relaxed);
        let mut buffer = ix.serialize(KeyPool::get());
        // SAFETY: `serialize` writes the loader's layout, 16-aligned, with the realloc
        // headroom after every account; the buffer outlives every borrow below.
        let (program_id, accounts, data) =
            unsafe { solana_program_entrypoint::deserialize(buffer.as_mut_ptr() as *mut u8) };
        let before = snapshot(&accounts);
        let result = match ix.program {
            Program::Protocol => ale_protocol::entry(program_id, &accounts, data),
            Program::Staking => ale_staking::entry(program_id, &accounts, data),
        };
        if result.is_err() {
            return;
        }
        let after = snapshot(&accounts);
        let total = |s: &[Snapshot]| s.iter().map(|a| a.lamports as u128).sum::<u128>();
        assert_eq!(total(&before), total(&after), "accepted instruction created or destroyed lamports");
        for (b, a) in before.iter().zip(&after) {
            let info = accounts.iter().find(|i| *i.key == b.key).expect("account listed");
            if b.lamports != a.lamports || b.data != a.data {
                assert!(info.is_writable, "accepted instruction changed read-only {}", b.key);
            }
            if a.lamports < b.lamports || b.data != a.data {
                assert_eq!(info.owner, program_id, "accepted instruction debited or wrote an account it does not own");
            }
        }
    }
);
