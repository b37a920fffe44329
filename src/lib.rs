//! chartwright: turn loose Kubernetes manifests into Helm charts, validate values the way Helm
//! does, audit chart dependencies, and lint manifests for production failures.
//!
//! The library is public for the binary and the tests; it makes no stability promise.

pub mod audit;
pub mod chart;
pub mod denylist;
pub mod diag;
pub mod generate;
pub mod gotpl;
pub mod guard;
pub mod image;
pub mod kube;
pub mod kustomize;
pub mod limits;
pub mod lint;
pub mod manifest;
pub mod net;
pub mod pointer;
pub mod process;
pub mod repo_url;
pub mod textfile;
pub mod validate;
pub mod yaml;

#[cfg(test)]
mod layering;
