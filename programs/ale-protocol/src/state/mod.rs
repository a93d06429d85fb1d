mod batch;
mod community;
mod config;
mod gold;
mod items;
mod ledger;
mod membership;
mod requester;
mod sortition;

pub use batch::*;
pub use community::*;
pub use config::*;
pub use gold::*;
pub use items::*;
pub use ledger::*;
pub use membership::*;
pub use requester::*;
pub use sortition::*;
