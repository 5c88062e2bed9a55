//! Who is calling, as far as the network says: the client's address and whether the
//! request came over https. Behind a reverse proxy the TCP peer is the proxy, so its
//! `X-Forwarded-For` and `X-Forwarded-Proto` are believed, but only from the proxies an
//! administrator lists (`--trusted-proxies`): any client can send those headers.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use ipnet::IpNet;

/// The addresses whose forwarding headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Reads a comma-separated list of IP addresses and CIDR blocks.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                IpNet::from_str(entry)
                    .or_else(|_| IpAddr::from_str(entry).map(IpNet::from))
                    .map_err(|_| {
                        format!(
                            "{entry:?} in the trusted proxies is not an IP address or CIDR block"
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.0.iter().any(|net| net.contains(&address))
    }
}

/// What the network says about the caller of one request (in the request's extensions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientInfo {
    /// The client's address: the TCP peer, or the nearest address a trusted proxy
    /// forwarded for.
    pub address: IpAddr,
    /// Whether the client reached us over https (a trusted proxy's `X-Forwarded-Proto`).
    pub https: bool,
}

impl ClientInfo {
    /// Reads a request's peer and, from trusted proxies, its forwarding headers.
    pub fn of(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> ClientInfo {
        if !trusted.trusts(peer) {
            return ClientInfo {
                address: canonical(peer),
                https: false,
            };
        }
        // The rightmost address no trusted proxy added: entries left of it could have
        // been written by the client itself.
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|entry| IpAddr::from_str(entry.trim()).ok())
            .collect();
        let address = forwarded
            .iter()
            .rev()
            .copied()
            .find(|address| !trusted.trusts(*address))
            .or_else(|| forwarded.first().copied())
            .unwrap_or(peer);
        let https = headers
            .get("x-forwarded-proto")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(',').next())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
        ClientInfo {
            address: canonical(address),
            https,
        }
    }
}

/// An IPv4 address written as IPv6 (`::ffff:a.b.c.d`) is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// Middleware: puts the request's [`ClientInfo`] into its extensions, and, behind a
/// trusted proxy, makes its `ConnectInfo` the client's address, so everything that asks
/// for the peer (log-in throttling among them) counts the client, not the proxy. A
/// request without a peer address (tests calling the router directly) counts as from
/// loopback.
pub async fn attach_client_info(
    State(trusted): State<std::sync::Arc<TrustedProxies>>,
    mut request: Request,
) -> Request {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    let peer_ip = peer.map_or(IpAddr::from([127, 0, 0, 1]), |peer| peer.ip());
    let info = ClientInfo::of(peer_ip, request.headers(), &trusted);
    if let Some(peer) = peer
        && info.address != canonical(peer.ip())
    {
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(info.address, peer.port())));
    }
    request.extensions_mut().insert(info);
    request
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        let trusted = TrustedProxies::parse("10.0.0.0/8, 192.168.1.7").unwrap();
        let forwarded = headers(&[
            ("x-forwarded-for", "203.0.113.9, 198.51.100.4"),
            ("x-forwarded-proto", "https"),
        ]);
        let from_client = ClientInfo::of("198.51.100.20".parse().unwrap(), &forwarded, &trusted);
        assert_eq!(
            from_client.address,
            "198.51.100.20".parse::<IpAddr>().unwrap()
        );
        assert!(
            !from_client.https,
            "an untrusted peer's X-Forwarded-Proto is ignored"
        );

        let from_proxy = ClientInfo::of("10.1.2.3".parse().unwrap(), &forwarded, &trusted);
        assert_eq!(
            from_proxy.address,
            "198.51.100.4".parse::<IpAddr>().unwrap(),
            "the rightmost untrusted address: the client may have written the others"
        );
        assert!(from_proxy.https);

        let chained = headers(&[("x-forwarded-for", "203.0.113.9, 10.9.9.9")]);
        let through_two = ClientInfo::of("192.168.1.7".parse().unwrap(), &chained, &trusted);
        assert_eq!(
            through_two.address,
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        assert!(!through_two.https);
    }

    #[test]
    fn mapped_addresses_and_bad_entries() {
        let trusted = TrustedProxies::parse("127.0.0.1").unwrap();
        let info = ClientInfo::of(
            "::ffff:127.0.0.1".parse().unwrap(),
            &headers(&[("x-forwarded-for", "203.0.113.9")]),
            &trusted,
        );
        assert_eq!(info.address, "203.0.113.9".parse::<IpAddr>().unwrap());
        let error = TrustedProxies::parse("10.0.0.0/8, proxy.internal").unwrap_err();
        assert!(error.contains("proxy.internal"), "{error}");
        assert_eq!(
            TrustedProxies::parse("").unwrap(),
            TrustedProxies::default()
        );
    }
}
