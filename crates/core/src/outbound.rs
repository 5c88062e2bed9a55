//! The one check every connection Portico makes outward passes (a document's broker in
//! the console, organisations' webhooks): only hosts an administrator allows
//! (`--allow-hosts`), and never an internal address unless an entry names it, so a
//! document cannot point the server at its own network (SSRF). Answers say "not
//! allowed" or "could not connect" and nothing more: the reason a port did not answer
//! would make the server a port scanner.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use ipnet::IpNet;

/// What an administrator allows Portico to connect to. Empty by default: nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList(Vec<Entry>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    pattern: Pattern,
    /// `None`: any port.
    port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    /// A host name, lowercase.
    Name(String),
    /// `*.example.com`: any name ending in `.example.com` (not `example.com` itself).
    Suffix(String),
    /// An address or a block; it also allows internal addresses within it.
    Net(IpNet),
}

/// Why a connection was not made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboundError {
    #[error(
        "Connecting to {0} is not allowed on this server (an administrator allows hosts with --allow-hosts)."
    )]
    NotAllowed(String),
    #[error("Could not connect to {0}.")]
    CouldNotConnect(String),
}

/// Where a connection may go: the host as asked, and the checked addresses to connect
/// to (connecting to these, not resolving the name again, keeps a DNS answer that
/// changes between check and connect from reaching an internal address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub host: String,
    pub addresses: Vec<SocketAddr>,
}

impl AllowList {
    /// Reads `host[:port]` entries, comma-separated: names (`broker.example.com`),
    /// wildcards (`*.example.com`), addresses (`10.1.2.3`, `[::1]:1883`) and blocks
    /// (`10.0.0.0/8`).
    pub fn parse(text: &str) -> Result<AllowList, String> {
        text.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(parse_entry)
            .collect::<Result<Vec<_>, _>>()
            .map(AllowList)
    }

    /// Whether nothing is allowed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Checks `host:port`, resolves it, and checks every address it resolves to.
    pub async fn check(&self, host: &str, port: u16) -> Result<Checked, OutboundError> {
        let shown = format!("{host}:{port}");
        let host = host.trim_matches(['[', ']']).to_ascii_lowercase();
        let not_allowed = || OutboundError::NotAllowed(shown.clone());
        if let Ok(address) = IpAddr::from_str(&host) {
            // An address is allowed only by an entry whose block holds it.
            if !self.names_address(address, port) {
                return Err(not_allowed());
            }
            return Ok(Checked {
                host,
                addresses: vec![SocketAddr::new(address, port)],
            });
        }
        if !self.allows_name(&host, port) {
            return Err(not_allowed());
        }
        let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|_| OutboundError::CouldNotConnect(shown.clone()))?
            .collect();
        if resolved.is_empty() {
            return Err(OutboundError::CouldNotConnect(shown));
        }
        // A name that resolves to an internal address is refused unless an entry names
        // that address: otherwise any allowed name could be pointed inward.
        if resolved
            .iter()
            .any(|a| is_internal(a.ip()) && !self.names_address(a.ip(), port))
        {
            return Err(not_allowed());
        }
        Ok(Checked {
            host,
            addresses: resolved,
        })
    }

    fn allows_name(&self, host: &str, port: u16) -> bool {
        self.0.iter().any(|entry| {
            entry.port.is_none_or(|p| p == port)
                && match &entry.pattern {
                    Pattern::Name(name) => name == host,
                    Pattern::Suffix(suffix) => {
                        host.len() > suffix.len() && host.ends_with(suffix.as_str())
                    }
                    Pattern::Net(_) => false,
                }
        })
    }

    fn names_address(&self, address: IpAddr, port: u16) -> bool {
        let address = canonical(address);
        self.0.iter().any(|entry| {
            entry.port.is_none_or(|p| p == port)
                && matches!(&entry.pattern, Pattern::Net(net) if net.contains(&address))
        })
    }
}

