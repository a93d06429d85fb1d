//! Instructions only ale-protocol can call: its reporter PDA must sign.

pub mod draw_community_reward;
pub mod register_community;
pub mod report_paid_work;

pub use draw_community_reward::*;
pub use register_community::*;
pub use report_paid_work::*;
