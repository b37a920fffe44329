//! Reading HTTP bodies from servers nobody here controls: a size cap counted while reading.
//! The HTTP client (`reqwest`, about half of the dependency tree) comes with the default-on
//! `online` Cargo feature: `audit --online` and `validate --allow-remote-refs` need it.

/// Whether this build has an HTTP client (the `online` Cargo feature).
pub const AVAILABLE: bool = cfg!(feature = "online");

/// What a command that needs the network says, exiting 2, in a build without the feature.
pub const NOT_BUILT: &str = "this chartwright was built without online checks (cargo feature `online`)";

/// Why a body was not read whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// Declared or found larger than the cap.
    #[error("larger than the {0}-byte limit")]
    TooLarge(u64),
    /// The request's deadline passed while reading.
    #[error("timed out while reading the response")]
    TimedOut,
    /// The connection ended early or the encoding was broken.
    #[error("the response was cut short")]
    CutShort,
}

/// Reads at most `cap` bytes of a body. A declared Content-Length over the cap is refused
/// before reading; a smaller or missing one is not trusted, the bytes are counted. The request's
/// own timeout (`RequestBuilder::timeout`) bounds the reading too.
///
/// # Errors
///
/// [`BodyError`] when the body is over the cap, too slow or cut short.
#[cfg(feature = "online")]
pub fn read_capped(resp: reqwest::blocking::Response, cap: u64) -> Result<Vec<u8>, BodyError> {
    if resp.content_length().is_some_and(|l| l > cap) {
        return Err(BodyError::TooLarge(cap));
    }
    use std::io::Read as _;
    let mut buf = Vec::new();
    resp.take(cap.saturating_add(1)).read_to_end(&mut buf).map_err(|e| {
        let timed_out = e.kind() == std::io::ErrorKind::TimedOut
            || e.get_ref().and_then(|r| r.downcast_ref::<reqwest::Error>()).is_some_and(reqwest::Error::is_timeout);
        if timed_out { BodyError::TimedOut } else { BodyError::CutShort }
    })?;
    if buf.len() as u64 > cap {
        return Err(BodyError::TooLarge(cap));
    }
    Ok(buf)
}
