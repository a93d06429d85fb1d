//! The quality simulator: replays a real crowd dataset (each worker's real answer per
//! item, gold truth for scoring) through the protocol's own consensus rule from
//! ale-math, in rounds as the chain runs them, and compares it with plain majority vote
//! and Dawid–Skene on all the votes.

pub mod baselines;
pub mod dataset;
pub mod online_confusion;
pub mod replay;
pub mod search;

pub use dataset::Dataset;
pub use replay::{replay, replay_in_order, ReplayOutcome, ReplayParams};
