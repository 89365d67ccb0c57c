//! Field checks shared by the resources. Each returns the cleaned value or a 400 naming the
//! field.

use super::error::ApiError;

/// Longest name of an application, domain or endpoint.
const MAX_NAME: usize = 64;
const MAX_DESCRIPTION: usize = 256;
const MIN_PASSWORD: usize = 6;
const MAX_PASSWORD: usize = 128;

/// A display name: trimmed, non-empty, short, no control characters.
pub fn name(field: &str, value: &str) -> Result<String, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ApiError::invalid_field(field, "must not be empty"));
    }
    if value.chars().count() > MAX_NAME || value.chars().any(char::is_control) {
        return Err(ApiError::invalid_field(
            field,
            "at most 64 characters, no control characters",
        ));
    }
    Ok(value.to_owned())
}

/// An optional free-text description (empty if absent).
pub fn description(value: Option<String>) -> Result<String, ApiError> {
    let value = value.unwrap_or_default();
    if value.chars().count() > MAX_DESCRIPTION || value.chars().any(char::is_control) {
        return Err(ApiError::invalid_field(
            "description",
            "at most 256 characters, no control characters",
        ));
    }
    Ok(value)
}

/// A domain name: one DNS label, stored lower-case (it becomes `<name>.<realm>`).
pub fn domain_name(value: &str) -> Result<String, ApiError> {
    if !crate::config::is_dns_label(value) {
        return Err(ApiError::invalid_field(
            "name",
            "a DNS label: 1-63 letters, digits or inner hyphens",
        ));
    }
    Ok(value.to_ascii_lowercase())
}

/// An endpoint name: the SIP user part, kept to characters that need no escaping anywhere.
pub fn endpoint_name(value: &str) -> Result<String, ApiError> {
    let ok = !value.is_empty()
        && value.len() <= MAX_NAME
        && !value.starts_with(['.', '-'])
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !ok {
        return Err(ApiError::invalid_field(
            "name",
            "1-64 letters, digits, '.', '_' or '-', not starting with '.' or '-'",
        ));
    }
    Ok(value.to_owned())
}

/// An optional callback URL: `http://` or `https://` with a host, and, if the host is an IP
/// literal, one the server's callback policy permits (`crate::callbacks::check_url`).
pub fn callback_url(
    value: Option<String>,
    policy: crate::callbacks::TargetPolicy,
) -> Result<Option<String>, ApiError> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    crate::callbacks::check_url(&value, policy)
        .map_err(|refusal| ApiError::invalid_field("incomingCallUrl", &refusal.to_string()))?;
    Ok(Some(value))
}

/// An optional digest password.
pub fn password(value: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let len = value.chars().count();
    if !(MIN_PASSWORD..=MAX_PASSWORD).contains(&len) || value.chars().any(char::is_control) {
        return Err(ApiError::invalid_field(
            "credentials.password",
            "6-128 characters, no control characters",
        ));
    }
    Ok(Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_fields() {
        assert_eq!(name("name", "  app ").unwrap(), "app");
        assert!(name("name", " ").is_err());
        assert!(name("name", &"x".repeat(65)).is_err());
        assert_eq!(domain_name("Demo-1").unwrap(), "demo-1");
        assert!(domain_name("de.mo").is_err());
        assert!(domain_name("-x").is_err());
        assert!(endpoint_name("alice.b_c-1").is_ok());
        assert!(endpoint_name("al ice").is_err());
        assert!(endpoint_name("a@b").is_err());
        assert!(endpoint_name("").is_err());
        let policy = crate::callbacks::TargetPolicy::PublicOnly;
        assert_eq!(callback_url(Some(String::new()), policy).unwrap(), None);
        assert!(callback_url(Some("ftp://x".into()), policy).is_err());
        assert!(callback_url(Some("http://x/ y".into()), policy).is_err());
        assert!(callback_url(Some("http://10.0.0.1/".into()), policy).is_err());
        assert!(password(Some("short".into())).is_err());
        assert!(password(Some("long enough".into())).is_ok());
        assert!(description(Some("x".repeat(257))).is_err());
    }
}
