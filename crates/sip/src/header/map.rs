//! The raw header multimap: every header line kept in order, values verbatim (after unfolding),
//! typed on demand (RFC 3261 §7.3).

use super::name::HeaderName;
use super::typed::TypedHeader;
use crate::error::ParseError;

/// Header fields in wire order. One entry per header *line*; a line may carry several
/// comma-separated values (RFC 3261 §7.3.1), which the typed accessors split.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    entries: Vec<(HeaderName, String)>,
}

impl Headers {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a raw line.
    pub fn push(&mut self, name: HeaderName, value: impl Into<String>) {
        self.entries.push((name, value.into()));
    }

    /// Inserts a raw line before all others (e.g. a proxy's Via, RFC 3261 §16.6 step 8).
    pub fn push_front(&mut self, name: HeaderName, value: impl Into<String>) {
        self.entries.insert(0, (name, value.into()));
    }

    /// Replaces every line of `name` with one line holding `value`, at the first one's place.
    pub fn set(&mut self, name: HeaderName, value: impl Into<String>) {
        self.set_string(name, value.into());
    }

    // The generic entry points stay one-liners over these: each instantiation is then a call,
    // not a copy of the loop (the wasm download pays for every copy).
    fn set_string(&mut self, name: HeaderName, value: String) {
        match self.entries.iter().position(|(n, _)| *n == name) {
            Some(at) => {
                self.entries[at].1 = value;
                let mut i = 0;
                self.entries.retain(|(n, _)| {
                    i += 1;
                    i - 1 == at || *n != name
                });
            }
            None => self.entries.push((name, value)),
        }
    }

    /// Removes every line of `name`; returns how many were removed.
    pub fn remove(&mut self, name: &HeaderName) -> usize {
        let before = self.entries.len();
        self.entries.retain(|(n, _)| n != name);
        before - self.entries.len()
    }

    /// The first line's raw value.
    pub fn get(&self, name: &HeaderName) -> Option<&str> {
        self.entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every line's raw value, in order.
    pub fn get_all<'a>(&'a self, name: &'a HeaderName) -> impl Iterator<Item = &'a str> + 'a {
        self.entries
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn contains(&self, name: &HeaderName) -> bool {
        self.entries.iter().any(|(n, _)| n == name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&HeaderName, &str)> {
        self.entries.iter().map(|(n, v)| (n, v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The first value of a typed header (for a list header, the first element of its first
    /// line); `None` if absent.
    pub fn typed<T: TypedHeader>(&self) -> Option<Result<T, ParseError>> {
        Some(self.first_value(&T::NAME, T::LIST)?.and_then(T::parse))
    }

    fn first_value(&self, name: &HeaderName, list: bool) -> Option<Result<&str, ParseError>> {
        let line = self.get(name)?;
        if !list {
            return Some(Ok(line));
        }
        Some(match super::split::split_list(line) {
            Ok(items) => match items.first() {
                Some(first) => Ok(*first),
                None => Err(ParseError::Header("list", "empty list")),
            },
            Err(e) => Err(e),
        })
    }

    /// Every value of a header: for a list header ([`TypedHeader::LIST`]) each element, split
    /// at top-level commas across all its lines (RFC 3261 §7.3.1); otherwise one value per
    /// line. Empty if absent.
    pub fn typed_all<T: TypedHeader>(&self) -> Result<Vec<T>, ParseError> {
        let values = self.values(&T::NAME, T::LIST)?;
        let mut out = Vec::with_capacity(values.len());
        for value in values {
            out.push(T::parse(value)?);
        }
        Ok(out)
    }

    /// Every raw value of `name`: each top-level comma-separated element across its lines
    /// for a `list` header, otherwise each line.
    pub(crate) fn values(&self, name: &HeaderName, list: bool) -> Result<Vec<&str>, ParseError> {
        let mut out = Vec::new();
        for (_, line) in self.entries.iter().filter(|(n, _)| n == name) {
            if list {
                out.extend(super::split::split_list(line)?);
            } else {
                out.push(line.as_str());
            }
        }
        Ok(out)
    }

    /// Appends one typed value as its own line.
    pub fn push_typed<T: TypedHeader>(&mut self, value: &T) {
        self.entries.push((T::NAME, value.to_value()));
    }

    /// Replaces all lines of the header with one typed value.
    pub fn set_typed<T: TypedHeader>(&mut self, value: &T) {
        self.set_string(T::NAME, value.to_value());
    }
}
