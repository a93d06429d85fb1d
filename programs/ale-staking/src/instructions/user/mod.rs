pub mod claim_rewards;
pub mod close_stake_account;
pub mod open_stake_account;
pub mod request_unstake;
pub mod stake;
pub mod withdraw;

pub use claim_rewards::*;
pub use close_stake_account::*;
pub use open_stake_account::*;
pub use request_unstake::*;
pub use stake::*;
pub use withdraw::*;
