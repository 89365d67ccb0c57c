//! Server configuration from command-line flags and `BWCLIENT_*` environment variables
//! (flags win).

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::callbacks::{CallbackConfig, TargetPolicy};
use crate::sip::SipConfig;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen (`--listen`, `BWCLIENT_LISTEN`); port 0 picks a free port.
    pub listen: SocketAddr,
    /// Data folder (`--data`, `BWCLIENT_DATA`).
    pub data_dir: PathBuf,
    /// SQLite file (`--db`, `BWCLIENT_DB`); default `<data>/bwclient.db`.
    pub db_path: Option<PathBuf>,
    /// PostgreSQL instead of SQLite (`--database postgres://user@host:port/db`,
    /// `BWCLIENT_DATABASE`): several instances may share it.
    pub database_url: Option<String>,
    /// The demo page (`--www`, `BWCLIENT_WWW`), served at `/`.
    pub www_dir: PathBuf,
    /// The built client (`--pkg`, `BWCLIENT_PKG`), served at `/pkg/`.
    pub pkg_dir: PathBuf,
    /// SIP realm (`--realm`, `BWCLIENT_REALM`): endpoint hosts are `<domain>.<realm>`.
    pub realm: String,
    /// WebSocket URLs put in tokens, in the order clients try them (`--public-ws-url`,
    /// repeatable or comma-separated, `BWCLIENT_PUBLIC_WS_URL` comma-separated); empty means
    /// `ws://<bound address>/sip`.
    pub public_ws_urls: Vec<String>,
    /// Demo mode (`--demo`, `BWCLIENT_DEMO=1`).
    pub demo: bool,
    /// Token HMAC secret (`BWCLIENT_TOKEN_SECRET`); default: generated once and stored.
    pub token_secret: Option<String>,
    /// API credentials of the default user (`BWCLIENT_API_TOKEN` and `BWCLIENT_API_SECRET`,
    /// both or neither); default: generated once and stored.
    pub api_credentials: Option<(String, String)>,
    /// Call event delivery limits.
    pub callbacks: CallbackConfig,
    /// SIP-over-WebSocket limits and timers.
    pub sip: SipConfig,
    /// Origins besides the server's own allowed to call `POST /demo/drop`
    /// (`--demo-drop-origins`, `BWCLIENT_DEMO_DROP_ORIGINS`, comma-separated), e.g. the
    /// browser-test runner's page `http://127.0.0.1:18191`. Default none: same origin only.
    pub demo_drop_origins: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            db_path: None,
            database_url: None,
            www_dir: PathBuf::from("www"),
            pkg_dir: PathBuf::from("pkg"),
            realm: "bwclient.test".to_owned(),
            public_ws_urls: Vec::new(),
            demo: false,
            token_secret: None,
            api_credentials: None,
            callbacks: CallbackConfig::default(),
            sip: SipConfig::default(),
            demo_drop_origins: Vec::new(),
        }
    }
}

/// What the command line asked for.
#[derive(Debug)]
pub enum Command {
    Run(Box<Config>),
    Help,
}

/// A bad flag or variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("unknown argument `{0}` (see --help)")]
    Unknown(String),
    #[error("`{0}` needs a value")]
    MissingValue(String),
    #[error("invalid value for `{name}`: {reason}")]
    Invalid { name: String, reason: String },
}

/// `--help` text.
pub const USAGE: &str = "\
bwclient-server: REST API, tokens, SIP over WebSocket and the demo page on one port

