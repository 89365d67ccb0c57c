//! `sipcheck FILE...` — checks captured SIP messages, one per file.
//!
//! Prints one line per file: `FILE: ok request METHOD`, `FILE: ok response CODE`,
//! `FILE: invalid REASON` or `FILE: mismatch WHAT` (the message parsed, but printing it and
//! parsing the print changed WHAT). With `--print`, each ok message is also printed as this
//! library writes it. Exits 0 unless a file cannot be read.

use bwclient_sip::check::check_message;
use bwclient_sip::Message;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut print = false;
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--print" => print = true,
            "-h" | "--help" => {
                println!("usage: sipcheck [--print] FILE...");
                return ExitCode::SUCCESS;
            }
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        eprintln!("usage: sipcheck [--print] FILE...");
        return ExitCode::from(2);
    }
    let mut unreadable = false;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for file in &files {
        let bytes = match std::fs::read(file) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{file}: cannot read: {e}");
                unreadable = true;
                continue;
            }
        };
        let outcome = check_message(&bytes);
        // A closed pipe (`sipcheck … | head`) is not worth a panic.
        if writeln!(out, "{file}: {outcome}").is_err() {
            break;
        }
        if print && outcome.is_ok() {
            if let Ok(msg) = Message::parse(&bytes) {
                let _ = out.write_all(&msg.to_bytes());
                let _ = writeln!(out);
            }
        }
    }
    if unreadable {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
