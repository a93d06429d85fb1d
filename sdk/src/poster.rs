//! What a client company does: post a job (items committed by a Merkle root, paid in
//! any SPL mint), watch it, cancel what it no longer needs, export the labels.

use std::path::Path;

use ale_math::consensus::{Tally, COST_UNITS_PER_NAT};
use ale_protocol::constants::NEVER_STOP_EARLY_BPS;
use ale_protocol::instructions::{priced_units, PostBatchParams};
use ale_protocol::state::{item_states_mut, Batch, Community, ItemStatus, ItemTable, WeightRule};
use anchor_lang::prelude::Pubkey;
use serde::Serialize;
use solana_sdk::signature::{Keypair, Signer};

use crate::error::{state_error, Result, SdkError};
use crate::protocol::{self as ix, PostBatchAccounts};
use crate::transport::{ClientError, Transport};
use crate::{merkle, pda};

/// A labelling job.
#[derive(Clone, Debug)]
pub struct Job {
    pub community: Pubkey,
    /// Item identifiers (file names, URIs, ids): the leaves of the Merkle commitment.
    pub items: Vec<String>,
    pub mint: Pubkey,
    /// The poster's token account of `mint` that funds the escrow.
    pub poster_token: Pubkey,
    /// Per item, or per vote with a vote budget.
    pub price: u64,
    /// From now to the deadline.
    pub duration_seconds: i64,
    pub budget: VoteBudget,
}

/// How a batch buys its votes: per item at the community's schedule (the default), or a
/// budget of votes for the whole batch, escrowed at the price per vote, spent on the
/// least certain items, with what is not spent returned at close.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VoteBudget {
    /// Votes for the whole batch (0: priced per item).
    pub votes: u32,
    /// When an item stops early, in bps (`PostBatchParams::target_confidence_bps`): 0
    /// the community's early stop, NEVER_STOP_EARLY_BPS never.
    pub target_confidence_bps: u16,
}

impl VoteBudget {
    /// A mean of `votes_per_item` over `items` items (rounded up), stopping an item at
    /// `target_confidence` (in (0.5, 1)) or, without one, spending the whole budget.
    pub fn per_item(
        votes_per_item: f64,
        items: usize,
        target_confidence: Option<f64>,
    ) -> Result<Self> {
        let votes = (votes_per_item * items as f64).ceil();
        if !(votes_per_item > 0.0 && votes <= u32::MAX as f64) {
            return Err(SdkError::Input(format!(
                "{votes_per_item} votes per item over {items} items: not a vote budget"
            )));
        }
        let target_confidence_bps = match target_confidence {
            None => NEVER_STOP_EARLY_BPS,
            Some(t) if t > 0.5 && t < 1.0 => ((t * 10_000.0).round() as u16).clamp(5_001, 9_999),
            Some(t) => {
                return Err(SdkError::Input(format!(
                    "target confidence {t}: it must be above 0.5 and below 1"
                )))
            }
        };
        Ok(Self {
            votes: votes as u32,
            target_confidence_bps,
        })
    }

    /// What the poster escrows for `items` items at `price` per unit.
    pub fn escrow(&self, items: usize, price: u64) -> u64 {
        let items = u32::try_from(items).unwrap_or(u32::MAX);
        price.saturating_mul(priced_units(items, self.votes) as u64)
    }
}

#[derive(Clone, Debug)]
pub struct Posted {
    pub batch: Pubkey,
    pub items_root: [u8; 32],
}

/// The Merkle leaf of an item identifier.
pub fn leaf(item: &str) -> [u8; 32] {
    solana_sha256_hasher::hashv(&[item.as_bytes()]).to_bytes()
}

/// Item identifiers from a file: the first column of a CSV with a header, or one per
/// line of any other file.
pub fn read_items(path: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(path).map_err(|e| SdkError::file(path, e))?;
    let items: Vec<String> = if path.extension().is_some_and(|e| e == "csv") {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut items = Vec::new();
        for row in reader.records() {
            let row = row.map_err(|e| SdkError::file_format(path, e))?;
            if let Some(first) = row.get(0) {
                items.push(first.to_string());
            }
        }
        items.dedup();
        items
    } else {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect()
    };
    if items.is_empty() {
        return Err(SdkError::file_format(path, "lists no items"));
    }
    Ok(items)
}

