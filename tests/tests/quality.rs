//! The quality simulator on the shared crowd datasets: its baselines behave, the replay
//! conserves votes, and the template defaults are what the search finds best.

use std::path::PathBuf;

use ale_lab::sim::adaptive_em::{adaptive_em, best_adaptive_em, settings};
use ale_lab::sim::baselines::{dawid_skene, majority};
use ale_lab::sim::dataset::Answer;
use ale_lab::sim::dataset::DAWID_SKENE_ITERATIONS;
use ale_lab::sim::known_confusion::{known_confusion_ceiling, known_confusion_half};
use ale_lab::sim::online_confusion::{online_confusion, ONLINE_CONFUSION};
use ale_lab::sim::replay::default_params;
use ale_lab::sim::search::{baselines, choose, search};
use ale_lab::sim::{replay, Dataset};
use ale_math::consensus::{WeightRule, CONFUSION_CLASSES};

fn shared_datasets() -> Vec<Dataset> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/datasets");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    dirs.iter().map(|d| Dataset::load(d).unwrap()).collect()
}

#[test]
fn baselines_and_replay_are_consistent() {
    for ds in shared_datasets() {
        let majority = ds.accuracy(&majority(&ds));
        let em = ds.accuracy(&dawid_skene(&ds, DAWID_SKENE_ITERATIONS));
        assert!(
            em >= majority,
            "{}: Dawid–Skene {em} below majority {majority}",
            ds.name
        );
        let out = replay(&ds, &default_params(ds.num_classes)).unwrap();
        assert!(out.votes_used <= ds.answers.len());
        assert_eq!(out.cast.len(), out.votes_used);
        assert!(out.cast.iter().all(|vote| ds.answers.contains(vote)));
        assert_eq!(out.decided + out.unresolved, ds.items);
        assert!(out.accuracy_all <= out.accuracy_decided + 1e-9);
    }
}

#[test]
fn the_online_confusion_reference_stays_within_its_vote_cap() {
    for ds in shared_datasets() {
        let (labels, votes) = online_confusion(&ds, &ONLINE_CONFUSION, 1);
        assert_eq!(labels.len(), ds.items);
        assert!(votes <= ds.answers.len());
        assert!(votes <= ONLINE_CONFUSION.max_votes * ds.items);
        assert!(
            ds.accuracy(&labels) > 0.5,
            "{}: no better than chance",
            ds.name
        );
    }
}

#[test]
fn adaptive_dawid_skene_stays_within_half_the_votes() {
    for ds in shared_datasets() {
        let cap = ds.answers.len() / ds.items / 2;
        for params in settings(&ds) {
            assert_eq!(params.max_votes, cap);
            let (labels, votes) = adaptive_em(&ds, &params, 1);
            assert!(
                labels.iter().all(Option::is_some),
                "{}: an item unlabelled",
                ds.name
            );
            assert!(votes <= cap * ds.items, "{}: {votes} votes", ds.name);
        }
        let (accuracy, votes_per_item, _) = best_adaptive_em(&ds).unwrap();
        assert!(votes_per_item <= cap as f64);
        assert!(accuracy > 0.5, "{}: no better than chance", ds.name);
    }
}

/// Two workers on a binary task: one always right, one always wrong. Knowing their
/// confusion matrices, either one's vote gives the truth; a majority of the two ties.
fn one_honest_one_contrarian() -> Dataset {
    let items = 20;
    let mut answers = Vec::new();
    let truth: Vec<Option<u8>> = (0..items).map(|i| Some((i % 2) as u8)).collect();
    for (item, t) in truth.iter().enumerate() {
        let t = t.unwrap();
        answers.push(Answer {
            item,
            worker: 0,
            label: t,
        });
        answers.push(Answer {
            item,
            worker: 1,
            label: 1 - t,
        });
    }
    Dataset {
        name: "synthetic".into(),
        num_classes: 2,
        items,
        workers: 2,
        answers,
        truth,
        question_ids: (0..items).map(|i| i.to_string()).collect(),
    }
}

#[test]
fn the_known_confusion_ceiling_reads_a_contrarian() {
    let ds = one_honest_one_contrarian();
    // Half of two votes is one: whichever worker comes first decides, rightly.
    let (labels, votes) = known_confusion_half(&ds, 7, None);
    assert_eq!(votes, ds.items);
    assert_eq!(ds.accuracy(&labels), 1.0);
    let (accuracy, votes_per_item) = known_confusion_ceiling(&ds, Some((1, 0.9)));
    assert_eq!((accuracy, votes_per_item), (1.0, 1.0));
}

