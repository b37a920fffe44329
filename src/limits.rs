//! Every bound chartwright puts on its inputs, in one place; README "Limits" lists them with
//! what happens when one is reached (always a clear message and exit 2, never a crash).

/// Decompressed bytes of a whole chart tree read from archives, nested subchart archives
/// included: Helm's `MaxDecompressedChartSize` (helm/helm `pkg/chart/loader/archive`, 100 MiB).
pub const MAX_CHART_BYTES: u64 = 100 * 1024 * 1024;

/// Bytes of one file of a chart: Helm's `MaxDecompressedFileSize` (5 MiB), which Helm applies
/// to archive entries and to the files of a chart directory alike.
pub const MAX_CHART_FILE_BYTES: u64 = 5 * 1024 * 1024;

/// Entries of a chart tree across all its nested archives; a real chart has tens to hundreds.
pub const MAX_CHART_FILES: usize = 20_000;

/// How deep subcharts may nest (`charts/a` or `charts/a.tgz` holding `charts/b...`); Helm has
/// no bound, real charts have two or three levels.
pub const MAX_SUBCHART_DEPTH: usize = 16;

/// Bytes of any other input file read whole: manifests, values files, schemas, `$ref`
/// targets, deny-lists, `--set-file` and stdin. Ten times the largest object etcd stores
/// (1.5 MiB by default), for multi-document streams.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Nesting depth of YAML collections, and of `--set` keys and indices together.
pub const MAX_NESTING: usize = 256;

/// Nodes that YAML aliases may copy in total across one stream.
pub const MAX_ALIAS_NODES: usize = 1_000_000;

/// Bytes that YAML aliases may copy in total across one stream (scalars and keys counted by
/// their length). A Kubernetes object is at most 1.5 MiB (etcd's default request limit) and a
/// Helm release, chart and values included, must fit one 1 MiB Secret after gzip, so an
/// expansion several times larger than both can only be a bomb.
pub const MAX_ALIAS_BYTES: usize = 8 * 1024 * 1024;

/// List slots (including the nulls Helm pads with) that the `--set` family may create in one
/// invocation. Helm bounds each index at 65536 but not their sum; 16 full lists are allowed.
pub const MAX_SET_LIST_SLOTS: usize = 16 * 65_537;

/// Characters of a source line quoted in a text diagnostic, centred on the column.
pub const MAX_SNIPPET_CHARS: usize = 160;

/// Characters of one diagnostic message; longer ones are cut with a marker.
pub const MAX_MESSAGE_CHARS: usize = 2_000;

/// Nodes of one YAML stream (a values file, a manifest file): memory grows with nodes, not bytes
/// (a 60 MB flow list `[1,1,...]` is 30 million nodes), so this keeps any input within a small
/// multiple of [`MAX_INPUT_BYTES`] of memory.
pub const MAX_YAML_NODES: usize = 4_000_000;

/// Largest repeat count in a schema `pattern` (`a{1000}`): Go's `regexp`, which Helm 3 and 4
/// validate with, refuses larger ones as an invalid repeat count.
pub const MAX_PATTERN_REPEAT: u32 = 1_000;

/// Compiled size of one schema pattern, and backtracking steps of one match, so no pattern can
/// take seconds on a value (`[\u0000-\uffff]{0,1000}x` on a 5 MiB string is bounded too).
pub const MAX_PATTERN_BYTES: usize = 10 * 1024 * 1024;
/// See [`MAX_PATTERN_BYTES`].
pub const MAX_PATTERN_BACKTRACK: usize = 1_000_000;

/// Kubernetes objects `generate` makes one chart from, counted across all `--env`
/// environments. Generate is linear in objects: two environments of 10,000 ConfigMaps take
/// about 4.5 s of CPU and 310 MB in a debug build; beyond this, memory grows past what a CI
/// runner should give one chart, and a release that large rarely fits Helm's 1 MiB Secret.
pub const MAX_GENERATE_OBJECTS: usize = 20_000;

/// Directory levels a manifest or audit directory walk descends.
pub const MAX_WALK_DEPTH: usize = 64;

/// Wall time of one `kustomize build` / `kubectl kustomize` run of `generate --env`; real
/// overlays render in well under a second, remote bases in seconds.
/// Wall time of one `helm template` in `validate`'s render stage before it is killed.
pub const HELM_RENDER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);
/// Bytes one `helm template` of `validate`'s render stage may write.
pub const MAX_RENDER_BYTES: u64 = 256 * 1024 * 1024;
pub const KUSTOMIZE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// Wall time of one `helm template` run of `generate --verify`; a generated chart renders in
/// well under a second. Its output is held to [`MAX_INPUT_BYTES`], since it is read back as
/// manifests.
pub const HELM_TEMPLATE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);
