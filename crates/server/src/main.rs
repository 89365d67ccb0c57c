//! `bwclient-server`: see `--help` and the crate README.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use bwclient_server::app::{serve, SecretSource};
use bwclient_server::config::{Command, Config, USAGE};

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::from_sources(std::env::args().skip(1), |k| std::env::var(k).ok()) {
        Ok(Command::Run(config)) => *config,
        Ok(Command::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprintln!("bwclient-server: {err}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    let mut server = match serve(config.clone()).await {
        Ok(server) => server,
        Err(err) => {
            eprintln!("bwclient-server: {err}");
            return ExitCode::FAILURE;
        }
    };
    print_banner(&config, &server);

    let result = tokio::select! {
        result = server.wait() => result,
        _ = tokio::signal::ctrl_c() => Ok(()),
        _ = terminated() => Ok(()),
    };
    let drained = server.stop().await;
    eprintln!(
        "bwclient-server: stopped ({} WebSocket(s) closed with 1001, {} transaction(s) unfinished)",
        drained.closed, drained.unfinished
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bwclient-server: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves on SIGTERM (what `kill`, systemd and container runtimes send to stop a service).
#[cfg(unix)]
async fn terminated() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            term.recv().await;
        }
        Err(err) => {
            eprintln!("bwclient-server: no SIGTERM handler: {err}");
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(not(unix))]
async fn terminated() {
    std::future::pending::<()>().await;
}

/// What a newcomer needs: where it listens, how to call the API, and the demo.
fn print_banner(config: &Config, server: &bwclient_server::app::RunningServer) {
    let base = server.base_url();
    println!("bwclient-server listening on {base}");
    println!("  SIP over WebSocket: {}", server.ws_url);
    match &config.database_url {
        // The URL may hold a password: print where, not how.
        Some(url) => println!(
            "  database: PostgreSQL at {}",
            url.rsplit_once('@').map_or(url.as_str(), |(_, at)| at)
        ),
        None => println!("  database: {}", config.db_file().display()),
    }
    println!(
        "  token secret: {}",
        match server.secret_source {
            SecretSource::Config => "from BWCLIENT_TOKEN_SECRET",
            SecretSource::Stored => "generated, stored in the database",
        }
    );
    let user = &server.user;
    println!(
        "  API: {base}/v1/users/{}/… with basic auth {}:{}",
        user.id,
        user.api_token,
        shown_secret(user)
    );
    if let Some(demo) = &server.demo {
        println!("demo mode: open {base}/ in two tabs");
        println!(
            "  demo API: {base}/v1/users/{}/… with basic auth {}:{}",
            demo.user.id,
            demo.user.api_token,
            shown_secret(&demo.user)
        );
        for endpoint in &demo.endpoints {
            println!(
                "  endpoint {}: {}@{}",
                endpoint.name,
                endpoint.name,
                server.directory.host_of(&endpoint.domain_name)
            );
        }
        if !config.listen.ip().is_loopback() {
            println!("  warning: /demo/token hands out tokens to anyone who can reach {base}");
        }
    }
}

/// The API secret if this start set it; it is stored hashed, so later starts cannot show it.
fn shown_secret(user: &bwclient_server::db::User) -> &str {
    user.api_secret.as_deref().unwrap_or(
        "<shown at the first start only; set BWCLIENT_API_TOKEN and BWCLIENT_API_SECRET to choose one>",
    )
}
