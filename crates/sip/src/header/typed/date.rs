//! `Date` (RFC 3261 §20.17): an RFC 1123 date, which SIP restricts to GMT.

use super::TypedHeader;
use crate::error::ParseError;
use crate::header::name::HeaderName;
use crate::syntax::trim_lws;

/// `Date: Sat, 13 Nov 2010 23:29:00 GMT`, validated and kept as written. Any zone other than
/// `GMT` is malformed (RFC 3261 §25.1 `rfc1123-date`; RFC 4475 §3.1.2.11 `baddate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Date(pub String);

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// `wkday "," SP 2DIGIT SP month SP 4DIGIT SP 2DIGIT ":" 2DIGIT ":" 2DIGIT SP "GMT"`.
fn is_rfc1123_date(s: &str) -> bool {
    let Some((wkday, rest)) = s.split_once(", ") else {
        return false;
    };
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, zone] = parts.as_slice() else {
        return false;
    };
    let hms: Vec<&str> = time.split(':').collect();
    WEEKDAYS.contains(&wkday)
        && digits(day, 2)
        && MONTHS.contains(month)
        && digits(year, 4)
        && hms.len() == 3
        && hms.iter().all(|p| digits(p, 2))
        && *zone == "GMT"
}

impl TypedHeader for Date {
    const NAME: HeaderName = HeaderName::DATE;

    fn parse(value: &str) -> Result<Date, ParseError> {
        let v = trim_lws(value);
        if !is_rfc1123_date(v) {
            return Err(ParseError::Header("date", "not an rfc1123 gmt date"));
        }
        Ok(Date(v.to_owned()))
    }

    fn print(&self, out: &mut String) {
        out.push_str(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::round_trip;

    #[test]
    fn round_trips() {
        let d: Date = round_trip("Sat, 13 Nov 2010 23:29:00 GMT");
        assert_eq!(d.0, "Sat, 13 Nov 2010 23:29:00 GMT");
    }

    #[test]
    fn errors() {
        for bad in [
            "Fri, 01 Jan 2010 16:00:00 EST",
            "Sat, 13 Nov 2010 23:29:00",
            "13 Nov 2010 23:29:00 GMT",
            "Sat, 3 Nov 2010 23:29:00 GMT",
            "Sat, 13 Foo 2010 23:29:00 GMT",
            "Sat, 13 Nov 2010 23:29 GMT",
            "",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad:?} parsed");
        }
    }
}
