pub mod commit_qualification;
pub mod join_community;

pub use commit_qualification::*;
pub use join_community::*;
