//! Pure math of the ALE protocol, shared by the on-chain programs, the client and the
//! simulator so that none of them can disagree. No Solana types, no floating point:
//! every operation is checked and reports where it failed.

pub mod accumulator;
pub mod allocation;
pub mod checked;
pub mod consensus;
pub mod em;
pub mod error;
pub mod fixed;
pub mod gamification;
pub mod inflation;
pub mod split;

pub use checked::CheckedMath;
pub use error::{MathError, MathResult};
