//! The quality simulator: replays a real crowd dataset (each worker's real answer per
//! item, gold truth for scoring) through the protocol's own consensus rule from
//! ale-math, in rounds as the chain runs them, and compares it with references: plain
//! majority vote and Dawid–Skene on all the votes (baselines), online and adaptive
//! Dawid–Skene, and the ceiling of knowing every worker's true confusion matrix.

pub mod adaptive_em;
pub mod baselines;
pub mod budget;
pub mod curve;
pub mod dataset;
pub mod known_confusion;
pub mod online_confusion;
pub mod replay;
pub mod search;

pub use dataset::Dataset;
pub use replay::{replay, replay_in_order, ReplayOutcome, ReplayParams};
