pub mod create_community;
pub mod reveal_qualification_key;
pub mod rotate_qualification;

pub use create_community::*;
pub use reveal_qualification_key::*;
pub use rotate_qualification::*;
