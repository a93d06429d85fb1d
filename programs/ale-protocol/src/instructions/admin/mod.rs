pub mod initialize_protocol;

pub use initialize_protocol::*;
