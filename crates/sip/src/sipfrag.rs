//! `message/sipfrag` status lines (RFC 3420) as REFER's NOTIFY carries them (RFC 3515 §2.4.5).

/// The body for a status: `SIP/2.0 200 OK\r\n`.
pub fn status_body(code: u16, reason: &str) -> String {
    let mut body = String::from("SIP/2.0 ");
    crate::syntax::push_u64(&mut body, u64::from(code));
    body.push(' ');
    body.push_str(reason);
    body.push_str("\r\n");
    body
}

/// The status code of a sipfrag body's first line (`SIP/2.0 180 Ringing`).
pub fn status_code(body: &str) -> Option<u16> {
    let line = body.lines().next()?.trim();
    let rest = line.strip_prefix("SIP/2.0 ")?;
    let code = rest.split(' ').next()?;
    if code.len() != 3 {
        return None;
    }
    code.parse().ok().filter(|c| (100..=699).contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        assert_eq!(status_body(100, "Trying"), "SIP/2.0 100 Trying\r\n");
        assert_eq!(status_code(&status_body(486, "Busy Here")), Some(486));
        assert_eq!(status_code("SIP/2.0 200 OK"), Some(200));
        assert_eq!(status_code("HTTP/1.1 200 OK"), None);
        assert_eq!(status_code("SIP/2.0 99 x"), None);
        assert_eq!(status_code(""), None);
    }
}
