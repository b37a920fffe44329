//! Pass one: what the whole input holds (namespace, workloads, owners), the names each object
//! renders under, and which strings refer to other objects.

pub(in crate::generate) mod context;
pub mod names;
pub mod refs;
