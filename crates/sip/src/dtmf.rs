//! DTMF in SIP INFO bodies: `application/dtmf-relay` (`Signal=5\r\nDuration=160`, the de facto
//! format of Cisco and most PBXs) and `application/dtmf` (the bare digit).

/// A digit we can send: `0-9`, `*`, `#`, `A-D` (the RFC 4733 DTMF events).
pub fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '*' | '#' | 'A'..='D')
}

/// The `application/dtmf-relay` body for one digit.
pub fn relay_body(digit: char, duration_ms: u32) -> String {
    let mut body = String::from("Signal=");
    body.push(digit);
    body.push_str("\r\nDuration=");
    crate::syntax::push_u64(&mut body, u64::from(duration_ms));
    body.push_str("\r\n");
    body
}

/// Reads an `application/dtmf-relay` body. Keys are case-insensitive; some senders give `*`
/// and `#` as RFC 4733 event codes 10 and 11. A missing Duration is taken as 0: it only
/// shapes a tone the app may not even play.
pub fn parse_relay(body: &str) -> Option<(char, u32)> {
    let mut digit = None;
    let mut duration = 0;
    for line in body.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        if key.trim().eq_ignore_ascii_case("signal") {
            digit = match value {
                "10" => Some('*'),
                "11" => Some('#'),
                "12" => Some('A'),
                "13" => Some('B'),
                "14" => Some('C'),
                "15" => Some('D'),
                _ => {
                    let mut chars = value.chars();
                    let c = chars.next()?.to_ascii_uppercase();
                    if chars.next().is_some() || !is_digit(c) {
                        return None;
                    }
                    Some(c)
                }
            };
        } else if key.trim().eq_ignore_ascii_case("duration") {
            duration = value.parse().ok()?;
        }
    }
    Some((digit?, duration))
}

/// Reads an `application/dtmf` body (just the digit).
pub fn parse_plain(body: &str) -> Option<char> {
    let mut chars = body.trim().chars();
    let c = chars.next()?.to_ascii_uppercase();
    (chars.next().is_none() && is_digit(c)).then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let body = relay_body('5', 160);
        assert_eq!(body, "Signal=5\r\nDuration=160\r\n");
        assert_eq!(parse_relay(&body), Some(('5', 160)));
    }

    #[test]
    fn variants() {
        assert_eq!(parse_relay("signal= 11\nduration= 250"), Some(('#', 250)));
        assert_eq!(parse_relay("Signal=*"), Some(('*', 0)));
        assert_eq!(parse_relay("Signal=x\r\nDuration=1"), None);
        assert_eq!(parse_relay("Duration=100"), None);
        assert_eq!(parse_relay("Signal=1\r\nDuration=abc"), None);
        assert_eq!(parse_plain(" 7\r\n"), Some('7'));
        assert_eq!(parse_plain("77"), None);
        assert!(!is_digit('E'));
    }
}
