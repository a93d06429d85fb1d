//! Crowd datasets in the shared CSV format: `answer.csv` (question,worker,answer) in
//! arrival order and `truth.csv` (question,truth), and the constants every simulator
//! module replays them with (this module imports no other of the simulator's).

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::Deserialize;

/// Expectation-maximisation steps of every Dawid–Skene run.
pub const DAWID_SKENE_ITERATIONS: usize = 50;
/// The sortition orders every parameter set is replayed in.
pub const SORTITION_SEEDS: [u64; 4] = [1, 2, 3, 4];

/// One answer, with items and workers renumbered densely in order of first appearance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    pub item: usize,
    pub worker: usize,
    pub label: u8,
}

#[derive(Clone, Debug)]
pub struct Dataset {
    pub name: String,
    pub num_classes: u8,
    pub items: usize,
    pub workers: usize,
    /// In arrival order (the order of answer.csv).
    pub answers: Vec<Answer>,
    /// Gold truth per item, where known.
    pub truth: Vec<Option<u8>>,
    /// The original question ids, by dense index.
    pub question_ids: Vec<String>,
}

#[derive(Deserialize)]
struct AnswerRow {
    question: String,
    worker: String,
    answer: u8,
}

#[derive(Deserialize)]
struct TruthRow {
    question: String,
    truth: u8,
}

impl Dataset {
    pub fn load(dir: &Path) -> Result<Self> {
        let name = dir
            .file_name()
            .map_or("dataset".into(), |n| n.to_string_lossy().into_owned());
        let mut item_index: HashMap<String, usize> = HashMap::new();
        let mut worker_index: HashMap<String, usize> = HashMap::new();
        let mut question_ids = Vec::new();
        let mut answers = Vec::new();
        let mut max_label = 0u8;
        let path = dir.join("answer.csv");
        let mut reader =
            csv::Reader::from_path(&path).with_context(|| format!("open {}", path.display()))?;
        for row in reader.deserialize::<AnswerRow>() {
            let row = row.with_context(|| format!("read {}", path.display()))?;
            let next = item_index.len();
            let item = *item_index.entry(row.question.clone()).or_insert_with(|| {
                question_ids.push(row.question.clone());
                next
            });
            let next = worker_index.len();
            let worker = *worker_index.entry(row.worker).or_insert(next);
            max_label = max_label.max(row.answer);
            answers.push(Answer {
                item,
                worker,
                label: row.answer,
            });
        }
        let mut truth = vec![None; item_index.len()];
        let path = dir.join("truth.csv");
        let mut reader =
            csv::Reader::from_path(&path).with_context(|| format!("open {}", path.display()))?;
        for row in reader.deserialize::<TruthRow>() {
            let row = row.with_context(|| format!("read {}", path.display()))?;
            max_label = max_label.max(row.truth);
            if let Some(&item) = item_index.get(&row.question) {
                truth[item] = Some(row.truth);
            }
        }
        if answers.is_empty() {
            bail!("{} has no answers", dir.display());
        }
        let num_classes = max_label + 1;
        if !(2..=16).contains(&num_classes) {
            bail!(
                "{}: {num_classes} classes, the protocol takes 2 to 16",
                dir.display()
            );
        }
        Ok(Self {
            name,
            num_classes,
            items: item_index.len(),
            workers: worker_index.len(),
            answers,
            truth,
            question_ids,
        })
    }

    /// Each item's (worker, label) answers that `keep` admits (by index into
    /// `answers`), in arrival order, or with a seed in a random order drawn from it
    /// (the chain's sortition: which workers an item meets is random).
    pub fn item_queues(
        &self,
        keep: impl Fn(usize) -> bool,
        seed: Option<u64>,
    ) -> Vec<Vec<(usize, u8)>> {
        let mut queues: Vec<Vec<(usize, u8)>> = vec![Vec::new(); self.items];
        for (i, a) in self.answers.iter().enumerate() {
            if keep(i) {
                queues[a.item].push((a.worker, a.label));
            }
        }
        if let Some(seed) = seed {
            let mut rng = StdRng::seed_from_u64(seed);
            for queue in &mut queues {
                queue.shuffle(&mut rng);
            }
        }
        queues
    }

    /// The first `items` questions and the first `workers` workers (in order of first
    /// appearance) with the answers among them: a dataset small enough for a real
    /// cluster's real-time windows.
    pub fn first(&self, items: usize, workers: usize) -> Self {
        let items = items.min(self.items);
        let workers = workers.min(self.workers);
        Self {
            name: format!("{} (first {items} items, {workers} workers)", self.name),
            num_classes: self.num_classes,
            items,
            workers,
            answers: self
                .answers
                .iter()
                .filter(|a| a.item < items && a.worker < workers)
                .cloned()
                .collect(),
            truth: self.truth[..items].to_vec(),
            question_ids: self.question_ids[..items].to_vec(),
        }
    }

    /// Share of items with truth whose label matches it, in [0, 1].
    pub fn accuracy(&self, labels: &[Option<u8>]) -> f64 {
        let scored: Vec<bool> = self
            .truth
            .iter()
            .zip(labels)
            .filter_map(|(truth, label)| truth.map(|t| *label == Some(t)))
            .collect();
        scored.iter().filter(|&&ok| ok).count() as f64 / scored.len().max(1) as f64
    }
}