fn parse_entry(entry: &str) -> Result<Entry, String> {
    let bad = || {
        format!(
            "{entry:?} in the allowed hosts is not a host, address or block with an optional :port"
        )
    };
    // `[v6]:port`, `[v6]`, a bare IPv6 address or block (several colons), or `host:port`.
    let (target, port) = if let Some(rest) = entry.strip_prefix('[') {
        let (inside, after) = rest.split_once(']').ok_or_else(bad)?;
        let port = match after.strip_prefix(':') {
            Some(port) => Some(port.parse::<u16>().map_err(|_| bad())?),
            None if after.is_empty() => None,
            None => return Err(bad()),
        };
        (inside, port)
    } else if entry.matches(':').count() > 1 {
        (entry, None)
    } else if let Some((host, port)) = entry.rsplit_once(':') {
        (host, Some(port.parse::<u16>().map_err(|_| bad())?))
    } else {
        (entry, None)
    };
    let target = target.to_ascii_lowercase();
    let pattern = if let Ok(net) = IpNet::from_str(&target) {
        Pattern::Net(net)
    } else if let Ok(address) = IpAddr::from_str(&target) {
        Pattern::Net(IpNet::from(canonical(address)))
    } else if let Some(suffix) = target.strip_prefix("*.") {
        if !is_host_name(suffix) {
            return Err(bad());
        }
        Pattern::Suffix(format!(".{suffix}"))
    } else if is_host_name(&target) {
        Pattern::Name(target)
    } else {
        return Err(bad());
    };
    Ok(Entry { pattern, port })
}

fn is_host_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// An IPv4 address written as IPv6 (`::ffff:a.b.c.d`) is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// Loopback, private, link-local, CGNAT, multicast, unspecified and other addresses that
/// are not on the public internet.
fn is_internal(address: IpAddr) -> bool {
    match canonical(address) {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64.0.0/10
                || (a == 192 && b == 0 && v4.octets()[2] == 0) // IETF protocol assignments
                || (a == 198 && (18..20).contains(&b)) // benchmarking 198.18.0.0/15
                || a >= 240 // reserved
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (first & 0xffc0) == 0xfec0 // site-local (deprecated) fec0::/10
                || first == 0x2001 && v6.segments()[1] == 0x0db8 // documentation
                || first == 0x0064 && v6.segments()[1] == 0xff9b // NAT64 (may map inward)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn nothing_is_allowed_by_default() {
        let none = AllowList::default();
        for (host, port) in [
            ("127.0.0.1", 1),
            ("169.254.169.254", 80),
            ("example.com", 1883),
        ] {
            assert_eq!(
                none.check(host, port).await,
                Err(OutboundError::NotAllowed(format!("{host}:{port}")))
            );
        }
    }

    #[tokio::test]
    async fn entries_name_hosts_wildcards_addresses_blocks_and_ports() {
        let list = AllowList::parse(
            "broker.example.com:8883, *.mqtt.example.net, 10.0.0.0/8, 127.0.0.1:1883, [::1]:1883",
        )
        .unwrap();
        assert!(list.allows_name("broker.example.com", 8883));
        assert!(
            !list.allows_name("broker.example.com", 1883),
            "another port"
        );
        assert!(list.allows_name("eu.mqtt.example.net", 1));
        assert!(
            !list.allows_name("mqtt.example.net", 1),
            "the wildcard needs a label"
        );
        assert!(!list.allows_name("evilmqtt.example.net", 1));
        assert!(
            list.check("10.20.30.40", 5672).await.is_ok(),
            "inside a named block"
        );
        assert!(
            list.check("127.0.0.1", 1883).await.is_ok(),
            "loopback when named"
        );
        assert!(
            list.check("127.0.0.1", 3000).await.is_err(),
            "not on another port"
        );
        assert!(list.check("127.0.0.2", 1883).await.is_err());
        assert!(list.check("[::1]", 1883).await.is_ok());
        assert!(
            list.check("::ffff:10.0.0.1", 1).await.is_ok(),
            "mapped IPv4"
        );
        assert!(list.check("11.0.0.1", 1).await.is_err());
    }

    #[tokio::test]
    async fn a_name_that_resolves_inward_is_refused_unless_its_address_is_named() {
        let name_only = AllowList::parse("localhost").unwrap();
        assert_eq!(
            name_only.check("localhost", 1883).await,
            Err(OutboundError::NotAllowed("localhost:1883".into()))
        );
        let with_loopback = AllowList::parse("localhost, 127.0.0.0/8, ::1").unwrap();
        let checked = with_loopback.check("localhost", 1883).await.unwrap();
        assert!(checked.addresses.iter().all(|a| a.ip().is_loopback()));
    }

    #[test]
    fn internal_ranges() {
        for internal in [
            "127.0.0.1",
            "10.1.1.1",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_internal(internal.parse().unwrap()), "{internal}");
        }
        for public in ["1.1.1.1", "93.184.216.34", "2606:4700::1111"] {
            assert!(!is_internal(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn bad_entries_say_which() {
        for bad in [
            "exa mple.com",
            "host:port",
            "*.",
            "10.0.0.0/33",
            "[::1",
            "-a.com",
        ] {
            let error = AllowList::parse(bad).unwrap_err();
            assert!(error.contains(bad), "{error}");
        }
        assert!(AllowList::parse("").unwrap().is_empty());
    }
}
