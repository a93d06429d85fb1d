//! What a worker's wallet does: join, take a ticket, commit, reveal, claim.
//!
//! Commit–reveal only works if the worker still has its labels and salt when the
//! reveal window opens. `BallotStore` writes them to disk (write to a temporary file,
//! sync, rename) before the commit is sent, and forgets them only once the reveal has
//! landed or the ticket is gone, so a crash at any point between the two loses nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ale_protocol::constants::MAX_TICKET_ITEMS;
use ale_protocol::events::TicketTaken;
use ale_protocol::instructions::JoinProof;
use ale_protocol::instructions::SealedBallot;
use ale_protocol::state::{
    assigned_items, item_states_mut, probe, Batch, Community, Membership, SKIP_LABEL,
};
use anchor_lang::prelude::Pubkey;
use serde::{Deserialize, Serialize};
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::{Keypair, Signer};
use spl_associated_token_account_interface::instruction::create_associated_token_account_idempotent;

use crate::error::{state_error, Result, SdkError};
use crate::pda;
use crate::protocol::{self as ix, JoinWith};
use crate::transport::{receive_in_own_account, send_packed, ClientError, Transport};
use crate::views::ledger_members;

/// One committed ballot, kept until its reveal lands.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Ballot {
    pub batch: String,
    pub round: u32,
    pub ticket: String,
    pub items: Vec<u32>,
    pub labels: Vec<u8>,
    /// The 32-byte salt, hex.
    pub salt: String,
}

impl Ballot {
    fn salt_bytes(&self) -> Result<[u8; 32]> {
        let bad_salt =
            || SdkError::Input(format!("ticket {}: salt is not 32 hex bytes", self.ticket));
        let bytes: Vec<u8> = (0..self.salt.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(self.salt.get(i..i + 2).unwrap_or("zz"), 16))
            .collect::<Result<_, _>>()
            .map_err(|_| bad_salt())?;
        bytes.try_into().map_err(|_| bad_salt())
    }
}

/// Ballots by ticket address, in a JSON file (or only in memory).
#[derive(Debug, Default)]
pub struct BallotStore {
    path: Option<PathBuf>,
    ballots: BTreeMap<String, Ballot>,
}

impl BallotStore {
    pub fn in_memory() -> Self {
        Self::default()
    }

    /// Opens (or starts) the store at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let ballots = match std::fs::read(path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|e| SdkError::file_format(path, e))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(SdkError::file(path, e)),
        };
        Ok(Self {
            path: Some(path.to_path_buf()),
            ballots,
        })
    }

    pub fn pending(&self) -> impl Iterator<Item = &Ballot> {
        self.ballots.values()
    }

    fn put(&mut self, ballot: Ballot) -> Result<()> {
        self.ballots.insert(ballot.ticket.clone(), ballot);
        self.save()
    }

    pub fn forget(&mut self, ticket: &str) -> Result<()> {
        self.ballots.remove(ticket);
        self.save()
    }

    fn save(&self) -> Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| SdkError::file(dir, e))?;
        }
        let tmp = path.with_extension("tmp");
        let json =
            serde_json::to_vec_pretty(&self.ballots).map_err(|e| SdkError::file_format(path, e))?;
        let write = || -> std::io::Result<()> {
            use std::io::Write;
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(&json)?;
            file.sync_all()
        };
        write().map_err(|e| SdkError::file(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| SdkError::file(path, e))
    }
}

fn pubkey(s: &str) -> Result<Pubkey> {
    Pubkey::from_str(s).map_err(|_| SdkError::Input(format!("not an address: {s}")))
}

pub async fn join<T: Transport>(
    t: &mut T,
    wallet: &Keypair,
    community: Pubkey,
) -> Result<(), ClientError> {
    let join = ix::join_community(
        wallet.pubkey(),
        community,
        JoinWith::Nothing,
        JoinProof::default(),
    );
    t.send_transaction(&[join], &[wallet]).await?;
    Ok(())
}

/// Opts into pushed pay in `mint`: opens the worker's associated token account (if
/// missing) and asks keepers to push its pay there once the community's batches are
/// finished, so the worker needs no claim transaction.
pub async fn opt_into_push<T: Transport>(
    t: &mut T,
    wallet: &Keypair,
    community: Pubkey,
    mint: Pubkey,
) -> Result<(), ClientError> {
    let token_program = t.token_program_of(mint).await?;
    let member = wallet.pubkey();
    let open = create_associated_token_account_idempotent(&member, &member, &mint, &token_program);
    let opt_in = ix::set_push_payouts(member, community, true);
    t.send_transaction(&[open, opt_in], &[wallet]).await?;
    Ok(())
}

