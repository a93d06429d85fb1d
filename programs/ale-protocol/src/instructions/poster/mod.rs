pub mod cancel_items;
pub mod post_batch;

pub use cancel_items::*;
pub use post_batch::*;
