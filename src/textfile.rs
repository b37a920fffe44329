//! Reading inputs as UTF-8 text, with errors that name the path as the user gave it.

/// A file (or stdin) that could not be read as text.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The OS refused.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The path as shown to the user.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The bytes are not UTF-8.
    #[error("{path}: not valid UTF-8 text")]
    NotUtf8 {
        /// The path as shown to the user.
        path: String,
    },
}

impl ReadError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<String>, source: std::io::Error) -> ReadError {
        ReadError::Io { path: path.into(), source }
    }
}

/// Bytes read from `path`, as text.
pub fn utf8(path: &str, bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|_| ReadError::NotUtf8 { path: path.to_string() })
}

/// Reads a whole file as text; `shown` is how messages name it.
pub fn read(path: &std::path::Path, shown: &str) -> Result<String, ReadError> {
    let bytes = std::fs::read(path).map_err(|source| ReadError::io(shown, source))?;
    utf8(shown, bytes)
}