USAGE: bwclient-server [OPTIONS]

  --listen ADDR         listen address            [BWCLIENT_LISTEN, default 127.0.0.1:8080]
  --data DIR            data folder               [BWCLIENT_DATA, default data]
  --db FILE             SQLite file               [BWCLIENT_DB, default <data>/bwclient.db]
  --database URL        PostgreSQL instead: postgres://user[:password]@host:port/db
                        (several instances may share it)  [BWCLIENT_DATABASE]
  --www DIR             demo page folder, at /    [BWCLIENT_WWW, default www]
  --pkg DIR             built client, at /pkg/    [BWCLIENT_PKG, default pkg]
  --realm NAME          SIP realm                 [BWCLIENT_REALM, default bwclient.test]
  --public-ws-url URL   WebSocket URL in tokens; repeat it (or give a comma list) for servers
                        clients fail over to, in order
                                                  [BWCLIENT_PUBLIC_WS_URL, default ws://<listen>/sip]
  --demo                create the demo user, domain and endpoints  [BWCLIENT_DEMO=1]
  --demo-drop-origins LIST
                        other origins that may POST /demo/drop (comma-separated; default: same origin only)
                                                  [BWCLIENT_DEMO_DROP_ORIGINS]
  --sip-max-connections-per-addr N
                        /sip connections one address (IPv4, IPv6 /64) may hold
                                                  [BWCLIENT_SIP_MAX_CONNECTIONS_PER_ADDR, default 2000]
  --sip-max-unauthenticated-per-addr N
                        of those, not yet authenticated
                                                  [BWCLIENT_SIP_MAX_UNAUTHENTICATED_PER_ADDR, default 100]
  --sip-auth-deadline SECONDS
                        close a /sip connection not authenticated by then
                                                  [BWCLIENT_SIP_AUTH_DEADLINE, default 10]
  --allow-private-callbacks  let callbacks go to loopback and private addresses
                        [BWCLIENT_ALLOW_PRIVATE_CALLBACKS=1; demo mode allows loopback]
  --callback-ca FILE    PEM CA certificates trusted for https:// callbacks besides the
                        public roots              [BWCLIENT_CALLBACK_CA]
  -h, --help            this text

  Environment only: BWCLIENT_TOKEN_SECRET (token HMAC secret, shared with Kamailio; at least
  32 bytes, else the server does not start), BWCLIENT_API_TOKEN and BWCLIENT_API_SECRET (the
  default user's API credentials; the secret is stored as an argon2id hash).
";

const VALUED: &[(&str, &str)] = &[
    ("--listen", "BWCLIENT_LISTEN"),
    ("--data", "BWCLIENT_DATA"),
    ("--db", "BWCLIENT_DB"),
    ("--database", "BWCLIENT_DATABASE"),
    ("--www", "BWCLIENT_WWW"),
    ("--pkg", "BWCLIENT_PKG"),
    ("--realm", "BWCLIENT_REALM"),
    ("--public-ws-url", "BWCLIENT_PUBLIC_WS_URL"),
    (
        "--sip-max-connections-per-addr",
        "BWCLIENT_SIP_MAX_CONNECTIONS_PER_ADDR",
    ),
    (
        "--sip-max-unauthenticated-per-addr",
        "BWCLIENT_SIP_MAX_UNAUTHENTICATED_PER_ADDR",
    ),
    ("--sip-auth-deadline", "BWCLIENT_SIP_AUTH_DEADLINE"),
    ("--demo-drop-origins", "BWCLIENT_DEMO_DROP_ORIGINS"),
    ("--callback-ca", "BWCLIENT_CALLBACK_CA"),
];

impl Config {
    /// The SQLite file path.
    /// Where the data lives: PostgreSQL if `--database` was given, else the SQLite file.
    pub fn database(&self) -> crate::db::Database {
        match &self.database_url {
            Some(url) => crate::db::Database::Postgres(url.clone()),
            None => crate::db::Database::Sqlite(self.db_file()),
        }
    }

    pub fn db_file(&self) -> PathBuf {
        self.db_path
            .clone()
            .unwrap_or_else(|| self.data_dir.join("bwclient.db"))
    }

    /// Parses flags (without the program name) over environment variables read by `env`.
    pub fn from_sources(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Command, ConfigError> {
        let mut config = Config::default();
        for (flag, var) in VALUED {
            if let Some(value) = env(var).filter(|v| !v.is_empty()) {
                config.set(var, flag, &value)?;
            }
        }
        if let Some(value) = env("BWCLIENT_DEMO") {
            config.demo = parse_bool("BWCLIENT_DEMO", &value)?;
        }
        if let Some(value) = env("BWCLIENT_ALLOW_PRIVATE_CALLBACKS") {
            if parse_bool("BWCLIENT_ALLOW_PRIVATE_CALLBACKS", &value)? {
                config.callbacks.targets = TargetPolicy::AllowPrivate;
            }
        }
        config.token_secret = env("BWCLIENT_TOKEN_SECRET").filter(|v| !v.is_empty());
        config.api_credentials = match (env("BWCLIENT_API_TOKEN"), env("BWCLIENT_API_SECRET")) {
            (Some(token), Some(secret)) if !token.is_empty() && !secret.is_empty() => {
                Some((token, secret))
            }
            (None, None) => None,
            _ => {
                return Err(ConfigError::Invalid {
                    name: "BWCLIENT_API_TOKEN/BWCLIENT_API_SECRET".into(),
                    reason: "give both, non-empty, or neither".into(),
                })
            }
        };

        let mut args = args.into_iter();
        // The first `--public-ws-url` replaces the environment's list; later ones add to it.
        let mut ws_url_flag_seen = false;
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
                None => (arg.clone(), None),
            };
            match flag.as_str() {
                "-h" | "--help" => return Ok(Command::Help),
                "--demo" if inline.is_none() => config.demo = true,
                "--allow-private-callbacks" if inline.is_none() => {
                    config.callbacks.targets = TargetPolicy::AllowPrivate
                }
                _ => {
                    if !VALUED.iter().any(|(f, _)| *f == flag) {
                        return Err(ConfigError::Unknown(arg));
                    }
                    let value = match inline {
                        Some(value) => value,
                        None => args
                            .next()
                            .ok_or_else(|| ConfigError::MissingValue(flag.clone()))?,
                    };
                    if flag == "--public-ws-url" && !std::mem::replace(&mut ws_url_flag_seen, true)
                    {
                        config.public_ws_urls.clear();
                    }
                    config.set(&flag, &flag, &value)?;
                }
            }
        }
        Ok(Command::Run(Box::new(config)))
    }

    /// Sets the option that `flag` names; `name` is what errors call it.
    fn set(&mut self, name: &str, flag: &str, value: &str) -> Result<(), ConfigError> {
        let invalid = |reason: &str| ConfigError::Invalid {
            name: name.to_owned(),
            reason: reason.to_owned(),
        };
        match flag {
            "--listen" => {
                self.listen = value
                    .parse()
                    .map_err(|_| invalid("expected IP:PORT, e.g. 127.0.0.1:8080"))?
            }
            "--data" => self.data_dir = PathBuf::from(value),
            "--db" => self.db_path = Some(PathBuf::from(value)),
            "--database" => {
                if !(value.starts_with("postgres://") || value.starts_with("postgresql://")) {
                    return Err(invalid("expected postgres://user@host:port/db"));
                }
                self.database_url = Some(value.to_owned());
            }
            "--www" => self.www_dir = PathBuf::from(value),
            "--pkg" => self.pkg_dir = PathBuf::from(value),
            "--realm" => {
                if !is_hostname(value) {
                    return Err(invalid("expected a host name such as bwclient.test"));
                }
                self.realm = value.to_ascii_lowercase();
            }
            "--callback-ca" => self.callbacks.ca_file = Some(PathBuf::from(value)),
            "--public-ws-url" => {
                // Appends: the flag is repeatable, and a value may be a comma list.
                for url in value.split(',').map(str::trim) {
                    if !bwclient_sip::token::is_ws_url(url) {
                        return Err(invalid("expected ws:// or wss:// URLs, comma-separated"));
                    }
                    self.public_ws_urls.push(url.to_owned());
                }
            }
            "--demo-drop-origins" => {
                let origins: Vec<String> = value
                    .split(',')
                    .map(str::trim)
                    .filter(|o| !o.is_empty())
                    .map(str::to_owned)
                    .collect();
                let is_origin = |o: &String| {
                    let rest = o
                        .strip_prefix("http://")
                        .or_else(|| o.strip_prefix("https://"));
                    rest.is_some_and(|r| !r.is_empty() && !r.contains(['/', ' ']))
                };
                if !origins.iter().all(is_origin) {
                    return Err(invalid(
                        "expected origins such as http://127.0.0.1:8081, comma-separated",
                    ));
                }
                self.demo_drop_origins = origins;
            }
            "--sip-max-connections-per-addr" => {
                self.sip.max_connections_per_addr = positive(value)
                    .ok_or_else(|| invalid("expected a whole number of connections, at least 1"))?
            }
            "--sip-max-unauthenticated-per-addr" => {
                self.sip.max_unauthenticated_per_addr = positive(value)
                    .ok_or_else(|| invalid("expected a whole number of connections, at least 1"))?
            }
            "--sip-auth-deadline" => {
                let seconds = positive(value)
                    .ok_or_else(|| invalid("expected a whole number of seconds, at least 1"))?;
                self.sip.auth_deadline = std::time::Duration::from_secs(seconds as u64);
            }
            _ => return Err(ConfigError::Unknown(flag.to_owned())),
        }
        Ok(())
    }
}

/// A whole number of at least 1.
fn positive(value: &str) -> Option<usize> {
    value.parse::<usize>().ok().filter(|n| *n > 0)
}

fn parse_bool(name: &str, value: &str) -> Result<bool, ConfigError> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "" | "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::Invalid {
            name: name.to_owned(),
            reason: "expected 1 or 0".into(),
        }),
    }
}

