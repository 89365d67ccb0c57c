//! Phone numbers to E.164 (`+` and 8–15 digits). Like the legacy library, a number without a
//! country code is taken as a US number: `222-333-4444` and `1 (222) 333 4444` both become
//! `+12223334444`.

/// The E.164 form of `input`, or `None` if it is not a phone number. Spaces, dashes, dots and
/// parentheses are ignored.
pub fn normalize(input: &str) -> Option<String> {
    let input = input.trim();
    let (plus, rest) = match input.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, input),
    };
    let mut digits = String::with_capacity(16);
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    let e164 = if plus {
        digits
    } else {
        match digits.len() {
            10 => format!("1{digits}"),
            11 if digits.starts_with('1') => digits,
            _ => return None,
        }
    };
    // E.164 allows at most 15 digits; country codes never start with 0.
    if !(8..=15).contains(&e164.len()) || e164.starts_with('0') {
        return None;
    }
    Some(format!("+{e164}"))
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn us_numbers_get_plus_one() {
        for input in [
            "+12223334444",
            "222-333-4444",
            "+1 (222) 333 4444",
            "1 222 333 4444",
            "222.333.4444",
            " 2223334444 ",
        ] {
            assert_eq!(normalize(input).as_deref(), Some("+12223334444"), "{input}");
        }
    }

    #[test]
    fn other_country_codes_need_a_plus() {
        assert_eq!(
            normalize("+44 20 7946 0958").as_deref(),
            Some("+442079460958")
        );
        assert_eq!(normalize("442079460958"), None);
    }

    #[test]
    fn rejects_non_numbers() {
        for input in [
            "",
            "+",
            "abc",
            "222-333-444x",
            "12345",
            "+1234567890123456",
            "+0123456789",
            "++12223334444",
        ] {
            assert_eq!(normalize(input), None, "{input}");
        }
    }
}
