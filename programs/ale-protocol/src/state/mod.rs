mod batch;
mod community;
mod config;
mod items;
mod ledger;
mod membership;
mod requester;

pub use batch::*;
pub use community::*;
pub use config::*;
pub use items::*;
pub use ledger::*;
pub use membership::*;
pub use requester::*;
