pub mod genesis_mint;
pub mod initialize;

pub use genesis_mint::*;
pub use initialize::*;
