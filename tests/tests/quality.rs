//! The quality simulator on the shared crowd datasets: its baselines behave, the replay
//! conserves votes, and the template defaults are what the search finds best.

use std::path::PathBuf;

use ale_client::sim::baselines::{dawid_skene, majority};
use ale_client::sim::online_confusion::{online_confusion, ONLINE_CONFUSION};
use ale_client::sim::replay::default_params;
use ale_client::sim::search::{baselines, choose, search, DAWID_SKENE_ITERATIONS};
use ale_client::sim::{replay, Dataset};
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
