//! ale-lab: the market run (every actor and the keeper on the embedded runtime, over a
//! real crowd dataset), the transport meter that prices it, the staking demo, and the
//! quality simulator.

pub mod demo;
pub mod market;
pub mod meter;
pub mod sim;
