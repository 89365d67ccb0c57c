//! Which addresses a callback may be sent to. The server would otherwise be a way into the
//! network it runs in (server-side request forgery): an application's URL could name a
//! metadata service (`169.254.169.254`), an admin port on loopback, or a host on the private
//! network. The check runs on every address the host resolves to at delivery time (so a DNS
//! name cannot change its answer between the check and the connection: the server connects to
//! the very address it checked), and on literal IPs when the URL is written.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What kind of network an address belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    /// Globally routable.
    Public,
    /// `127.0.0.0/8`, `::1` (RFC 1122 §3.2.1.3, RFC 4291 §2.5.3).
    Loopback,
    /// Private or local networks: RFC 1918, shared address space `100.64.0.0/10` (RFC 6598),
    /// link-local `169.254.0.0/16` and `fe80::/10` (RFC 3927, RFC 4291 §2.5.6), unique local
    /// `fc00::/7` (RFC 4193), site-local `fec0::/10` (RFC 3879), `192.0.0.0/24` (RFC 6890) and
    /// benchmarking `198.18.0.0/15` (RFC 2544).
    Private,
    /// Never a destination: unspecified (`0.0.0.0/8`, `::`), multicast (`224.0.0.0/4`,
    /// `ff00::/8`), broadcast and reserved (`240.0.0.0/4`), documentation (RFC 5737, RFC 3849),
    /// IPv4-compatible IPv6 and discard-only `100::/64` (RFC 6666).
    Never,
}

/// Which classes of address callbacks may go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TargetPolicy {
    /// Public addresses only: the default.
    #[default]
    PublicOnly,
    /// Public and loopback: demo mode, whose receivers run on the same machine.
    AllowLoopback,
    /// Public, loopback and private (`--allow-private-callbacks`).
    AllowPrivate,
}

impl TargetPolicy {
    /// True if a callback may connect to `ip`.
    pub fn permits(self, ip: IpAddr) -> bool {
        matches!(
            (classify(ip), self),
            (AddressClass::Public, _)
                | (
                    AddressClass::Loopback,
                    TargetPolicy::AllowLoopback | TargetPolicy::AllowPrivate
                )
                | (AddressClass::Private, TargetPolicy::AllowPrivate)
        )
    }
}

/// The class of `ip`; an IPv6 address that embeds an IPv4 one (mapped `::ffff:0:0/96`, NAT64
/// `64:ff9b::/96`, 6to4 `2002::/16`) has the class of the embedded address, since that is where
/// the packets end up.
pub fn classify(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => classify_v4(v4),
            None => classify_v6(v6),
        },
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddressClass {
    let [a, b, c, _] = ip.octets();
    if ip.is_loopback() {
        AddressClass::Loopback
    } else if a == 0 || a >= 224 || ip.is_documentation() {
        // 0/8 "this network", 224/4 multicast, 240/4 reserved, 255.255.255.255 broadcast.
        AddressClass::Never
    } else if ip.is_private()
        || ip.is_link_local()
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
    {
        AddressClass::Private
    } else {
        AddressClass::Public
    }
}

fn classify_v6(ip: Ipv6Addr) -> AddressClass {
    let s = ip.segments();
    if ip.is_loopback() {
        AddressClass::Loopback
    } else if ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] == 0x2001 && s[1] == 0x0db8)
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0])
        || s[..6] == [0; 6]
    {
        // The last: IPv4-compatible `::a.b.c.d`, deprecated (RFC 4291 §2.5.5.1).
        AddressClass::Never
    } else if (s[0] & 0xfe00) == 0xfc00 || (s[0] & 0xffc0) == 0xfe80 || (s[0] & 0xffc0) == 0xfec0 {
        AddressClass::Private
    } else {
        AddressClass::Public
    }
}

/// The IPv4 address inside a mapped, NAT64 or 6to4 IPv6 address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let v4 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    let mapped = s[..5] == [0; 5] && s[5] == 0xffff;
    let nat64 = s[..6] == [0x64, 0xff9b, 0, 0, 0, 0];
    if mapped || nat64 {
        Some(v4(s[6], s[7]))
    } else if s[0] == 0x2002 {
        Some(v4(s[1], s[2]))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(ip: &str) -> AddressClass {
        classify(ip.parse().unwrap())
    }

    #[test]
    fn classifies_addresses() {
        use AddressClass::*;
        for (ip, want) in [
            ("93.184.216.34", Public),
            ("2606:2800:220:1:248:1893:25c8:1946", Public),
            ("127.0.0.1", Loopback),
            ("127.255.0.9", Loopback),
            ("::1", Loopback),
            ("::ffff:127.0.0.1", Loopback),
            ("10.1.2.3", Private),
            ("172.16.0.1", Private),
            ("172.31.255.255", Private),
            ("192.168.1.1", Private),
            ("100.64.0.1", Private),
            ("100.127.255.254", Private),
            ("169.254.169.254", Private),
            ("fd00::1", Private),
            ("fc12::1", Private),
            ("fe80::1", Private),
            ("fec0::1", Private),
            ("::ffff:10.0.0.1", Private),
            ("64:ff9b::a9fe:a9fe", Private),
            ("2002:c0a8:0101::1", Private),
            ("0.0.0.0", Never),
            ("0.1.2.3", Never),
            ("::", Never),
            ("224.0.0.1", Never),
            ("239.255.255.250", Never),
            ("ff02::1", Never),
            ("255.255.255.255", Never),
            ("240.0.0.1", Never),
            ("192.0.2.1", Never),
            ("2001:db8::1", Never),
            ("::10.0.0.1", Never),
            ("100::1", Never),
            ("172.32.0.1", Public),
            ("100.128.0.1", Public),
        ] {
            assert_eq!(class(ip), want, "{ip}");
        }
    }

    #[test]
    fn policies_widen_in_order() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let public = TargetPolicy::PublicOnly;
        let loopback = TargetPolicy::AllowLoopback;
        let private = TargetPolicy::AllowPrivate;
        assert!(public.permits(ip("93.184.216.34")));
        assert!(!public.permits(ip("127.0.0.1")) && !public.permits(ip("10.0.0.1")));
        assert!(loopback.permits(ip("::1")) && !loopback.permits(ip("192.168.0.1")));
        assert!(private.permits(ip("192.168.0.1")) && private.permits(ip("127.0.0.1")));
        for never in ["0.0.0.0", "::", "224.0.0.1", "255.255.255.255"] {
            assert!(!private.permits(ip(never)), "{never}");
        }
    }
}
