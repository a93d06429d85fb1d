//! Deploys or upgrades a program through the upgradeable loader (loader v3), as
//! `solana program deploy` does: a buffer account, the ELF written into it in chunks,
//! then `DeployWithMaxDataLen` (first time) or `Upgrade` (the program exists, signed
//! by its upgrade authority). A program whose bytes are already the ELF is left alone,
//! so deploying twice sends nothing the second time.

use anchor_lang::prelude::Pubkey;
use solana_loader_v3_interface::instruction as loader;
use solana_loader_v3_interface::state::UpgradeableLoaderState;
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::{Keypair, Signer};

use crate::transport::{transaction_bytes, ClientError, Transport, MAX_TRANSACTION_BYTES};

/// What deploying did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deployment {
    /// The program did not exist and now runs the ELF.
    Deployed,
    /// The program ran other bytes; it now runs the ELF.
    Upgraded,
    /// The program already ran exactly these bytes: nothing was sent.
    Unchanged,
}

/// The deployed program's loader accounts, read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramState {
    pub programdata: Pubkey,
    pub upgrade_authority: Option<Pubkey>,
    /// The program bytes the account holds (the ELF, then zeros up to its capacity).
    pub bytes: Vec<u8>,
}

/// The upgradeable program at `program`, if there is one.
pub async fn program_state<T: Transport>(
    t: &mut T,
    program: Pubkey,
) -> Result<Option<ProgramState>, ClientError> {
    let Some(account) = t.get_account(program).await? else {
        return Ok(None);
    };
    if account.owner != solana_sdk_ids::bpf_loader_upgradeable::ID {
        return Err(ClientError::account(
            program,
            format!(
                "owned by {}, not the upgradeable loader: it cannot be upgraded",
                account.owner
            ),
        ));
    }
    let Ok(UpgradeableLoaderState::Program {
        programdata_address,
    }) = bincode::deserialize(&account.data)
    else {
        return Err(ClientError::account(program, "not a program account"));
    };
    let data = t
        .get_account(programdata_address)
        .await?
        .ok_or_else(|| ClientError::account(programdata_address, "program data missing"))?
        .data;
    let metadata = UpgradeableLoaderState::size_of_programdata_metadata();
    let Ok(UpgradeableLoaderState::ProgramData {
        upgrade_authority_address,
        ..
    }) = bincode::deserialize(&data)
    else {
        return Err(ClientError::account(
            programdata_address,
            "not a program data account",
        ));
    };
    Ok(Some(ProgramState {
        programdata: programdata_address,
        upgrade_authority: upgrade_authority_address,
        bytes: data.get(metadata..).unwrap_or_default().to_vec(),
    }))
}

/// Deploys `elf` at `program`'s address, or upgrades the program there to it, with
/// `upgrade_authority` as the program's authority; `payer` pays rent and fees.
pub async fn deploy_program<T: Transport>(
    t: &mut T,
    payer: &Keypair,
    program: &Keypair,
    upgrade_authority: &Keypair,
    elf: &[u8],
) -> Result<Deployment, ClientError> {
    let program_id = program.pubkey();
    let existing = program_state(t, program_id).await?;
    if let Some(state) = &existing {
        if state.upgrade_authority != Some(upgrade_authority.pubkey()) {
            return Err(ClientError::account(
                program_id,
                format!(
                    "its upgrade authority is {}, not {}: it cannot be upgraded with this keypair",
                    state
                        .upgrade_authority
                        .map_or("none (immutable)".to_string(), |a| a.to_string()),
                    upgrade_authority.pubkey()
                ),
            ));
        }
        if runs_exactly(&state.bytes, elf) {
            return Ok(Deployment::Unchanged);
        }
    }

    let buffer = Keypair::new();
    write_buffer(t, payer, &buffer, upgrade_authority, elf).await?;

    let done = match existing {
        None => {
            let program_rent = t
                .minimum_balance(UpgradeableLoaderState::size_of_program())
                .await?;
            let ixs = loader::deploy_with_max_program_len(
                &payer.pubkey(),
                &program_id,
                &buffer.pubkey(),
                &upgrade_authority.pubkey(),
                program_rent,
                elf.len(),
            )
            .map_err(|e| ClientError::State(format!("deploy instruction: {e}")))?;
            t.send_transaction(&ixs, &[payer, program, upgrade_authority])
                .await?;
            Deployment::Deployed
        }
        Some(state) => {
            // The loader refuses a second change to a program within one slot, and both
            // extending and upgrading are changes.
            t.next_slot().await?;
            if let Some(more) = elf.len().checked_sub(state.bytes.len()).filter(|n| *n > 0) {
                // The program data account grows first; the loader asks for 10 KiB or more.
                let more = u32::try_from(more)
                    .map_err(|_| ClientError::State("program too large".into()))?
                    .max(loader::MINIMUM_EXTEND_PROGRAM_BYTES);
                let extend = loader::extend_program_checked(
                    &program_id,
                    &upgrade_authority.pubkey(),
                    Some(&payer.pubkey()),
                    more,
                );
                t.send_transaction(&[extend], &[payer, upgrade_authority])
                    .await?;
                t.next_slot().await?;
            }
            // The buffer's lamports go back to the payer.
            let upgrade = loader::upgrade(
                &program_id,
                &buffer.pubkey(),
                &upgrade_authority.pubkey(),
                &payer.pubkey(),
            );
            t.send_transaction(&[upgrade], &[payer, upgrade_authority])
                .await?;
            Deployment::Upgraded
        }
    };
    // A program deployed or upgraded in a slot runs from the next one.
    t.next_slot().await?;
    Ok(done)
}

