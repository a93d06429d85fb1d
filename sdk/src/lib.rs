//! ale-sdk: everything a program of ours needs to talk to ALE on any cluster: PDA
//! derivation, typed instruction builders derived from the programs' own Anchor types,
//! account views and event decoding, the compute budget, the `Transport` trait with its
//! typed errors (`ClientError`, and `SdkError` for the actors) and the RPC transport (feature `rpc`, on by default), and the actors
//! (operator, poster, worker, staker) written against `Transport`. No runtime crate:
//! the bank lives in ale-embedded.

pub mod compute_budget;
pub mod deploy;
pub mod error;
pub mod events;
pub mod merkle;
pub mod operator;
pub mod pda;
pub mod poster;
pub mod protocol;
#[cfg(feature = "rpc")]
pub mod rpc;
pub mod staker;
pub mod staking;
pub mod test_cluster;
pub mod tokens;
pub mod transport;
pub mod views;
pub mod worker;

pub use compute_budget::ComputeBudget;
pub use error::SdkError;
#[cfg(feature = "rpc")]
pub use rpc::RpcTransport;
pub use test_cluster::TestCluster;
pub use transport::{ClientError, Transport, TxOutcome};
