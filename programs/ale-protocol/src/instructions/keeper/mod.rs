pub mod close_batch;
pub mod refund_expired;
pub mod settle_round;

pub use close_batch::*;
pub use refund_expired::*;
pub use settle_round::*;