/// Dot-separated DNS labels of letters, digits and inner hyphens.
pub(crate) fn is_hostname(value: &str) -> bool {
    value.len() <= 253 && value.split('.').all(is_dns_label)
}

/// One DNS label: 1–63 letters, digits and hyphens, not starting or ending with a hyphen.
pub(crate) fn is_dns_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: &[(&str, &str)]) -> Result<Command, ConfigError> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_sources(args.iter().map(|s| s.to_string()), move |k| {
            env.iter()
                .find(|(name, _)| name == k)
                .map(|(_, v)| v.clone())
        })
    }

    fn run(args: &[&str], env: &[(&str, &str)]) -> Config {
        match parse(args, env) {
            Ok(Command::Run(config)) => *config,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let c = run(&[], &[]);
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.db_file(), PathBuf::from("data/bwclient.db"));
        assert_eq!(c.realm, "bwclient.test");
        assert!(!c.demo && c.token_secret.is_none() && c.api_credentials.is_none());
        assert_eq!(c.callbacks.targets, TargetPolicy::PublicOnly);
        assert!(c.callbacks.ca_file.is_none());
    }

    #[test]
    fn callback_options() {
        let c = run(
            &["--allow-private-callbacks", "--callback-ca", "ca.pem"],
            &[],
        );
        assert_eq!(c.callbacks.targets, TargetPolicy::AllowPrivate);
        assert_eq!(c.callbacks.ca_file, Some(PathBuf::from("ca.pem")));
        let c = run(
            &[],
            &[
                ("BWCLIENT_ALLOW_PRIVATE_CALLBACKS", "1"),
                ("BWCLIENT_CALLBACK_CA", "/etc/ca.pem"),
            ],
        );
        assert_eq!(c.callbacks.targets, TargetPolicy::AllowPrivate);
        assert_eq!(c.callbacks.ca_file, Some(PathBuf::from("/etc/ca.pem")));
        assert!(parse(&["--allow-private-callbacks=1"], &[]).is_err());
    }

    #[test]
    fn flags_override_env() {
        let c = run(
            &[
                "--listen",
                "0.0.0.0:9000",
                "--data=/tmp/x",
                "--demo",
                "--realm",
                "Ex.Test",
            ],
            &[
                ("BWCLIENT_LISTEN", "127.0.0.1:1"),
                ("BWCLIENT_WWW", "site"),
                ("BWCLIENT_TOKEN_SECRET", "s3"),
                ("BWCLIENT_API_TOKEN", "t"),
                ("BWCLIENT_API_SECRET", "s"),
            ],
        );
        assert_eq!(c.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(c.db_file(), PathBuf::from("/tmp/x/bwclient.db"));
        assert_eq!(c.www_dir, PathBuf::from("site"));
        assert_eq!(c.realm, "ex.test");
        assert!(c.demo);
        assert_eq!(c.token_secret.as_deref(), Some("s3"));
        assert_eq!(c.api_credentials, Some(("t".into(), "s".into())));
    }

    #[test]
    fn rejects_bad_input() {
        assert!(matches!(parse(&["--help"], &[]), Ok(Command::Help)));
        assert_eq!(
            parse(&["--bogus"], &[]).unwrap_err(),
            ConfigError::Unknown("--bogus".into())
        );
        assert_eq!(
            parse(&["--listen"], &[]).unwrap_err(),
            ConfigError::MissingValue("--listen".into())
        );
        assert!(parse(&["--listen", "nope"], &[]).is_err());
        assert!(parse(&["--realm", "bad_realm"], &[]).is_err());
        assert!(parse(&["--public-ws-url", "http://x/sip"], &[]).is_err());
        assert!(parse(&[], &[("BWCLIENT_API_TOKEN", "only")]).is_err());
        assert!(parse(&[], &[("BWCLIENT_DEMO", "maybe")]).is_err());
        assert!(parse(&["--sip-auth-deadline", "0"], &[]).is_err());
        assert!(parse(&["--sip-max-connections-per-addr", "x"], &[]).is_err());
    }

    #[test]
    fn public_ws_urls_repeat_and_comma_lists_in_order() {
        assert!(run(&[], &[]).public_ws_urls.is_empty());
        let (a, b, c) = (
            "ws://a.test/sip",
            "wss://b.test:9/sip",
            "ws://127.0.0.3:8080/sip",
        );
        let flags = run(
            &["--public-ws-url", a, &format!("--public-ws-url={b}, {c}")],
            &[],
        );
        assert_eq!(flags.public_ws_urls, [a, b, c]);
        let env = run(&[], &[("BWCLIENT_PUBLIC_WS_URL", &format!("{a},{b}"))]);
        assert_eq!(env.public_ws_urls, [a, b]);
        // Flags replace the environment's list rather than adding to it.
        let both = run(
            &["--public-ws-url", c],
            &[("BWCLIENT_PUBLIC_WS_URL", &format!("{a},{b}"))],
        );
        assert_eq!(both.public_ws_urls, [c]);
        for bad in [
            "ws://a.test/sip,http://b.test",
            "ws://a.test/sip,",
            "ws://",
            "ws://a b",
        ] {
            let err = parse(&["--public-ws-url", bad], &[]).unwrap_err();
            assert!(err.to_string().contains("ws:// or wss://"), "{bad}: {err}");
        }
    }

    #[test]
    fn sip_connection_limits() {
        let c = run(&[], &[]);
        assert_eq!(c.sip.max_connections_per_addr, 2000);
        assert_eq!(c.sip.max_unauthenticated_per_addr, 100);
        assert_eq!(c.sip.auth_deadline.as_secs(), 10);
        let c = run(
            &[
                "--sip-auth-deadline=3",
                "--sip-max-unauthenticated-per-addr",
                "5",
            ],
            &[("BWCLIENT_SIP_MAX_CONNECTIONS_PER_ADDR", "50")],
        );
        assert_eq!(c.sip.max_connections_per_addr, 50);
        assert_eq!(c.sip.max_unauthenticated_per_addr, 5);
        assert_eq!(c.sip.auth_deadline.as_secs(), 3);
    }

    #[test]
    fn demo_drop_origins() {
        assert!(run(&[], &[]).demo_drop_origins.is_empty());
        let c = run(
            &[],
            &[(
                "BWCLIENT_DEMO_DROP_ORIGINS",
                "http://127.0.0.1:18191, https://a.example",
            )],
        );
        assert_eq!(
            c.demo_drop_origins,
            ["http://127.0.0.1:18191", "https://a.example"]
        );
        assert!(parse(&["--demo-drop-origins", "*"], &[]).is_err());
        assert!(parse(&["--demo-drop-origins", "http://a/b"], &[]).is_err());
    }
}