/// Posts and funds a batch: creates its item table and escrow, deposits `price` ×
/// items (or × the budget's votes) of the mint.
pub async fn post<T: Transport>(t: &mut T, poster: &Keypair, job: &Job) -> Result<Posted> {
    let community: Community = t.read(job.community).await?;
    let count = u32::try_from(job.items.len())
        .map_err(|_| SdkError::Input(format!("{} items: too many", job.items.len())))?;
    let leaves: Vec<[u8; 32]> = job.items.iter().map(|i| leaf(i)).collect();
    let items_root = merkle::root(&leaves);
    let token_program = t.token_program_of(job.mint).await?;
    let params = PostBatchParams {
        batch_id: community.batch_count,
        item_count: count,
        items_root,
        price: job.price,
        deadline: t.unix_timestamp().await? + job.duration_seconds,
        gold_root: [0; 32],
        gold_count: 0,
        vote_budget: job.budget.votes,
        target_confidence_bps: job.budget.target_confidence_bps,
    };
    let table = Keypair::new();
    let table_rent = t.minimum_balance(ItemTable::space(count)).await?;
    let ixs = [
        ix::create_item_table(poster.pubkey(), table.pubkey(), count, table_rent),
        ix::post_batch(
            PostBatchAccounts {
                poster: poster.pubkey(),
                community: job.community,
                item_table: table.pubkey(),
                mint: job.mint,
                poster_token: job.poster_token,
                token_program,
            },
            params,
        ),
    ];
    t.send_transaction(&ixs, &[poster, &table]).await?;
    Ok(Posted {
        batch: pda::batch(&job.community, community.batch_count),
        items_root,
    })
}

/// Cancels `count` items from `first` that nobody has voted on; their price goes back.
pub async fn cancel<T: Transport>(
    t: &mut T,
    poster: &Keypair,
    batch_address: Pubkey,
    first: u32,
    count: u32,
) -> Result<(), ClientError> {
    let batch: Batch = t.read(batch_address).await?;
    t.send_transaction(
        &[ix::cancel_items(batch_address, &batch, first, count)],
        &[poster],
    )
    .await?;
    Ok(())
}

/// One labelled item of the exported dataset.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LabelledItem {
    pub item: String,
    pub label: Option<u8>,
    /// How sure the consensus is of the decided label, in [0, 1]: its share of the
    /// vote weight, or under the confusion rule its posterior probability given the
    /// votes (the costs are -ln likelihoods). 0 while undecided.
    pub confidence: f64,
    pub votes: u8,
    pub decided: bool,
}

/// The batch's items as labelled so far (read from its item table, which lives until
/// the keeper closes the batch after the deadline's grace period).
pub async fn labels<T: Transport>(
    t: &mut T,
    batch_address: Pubkey,
    names: &[String],
) -> Result<Vec<LabelledItem>, ClientError> {
    let batch: Batch = t.read(batch_address).await?;
    let community: Community = t.read(batch.community).await?;
    let confusion = community.consensus.weight_rule == WeightRule::Confusion;
    let mut table = t.data(batch.item_table).await?;
    let states = item_states_mut(&mut table).map_err(state_error)?;
    let mut out = Vec::with_capacity(states.len());
    for (i, item) in states.iter().enumerate() {
        let mut tally = Tally::default();
        for v in &item.votes[..item.vote_count as usize] {
            if confusion {
                // The weight packs the vote's cost for each class.
                tally.add_costs(v.label, v.weight, community.num_classes)
            } else {
                tally.add(v.label, v.weight)
            }
            .map_err(state_error)?;
        }
        let decided = item.status() == Some(ItemStatus::Decided);
        let confidence = match (decided, confusion) {
            (false, _) => 0.0,
            (true, true) => posterior(&tally.weights[..community.num_classes as usize], item.label),
            (true, false) => {
                let total = tally.total_weight().map_err(state_error)? as f64;
                if total > 0.0 {
                    tally.weights[item.label as usize] as f64 / total
                } else {
                    0.0
                }
            }
        };
        out.push(LabelledItem {
            item: names.get(i).cloned().unwrap_or_else(|| i.to_string()),
            label: decided.then_some(item.label),
            confidence,
            votes: item.vote_count,
            decided,
        });
    }
    Ok(out)
}

/// P(`label` | votes) from the confusion rule's summed costs (-ln likelihoods, in
/// `COST_UNITS_PER_NAT`), with a flat prior.
fn posterior(costs: &[u64], label: u8) -> f64 {
    let own = costs[label as usize] as f64;
    let total: f64 = costs
        .iter()
        .map(|&c| (-(c as f64 - own) / COST_UNITS_PER_NAT as f64).exp())
        .sum();
    1.0 / total
}

