//! Calibration of the SBF route's compute units (docs/COMPUTE.md): SPL Token 3.5.0 built
//! with `tools/sbf/build.sh spl-token` runs the same instructions as the runtime's own
//! binary of that release (built by Solana's bpf-tools), with the same results; the test
//! prints each instruction's compute units under both and their ratio. SBF mode only
//! (`ALE_SBF`): natively there is no binary of ours to compare.

use ale_embedded::ProgramBuild;
use solana_program_test::{BanksClient, ProgramTest};
use solana_sdk::account::Account;
use solana_sdk::instruction::Instruction;
use solana_sdk::program_pack::Pack;
use solana_sdk::signature::{Keypair, Signer};
use solana_sdk::transaction::Transaction;
use spl_token_interface::instruction as token_ix;
use spl_token_interface::state::Account as TokenAccount;

const AMOUNT: u64 = 1_000_000;

/// Compute units of each step, and the recipient's balance at the end.
async fn run_token_steps(own_binary: Option<Vec<u8>>) -> (Vec<(&'static str, u64)>, u64) {
    let mut test = ProgramTest::default();
    if let Some(elf) = own_binary {
        test.add_account(
            spl_token_interface::ID,
            Account {
                lamports: 1_000_000_000,
                data: elf,
                owner: solana_sdk_ids::bpf_loader::ID,
                executable: true,
                rent_epoch: 0,
            },
        );
    }
    let (mut banks, payer, _) = test.start().await;
    let mint = Keypair::new();
    let (from, to) = (Keypair::new(), Keypair::new());
    let owner = payer.pubkey();
    let rent = banks.get_rent().await.unwrap();
    let create = |key: &Keypair, space: usize| {
        solana_system_interface::instruction::create_account(
            &owner,
            &key.pubkey(),
            rent.minimum_balance(space),
            space as u64,
            &spl_token_interface::ID,
        )
    };
    let setup = [
        create(&mint, spl_token_interface::state::Mint::LEN),
        create(&from, TokenAccount::LEN),
        create(&to, TokenAccount::LEN),
    ];
    send(&mut banks, &payer, &setup, &[&mint, &from, &to]).await;
    let id = spl_token_interface::ID;
    let steps: [(&'static str, Instruction); 5] = [
        (
            "InitializeMint2",
            token_ix::initialize_mint2(&id, &mint.pubkey(), &owner, None, 6).unwrap(),
        ),
        (
            "InitializeAccount3",
            token_ix::initialize_account3(&id, &from.pubkey(), &mint.pubkey(), &owner).unwrap(),
        ),
        (
            "InitializeAccount3",
            token_ix::initialize_account3(&id, &to.pubkey(), &mint.pubkey(), &owner).unwrap(),
        ),
        (
            "MintTo",
            token_ix::mint_to(&id, &mint.pubkey(), &from.pubkey(), &owner, &[], AMOUNT).unwrap(),
        ),
        (
            "Transfer",
            token_ix::transfer(&id, &from.pubkey(), &to.pubkey(), &owner, &[], AMOUNT).unwrap(),
        ),
    ];
    let mut units = Vec::new();
    for (name, ix) in steps {
        units.push((name, send(&mut banks, &payer, &[ix], &[]).await));
    }
    let account = banks.get_account(to.pubkey()).await.unwrap().unwrap();
    let balance = TokenAccount::unpack(&account.data).unwrap().amount;
    (units, balance)
}

/// Processes the transaction, which must land; returns the compute units it used.
async fn send(
    banks: &mut BanksClient,
    payer: &Keypair,
    ixs: &[Instruction],
    signers: &[&Keypair],
) -> u64 {
    let mut all = vec![payer];
    all.extend_from_slice(signers);
    let blockhash = banks.get_latest_blockhash().await.unwrap();
    let tx = Transaction::new_signed_with_payer(ixs, Some(&payer.pubkey()), &all, blockhash);
    let processed = banks.process_transaction_with_metadata(tx).await.unwrap();
    processed.result.expect("the transaction lands");
    processed.metadata.expect("metadata").compute_units_consumed
}

#[tokio::test]
async fn spl_token_built_with_this_route_matches_the_runtimes_binary() {
    let ProgramBuild::Sbf(dir) = ProgramBuild::from_env() else {
        return;
    };
    let path = dir.join("spl_token.so");
    let elf = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{} ({e}): build it with tools/sbf/build.sh spl-token",
            path.display()
        )
    });
    let (ours, our_balance) = run_token_steps(Some(elf)).await;
    let (theirs, their_balance) = run_token_steps(None).await;
    assert_eq!(our_balance, AMOUNT);
    assert_eq!(our_balance, their_balance);
    println!("| SPL Token 3.5.0 instruction | Solana's bpf-tools (CU) | this route (CU) | ratio |");
    println!("|---|---:|---:|---:|");
    for ((name, our_units), (_, their_units)) in ours.iter().zip(&theirs) {
        println!(
            "| {name} | {their_units} | {our_units} | {:.2} |",
            *our_units as f64 / *their_units as f64
        );
    }
    let total = |steps: &[(&str, u64)]| steps.iter().map(|(_, u)| u).sum::<u64>();
    println!(
        "| all five | {} | {} | {:.2} |",
        total(&theirs),
        total(&ours),
        total(&ours) as f64 / total(&theirs) as f64
    );
}
