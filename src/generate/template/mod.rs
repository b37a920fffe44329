//! Pass two: one handler per kind turns each object into a template tree while building the
//! values model; the scaffold adds the optional objects, the knobs and monitoring the
//! chart-wide values.

pub(in crate::generate) mod extras;
pub(in crate::generate) mod kinds;
pub mod knobs;
pub mod monitoring;
pub(in crate::generate) mod scaffold;
pub mod tpl;
pub mod values;
