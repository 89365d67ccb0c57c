//! Splitting a header line into its comma-separated values (RFC 3261 §7.3.1): commas inside
//! quoted strings, `<…>` and comments do not split.

use crate::error::ParseError;

/// Splits `line` at top-level commas, trimming whitespace around each element.
pub fn split_list(line: &str) -> Result<Vec<&str>, ParseError> {
    // STUB: implemented by the message-layer work (quotes, escapes, angle brackets, comments).
    Ok(line.split(',').map(str::trim).filter(|s| !s.is_empty()).collect())
}
