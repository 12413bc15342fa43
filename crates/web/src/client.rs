//! Who is on the other end: the client's address as limiters count it. Behind a proxy
//! every request comes from the proxy, so the address it forwards is taken, but only
//! from the proxies an admin configured; anyone else could write any address there.

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::IpAddr;

/// The client of a request from `peer`, as a limiter key. An IPv6 client is counted by
/// its /64: one connection gets a whole /64, so single addresses are free to change.
pub fn client_key(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> String {
    let addr = client_addr(peer, headers, trusted);
    match addr {
        IpAddr::V4(a) => a.to_string(),
        IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = a.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// The peer, or where a trusted proxy says the request came from: the right-most
/// address in `X-Forwarded-For` that is not itself a trusted proxy.
fn client_addr(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |a: &IpAddr| trusted.iter().any(|net| net.contains(a));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .map(|a| a.parse::<IpAddr>())
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    forwarded
        .into_iter()
        .rev()
        .find(|a| !is_trusted(a))
        .unwrap_or(peer)
}

/// Parses `--trusted-proxies`: addresses or networks, separated by commas.
pub fn parse_trusted(s: &str) -> Result<Vec<IpNet>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<IpNet>()
                .or_else(|_| p.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("not an address or network: {p}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", xff.parse().expect("header"));
        h
    }

    #[test]
    fn forwarded_address_counts_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.5".parse().expect("ip");
        let trusted = parse_trusted("10.0.0.0/8, ::1").expect("nets");
        let h = headers("203.0.113.7, 10.0.0.9");
        assert_eq!(client_key(proxy, &h, &trusted), "203.0.113.7");
        // A client that is not a proxy cannot choose its key.
        let stranger: IpAddr = "198.51.100.1".parse().expect("ip");
        assert_eq!(client_key(stranger, &h, &trusted), "198.51.100.1");
        // A client's own forged entries stand left of the address the proxy added.
        let h = headers("1.2.3.4, 203.0.113.7");
        assert_eq!(client_key(proxy, &h, &trusted), "203.0.113.7");
        // Nothing trusted: the peer.
        assert_eq!(client_key(proxy, &h, &[]), "10.0.0.5");
        // Garbage in the header: the peer.
        assert_eq!(
            client_key(proxy, &headers("nonsense"), &trusted),
            "10.0.0.5"
        );
    }

    #[test]
    fn ipv6_clients_count_by_their_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("ip");
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().expect("ip");
        let c: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
        let none = HeaderMap::new();
        assert_eq!(client_key(a, &none, &[]), client_key(b, &none, &[]));
        assert_ne!(client_key(a, &none, &[]), client_key(c, &none, &[]));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().expect("ip");
        assert_eq!(client_key(mapped, &none, &[]), "192.0.2.1");
    }

    #[test]
    fn trusted_proxies_parse() {
        assert_eq!(parse_trusted("").expect("empty"), vec![]);
        assert_eq!(parse_trusted("127.0.0.1, 10.0.0.0/8").expect("ok").len(), 2);
        assert!(parse_trusted("10.0.0.0/33").is_err());
        assert!(parse_trusted("proxy.local").is_err());
    }
}
