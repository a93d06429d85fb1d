//! The input format of the `instructions` fuzz target, shared with the seed-corpus
//! generator, and the runtime's account serialization that the target feeds the
//! programs through (so realloc, duplicate accounts and data borrows behave as on chain).
//!
//! Input bytes, read front to back; a truncated input reads as zeros:
//! - `program`: 1 byte, even = ale-protocol, odd = ale-staking;
//! - `unix_timestamp`: 8 bytes LE, what `Clock::get()` returns;
//! - `account count`: 1 byte, modulo [`MAX_ACCOUNTS`] + 1;
//! - per account: flags (bit 0 signer, bit 1 writable), key, owner (both indices into
//!   [`KeyPool`]), lamports (1 byte, in units of [`LAMPORT_UNIT`]), data length (u16 LE,
//!   at most what is left), data;
//! - the rest: instruction data.

use std::sync::OnceLock;

use anchor_lang::prelude::Pubkey;

/// More than any instruction of either program takes (create_community: 16 + CPI).
pub const MAX_ACCOUNTS: u8 = 32;
pub const LAMPORT_UNIT: u64 = 10_000_000;
/// The runtime's realloc headroom after each account's data.
const MAX_PERMITTED_DATA_INCREASE: usize = 10 * 1024;
const NON_DUP_MARKER: u8 = u8::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Program {
    Protocol,
    Staking,
}

