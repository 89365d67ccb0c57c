//! Any bytes: parsing never panics; a message that parses prints to bytes that parse again,
//! to the same start line, headers and body.
#![no_main]

use bwclient_sip::check::{check_message, CheckOutcome};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let CheckOutcome::Mismatch(what) = check_message(data) {
        panic!("print/parse round trip changed {what}");
    }
});
