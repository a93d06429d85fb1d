//! Writes the seed corpus of both fuzz targets (fuzz/corpus/<target>/seed-*):
//! `instructions`: one input per instruction of the committed IDL (its discriminator,
//! zeroed arguments, its accounts in order with their signer/writable flags, fixed
//! addresses and argument-free PDAs from the key pool, distinct wallets otherwise);
//! `math`: one input per math operation the target exercises.
//! Run: cargo run --manifest-path fuzz/Cargo.toml --example seed_corpus

use std::path::Path;

use ale_fuzz::{FuzzAccount, FuzzInstruction, KeyPool, Program};
use anchor_lang::prelude::Pubkey;
use serde_json::Value;

/// Zeroed argument bytes after the discriminator: more than any instruction's fixed
/// arguments; Anchor ignores what is left over.
const ARGUMENT_BYTES: usize = 96;
const SEED_TIMESTAMP: i64 = 1_800_000_000;

fn flatten<'a>(accounts: &'a [Value], out: &mut Vec<&'a Value>) {
    for a in accounts {
        match a.get("accounts").and_then(Value::as_array) {
            Some(inner) => flatten(inner, out),
            None => out.push(a),
        }
    }
}

/// The pool index of an account with a fixed address or a PDA of constant seeds only.
fn known_key(pool: &KeyPool, account: &Value, program: Program) -> Option<u8> {
    if let Some(address) = account.get("address").and_then(Value::as_str) {
        return pool.index_of(&address.parse::<Pubkey>().ok()?);
    }
    let pda = account.get("pda")?;
    let seeds = pda["seeds"]
        .as_array()?
        .iter()
        .map(|s| (s["kind"] == "const").then(|| bytes(&s["value"])))
        .collect::<Option<Vec<Vec<u8>>>>()?;
    let owner = match pda.get("program") {
        Some(p) if p["kind"] == "const" => Pubkey::try_from(bytes(&p["value"]).as_slice()).ok()?,
        Some(_) => return None,
        None => program.id(),
    };
    let seed_refs: Vec<&[u8]> = seeds.iter().map(Vec::as_slice).collect();
    pool.index_of(&Pubkey::find_program_address(&seed_refs, &owner).0)
}

fn bytes(value: &Value) -> Vec<u8> {
    value
        .as_array()
        .map(|v| {
            v.iter()
                .filter_map(Value::as_u64)
                .map(|b| b as u8)
                .collect()
        })
        .unwrap_or_default()
}

fn instruction_seeds(pool: &KeyPool, idl: &Value, program: Program) -> Vec<(String, Vec<u8>)> {
    let system = pool.index_of_name("system").expect("system in pool");
    idl["instructions"]
        .as_array()
        .expect("IDL instructions")
        .iter()
        .map(|ix| {
            let mut flat = Vec::new();
            flatten(ix["accounts"].as_array().expect("accounts"), &mut flat);
            let accounts = flat
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let is_signer = a["signer"] == true;
                    let key = known_key(pool, a, program).unwrap_or(pool.first_wallet() + i as u8);
                    let owner = if is_signer {
                        system
                    } else {
                        pool.index_of(&program.id()).expect("program in pool")
                    };
                    FuzzAccount {
                        is_signer,
                        is_writable: a["writable"] == true,
                        key,
                        owner,
                        lamports: 10,
                        data: Vec::new(),
                    }
                })
                .collect();
            let mut data = bytes(&ix["discriminator"]);
            data.resize(data.len() + ARGUMENT_BYTES, 0);
            let seed = FuzzInstruction {
                program,
                unix_timestamp: SEED_TIMESTAMP,
                accounts,
                data,
            };
            (
                ix["name"].as_str().expect("name").to_string(),
                seed.encode(),
            )
        })
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::create_dir_all(dir).expect("corpus dir");
    std::fs::write(dir.join(format!("seed-{name}")), bytes).expect("write seed");
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pool = KeyPool::get();
    for (file, program) in [
        ("ale_protocol.json", Program::Protocol),
        ("ale_staking.json", Program::Staking),
    ] {
        let idl: Value = serde_json::from_str(
            &std::fs::read_to_string(root.join("../app-idl").join(file)).expect("IDL"),
        )
        .expect("IDL JSON");
        for (name, bytes) in instruction_seeds(pool, &idl, program) {
            write(&root.join("corpus/instructions"), &name, &bytes);
        }
    }
    // The math target's first byte picks the operation; a spread of bytes after it.
    for (op, name) in [
        "split",
        "consensus",
        "inflation",
        "rewards",
        "confusion",
        "scalars",
    ]
    .iter()
    .enumerate()
    {
        let mut bytes = vec![op as u8];
        bytes.extend((0..96u32).map(|i| (i * 37 + op as u32 * 11) as u8));
        write(&root.join("corpus/math"), name, &bytes);
    }
}
