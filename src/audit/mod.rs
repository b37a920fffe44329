//! `chartwright audit`: chart dependencies and images against a deny-list.

pub mod constraint;
