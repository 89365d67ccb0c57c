//! Reading text into lines and lines into scopes: the session part and the media
//! sections (RFC 8866 §5). Shared by [`crate::Sdp`] and [`crate::IceFragment`].

use crate::attribute::SingleUse;
use crate::error::SdpError;
use crate::{Line, MediaLine, MediaSection};

/// The lines of `text` with their 1-based numbers. Lines end with CRLF (RFC 8866 §5);
/// a bare LF is tolerated. Empty lines at the very end are dropped; any other empty
/// line is an error.
pub(crate) fn split_lines(text: &str) -> Result<Vec<(usize, &str)>, SdpError> {
    let mut lines: Vec<(usize, &str)> = text
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .enumerate()
        .map(|(i, line)| (i + 1, line))
        .collect();
    while lines.last().is_some_and(|(_, line)| line.is_empty()) {
        lines.pop();
    }
    if let Some((number, _)) = lines.iter().find(|(_, line)| line.is_empty()) {
        return Err(SdpError::EmptyLine { line: *number });
    }
    if lines.is_empty() {
        return Err(SdpError::Empty);
    }
    Ok(lines)
}

/// Splits `<type>=<value>`; the type is one ASCII letter (RFC 8866 §5).
pub(crate) fn split_type(number: usize, line: &str) -> Result<(char, &str), SdpError> {
    let bytes = line.as_bytes();
    match bytes {
        [kind, b'=', ..] if kind.is_ascii_alphabetic() => {
            // Both leading bytes are ASCII, so index 2 is a char boundary.
            let value = line.get(2..).unwrap_or_default();
            // byte-string and text exclude NUL and CR (RFC 8866 §9).
            if value.contains(['\0', '\r']) {
                return Err(SdpError::ControlCharacter { line: number });
            }
            Ok((char::from(*kind), value))
        }
        _ => Err(SdpError::Syntax { line: number }),
    }
}

/// Reads the lines after the head into the session-level lines and the media sections.
pub(crate) fn parse_body<'a>(
    lines: impl Iterator<Item = &'a (usize, &'a str)>,
) -> Result<(Vec<Line>, Vec<MediaSection>), SdpError> {
    let mut session = Vec::new();
    let mut media: Vec<MediaSection> = Vec::new();
    let mut current: Option<(MediaLine, Vec<Line>)> = None;
    let mut single_use = SingleUse::default();
    for &(number, text) in lines {
        let (kind, value) = split_type(number, text)?;
        match kind {
            'v' | 'o' | 's' => return Err(SdpError::Misplaced { line: number, kind }),
            'm' => {
                let media_line = MediaLine::parse(value).map_err(|e| e.at_line(number))?;
                if let Some((line, lines)) = current.replace((media_line, Vec::new())) {
                    media.push(MediaSection::from_parts(line, lines));
                }
                single_use = SingleUse::default();
            }
            _ => {
                let line = Line::new(kind, value).map_err(|e| e.at_line(number))?;
                if let Some(attribute) = line.as_attribute() {
                    single_use.note(&attribute).map_err(|e| e.at_line(number))?;
                }
                match current.as_mut() {
                    Some((_, lines)) => lines.push(line),
                    None => session.push(line),
                }
            }
        }
    }
    if let Some((line, lines)) = current {
        media.push(MediaSection::from_parts(line, lines));
    }
    Ok((session, media))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_crlf_and_lf() {
        let lines = split_lines("v=0\r\no=x\nm=y\r\n").unwrap();
        assert_eq!(lines, [(1, "v=0"), (2, "o=x"), (3, "m=y")]);
        let lines = split_lines("v=0\r\n\r\n\n").unwrap();
        assert_eq!(lines, [(1, "v=0")]);
        let lines = split_lines("v=0").unwrap();
        assert_eq!(lines, [(1, "v=0")]);
    }

    #[test]
    fn empty_lines() {
        assert_eq!(split_lines(""), Err(SdpError::Empty));
        assert_eq!(split_lines("\r\n"), Err(SdpError::Empty));
        assert_eq!(
            split_lines("v=0\r\n\r\ns=-\r\n"),
            Err(SdpError::EmptyLine { line: 2 })
        );
    }

    #[test]
    fn types() {
        assert_eq!(split_type(1, "a=rtcp-mux"), Ok(('a', "rtcp-mux")));
        assert_eq!(split_type(1, "s="), Ok(('s', "")));
        assert_eq!(split_type(3, "a"), Err(SdpError::Syntax { line: 3 }));
        assert_eq!(split_type(3, "=x"), Err(SdpError::Syntax { line: 3 }));
        assert_eq!(split_type(3, "a =x"), Err(SdpError::Syntax { line: 3 }));
        assert_eq!(split_type(3, "1=x"), Err(SdpError::Syntax { line: 3 }));
        assert_eq!(split_type(3, "é=x"), Err(SdpError::Syntax { line: 3 }));
        assert_eq!(
            split_type(4, "a=x\ry"),
            Err(SdpError::ControlCharacter { line: 4 })
        );
    }
}
