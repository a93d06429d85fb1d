pub mod claim_community_reward;
pub mod claim_pay;
pub mod commit_qualification;
pub mod commit_votes;
pub mod join_community;
pub mod reveal_votes;
pub mod set_push_payouts;
pub mod take_ticket;

pub use claim_community_reward::*;
pub use claim_pay::*;
pub use commit_qualification::*;
pub use commit_votes::*;
pub use join_community::*;
pub use reveal_votes::*;
pub use set_push_payouts::*;
pub use take_ticket::*;
