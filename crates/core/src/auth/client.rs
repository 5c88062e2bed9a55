//! Who is on the other end of a connection, as far as throttling is concerned.
//!
//! The one place that decides a request's client address: the TCP peer.
//! `X-Forwarded-For` and its kin are never read here, since anyone can send them; the
//! server's proxy layer (`--trusted-proxies`) replaces the peer with the forwarded
//! client only for the proxies an administrator lists.

use std::net::{IpAddr, SocketAddr};

/// The address throttling counts a request against: the peer's IP (behind a proxy listed
/// in `--trusted-proxies`, the server has already made it the address the proxy
/// forwarded for; the headers themselves are never read here), or `unknown` for a server
/// run without connection info (in-process tests). An IPv6 peer is counted by
/// its /64, the block one subscriber usually holds, so hopping addresses buys nothing.
pub fn client_address(peer: Option<SocketAddr>, _headers: &http::HeaderMap) -> String {
    match peer.map(|peer| peer.ip()) {
        Some(IpAddr::V4(ip)) => ip.to_string(),
        Some(IpAddr::V6(ip)) => match ip.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = ip.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        None => "unknown".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_headers_are_not_trusted() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.9".parse().unwrap());
        let peer: SocketAddr = "192.0.2.1:5000".parse().unwrap();
        assert_eq!(client_address(Some(peer), &headers), "192.0.2.1");
    }

    #[test]
    fn ipv6_peers_count_by_their_block() {
        let headers = http::HeaderMap::new();
        let a: SocketAddr = "[2001:db8:1:2:aaaa::1]:1".parse().unwrap();
        let b: SocketAddr = "[2001:db8:1:2:bbbb::2]:1".parse().unwrap();
        assert_eq!(client_address(Some(a), &headers), "2001:db8:1:2::/64");
        assert_eq!(
            client_address(Some(a), &headers),
            client_address(Some(b), &headers)
        );
        assert_eq!(client_address(None, &headers), "unknown");
    }
}
