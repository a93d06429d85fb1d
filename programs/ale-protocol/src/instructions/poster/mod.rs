pub mod cancel_items;
pub mod post_batch;
pub mod reveal_gold;

pub use cancel_items::*;
pub use post_batch::*;
pub use reveal_gold::*;
