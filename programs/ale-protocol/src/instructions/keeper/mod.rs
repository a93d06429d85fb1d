pub mod close_batch;
pub mod refund_expired;

pub use close_batch::*;
pub use refund_expired::*;
