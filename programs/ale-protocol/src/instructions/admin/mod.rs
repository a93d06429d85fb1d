pub mod initialize_protocol;
pub mod set_conversion_rate;

pub use initialize_protocol::*;
pub use set_conversion_rate::*;
