pub mod close_batch;
pub mod close_expired_ticket;
pub mod draw_community_rewards;
pub mod push_payouts;
pub mod refund_expired;
pub mod rescore_batch;
pub mod settle_round;
pub mod start_rescore;

pub use close_batch::*;
pub use close_expired_ticket::*;
pub use draw_community_rewards::*;
pub use push_payouts::*;
pub use refund_expired::*;
pub use rescore_batch::*;
pub use settle_round::*;
pub use start_rescore::*;
