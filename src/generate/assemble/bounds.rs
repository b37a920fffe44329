//! What one generated chart may hold: a bounded number of input objects, so time and memory
//! stay bounded, and files Helm will load, so a chart Helm refuses is never written.

use crate::limits::{MAX_CHART_BYTES, MAX_CHART_FILE_BYTES, MAX_GENERATE_OBJECTS};

use crate::generate::{Chart, GenerateError};

/// Refuses more input objects (across all environments) than [`MAX_GENERATE_OBJECTS`].
pub(in crate::generate) fn check_objects(count: usize) -> Result<(), GenerateError> {
    if count > MAX_GENERATE_OBJECTS {
        return Err(GenerateError::TooManyObjects { count, limit: MAX_GENERATE_OBJECTS });
    }
    Ok(())
}

/// Refuses a chart Helm would not load: a file over Helm's `MaxDecompressedFileSize` or the
/// whole over `MaxDecompressedChartSize`. The largest file is named, the first in path order
/// among equals, so the message is the same on every run.
pub(in crate::generate) fn check_chart(chart: &Chart) -> Result<(), GenerateError> {
    let mut total: u64 = 0;
    let mut largest: Option<(&String, u64)> = None;
    for (file, text) in &chart.files {
        let size = text.len() as u64;
        total += size;
        if largest.is_none_or(|(_, s)| size > s) {
            largest = Some((file, size));
        }
    }
    if let Some((file, size)) = largest.filter(|(_, s)| *s > MAX_CHART_FILE_BYTES) {
        return Err(GenerateError::FileTooLarge { file: file.clone(), size: mib(size) });
    }
    if total > MAX_CHART_BYTES {
        return Err(GenerateError::ChartTooLarge { size: mib(total) });
    }
    Ok(())
}

/// A size in MiB with one decimal, rounded up, so a size just over a limit never prints as
/// the limit itself.
fn mib(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10).div_ceil(1024 * 1024);
    format!("{}.{} MiB", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn chart(files: &[(&str, usize)]) -> Chart {
        let mut c = Chart { files: BTreeMap::new(), notes: Vec::new(), problems: Vec::new(), unrenderable: Vec::new() };
        for (name, size) in files {
            c.files.insert((*name).to_string(), "x".repeat(*size));
        }
        c
    }

    #[test]
    fn a_file_over_helms_per_file_limit_is_refused_by_name_and_size() {
        let limit = usize::try_from(MAX_CHART_FILE_BYTES).unwrap();
        assert!(check_chart(&chart(&[("values.yaml", limit)])).is_ok());
        let err = check_chart(&chart(&[("a.yaml", 10), ("values.schema.json", limit + 1)])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "values.schema.json would be 5.1 MiB, over Helm's 5 MiB per file: split the input into several charts"
        );
    }

    #[test]
    fn a_chart_over_helms_total_limit_is_refused() {
        let limit = usize::try_from(MAX_CHART_FILE_BYTES).unwrap();
        let names: Vec<String> = (0..21).map(|i| format!("templates/f{i}.yaml")).collect();
        let files: Vec<(&str, usize)> = names.iter().map(|n| (n.as_str(), limit - 1)).collect();
        assert!(check_chart(&chart(&files[..20])).is_ok());
        let err = check_chart(&chart(&files)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the chart would be 105.0 MiB, over Helm's 100 MiB per chart: split the input into several charts"
        );
    }

    #[test]
    fn objects_past_the_cap_are_refused() {
        assert!(check_objects(MAX_GENERATE_OBJECTS).is_ok());
        assert!(matches!(check_objects(MAX_GENERATE_OBJECTS + 1), Err(GenerateError::TooManyObjects { .. })));
    }
}
