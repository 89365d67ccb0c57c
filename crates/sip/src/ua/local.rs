//! Who we are on the wire: the Via host, the Contact URI and the instance id (RFC 7118 §5,
//! RFC 5626 §4.1).

use super::config::UaConfig;
use crate::header::typed::Via;
use crate::name_addr::NameAddr;
use crate::rng::Rng;
use crate::uri::{Param, Uri};

/// The local identity, fixed for the life of the Ua (but for the Via transport, which follows
/// the connection: [`super::Ua::set_transport`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Local {
    /// `<random>.invalid` unless configured (RFC 7118 §5: the WebSocket client has no
    /// reachable address of its own).
    pub via_host: String,
    pub via_transport: &'static str,
    /// `sip:<random>@<via host>;transport=ws;ob` (RFC 7118 §5, RFC 5626 §5.4 `ob`).
    pub contact_uri: Uri,
    /// `urn:uuid:…`
    pub instance_id: String,
}

impl Local {
    pub fn new(config: &UaConfig, rng: &mut Rng) -> Local {
        let via_host = config.via_host.clone().unwrap_or_else(|| {
            let mut host = rng.token(12);
            host.push_str(".invalid");
            host
        });
        let mut contact_uri = Uri::sip(Some(&rng.token(8)), &via_host);
        contact_uri.params.push(Param::new("transport", Some("ws")));
        contact_uri.params.push(Param::new("ob", None));
        let instance_id = config.instance_id.clone().unwrap_or_else(|| rng.uuid_urn());
        Local {
            via_host,
            via_transport: config.transport.via_token(),
            contact_uri,
            instance_id,
        }
    }

    /// A Via for a new request with `branch`.
    pub fn via(&self, branch: &str) -> Via {
        Via::new(self.via_transport, &self.via_host, None, branch)
    }

    /// The Contact for dialogs (`<sip:…;transport=ws;ob>`).
    pub fn contact(&self) -> NameAddr {
        NameAddr::new(self.contact_uri.clone())
    }

    /// `+sip.instance` as it is written: `"<urn:uuid:…>"`.
    pub fn instance_param(&self) -> String {
        let mut v = String::from("\"<");
        v.push_str(&self.instance_id);
        v.push_str(">\"");
        v
    }

    /// The instance as `Contact::instance()` reads it back: `<urn:uuid:…>`.
    pub fn instance_bracketed(&self) -> String {
        let mut v = String::from("<");
        v.push_str(&self.instance_id);
        v.push('>');
        v
    }
}
