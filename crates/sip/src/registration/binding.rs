//! Reading the registrar's answer: the expiry granted to our binding (RFC 3261 §10.2.4) and
//! when to refresh it.

use crate::header::typed::{Contact, Expires};
use crate::message::Response;
use crate::uri::Uri;
use core::time::Duration;

/// The expiry the registrar granted our binding: the `expires` parameter of the Contact in
/// the 2xx that is ours (same `+sip.instance`, or same URI user and host), else the `Expires`
/// header, else what we asked for (§10.2.4).
pub fn granted_expires(response: &Response, ours: &Uri, instance: &str, asked: u32) -> u32 {
    let contacts = response.headers.typed_all::<Contact>().unwrap_or_default();
    for contact in &contacts {
        let Contact::Addr(addr) = contact else {
            continue;
        };
        let same_instance = contact.instance().is_some_and(|i| i == instance);
        let same_uri = addr.uri.user == ours.user && addr.uri.host.eq_ignore_ascii_case(&ours.host);
        if same_instance || same_uri {
            if let Some(expires) = contact.expires() {
                return expires;
            }
        }
    }
    match response.headers.typed::<Expires>() {
        Some(Ok(Expires(expires))) => expires,
        _ => asked,
    }
}

/// When to refresh a binding granted for `expires` seconds: at half the time, or 5 s before
/// expiry for short ones (so a 10 s binding refreshes at 5 s, a 600 s one at 300 s), and
/// never sooner than 1 s.
pub fn refresh_delay(expires: u32) -> Duration {
    let secs = if expires >= 10 {
        expires / 2
    } else {
        expires.saturating_sub(5).max(1)
    };
    Duration::from_secs(u64::from(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::name::HeaderName;

    #[test]
    fn delays() {
        assert_eq!(refresh_delay(600), Duration::from_secs(300));
        assert_eq!(refresh_delay(10), Duration::from_secs(5));
        assert_eq!(refresh_delay(7), Duration::from_secs(2));
        assert_eq!(refresh_delay(0), Duration::from_secs(1));
    }

    #[test]
    fn finds_our_binding() {
        let ours = Uri::parse("sip:abc@x.invalid;transport=ws;ob").unwrap();
        let mut r = Response::new(200, "OK");
        r.headers.push(
            HeaderName::CONTACT,
            "<sip:other@y.invalid;transport=ws>;expires=100, <sip:abc@x.invalid;transport=ws;ob>;expires=300;+sip.instance=\"<urn:uuid:1>\"",
        );
        r.headers.push(HeaderName::EXPIRES, "50");
        assert_eq!(granted_expires(&r, &ours, "<urn:uuid:1>", 600), 300);
        let other = Uri::parse("sip:zzz@z.invalid").unwrap();
        assert_eq!(granted_expires(&r, &other, "<urn:uuid:9>", 600), 50);
        assert_eq!(
            granted_expires(&Response::new(200, "OK"), &ours, "", 600),
            600
        );
    }
}