/// Joins a community whose rule asks for reputation in `prerequisite`: the proof is
/// the wallet's index in the prerequisite's ledger.
pub async fn join_with_reputation<T: Transport>(
    t: &mut T,
    wallet: &Keypair,
    community: Pubkey,
    prerequisite: Pubkey,
) -> Result<()> {
    let ledger_address = pda::ledger(&prerequisite);
    let ledger = t.data(ledger_address).await?;
    let index = ledger_members(&ledger)?
        .iter()
        .position(|e| e.member == wallet.pubkey())
        .ok_or(SdkError::NotInPrerequisite {
            member: wallet.pubkey(),
            community: prerequisite,
        })?;
    let proof = JoinProof {
        prerequisite_index: index as u32,
        ..JoinProof::default()
    };
    let join = ix::join_community(
        wallet.pubkey(),
        community,
        JoinWith::PrerequisiteLedger(ledger_address),
        proof,
    );
    t.send_transaction(&[join], &[wallet]).await?;
    Ok(())
}

/// Takes a ticket in the batch's current round; returns the round and the items the
/// sortition assigned.
pub async fn take_ticket<T: Transport>(
    t: &mut T,
    wallet: &Keypair,
    batch_address: Pubkey,
) -> Result<(u32, Vec<u32>)> {
    let batch: Batch = t.read(batch_address).await?;
    let round = batch.settled_rounds;
    let take = ix::take_ticket(wallet.pubkey(), batch_address, &batch, round, false, None);
    let outcome = t.send_transaction(&[take], &[wallet]).await?;
    let Some(taken) = outcome.events::<TicketTaken>().pop() else {
        return Err(state_error("take_ticket emitted no TicketTaken event").into());
    };
    Ok((round, taken.items))
}

/// How often a sealed take computes its assignment again after another take changed it.
const SEALED_TAKE_ATTEMPTS: usize = 5;

/// The items a member's ticket would hold if taken now.
pub struct Assignment {
    pub batch: Batch,
    pub round: u32,
    pub items: Vec<u32>,
}

/// Computes, as the program will, the items `member` would be assigned in the batch's
/// current round (`state::assigned_items` over the item table, within the member's
/// daily limit); `None` while the round's seed is not drawn.
pub async fn assignment<T: Transport>(
    t: &mut T,
    member: Pubkey,
    batch_address: Pubkey,
) -> Result<Option<Assignment>> {
    let batch: Batch = t.read(batch_address).await?;
    let round = batch.settled_rounds;
    let Some(seed) = batch.seed_of(round) else {
        return Ok(None);
    };
    let community: Community = t.read(batch.community).await?;
    let membership: Membership = t.read(pda::membership(&batch.community, &member)).await?;
    let ledger = t.data(pda::ledger(&batch.community)).await?;
    let entry = ledger_members(&ledger)?
        .get(membership.index as usize)
        .copied()
        .ok_or_else(|| state_error("member index outside the ledger"))?;
    let today = (t.unix_timestamp().await? / 86_400) as u32;
    let used_today = if entry.rate_window_day == today {
        entry.rate_window_count
    } else {
        0
    };
    let mut allowance = MAX_TICKET_ITEMS as u32;
    if community.rate_limit_per_day > 0 {
        allowance = allowance.min(community.rate_limit_per_day.saturating_sub(used_today) as u32);
    }
    let mut table = t.data(batch.item_table).await?;
    let states = item_states_mut(&mut table).map_err(state_error)?;
    let walk = probe(
        &seed,
        &batch_address,
        membership.index,
        round,
        batch.item_count,
    );
    let allotment = batch.allotment(&community.consensus, round);
    let allowance = allowance.min(batch.votes_left());
    let (assigned, n) = assigned_items(states, walk, allotment, membership.index, allowance);
    Ok(Some(Assignment {
        batch,
        round,
        items: assigned[..n].to_vec(),
    }))
}