/// Whether program bytes (the ELF, then zero padding) are exactly `elf`.
fn runs_exactly(bytes: &[u8], elf: &[u8]) -> bool {
    bytes.len() >= elf.len()
        && bytes[..elf.len()] == *elf
        && bytes[elf.len()..].iter().all(|b| *b == 0)
}

/// A buffer account at `buffer` holding `elf`, its authority `authority`.
async fn write_buffer<T: Transport>(
    t: &mut T,
    payer: &Keypair,
    buffer: &Keypair,
    authority: &Keypair,
    elf: &[u8],
) -> Result<(), ClientError> {
    let rent = t
        .minimum_balance(UpgradeableLoaderState::size_of_buffer(elf.len()))
        .await?;
    let create = loader::create_buffer(
        &payer.pubkey(),
        &buffer.pubkey(),
        &authority.pubkey(),
        rent,
        elf.len(),
    )
    .map_err(|e| ClientError::State(format!("buffer instruction: {e}")))?;
    t.send_transaction(&create, &[payer, buffer]).await?;

    let chunk = write_chunk_len(&payer.pubkey(), &buffer.pubkey(), &authority.pubkey());
    let writes: Vec<Vec<Instruction>> = elf
        .chunks(chunk)
        .enumerate()
        .map(|(i, bytes)| {
            let offset = u32::try_from(i * chunk).expect("an ELF is far under 4 GiB");
            vec![loader::write(
                &buffer.pubkey(),
                &authority.pubkey(),
                offset,
                bytes.to_vec(),
            )]
        })
        .collect();
    tracing::info!(
        buffer = %buffer.pubkey(),
        bytes = elf.len(),
        transactions = writes.len(),
        "writing the program into its buffer"
    );
    t.send_independent(&writes, &[payer, authority]).await
}

/// The most ELF bytes one write transaction carries (with the compute budget in front).
fn write_chunk_len(payer: &Pubkey, buffer: &Pubkey, authority: &Pubkey) -> usize {
    let empty = loader::write(buffer, authority, 0, Vec::new());
    // The instruction data's compact length grows by a byte past 127 bytes.
    MAX_TRANSACTION_BYTES - transaction_bytes(&[empty], payer) - 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use solana_sdk::message::Message;
    use solana_sdk::transaction::Transaction;

    #[test]
    fn a_write_of_one_chunk_fills_a_transaction_to_the_byte() {
        let (payer, buffer, authority) = (Keypair::new(), Keypair::new(), Keypair::new());
        let chunk = write_chunk_len(&payer.pubkey(), &buffer.pubkey(), &authority.pubkey());
        let write = |len: usize| {
            crate::ComputeBudget {
                unit_price_micro_lamports: Some(0),
            }
            .apply(&[loader::write(
                &buffer.pubkey(),
                &authority.pubkey(),
                0,
                vec![7; len],
            )])
        };
        let size = |ixs: Vec<Instruction>| {
            let tx = Transaction::new_unsigned(Message::new(&ixs, Some(&payer.pubkey())));
            bincode::serialize(&tx).unwrap().len()
        };
        assert_eq!(size(write(chunk)), MAX_TRANSACTION_BYTES);
        assert!(size(write(chunk + 1)) > MAX_TRANSACTION_BYTES);
    }

    #[test]
    fn program_bytes_match_only_the_same_elf_then_zeros() {
        assert!(runs_exactly(&[1, 2, 3, 0, 0], &[1, 2, 3]));
        assert!(runs_exactly(&[1, 2, 3], &[1, 2, 3]));
        assert!(!runs_exactly(&[1, 2, 3, 4], &[1, 2, 3]));
        assert!(!runs_exactly(&[1, 2], &[1, 2, 3]));
        assert!(!runs_exactly(&[1, 2, 4], &[1, 2, 3]));
    }
}
