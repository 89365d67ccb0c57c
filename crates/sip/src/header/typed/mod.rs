//! Typed views of header values, parsed on demand from the raw map. Each type round-trips:
//! `parse(print(x)) == x`, tested in its own file.

use crate::error::ParseError;
use crate::header::name::HeaderName;

/// A header whose value has a typed form.
pub trait TypedHeader: Sized {
    /// The header this type reads and writes.
    const NAME: HeaderName;
    /// Parses one value (one list element for list headers such as Via or Contact).
    fn parse(value: &str) -> Result<Self, ParseError>;
    /// Appends the canonical printed value to `out`.
    fn print(&self, out: &mut String);
}