/// Takes the ticket of `assignment` with the commitment to `labels` (one per item, for
/// a prefix of its items) in one transaction; the ballot is on disk before it is sent.
/// Returns how many items the ticket holds.
pub async fn take_sealed<T: Transport>(
    t: &mut T,
    store: &mut BallotStore,
    wallet: &Keypair,
    batch_address: Pubkey,
    assignment: &Assignment,
    labels: Vec<u8>,
) -> Result<usize> {
    if labels.is_empty() || labels.len() > assignment.items.len() {
        return Err(SdkError::Input(format!(
            "{} labels for an assignment of {} items",
            labels.len(),
            assignment.items.len()
        )));
    }
    let member = wallet.pubkey();
    let round = assignment.round;
    let ticket = pda::ticket(&batch_address, &member, round);
    let salt: [u8; 32] = rand::random();
    let sealed = SealedBallot {
        items: assignment.items[..labels.len()].to_vec(),
        commitment: ix::vote_commitment(&labels, &salt, &member, &ticket),
    };
    let take = ix::take_ticket_sealed(member, batch_address, &assignment.batch, round, sealed);
    let n = labels.len();
    store.put(Ballot {
        batch: batch_address.to_string(),
        round,
        ticket: ticket.to_string(),
        items: assignment.items[..n].to_vec(),
        labels,
        salt: salt.iter().map(|b| format!("{b:02x}")).collect(),
    })?;
    if let Err(e) = t.send_transaction(&[take], &[wallet]).await {
        store.forget(&ticket.to_string())?;
        return Err(e.into());
    }
    Ok(n)
}

/// Takes and commits a ticket in the batch's current round in one transaction: computes
/// the assignment, asks `label` for one label per item (SKIP_LABEL where the worker
/// cannot judge), keeps the items up to its last real label, and sends the sealed take,
/// computing again when another take changed the assignment first. While the round's
/// seed is not drawn (round 0's first take draws it) it takes, then commits, in two
/// transactions. Returns the round and the ticket's items, or `None` when no item is
/// available or the worker would label none of them (no ticket is then taken).
pub async fn take_and_commit<T: Transport>(
    t: &mut T,
    store: &mut BallotStore,
    wallet: &Keypair,
    batch_address: Pubkey,
    mut label: impl FnMut(&[u32]) -> Vec<u8>,
) -> Result<Option<(u32, Vec<u32>)>> {
    for _ in 0..SEALED_TAKE_ATTEMPTS {
        let Some(assignment) = assignment(t, wallet.pubkey(), batch_address).await? else {
            let (round, items) = take_ticket(t, wallet, batch_address).await?;
            let labels = label(&items);
            if labels.iter().all(|&l| l == SKIP_LABEL) {
                return Ok(None); // abandoned: the keeper closes the ticket after the round
            }
            commit(
                t,
                store,
                wallet,
                batch_address,
                round,
                items.clone(),
                labels,
            )
            .await?;
            return Ok(Some((round, items)));
        };
        let mut labels = label(&assignment.items);
        if labels.len() != assignment.items.len() {
            return Err(SdkError::Input(format!(
                "{} labels for {} items",
                labels.len(),
                assignment.items.len()
            )));
        }
        let Some(last) = labels.iter().rposition(|&l| l != SKIP_LABEL) else {
            return Ok(None);
        };
        labels.truncate(last + 1);
        match take_sealed(t, store, wallet, batch_address, &assignment, labels).await {
            Ok(n) => {
                let items = assignment.items[..n].to_vec();
                return Ok(Some((assignment.round, items)));
            }
            Err(e) if e.error_name() == Some("AssignmentChanged") => {}
            Err(e) => return Err(e),
        }
    }
    Err(SdkError::RoundBusy {
        attempts: SEALED_TAKE_ATTEMPTS,
    })
}

/// Commits `labels` (one per assigned item, in order) for the worker's ticket of
/// `round`; the ballot is on disk before the commitment is sent.
pub async fn commit<T: Transport>(
    t: &mut T,
    store: &mut BallotStore,
    wallet: &Keypair,
    batch_address: Pubkey,
    round: u32,
    items: Vec<u32>,
    labels: Vec<u8>,
) -> Result<()> {
    if labels.len() != items.len() {
        return Err(SdkError::Input(format!(
            "{} labels for {} items",
            labels.len(),
            items.len()
        )));
    }
    let ticket = pda::ticket(&batch_address, &wallet.pubkey(), round);
    let salt: [u8; 32] = rand::random();
    store.put(Ballot {
        batch: batch_address.to_string(),
        round,
        ticket: ticket.to_string(),
        items,
        labels: labels.clone(),
        salt: salt.iter().map(|b| format!("{b:02x}")).collect(),
    })?;
    let commitment = ix::vote_commitment(&labels, &salt, &wallet.pubkey(), &ticket);
    t.send_transaction(
        &[ix::commit_votes(
            wallet.pubkey(),
            batch_address,
            ticket,
            commitment,
        )],
        &[wallet],
    )
    .await?;
    Ok(())
}

/// A stored ballot whose commit window has ended, as its reveal instruction.
pub struct DueReveal {
    pub ticket: String,
    pub batch: Pubkey,
    pub round: u32,
    pub instruction: Instruction,
}