#[test]
fn the_ceiling_is_above_what_dawid_skene_learns_from_half_the_votes() {
    for ds in shared_datasets() {
        let refs = baselines(&ds).unwrap();
        let (ceiling, votes) = refs.known_confusion;
        assert!(votes <= ds.answers.len().div_ceil(ds.items) as f64 / 2.0 + 0.5);
        assert!(
            ceiling >= refs.dawid_skene_half,
            "{}: knowing the workers ({ceiling}) below learning them ({})",
            ds.name,
            refs.dawid_skene_half
        );
        let (adaptive, adaptive_votes) = refs.known_confusion_adaptive;
        assert!(adaptive_votes <= votes && adaptive > 0.5);
    }
}

#[test]
fn template_defaults_are_the_searchs_best() {
    let sets = shared_datasets();
    assert!(sets
        .iter()
        .all(|d| d.num_classes as usize <= CONFUSION_CLASSES));
    let refs: Vec<_> = sets.iter().map(|d| baselines(d).unwrap()).collect();
    let candidates = search(&sets, &refs).unwrap();
    let best = &candidates[0];
    assert_eq!(
        best.params,
        default_params(2),
        "re-run `ale quality` and update ale-math's defaults::FEW_CLASSES"
    );
    assert!(best.worst_vote_share <= 0.5);
    // Larger label sets get the choice among the rules that apply to them.
    let many = choose(&candidates, |p| p.weight != WeightRule::Confusion).unwrap();
    assert_eq!(
        many.params,
        default_params(CONFUSION_CLASSES as u8 + 1),
        "re-run `ale quality` and update ale-math's defaults::MANY_CLASSES"
    );
}

/// A dataset of any shape: `items` items of `classes` labels, `votes` answers each from
/// workers right with probability 0.55 to 0.95 (otherwise a uniform wrong label).
fn synthetic(items: usize, classes: u8, votes: usize, workers: usize) -> Dataset {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let skill: Vec<f64> = (0..workers)
        .map(|w| 0.55 + 0.4 * w as f64 / workers as f64)
        .collect();
    let truth: Vec<u8> = (0..items).map(|_| rng.gen_range(0..classes)).collect();
    let mut answers = Vec::new();
    for (item, &t) in truth.iter().enumerate() {
        for v in 0..votes {
            let worker = (item * 7 + v * 13) % workers;
            let label = if rng.gen_bool(skill[worker]) {
                t
            } else {
                (t + rng.gen_range(1..classes)) % classes
            };
            answers.push(Answer {
                item,
                worker,
                label,
            });
        }
    }
    Dataset {
        name: format!("synthetic {classes} classes, {votes} votes"),
        num_classes: classes,
        items,
        workers,
        answers,
        truth: truth.into_iter().map(Some).collect(),
        question_ids: (0..items).map(|i| i.to_string()).collect(),
    }
}

#[test]
fn the_budget_curve_takes_any_class_count_and_three_votes_an_item() {
    use ale_lab::sim::budget::ALE_RULE;
    use ale_lab::sim::curve::{curve, ALE, DAWID_SKENE_ALL};
    for ds in [synthetic(300, 4, 6, 40), synthetic(400, 2, 3, 30)] {
        let shares = [0.4, 0.5, 1.0];
        let rows = curve(&ds, &ALE_RULE, &shares, 3);
        assert_eq!(rows.len(), shares.len() * 3 + 1, "{}", ds.name);
        let per_item = ds.answers.len() as f64 / ds.items as f64;
        for row in &rows {
            assert!((0.0..=1.0).contains(&row.mean) && row.p10 <= row.mean + 1e-12);
            assert!(row.votes_per_item <= row.share * per_item + 1e-9, "{row:?}");
        }
        let ale_all = rows
            .iter()
            .find(|r| r.method == ALE && r.share == 1.0)
            .unwrap();
        let ds_all = rows.iter().find(|r| r.method == DAWID_SKENE_ALL).unwrap();
        // With every answer bought, the closing re-score is Dawid–Skene on all of them.
        assert!(
            (ale_all.mean - ds_all.mean).abs() <= 0.02,
            "{ale_all:?} {ds_all:?}"
        );
    }
}
