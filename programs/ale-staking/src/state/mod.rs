mod community_work;
mod config;
mod reward_pot;
mod stake_account;

pub use community_work::*;
pub use config::*;
pub use reward_pot::*;
pub use stake_account::*;
