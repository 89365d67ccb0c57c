//! Parse anything; whatever parses must print, parse again to the same value and
//! print the same text. Trickle fragments share the line reader, so they are checked
//! the same way.
#![no_main]

use bwclient_sdp::{IceFragment, Sdp};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(sdp) = Sdp::parse(text) {
        let printed = sdp.to_string();
        let again = Sdp::parse(&printed).expect("a printed description parses");
        assert_eq!(sdp, again);
        assert_eq!(printed, again.to_string());
    }
    if let Ok(fragment) = IceFragment::parse(text) {
        let printed = fragment.to_string();
        let again = IceFragment::parse(&printed).expect("a printed fragment parses");
        assert_eq!(fragment, again);
        assert_eq!(printed, again.to_string());
    }
});
