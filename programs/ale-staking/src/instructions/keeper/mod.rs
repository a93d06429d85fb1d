pub mod crank_inflation;

pub use crank_inflation::*;
