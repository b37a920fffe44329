//! `chartwright audit`: chart dependencies and images against a deny-list.

pub mod constraint;
pub mod denylist;

pub use denylist::{DenyList, Hit, Replacement};
