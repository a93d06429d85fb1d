//! The quality simulator on the shared crowd datasets: its baselines behave, the replay
//! conserves votes, and the template defaults are what the search finds best.

use std::path::PathBuf;

use ale_client::sim::baselines::{dawid_skene, majority};
use ale_client::sim::online_confusion::{online_confusion, ONLINE_CONFUSION};
use ale_client::sim::replay::DEFAULT_PARAMS;
use ale_client::sim::search::{baselines, search, DAWID_SKENE_ITERATIONS};
use ale_client::sim::{replay, Dataset};

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
        let out = replay(&ds, &DEFAULT_PARAMS).unwrap();
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
    let refs: Vec<_> = sets.iter().map(|d| baselines(d).unwrap()).collect();
    let best = &search(&sets, &refs).unwrap()[0];
    assert_eq!(
        best.params, DEFAULT_PARAMS,
        "re-run `ale quality` and update ale-math's defaults"
    );
    assert!(best.worst_vote_share <= 0.5);
}
