//! Who a request is for: the Request-URI mapped to an endpoint of the caller's domain, by user
//! (`sip:bob@<domain>`), by SIP URI, or by phone number (`sip:+15551234567@…`,
//! `sip:555-123-4567@…;user=phone`, `tel:+15551234567`, RFC 3966 / RFC 3261 §19.1.6).

use crate::directory::{Directory, EndpointRecord};
use bwclient_sip::dial::normalize_number;
use bwclient_sip::{Scheme, Uri};

/// The endpoint `uri` names within the caller's domain, if any. An endpoint of another domain
/// is treated as unknown (a user never learns what exists outside its domains).
pub fn resolve(dir: &dyn Directory, uri: &Uri, caller: &EndpointRecord) -> Option<EndpointRecord> {
    let found = match uri.scheme {
        Scheme::Tel => by_number(dir, &uri.host),
        Scheme::Sip | Scheme::Sips => {
            let user = uri.user.as_deref()?;
            dir.endpoint_by_aor(user, &uri.host)
                .or_else(|| by_number(dir, user))
                .or_else(|| {
                    // A bare user dialled against the server's address: the caller's domain.
                    (!uri.host.eq_ignore_ascii_case(&caller.host))
                        .then(|| dir.endpoint_by_aor(user, &caller.host))
                        .flatten()
                })
        }
        _ => None,
    }?;
    (found.domain_id == caller.domain_id).then_some(found)
}

fn by_number(dir: &dyn Directory, text: &str) -> Option<EndpointRecord> {
    let number = normalize_number(&unescape(text))?;
    dir.endpoint_by_number(&number)
}

/// Decodes `%HH` escapes of a URI user part (RFC 3261 §19.1.2); invalid escapes stay as they
/// are.
pub fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescapes() {
        assert_eq!(unescape("%2B1%20555"), "+1 555");
        assert_eq!(unescape("bob"), "bob");
        assert_eq!(unescape("50%"), "50%");
        assert_eq!(unescape("%zz%4"), "%zz%4");
        assert_eq!(unescape("%41"), "A");
    }
}
