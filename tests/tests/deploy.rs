//! Deploying and upgrading through the upgradeable loader (`ale_sdk::deploy`, what
//! `ale operator deploy` runs), on the embedded bank with its real loader. It needs the
//! SBF binaries, so it runs in SBF mode (`ALE_SBF`) only.

use ale_embedded::{EmbeddedRuntime, ProgramBuild};
use ale_sdk::deploy::{deploy_program, program_state, Deployment};
use ale_sdk::ClientError;
use solana_sdk::signature::{Keypair, Signer};

#[tokio::test]
async fn deploys_once_leaves_the_same_bytes_alone_and_refuses_a_stranger() {
    let ProgramBuild::Sbf(dir) = ProgramBuild::from_env() else {
        return;
    };
    let read = |file: &str| {
        std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}; tools/sbf/build.sh"))
    };
    let (staking_elf, protocol_elf) = (read("ale_staking.so"), read("ale_protocol.so"));
    assert!(
        protocol_elf.len() > staking_elf.len(),
        "the upgrade below grows the program"
    );

    let mut rt = EmbeddedRuntime::start().await;
    let payer = rt.funded_wallet(100).await;
    let (program, authority) = (Keypair::new(), Keypair::new());

    let first = deploy_program(&mut rt, &payer, &program, &authority, &staking_elf).await;
    assert_eq!(first, Ok(Deployment::Deployed));
    let state = program_state(&mut rt, program.pubkey())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(state.upgrade_authority, Some(authority.pubkey()));
    assert_eq!(state.bytes, staking_elf);

    let payer_before = rt.lamports(payer.pubkey()).await;
    let again = deploy_program(&mut rt, &payer, &program, &authority, &staking_elf).await;
    assert_eq!(again, Ok(Deployment::Unchanged));
    assert_eq!(
        rt.lamports(payer.pubkey()).await,
        payer_before,
        "nothing sent"
    );

    let stranger = Keypair::new();
    let refused = deploy_program(&mut rt, &payer, &program, &stranger, &protocol_elf).await;
    assert!(
        matches!(&refused, Err(ClientError::Account { address, what })
            if *address == program.pubkey() && what.contains("upgrade authority")),
        "{refused:?}"
    );
    let after = program_state(&mut rt, program.pubkey())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after, state, "the refused upgrade changed nothing");
    // Upgrades (extend, then upgrade, a slot apart) run against the real validator:
    // solana-program-test 3.1.12's program cache panics ("Unexpected replacement of an
    // entry") when a program deployed in a warped bank is extended and upgraded.
}
