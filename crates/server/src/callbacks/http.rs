//! One HTTP/1.1 POST (RFC 9112) over any byte stream — plain TCP or TLS — reading back only the
//! status line. `Connection: close` (RFC 9112 §9.6): one request per connection, nothing to
//! pool or to frame beyond `Content-Length`.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::url::CallbackUrl;
use super::PostError;

/// Longest status line read (RFC 9112 §4 sets no limit; real ones are under 100 bytes).
const MAX_STATUS_LINE: usize = 1024;

/// Sends `body` as JSON to `url` on `stream` with the extra `headers`, and returns the status
/// code. `limit` bounds the write and the wait for the status line, each.
pub async fn post<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    url: &CallbackUrl,
    headers: &[(&str, &str)],
    body: &[u8],
    limit: Duration,
) -> Result<u16, PostError> {
    let mut request = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: bwclient-server\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        url.target,
        url.authority(),
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    tokio::time::timeout(limit, async {
        stream.write_all(&bytes).await?;
        // TLS buffers records until flushed.
        stream.flush().await
    })
    .await
    .map_err(|_| PostError::Timeout)??;
    tokio::time::timeout(limit, read_status(stream))
        .await
        .map_err(|_| PostError::Timeout)?
}

/// Reads up to the end of the status line (RFC 9112 §4) and returns the status code.
async fn read_status<S: AsyncRead + Unpin>(stream: &mut S) -> Result<u16, PostError> {
    let mut buf = Vec::with_capacity(64);
    let mut chunk = [0u8; 256];
    while !buf.contains(&b'\n') {
        if buf.len() > MAX_STATUS_LINE {
            return Err(PostError::Response);
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(PostError::Response);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let line = buf.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = std::str::from_utf8(line).map_err(|_| PostError::Response)?;
    let mut parts = line.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some(version), Some(code)) if version.starts_with("HTTP/1.") && code.len() == 3 => {
            code.parse().map_err(|_| PostError::Response)
        }
        _ => Err(PostError::Response),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn status_of(answer: &[u8]) -> Result<u16, PostError> {
        let (mut ours, mut theirs) = tokio::io::duplex(4096);
        theirs.write_all(answer).await.unwrap();
        drop(theirs);
        read_status(&mut ours).await
    }

    #[tokio::test]
    async fn reads_the_status_code_and_refuses_garbage() {
        assert_eq!(
            status_of(b"HTTP/1.1 204 No Content\r\n\r\n").await.unwrap(),
            204
        );
        assert_eq!(
            status_of(b"HTTP/1.0 503 Busy\r\nX: \xff\r\n")
                .await
                .unwrap(),
            503
        );
        for bad in [
            &b"SSH-2.0-x\r\n"[..],
            b"HTTP/1.1 2000 OK\r\n",
            b"HTTP/1.1 20",
            b"",
        ] {
            assert!(status_of(bad).await.is_err(), "{bad:?}");
        }
        assert!(status_of(&[b'x'; 2000]).await.is_err());
    }
}