/// Writes labels as `labels.csv` and `labels.jsonl` into `dir`.
pub fn export(labels: &[LabelledItem], dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| SdkError::file(dir, e))?;
    let csv_path = dir.join("labels.csv");
    let csv_error = |e: csv::Error| SdkError::file_format(&csv_path, e);
    let mut csv = csv::Writer::from_path(&csv_path).map_err(csv_error)?;
    for row in labels {
        csv.serialize(row).map_err(csv_error)?;
    }
    csv.flush().map_err(|e| SdkError::file(&csv_path, e))?;
    let jsonl_path = dir.join("labels.jsonl");
    let jsonl: Vec<String> = labels
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<_, _>>()
        .map_err(|e| SdkError::file_format(&jsonl_path, e))?;
    std::fs::write(&jsonl_path, jsonl.join("\n") + "\n")
        .map_err(|e| SdkError::file(&jsonl_path, e))?;
    Ok(())
}

/// Where a batch stands.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Progress {
    pub batch: String,
    pub items: u32,
    pub decided: u32,
    pub refunded: u32,
    pub cancelled: u32,
    pub open: u32,
    pub votes: u64,
    /// Votes bought (0: priced per item).
    pub vote_budget: u32,
    pub round: u32,
    pub deadline: i64,
    pub escrow_left: u64,
}

pub async fn progress<T: Transport>(
    t: &mut T,
    batch_address: Pubkey,
) -> Result<Progress, ClientError> {
    let batch: Batch = t.read(batch_address).await?;
    let mut table = t.data(batch.item_table).await?;
    let states = item_states_mut(&mut table).map_err(state_error)?;
    let votes = states.iter().map(|s| s.vote_count as u64).sum();
    let open = states
        .iter()
        .filter(|s| {
            !matches!(
                s.status(),
                Some(ItemStatus::Decided | ItemStatus::Refunded | ItemStatus::Cancelled)
            )
        })
        .count() as u32;
    Ok(Progress {
        batch: batch_address.to_string(),
        items: batch.item_count,
        decided: batch.items_decided,
        refunded: batch.items_refunded,
        cancelled: batch.items_cancelled,
        open,
        votes,
        vote_budget: batch.vote_budget,
        round: batch.settled_rounds,
        deadline: batch.deadline,
        escrow_left: batch.escrow_expected().map_err(state_error)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_confusion_rules_confidence_is_the_posterior_of_the_label() {
        let nat = COST_UNITS_PER_NAT;
        assert!((posterior(&[5 * nat, 5 * nat], 0) - 0.5).abs() < 1e-12);
        assert!((posterior(&[nat, nat, nat, nat], 3) - 0.25).abs() < 1e-12);
        // A lead of ln(19) nats over the only other class: 95 %.
        let lead = (19f64.ln() * nat as f64).round() as u64;
        let p = posterior(&[10 * nat, 10 * nat + lead], 0);
        assert!((p - 0.95).abs() < 1e-4, "{p}");
        // The costlier label is the less likely one.
        assert!((posterior(&[10 * nat, 10 * nat + lead], 1) - 0.05).abs() < 1e-4);
    }

    #[test]
    fn items_are_read_by_file_kind_and_a_bad_file_is_named() {
        let dir = std::env::temp_dir().join(format!("ale-sdk-items-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let csv = dir.join("answers.csv");
        std::fs::write(&csv, "question,worker,answer\nq1,w1,a\nq1,w2,b\nq2,w1,a\n").unwrap();
        assert_eq!(read_items(&csv).unwrap(), ["q1", "q2"]);
        let lines = dir.join("items.txt");
        std::fs::write(&lines, " img-1 \n\nimg-2\n").unwrap();
        assert_eq!(read_items(&lines).unwrap(), ["img-1", "img-2"]);

        let empty = dir.join("empty.txt");
        std::fs::write(&empty, "\n \n").unwrap();
        let err = read_items(&empty).unwrap_err();
        assert!(
            matches!(&err, SdkError::FileFormat { path, .. } if *path == empty),
            "{err}"
        );
        let missing = dir.join("missing.txt");
        let err = read_items(&missing).unwrap_err();
        assert!(
            matches!(&err, SdkError::File { path, source } if *path == missing
                && source.kind() == std::io::ErrorKind::NotFound),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
