//! The ALE client: PDA derivation, typed instruction builders derived from the
//! programs' own Anchor types, event decoding, and the embedded in-process runtime.

pub mod cluster;
pub mod compute_budget;
pub mod demo;
pub mod embedded;
pub mod events;
pub mod keeper;
pub mod market;
pub mod merkle;
pub mod meter;
pub mod operator;
pub mod pda;
pub mod poster;
pub mod protocol;
pub mod rpc;
pub mod sim;
pub mod staker;
pub mod staking;
pub mod transport;
pub mod views;
pub mod worker;

pub use compute_budget::ComputeBudget;
pub use embedded::{EmbeddedRuntime, TxOutcome};
pub use rpc::RpcTransport;
pub use transport::{ClientError, Transport};