impl Program {
    pub fn id(self) -> Pubkey {
        match self {
            Program::Protocol => ale_protocol::ID,
            Program::Staking => ale_staking::ID,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuzzAccount {
    pub is_signer: bool,
    pub is_writable: bool,
    pub key: u8,
    pub owner: u8,
    pub lamports: u8,
    pub data: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuzzInstruction {
    pub program: Program,
    pub unix_timestamp: i64,
    pub accounts: Vec<FuzzAccount>,
    pub data: Vec<u8>,
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        head
    }

    fn u8(&mut self) -> u8 {
        self.take(1).first().copied().unwrap_or(0)
    }

    fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let bytes = self.take(N);
        out[..bytes.len()].copy_from_slice(bytes);
        out
    }
}

impl FuzzInstruction {
    pub fn decode(input: &[u8]) -> Self {
        let mut r = Reader(input);
        let program = if r.u8() % 2 == 0 {
            Program::Protocol
        } else {
            Program::Staking
        };
        let unix_timestamp = i64::from_le_bytes(r.array());
        let count = r.u8() % (MAX_ACCOUNTS + 1);
        let accounts = (0..count)
            .map(|_| {
                let flags = r.u8();
                let key = r.u8();
                let owner = r.u8();
                let lamports = r.u8();
                let len = u16::from_le_bytes(r.array()) as usize;
                FuzzAccount {
                    is_signer: flags & 1 != 0,
                    is_writable: flags & 2 != 0,
                    key,
                    owner,
                    lamports,
                    data: r.take(len).to_vec(),
                }
            })
            .collect();
        Self {
            program,
            unix_timestamp,
            accounts,
            data: r.0.to_vec(),
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![match self.program {
            Program::Protocol => 0,
            Program::Staking => 1,
        }];
        out.extend_from_slice(&self.unix_timestamp.to_le_bytes());
        out.push(self.accounts.len() as u8);
        for a in &self.accounts {
            out.push(a.is_signer as u8 | (a.is_writable as u8) << 1);
            out.extend_from_slice(&[a.key, a.owner, a.lamports]);
            out.extend_from_slice(&(a.data.len() as u16).to_le_bytes());
            out.extend_from_slice(&a.data);
        }
        out.extend_from_slice(&self.data);
        out
    }

    /// The loader's input buffer for this instruction (accounts with the same key are
    /// serialized once and referenced as duplicates, as the runtime does), 16-aligned.
    pub fn serialize(&self, pool: &KeyPool) -> Vec<u128> {
        let mut bytes: Vec<u8> = Vec::new();
        bytes.extend_from_slice(&(self.accounts.len() as u64).to_le_bytes());
        let mut seen: Vec<u8> = Vec::new();
        for a in &self.accounts {
            if let Some(first) = seen.iter().position(|&k| k == a.key) {
                bytes.push(first as u8);
                bytes.extend_from_slice(&[0; 7]);
                seen.push(a.key);
                continue;
            }
            seen.push(a.key);
            bytes.extend_from_slice(&[NON_DUP_MARKER, a.is_signer as u8, a.is_writable as u8, 0]);
            bytes.extend_from_slice(&[0; 4]); // original data length, written by the loader
            bytes.extend_from_slice(pool.key(a.key).as_ref());
            bytes.extend_from_slice(pool.key(a.owner).as_ref());
            bytes.extend_from_slice(&(a.lamports as u64 * LAMPORT_UNIT).to_le_bytes());
            bytes.extend_from_slice(&(a.data.len() as u64).to_le_bytes());
            bytes.extend_from_slice(&a.data);
            bytes.resize(bytes.len() + MAX_PERMITTED_DATA_INCREASE, 0);
            bytes.resize(bytes.len().next_multiple_of(8), 0);
            bytes.extend_from_slice(&u64::MAX.to_le_bytes()); // rent epoch
        }
        bytes.extend_from_slice(&(self.data.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&self.data);
        bytes.extend_from_slice(self.program.id().as_ref());
        let mut aligned = vec![0u128; bytes.len().div_ceil(16)];
        copy_into_words(&bytes, &mut aligned);
        aligned
    }
}

fn copy_into_words(src: &[u8], dst: &mut [u128]) {
    for (chunk, word) in src.chunks(16).zip(dst.iter_mut()) {
        let mut b = [0u8; 16];
        b[..chunk.len()].copy_from_slice(chunk);
        *word = u128::from_ne_bytes(b);
    }
}

/// The addresses an input names by index: the programs, the programs they call, the
/// sysvars, and the PDAs that take no per-user seed; any other index is a plain wallet
/// (`[index; 32]`), so inputs can name distinct signers and accounts.
pub struct KeyPool {
    named: Vec<(&'static str, Pubkey)>,
}

impl KeyPool {
    pub fn get() -> &'static KeyPool {
        static POOL: OnceLock<KeyPool> = OnceLock::new();
        POOL.get_or_init(|| {
            let protocol = ale_protocol::ID;
            let staking = ale_staking::ID;
            let pda =
                |seed: &[u8], program: &Pubkey| Pubkey::find_program_address(&[seed], program).0;
            KeyPool {
                named: vec![
                    ("ale_protocol", protocol),
                    ("ale_staking", staking),
                    ("token", anchor_spl::token::ID),
                    ("token_2022", anchor_spl::token_2022::ID),
                    ("system", anchor_lang::system_program::ID),
                    ("associated_token", anchor_spl::associated_token::ID),
                    ("clock", solana_sdk_ids::sysvar::clock::ID),
                    ("rent", solana_sdk_ids::sysvar::rent::ID),
                    ("instructions", solana_sdk_ids::sysvar::instructions::ID),
                    ("slot_hashes", solana_sdk_ids::sysvar::slot_hashes::ID),
                    (
                        "protocol_event_authority",
                        pda(b"__event_authority", &protocol),
                    ),
                    (
                        "staking_event_authority",
                        pda(b"__event_authority", &staking),
                    ),
                    (
                        "protocol_config",
                        pda(ale_protocol::seeds::PROTOCOL_CONFIG, &protocol),
                    ),
                    (
                        "protocol_reporter",
                        pda(ale_protocol::seeds::PROTOCOL_REPORTER, &protocol),
                    ),
                    ("staking_config", pda(ale_staking::seeds::CONFIG, &staking)),
                    ("ale_mint", pda(ale_staking::seeds::ALE_MINT, &staking)),
                    (
                        "mint_authority",
                        pda(ale_staking::seeds::MINT_AUTHORITY, &staking),
                    ),
                    (
                        "stake_vault",
                        pda(ale_staking::seeds::STAKE_VAULT, &staking),
                    ),
                    (
                        "reward_vault",
                        pda(ale_staking::seeds::REWARD_VAULT, &staking),
                    ),
                    ("reward_pot", pda(ale_staking::seeds::REWARD_POT, &staking)),
                ],
            }
        })
    }

    pub fn key(&self, index: u8) -> Pubkey {
        match self.named.get(index as usize) {
            Some((_, key)) => *key,
            None => Pubkey::new_from_array([index; 32]),
        }
    }

    /// The index of `key` if the pool names it.
    pub fn index_of(&self, key: &Pubkey) -> Option<u8> {
        self.named
            .iter()
            .position(|(_, k)| k == key)
            .map(|i| i as u8)
    }

    pub fn index_of_name(&self, name: &str) -> Option<u8> {
        self.named
            .iter()
            .position(|(n, _)| *n == name)
            .map(|i| i as u8)
    }

    /// First index that is a plain wallet.
    pub fn first_wallet(&self) -> u8 {
        self.named.len() as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_then_decode_is_identity() {
        let ix = FuzzInstruction {
            program: Program::Staking,
            unix_timestamp: -5,
            accounts: vec![FuzzAccount {
                is_signer: true,
                is_writable: false,
                key: 40,
                owner: 4,
                lamports: 3,
                data: vec![1, 2, 3],
            }],
            data: vec![9; 12],
        };
        assert_eq!(FuzzInstruction::decode(&ix.encode()), ix);
    }
}
