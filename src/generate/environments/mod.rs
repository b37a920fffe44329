//! Several environments, one chart: each environment generated alone, then merged into one
//! set of templates with a values file per environment.

// The stage's files name these through `super::` (as when they sat in `generate/`).
use super::{
    Chart, GenerateError, Options, Templates, base_values, bounds, check_images, check_options, context,
    describe_plural_keys, files, finish, kinds, main_tag, name_generated, names, new_gen, template_objects, tpl,
    values,
};

pub mod affixes;
pub(in crate::generate) mod envmerge;
pub mod envs;
pub(in crate::generate) mod values_diff;