/// The reveals `member`'s stored ballots are due for. A ballot whose ticket no longer
/// exists (revealed before a crash, or closed) is forgotten.
pub async fn due_reveals<T: Transport>(
    t: &mut T,
    store: &mut BallotStore,
    member: Pubkey,
) -> Result<Vec<DueReveal>> {
    let now = t.unix_timestamp().await?;
    let mut due = Vec::new();
    for ballot in store.pending().cloned().collect::<Vec<_>>() {
        let ticket = pubkey(&ballot.ticket)?;
        let batch_address = pubkey(&ballot.batch)?;
        let Some(batch) = t.read_optional::<Batch>(batch_address).await? else {
            store.forget(&ballot.ticket)?;
            continue;
        };
        if t.get_account(ticket).await?.is_none() {
            store.forget(&ballot.ticket)?;
            continue;
        }
        if now < batch.commit_end(ballot.round).map_err(state_error)? {
            continue;
        }
        let instruction = ix::reveal_votes(
            member,
            batch_address,
            &batch,
            ticket,
            ballot.labels.clone(),
            ballot.salt_bytes()?,
        );
        due.push(DueReveal {
            ticket: ballot.ticket,
            batch: batch_address,
            round: ballot.round,
            instruction,
        });
    }
    Ok(due)
}

/// Sends reveals packed into as few transactions as fit, paid by the first signer (or
/// the transport's payer): a reveal needs no signature, so a relayer can carry many
/// workers' ballots at once. Returns the tickets whose reveal landed (their ballots
/// may be forgotten), or the first refusal once every reveal was tried.
pub async fn send_reveals<T: Transport>(
    t: &mut T,
    due: &[DueReveal],
    signers: &[&Keypair],
) -> Result<Vec<String>, ClientError> {
    let instructions: Vec<Instruction> = due.iter().map(|d| d.instruction.clone()).collect();
    let packed = send_packed(t, &instructions, signers).await?;
    if let Some((_, err)) = packed.refused.into_iter().next() {
        return Err(err);
    }
    Ok(packed
        .landed
        .iter()
        .map(|&i| due[i].ticket.clone())
        .collect())
}

/// Reveals every stored ballot whose commit window has ended, paid by the worker, as
/// few transactions as fit; returns how many landed.
pub async fn reveal_due<T: Transport>(
    t: &mut T,
    store: &mut BallotStore,
    wallet: &Keypair,
) -> Result<usize> {
    let due = due_reveals(t, store, wallet.pubkey()).await?;
    let landed = send_reveals(t, &due, &[wallet]).await?;
    for ticket in &landed {
        store.forget(ticket)?;
    }
    Ok(landed.len())
}

/// Claims the worker's pay in `mint` from `community` into its associated token
/// account (opened if missing); returns the amount received.
pub async fn claim<T: Transport>(
    t: &mut T,
    wallet: &Keypair,
    community: Pubkey,
    mint: Pubkey,
) -> Result<u64, ClientError> {
    let token_program = t.token_program_of(mint).await?;
    let member = wallet.pubkey();
    receive_in_own_account(t, wallet, mint, token_program, |destination| {
        vec![ix::claim_pay(
            member,
            community,
            mint,
            destination,
            token_program,
        )]
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ballot(ticket: &str, salt: String) -> Ballot {
        Ballot {
            batch: Pubkey::new_unique().to_string(),
            round: 0,
            ticket: ticket.into(),
            items: vec![3, 7],
            labels: vec![1, 0],
            salt,
        }
    }

    #[test]
    fn ballots_survive_reopening_and_a_corrupt_store_or_salt_is_named() {
        let dir = std::env::temp_dir().join(format!("ale-sdk-ballots-{}", std::process::id()));
        let path = dir.join("ballots.json");
        let salt = [0xa5u8; 32];
        let ticket = Pubkey::new_unique().to_string();
        let mut store = BallotStore::open(&path).unwrap();
        store
            .put(ballot(
                &ticket,
                salt.iter().map(|b| format!("{b:02x}")).collect(),
            ))
            .unwrap();
        let reopened = BallotStore::open(&path).unwrap();
        let kept: Vec<&Ballot> = reopened.pending().collect();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].salt_bytes().unwrap(), salt);
        store.forget(&ticket).unwrap();
        assert_eq!(BallotStore::open(&path).unwrap().pending().count(), 0);

        let short = ballot(&ticket, "a5a5".into());
        assert!(matches!(short.salt_bytes(), Err(SdkError::Input(_))));
        let not_hex = ballot(&ticket, "zz".repeat(32));
        assert!(matches!(not_hex.salt_bytes(), Err(SdkError::Input(_))));

        std::fs::write(&path, "not json").unwrap();
        let err = BallotStore::open(&path).unwrap_err();
        assert!(
            matches!(&err, SdkError::FileFormat { path: p, .. } if *p == path),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
