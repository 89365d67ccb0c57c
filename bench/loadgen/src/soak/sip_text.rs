//! The few SIP texts a soak phone reads and writes. Incoming messages are split into lines and
//! looked up by header name (long or compact form, RFC 3261 §7.3.3); outgoing ones are written
//! here. Nothing in a soak phone needs more: the server's parser is what is under test.

/// A SIP message cut into its start line, headers (name lower-cased, compact forms expanded)
/// and body. `None` from [`SipText::cut`] means not even that could be read.
pub struct SipText {
    pub start: String,
    pub headers: Vec<(String, String)>,
}

/// RFC 3261 §7.3.3 compact forms used by the messages a soak phone reads.
fn long_name(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    match lower.as_str() {
        "i" => "call-id".into(),
        "f" => "from".into(),
        "t" => "to".into(),
        "v" => "via".into(),
        "m" => "contact".into(),
        "l" => "content-length".into(),
        "c" => "content-type".into(),
        _ => lower,
    }
}

impl SipText {
    pub fn cut(bytes: &[u8]) -> Option<SipText> {
        let text = std::str::from_utf8(bytes).ok()?;
        let head = text.split("\r\n\r\n").next()?;
        let mut lines = head.split("\r\n");
        let start = lines.next()?.to_owned();
        let mut headers = Vec::new();
        for line in lines {
            let (name, value) = line.split_once(':')?;
            headers.push((long_name(name), value.trim().to_owned()));
        }
        Some(SipText { start, headers })
    }

    /// `Some(code)` for a response.
    pub fn status(&self) -> Option<u16> {
        let rest = self.start.strip_prefix("SIP/2.0 ")?;
        rest.get(..3)?.parse().ok()
    }

    /// The method of a request.
    pub fn method(&self) -> Option<&str> {
        if self.start.starts_with("SIP/2.0 ") {
            return None;
        }
        self.start.split(' ').next()
    }

    pub fn first(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header that may be repeated or comma-separated (Via, Record-Route),
    /// in order; commas inside `<…>` or quotes do not split.
    pub fn all(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (_, v) in self.headers.iter().filter(|(n, _)| n == name) {
            let (mut depth, mut quoted, mut from) = (0i32, false, 0usize);
            for (i, ch) in v.char_indices() {
                match ch {
                    '"' => quoted = !quoted,
                    '<' if !quoted => depth += 1,
                    '>' if !quoted => depth -= 1,
                    ',' if !quoted && depth == 0 => {
                        out.push(v[from..i].trim().to_owned());
                        from = i + 1;
                    }
                    _ => {}
                }
            }
            out.push(v[from..].trim().to_owned());
        }
        out
    }

    pub fn call_id(&self) -> &str {
        self.first("call-id").unwrap_or("")
    }

    /// The branch of the top Via: the key of the client transaction a response answers
    /// (RFC 3261 §17.1.3).
    pub fn top_branch(&self) -> Option<String> {
        let via = self.all("via").into_iter().next()?;
        via.split(';')
            .find_map(|p| p.trim().strip_prefix("branch=").map(str::to_owned))
    }

    /// The URI inside `<…>` of the first Contact.
    pub fn contact_uri(&self) -> Option<String> {
        angle_uri(self.first("contact")?)
    }
}

/// The URI between `<` and `>` (or the whole value up to `;` when there are none).
pub fn angle_uri(value: &str) -> Option<String> {
    match (value.find('<'), value.find('>')) {
        (Some(a), Some(b)) if a < b => Some(value[a + 1..b].to_owned()),
        _ => value.split(';').next().map(|s| s.trim().to_owned()),
    }
}

/// A small audio offer or answer (RFC 4566), enough for a proxy that does not look inside.
pub fn sdp(session: u64, port: u16) -> String {
    format!(
        "v=0\r\no=- {session} 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
         m=audio {port} RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n\
         a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n"
    )
}

/// The parts of a dialog one side needs to send an in-dialog request (RFC 3261 §12.2.1.1).
#[derive(Clone, Debug)]
pub struct DialogSide {
    pub call_id: String,
    /// Our From header value (with our tag).
    pub local: String,
    /// Their header value (with their tag): our To.
    pub remote: String,
    /// Request-URI: the peer's Contact.
    pub target: String,
    /// Route set, in the order to send (RFC 3261 §12.1.1 and §12.1.2).
    pub routes: Vec<String>,
}

/// An in-dialog request (ACK, BYE) from one side.
pub fn in_dialog(d: &DialogSide, method: &str, cseq: u32, branch: &str, via_host: &str) -> String {
    let mut routes = String::new();
    for r in &d.routes {
        routes.push_str("Route: ");
        routes.push_str(r);
        routes.push_str("\r\n");
    }
    format!(
        "{method} {target} SIP/2.0\r\n\
         Via: SIP/2.0/WS {via_host};branch={branch}\r\n\
         {routes}\
         Max-Forwards: 70\r\n\
         From: {local}\r\n\
         To: {remote}\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: {cseq} {method}\r\n\
         Content-Length: 0\r\n\r\n",
        target = d.target,
        local = d.local,
        remote = d.remote,
        call_id = d.call_id,
    )
}

/// A response to `req` (RFC 3261 §8.2.6.2: Via, From, To, Call-ID, CSeq copied; a To tag
/// added when `to_tag` is given and the To has none; Record-Route copied for 2xx to INVITE,
/// §12.1.1).
pub fn response(
    req: &SipText,
    code: u16,
    reason: &str,
    to_tag: Option<&str>,
    extra: &str,
    body: &str,
) -> String {
    let mut out = format!("SIP/2.0 {code} {reason}\r\n");
    for v in req.all("via") {
        out.push_str(&format!("Via: {v}\r\n"));
    }
    let to = req.first("to").unwrap_or("");
    let to = match to_tag {
        Some(tag) if !to.contains(";tag=") => format!("{to};tag={tag}"),
        _ => to.to_owned(),
    };
    out.push_str(&format!(
        "From: {}\r\nTo: {to}\r\nCall-ID: {}\r\nCSeq: {}\r\n",
        req.first("from").unwrap_or(""),
        req.call_id(),
        req.first("cseq").unwrap_or(""),
    ));
    if (200..300).contains(&code) && req.method() == Some("INVITE") {
        for rr in req.all("record-route") {
            out.push_str(&format!("Record-Route: {rr}\r\n"));
        }
    }
    out.push_str(extra);
    out.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    out
}
