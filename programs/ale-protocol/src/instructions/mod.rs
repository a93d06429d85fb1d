//! One file per instruction, grouped by who calls it.

pub mod admin;
pub mod creator;
pub mod keeper;
pub mod poster;
pub mod worker;

pub use admin::*;
pub use creator::*;
pub use keeper::*;
pub use poster::*;
pub use worker::*;
