//! Package `net`: IP addresses and prefixes with Go's `net/netip` parsing
//! and printing (and its error messages), host/port helpers, URL escaping
//! and a `url.Parse`-style check.

use num_bigint::{BigInt, Sign};

use super::util::{self, any, big_int, string};
use super::{CallError, CallResult, Package, Val};
use crate::golang::strconv::quote;

/// An IP address as `netip.Addr`: 4 or 16 bytes, IPv6 with an optional
/// zone.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Addr {
    bytes: Vec<u8>,
    zone: String,
}

impl Addr {
    fn is4(&self) -> bool {
        self.bytes.len() == 4
    }

    fn is6(&self) -> bool {
        self.bytes.len() == 16
    }

    fn is4in6(&self) -> bool {
        self.is6() && self.bytes[..10].iter().all(|&b| b == 0) && self.bytes[10..12] == [0xff, 0xff]
    }

    fn unmap(&self) -> Addr {
        if self.is4in6() {
            Addr {
                bytes: self.bytes[12..].to_vec(),
                zone: String::new(),
            }
        } else {
            self.clone()
        }
    }

    fn bit_len(&self) -> usize {
        self.bytes.len() * 8
    }

    fn u16(&self, i: usize) -> u16 {
        u16::from(self.bytes[2 * i]) << 8 | u16::from(self.bytes[2 * i + 1])
    }

    fn as16(&self) -> Vec<u8> {
        if self.is4() {
            let mut v = vec![0u8; 10];
            v.extend([0xff, 0xff]);
            v.extend(&self.bytes);
            v
        } else {
            self.bytes.clone()
        }
    }

    fn text(&self) -> String {
        if self.is4() {
            let b = &self.bytes;
            return format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]);
        }
        let zone = if self.zone.is_empty() {
            String::new()
        } else {
            format!("%{}", self.zone)
        };
        if self.is4in6() {
            return format!("::ffff:{}{zone}", self.unmap().text());
        }
        let (mut zs, mut ze) = (255usize, 255usize);
        let mut i = 0;
        while i < 8 {
            let mut j = i;
            while j < 8 && self.u16(j) == 0 {
                j += 1;
            }
            let l = j - i;
            if l >= 2 && (zs == 255 || l > ze - zs) {
                zs = i;
                ze = j;
            }
            i += 1;
        }
        let mut out = String::new();
        let mut i = 0;
        while i < 8 {
            if i == zs {
                out.push_str("::");
                i = ze;
                if i >= 8 {
                    break;
                }
            } else if i > 0 {
                out.push(':');
            }
            out.push_str(&format!("{:x}", self.u16(i)));
            i += 1;
        }
        out + &zone
    }

    fn is_loopback(&self) -> bool {
        let a = self.unmap();
        if a.is4() {
            a.bytes[0] == 127
        } else {
            a.zone.is_empty() && a.bytes[..15].iter().all(|&b| b == 0) && a.bytes[15] == 1
        }
    }

    fn is_multicast(&self) -> bool {
        let a = self.unmap();
        if a.is4() {
            a.bytes[0] & 0xf0 == 0xe0
        } else {
            a.bytes[0] == 0xff
        }
    }

    fn is_interface_local_multicast(&self) -> bool {
        self.is6() && !self.is4in6() && self.u16(0) & 0xff0f == 0xff01
    }

    fn is_link_local_multicast(&self) -> bool {
        let a = self.unmap();
        if a.is4() {
            a.bytes[..3] == [224, 0, 0]
        } else {
            a.u16(0) & 0xff0f == 0xff02
        }
    }

    fn is_link_local_unicast(&self) -> bool {
        let a = self.unmap();
        if a.is4() {
            a.bytes[..2] == [169, 254]
        } else {
            a.u16(0) & 0xffc0 == 0xfe80
        }
    }

    fn is_unspecified(&self) -> bool {
        self.zone.is_empty() && self.bytes.iter().all(|&b| b == 0)
    }

    fn is_global_unicast(&self) -> bool {
        let a = self.unmap();
        if a.is4() && (a.bytes == [0, 0, 0, 0] || a.bytes == [255, 255, 255, 255]) {
            return false;
        }
        let excluded = (a.is6() && a.is_unspecified())
            || a.is_loopback()
            || a.is_multicast()
            || a.is_link_local_unicast();
        !excluded
    }
}

fn addr_err(input: &str, msg: &str, at: Option<&str>) -> String {
    match at {
        Some(at) => format!("ParseAddr({}): {msg} (at {})", quote(input), quote(at)),
        None => format!("ParseAddr({}): {msg}", quote(input)),
    }
}

fn parse_v4_fields(input: &str, s: &str) -> Result<[u8; 4], String> {
    let b = s.as_bytes();
    let mut fields = [0u8; 4];
    let (mut val, mut pos, mut dig) = (0u32, 0usize, 0);
    for i in 0..b.len() {
        let c = b[i];
        if c.is_ascii_digit() {
            if dig == 1 && val == 0 {
                return Err(addr_err(
                    input,
                    "IPv4 field has octet with leading zero",
                    None,
                ));
            }
            val = val * 10 + u32::from(c - b'0');
            dig += 1;
            if val > 255 {
                return Err(addr_err(input, "IPv4 field has value >255", None));
            }
        } else if c == b'.' {
            if i == 0 || i == b.len() - 1 || b[i - 1] == b'.' {
                return Err(addr_err(
                    input,
                    "IPv4 field must have at least one digit",
                    Some(&s[i..]),
                ));
            }
            if pos == 3 {
                return Err(addr_err(input, "IPv4 address too long", None));
            }
            fields[pos] = val as u8;
            pos += 1;
            val = 0;
            dig = 0;
        } else {
            return Err(addr_err(input, "unexpected character", Some(&s[i..])));
        }
    }
    if pos < 3 {
        return Err(addr_err(input, "IPv4 address too short", None));
    }
    fields[3] = val as u8;
    Ok(fields)
}

fn parse_v6(input: &str) -> Result<Addr, String> {
    let mut s = input;
    let mut zone = "";
    if let Some(i) = s.find('%') {
        zone = &s[i + 1..];
        s = &s[..i];
        if zone.is_empty() {
            return Err(addr_err(input, "zone must be a non-empty string", None));
        }
    }
    let mut ip = [0u8; 16];
    let mut ellipsis: i32 = -1;
    if s.starts_with("::") {
        ellipsis = 0;
        s = &s[2..];
        if s.is_empty() {
            return Ok(Addr {
                bytes: ip.to_vec(),
                zone: zone.into(),
            });
        }
    }
    let mut i = 0usize;
    while i < 16 {
        let b = s.as_bytes();
        let mut off = 0;
        let mut acc: u32 = 0;
        while off < b.len() {
            let c = b[off];
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => break,
            };
            acc = (acc << 4) + u32::from(d);
            if off > 3 {
                return Err(addr_err(
                    input,
                    "each group must have 4 or less digits",
                    Some(s),
                ));
            }
            if acc > 0xffff {
                return Err(addr_err(input, "IPv6 field has value >=2^16", Some(s)));
            }
            off += 1;
        }
        if off == 0 {
            return Err(addr_err(
                input,
                "each colon-separated field must have at least one digit",
                Some(s),
            ));
        }
        if off < b.len() && b[off] == b'.' {
            if ellipsis < 0 && i != 12 {
                return Err(addr_err(
                    input,
                    "embedded IPv4 address must replace the final 2 fields of the address",
                    Some(s),
                ));
            }
            if i + 4 > 16 {
                return Err(addr_err(
                    input,
                    "too many hex fields to fit an embedded IPv4 at the end of the address",
                    Some(s),
                ));
            }
            let f = parse_v4_fields(input, s)?;
            ip[i..i + 4].copy_from_slice(&f);
            s = "";
            i += 4;
            break;
        }
        ip[i] = (acc >> 8) as u8;
        ip[i + 1] = acc as u8;
        i += 2;
        s = &s[off..];
        if s.is_empty() {
            break;
        }
        if !s.starts_with(':') {
            return Err(addr_err(input, "unexpected character, want colon", Some(s)));
        } else if s.len() == 1 {
            return Err(addr_err(
                input,
                "colon must be followed by more characters",
                Some(s),
            ));
        }
        s = &s[1..];
        if s.starts_with(':') {
            if ellipsis >= 0 {
                return Err(addr_err(input, "multiple :: in address", Some(s)));
            }
            ellipsis = i as i32;
            s = &s[1..];
            if s.is_empty() {
                break;
            }
        }
    }
    if !s.is_empty() {
        return Err(addr_err(input, "trailing garbage after address", Some(s)));
    }
    if i < 16 {
        if ellipsis < 0 {
            return Err(addr_err(input, "address string too short", None));
        }
        let e = ellipsis as usize;
        let n = 16 - i;
        for j in (e..i).rev() {
            ip[j + n] = ip[j];
        }
        for b in &mut ip[e..e + n] {
            *b = 0;
        }
    } else if ellipsis >= 0 {
        return Err(addr_err(
            input,
            "the :: must expand to at least one field of zeros",
            Some(s),
        ));
    }
    Ok(Addr {
        bytes: ip.to_vec(),
        zone: zone.into(),
    })
}

/// `netip.ParseAddr`.
fn parse_addr(s: &str) -> Result<Addr, String> {
    for c in s.bytes() {
        match c {
            b'.' => {
                return parse_v4_fields(s, s).map(|f| Addr {
                    bytes: f.to_vec(),
                    zone: String::new(),
                });
            }
            b':' => return parse_v6(s),
            b'%' => return Err(addr_err(s, "missing IPv6 address", None)),
            _ => {}
        }
    }
    Err(addr_err(s, "unable to parse IP", None))
}

/// `netip.ParsePrefix`: the address (not masked) and the prefix length.
fn parse_prefix(s: &str) -> Result<(Addr, usize), String> {
    let perr = |m: &str| format!("netip.ParsePrefix({}): {m}", quote(s));
    let Some(i) = s.rfind('/') else {
        return Err(perr("no '/'"));
    };
    let ip = parse_addr(&s[..i]).map_err(|e| perr(&e))?;
    if ip.is6() && !ip.zone.is_empty() {
        return Err(perr("IPv6 zones cannot be present in a prefix"));
    }
    let bits = &s[i + 1..];
    let bad = || perr(&format!("bad bits after slash: {}", quote(bits)));
    if bits.len() > 1 && !(b'1'..=b'9').contains(&bits.as_bytes()[0]) {
        return Err(bad());
    }
    if bits.is_empty() || !bits.bytes().all(|c| c.is_ascii_digit()) || bits.len() > 18 {
        return Err(bad());
    }
    let n: usize = bits.parse().map_err(|_| bad())?;
    if n > ip.bit_len() {
        return Err(perr("prefix length out of range"));
    }
    Ok((ip, n))
}

fn masked(a: &Addr, bits: usize) -> Addr {
    let mut b = a.bytes.clone();
    for (i, x) in b.iter_mut().enumerate() {
        let lo = i * 8;
        if lo >= bits {
            *x = 0;
        } else if bits - lo < 8 {
            *x &= !(0xffu8 >> (bits - lo));
        }
    }
    Addr {
        bytes: b,
        zone: String::new(),
    }
}

fn kind_err(v: &Val, what: &str) -> CallError {
    CallError::msg(format!("invalid type {} for {what}", v.kind_name()))
}

/// An IP argument: a string, bytes, or a list of byte values.
fn get_ip(v: &Val) -> Result<Addr, CallError> {
    match v {
        Val::Str(s) => parse_addr(s).map_err(CallError::Msg),
        Val::Bytes(b) => parse_addr(&String::from_utf8_lossy(b)).map_err(CallError::Msg),
        Val::List(l) => {
            let mut bytes = Vec::with_capacity(l.len());
            for x in l {
                let n = match x {
                    Val::Num(n) => n.to_i64().map_err(|e| CallError::msg(e.to_string()))?,
                    Val::Opaque(_) => return Err(CallError::Incomplete("non-concrete".into())),
                    v => {
                        return util::msg(format!(
                            "cannot use value {} (type {}) as int",
                            v.to_cue_string(),
                            v.kind_name()
                        ));
                    }
                };
                if !(0..=255).contains(&n) {
                    return util::msg(format!("invalid IP byte value {n}"));
                }
                bytes.push(n as u8);
            }
            if bytes.len() != 4 && bytes.len() != 16 {
                return util::msg(format!("invalid IP length {}", bytes.len()));
            }
            Ok(Addr {
                bytes,
                zone: String::new(),
            })
        }
        Val::Opaque(_) => Err(CallError::Incomplete("non-concrete IP".into())),
        v => Err(kind_err(v, "IP address")),
    }
}

fn get_prefix(v: &Val) -> Result<(Addr, usize), CallError> {
    match v {
        Val::Str(s) => parse_prefix(s).map_err(CallError::Msg),
        Val::Bytes(b) => parse_prefix(&String::from_utf8_lossy(b)).map_err(CallError::Msg),
        Val::Opaque(_) => Err(CallError::Incomplete("non-concrete IP CIDR".into())),
        v => Err(kind_err(v, "IP CIDR")),
    }
}

fn bytes_list(b: &[u8]) -> Val {
    Val::List(b.iter().map(|&x| Val::int(x)).collect())
}

fn ip_pred(a: &[Val], f: fn(&Addr) -> bool) -> CallResult {
    Ok(Val::Bool(f(&get_ip(any(a, 0)?)?)))
}

fn ip_add(addr: &Addr, offset: &BigInt) -> Result<Addr, CallError> {
    let i = BigInt::from_bytes_be(Sign::Plus, &addr.bytes) + offset;
    if i.sign() == Sign::Minus {
        return util::msg("IP address arithmetic resulted in out-of-range address (underflow)");
    }
    let (_, mut b) = i.to_bytes_be();
    if b == [0] {
        b.clear();
    }
    let size = addr.bytes.len();
    if b.len() > size {
        return util::msg("IP address arithmetic resulted in out-of-range address (overflow)");
    }
    let mut out = vec![0u8; size - b.len()];
    out.extend(b);
    Ok(Addr {
        bytes: out,
        zone: addr.zone.clone(),
    })
}

pub static PACKAGE: Package = Package {
    path: "net",
    funcs: &[
        func!("SplitHostPort", [String], List, |_, a| {
            let (h, p) = split_host_port(string(a, 0)?).map_err(CallError::Msg)?;
            Ok(util::strings_val([h, p]))
        }),
        func!("JoinHostPort", [Top, Top], String, join_host_port),
        func!("FQDN", [String], Bool, |_, a| Ok(Val::Bool(fqdn(string(
            a, 0
        )?)))),
        func!("ParseIP", [String], List, |_, a| {
            let s = string(a, 0)?;
            match parse_addr(s) {
                Ok(ip) => Ok(bytes_list(&ip.bytes)),
                Err(_) => util::msg(format!("invalid IP address {}", quote(s))),
            }
        }),
        func!("IPv4", [Top], Bool, |_, a| ip_pred(a, Addr::is4)),
        func!("IPv6", [Top], Bool, |_, a| ip_pred(a, Addr::is6)),
        func!("IP", [Top], Bool, |_, a| ip_pred(a, |_| true)),
        func!("IPCIDR", [Top], Bool, |_, a| {
            get_prefix(any(a, 0)?)?;
            Ok(Val::Bool(true))
        }),
        func!("LoopbackIP", [Top], Bool, |_, a| ip_pred(
            a,
            Addr::is_loopback
        )),
        func!("MulticastIP", [Top], Bool, |_, a| ip_pred(
            a,
            Addr::is_multicast
        )),
        func!("InterfaceLocalMulticastIP", [Top], Bool, |_, a| ip_pred(
            a,
            Addr::is_interface_local_multicast
        )),
        func!("LinkLocalMulticastIP", [Top], Bool, |_, a| ip_pred(
            a,
            Addr::is_link_local_multicast
        )),
        func!("LinkLocalUnicastIP", [Top], Bool, |_, a| ip_pred(
            a,
            Addr::is_link_local_unicast
        )),
        func!("GlobalUnicastIP", [Top], Bool, |_, a| ip_pred(
            a,
            Addr::is_global_unicast
        )),
        func!("UnspecifiedIP", [Top], Bool, |_, a| ip_pred(
            a,
            Addr::is_unspecified
        )),
        func!("ToIP4", [Top], List, |_, a| {
            let ip = get_ip(any(a, 0)?)?;
            if !ip.is4() {
                return util::msg(format!("cannot convert {} to IPv4", quote(&ip.text())));
            }
            Ok(bytes_list(&ip.bytes))
        }),
        func!("ToIP16", [Top], List, |_, a| {
            let ip = get_ip(any(a, 0)?)?;
            Ok(bytes_list(&ip.as16()))
        }),
        func!("IPString", [Top], String, |_, a| {
            Ok(Val::str(get_ip(any(a, 0)?)?.text()))
        }),
        func!("AddIP", [Top, Int], String, |_, a| {
            let v = any(a, 0)?;
            let off = big_int(a, 1)?;
            if let Ok((p, bits)) = get_prefix(v) {
                let r = ip_add(&p, &off)?;
                return Ok(Val::str(format!("{}/{bits}", r.text())));
            }
            let ip = get_ip(v)?;
            Ok(Val::str(ip_add(&ip, &off)?.text()))
        }),
        func!("AddIPCIDR", [Top, Int], String, |_, a| {
            let (p, bits) = get_prefix(any(a, 0)?)?;
            let off = big_int(a, 1)?;
            let shifted = off << (p.bit_len() - bits);
            let r = ip_add(&p, &shifted)?;
            Ok(Val::str(format!("{}/{bits}", r.text())))
        }),
        func!("ParseCIDR", [String], Struct, |_, a| {
            let (addr, bits) = parse_prefix(string(a, 0)?).map_err(CallError::Msg)?;
            let n = addr.bytes.len();
            let mut mask = vec![0u8; n];
            for (i, m) in mask.iter_mut().enumerate() {
                let lo = i * 8;
                if bits >= lo + 8 {
                    *m = 0xff;
                } else if bits > lo {
                    *m = !(0xffu8 >> (bits - lo));
                }
            }
            let netmask = Addr {
                bytes: mask.clone(),
                zone: String::new(),
            };
            let network = masked(&addr, bits);
            let mut fields = vec![
                ("prefix_mask", Val::str(netmask.text())),
                ("prefix_len", Val::int(bits)),
                ("prefix_addr", Val::str(network.text())),
            ];
            if addr.is4() {
                let b: Vec<u8> = network
                    .bytes
                    .iter()
                    .zip(&mask)
                    .map(|(x, m)| x | !m)
                    .collect();
                let bc = Addr {
                    bytes: b,
                    zone: String::new(),
                };
                fields.push(("broadcast_addr", Val::str(bc.text())));
            }
            Ok(Val::fields(fields))
        }),
        func!("InCIDR", [Top, Top], Bool, |_, a| {
            let ip = get_ip(any(a, 0)?)?;
            let (p, bits) = get_prefix(any(a, 1)?)?;
            let contains = ip.zone.is_empty()
                && ip.bytes.len() == p.bytes.len()
                && masked(&ip, bits).bytes == masked(&p, bits).bytes;
            Ok(Val::Bool(contains))
        }),
        func!("CompareIP", [Top, Top], Int, |_, a| {
            let x = get_ip(any(a, 0)?)?;
            let y = get_ip(any(a, 1)?)?;
            let c = x
                .bit_len()
                .cmp(&y.bit_len())
                .then_with(|| x.bytes.cmp(&y.bytes))
                .then_with(|| x.zone.cmp(&y.zone));
            Ok(Val::int(c as i8))
        }),
        func!("PathEscape", [String], String, |_, a| Ok(Val::str(escape(
            string(a, 0)?,
            false
        )))),
        func!("PathUnescape", [String], String, |_, a| {
            unescape(string(a, 0)?, false)
                .map(Val::str)
                .map_err(CallError::Msg)
        }),
        func!("QueryEscape", [String], String, |_, a| Ok(Val::str(
            escape(string(a, 0)?, true)
        ))),
        func!("QueryUnescape", [String], String, |_, a| {
            unescape(string(a, 0)?, true)
                .map(Val::str)
                .map_err(CallError::Msg)
        }),
        func!("URL", [String], Bool, |_, a| {
            let s = string(a, 0)?;
            parse_url(s).map_err(|m| CallError::msg(format!("parse {}: {m}", quote(s))))?;
            Ok(Val::Bool(true))
        }),
        func!("AbsURL", [String], Bool, |_, a| {
            let s = string(a, 0)?;
            let abs =
                parse_url(s).map_err(|m| CallError::msg(format!("parse {}: {m}", quote(s))))?;
            if !abs {
                return util::msg("URL is not absolute");
            }
            Ok(Val::Bool(true))
        }),
    ],
    consts: &[("IPv4len", || Val::int(4)), ("IPv6len", || Val::int(16))],
    cue: "",
};

/// Go's `net.SplitHostPort`.
fn split_host_port(hostport: &str) -> Result<(String, String), String> {
    let addr_err = |why: &str| format!("address {hostport}: {why}");
    let Some(i) = hostport.rfind(':') else {
        return Err(addr_err("missing port in address"));
    };
    let (host, j, k);
    if hostport.starts_with('[') {
        let Some(end) = hostport.find(']') else {
            return Err(addr_err("missing ']' in address"));
        };
        if end + 1 == hostport.len() {
            return Err(addr_err("missing port in address"));
        }
        if end + 1 != i {
            return Err(if hostport.as_bytes()[end + 1] == b':' {
                addr_err("too many colons in address")
            } else {
                addr_err("missing port in address")
            });
        }
        host = &hostport[1..end];
        j = 1;
        k = end + 1;
    } else {
        host = &hostport[..i];
        if host.contains(':') {
            return Err(addr_err("too many colons in address"));
        }
        j = 0;
        k = 0;
    }
    if hostport[j..].contains('[') {
        return Err(addr_err("unexpected '[' in address"));
    }
    if hostport[k..].contains(']') {
        return Err(addr_err("unexpected ']' in address"));
    }
    Ok((host.to_string(), hostport[i + 1..].to_string()))
}

fn join_host_port(_: &mut dyn super::CallCtx, a: &[Val]) -> CallResult {
    let host = match any(a, 0)? {
        Val::List(_) => match get_ip(&a[0]) {
            Ok(ip) => ip.text(),
            Err(_) => return util::msg(format!("invalid host {}", a[0].to_cue_string())),
        },
        Val::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Val::Str(s) => s.to_string(),
        Val::Opaque(_) => return Err(CallError::Incomplete("non-concrete host".into())),
        v => {
            return util::msg(format!(
                "cannot use value {} (type {}) as string",
                v.to_cue_string(),
                v.kind_name()
            ));
        }
    };
    let port = match any(a, 1)? {
        Val::Str(s) => s.to_string(),
        Val::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Val::Num(n) => n
            .to_i64()
            .map_err(|e| CallError::msg(e.to_string()))?
            .to_string(),
        Val::Opaque(_) => return Err(CallError::Incomplete("non-concrete port".into())),
        v => {
            return util::msg(format!(
                "cannot use value {} (type {}) as int",
                v.to_cue_string(),
                v.kind_name()
            ));
        }
    };
    Ok(Val::str(if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }))
}

/// RFC 3492 Punycode decoding of one label (without `xn--`).
fn punycode_decode(input: &str) -> Option<String> {
    const BASE: u32 = 36;
    let (mut n, mut i, mut bias) = (128u32, 0u32, 72u32);
    let (basic, rest) = match input.rfind('-') {
        Some(p) => (&input[..p], &input[p + 1..]),
        None => ("", input),
    };
    if !basic.is_ascii() {
        return None;
    }
    let mut out: Vec<char> = basic.chars().collect();
    let mut it = rest.bytes().peekable();
    while it.peek().is_some() {
        let old_i = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let c = it.next()?;
            let digit = match c {
                b'a'..=b'z' => u32::from(c - b'a'),
                b'A'..=b'Z' => u32::from(c - b'A'),
                b'0'..=b'9' => u32::from(c - b'0') + 26,
                _ => return None,
            };
            i = i.checked_add(digit.checked_mul(w)?)?;
            let t = if k <= bias {
                1
            } else if k >= bias + 26 {
                26
            } else {
                k - bias
            };
            if digit < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let len = out.len() as u32 + 1;
        let mut delta = if old_i == 0 {
            (i - old_i) / 700
        } else {
            (i - old_i) / 2
        };
        delta += delta / len;
        let mut k = 0;
        while delta > ((BASE - 1) * 26) / 2 {
            delta /= BASE - 1;
            k += BASE;
        }
        bias = k + (BASE * delta) / (delta + 38);
        n = n.checked_add(i / len)?;
        i %= len;
        out.insert(i as usize, char::from_u32(n)?);
        i += 1;
    }
    Some(out.into_iter().collect())
}

/// `FQDN`: ASCII input that IDNA lookup mapping (STD3 rules, hyphen
/// checks, DNS lengths) accepts.
fn fqdn(s: &str) -> bool {
    if !s.is_ascii() {
        return false;
    }
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.is_empty() || s.len() > 253 {
        return false;
    }
    for label in s.split('.') {
        if label.is_empty() || label.len() > 63 {
            return false;
        }
        if !label
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-')
        {
            return false;
        }
        if label.starts_with('-') || label.ends_with('-') {
            return false;
        }
        let lower = label.to_ascii_lowercase();
        if let Some(p) = lower.strip_prefix("xn--") {
            match punycode_decode(p) {
                Some(d) if !d.is_ascii() && !d.is_empty() => {}
                _ => return false,
            }
        } else if label.len() >= 4 && &label[2..4] == "--" {
            return false;
        }
    }
    true
}

fn should_escape(c: u8, query: bool) -> bool {
    if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~') {
        return false;
    }
    if query {
        // encodeQueryComponent: everything else is escaped.
        return true;
    }
    // encodePathSegment: `/ ; , ?` stay reserved.
    !matches!(c, b'$' | b'&' | b'+' | b':' | b'=' | b'@')
}

/// `url.PathEscape` / `url.QueryEscape`.
fn escape(s: &str, query: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if query && c == b' ' {
            out.push('+');
        } else if should_escape(c, query) {
            out.push_str(&format!("%{c:02X}"));
        } else {
            out.push(c as char);
        }
    }
    out
}

/// `url.PathUnescape` / `url.QueryUnescape`.
fn unescape(s: &str, query: bool) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (
                    b.get(i + 1).and_then(|&c| hex(c)),
                    b.get(i + 2).and_then(|&c| hex(c)),
                ) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                    }
                    _ => {
                        let end = (i + 3).min(b.len());
                        let esc = String::from_utf8_lossy(&b[i..end]);
                        return Err(format!("invalid URL escape {}", quote(&esc)));
                    }
                }
            }
            b'+' if query => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// A check in the manner of Go's `url.Parse`; returns whether the URL is
/// absolute (has a scheme).
fn parse_url(raw: &str) -> Result<bool, String> {
    if raw.bytes().any(|c| c < 0x20 || c == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    let (rest, frag) = match raw.find('#') {
        Some(i) => (&raw[..i], Some(&raw[i + 1..])),
        None => (raw, None),
    };
    if let Some(f) = frag {
        unescape_check(f)?;
    }
    if rest == "*" {
        return Ok(false);
    }
    // Scheme.
    let mut scheme = "";
    let mut rest = rest;
    for (i, c) in rest.bytes().enumerate() {
        if c.is_ascii_alphabetic() {
            continue;
        }
        if c.is_ascii_digit() || c == b'+' || c == b'-' || c == b'.' {
            if i == 0 {
                break;
            }
            continue;
        }
        if c == b':' {
            if i == 0 {
                return Err("missing protocol scheme".into());
            }
            scheme = &rest[..i];
            rest = &rest[i + 1..];
        }
        break;
    }
    let rest = match rest.find('?') {
        Some(i) => &rest[..i],
        None => rest,
    };
    if !rest.starts_with('/') && !scheme.is_empty() {
        // Opaque URL.
        return Ok(true);
    }
    if scheme.is_empty()
        && !rest.starts_with('/')
        && let Some(c) = rest.find(':')
        && rest.find('/').is_none_or(|s| c < s)
    {
        return Err("first path segment in URL cannot contain colon".into());
    }
    let mut path = rest;
    if (!scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let auth_end = rest[2..].find('/').map_or(rest.len(), |i| i + 2);
        let authority = &rest[2..auth_end];
        path = &rest[auth_end..];
        let host = match authority.rfind('@') {
            Some(i) => &authority[i + 1..],
            None => authority,
        };
        parse_host(host)?;
    }
    unescape_check(path)?;
    Ok(!scheme.is_empty())
}

fn unescape_check(s: &str) -> Result<(), String> {
    unescape(s, false).map(|_| ())
}

fn valid_port(p: &str) -> bool {
    p.is_empty() || (p.starts_with(':') && p[1..].bytes().all(|c| c.is_ascii_digit()))
}

fn parse_host(host: &str) -> Result<(), String> {
    if host.starts_with('[') {
        let Some(i) = host.rfind(']') else {
            return Err("missing ']' in host".into());
        };
        let port = &host[i + 1..];
        if !valid_port(port) {
            return Err(format!("invalid port {} after host", quote(port)));
        }
        return Ok(());
    }
    if let Some(i) = host.rfind(':') {
        let port = &host[i..];
        if !valid_port(port) {
            return Err(format!("invalid port {} after host", quote(port)));
        }
    }
    for c in host.chars() {
        let ok = c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:%[]".contains(c) || !c.is_ascii();
        if !ok {
            return Err(format!(
                "invalid character {} in host name",
                quote(&c.to_string())
            ));
        }
    }
    unescape(host, false).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netip_round_trips() {
        for (s, want) in [
            ("1.2.3.4", "1.2.3.4"),
            ("::", "::"),
            ("::1", "::1"),
            ("2001:0db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
            ("::ffff:10.0.0.1", "::ffff:10.0.0.1"),
            ("fe80::1%eth0", "fe80::1%eth0"),
        ] {
            assert_eq!(parse_addr(s).unwrap().text(), want);
        }
        assert_eq!(
            parse_addr("1.2.3.04").unwrap_err(),
            "ParseAddr(\"1.2.3.04\"): IPv4 field has octet with leading zero"
        );
        assert_eq!(
            parse_prefix("1.2.3.4/33").unwrap_err(),
            "netip.ParsePrefix(\"1.2.3.4/33\"): prefix length out of range"
        );
    }

    #[test]
    fn punycode() {
        assert_eq!(punycode_decode("bcher-kva").as_deref(), Some("bücher"));
        assert!(fqdn("xn--bcher-kva.example"));
        assert!(!fqdn("-bad.example"));
    }
}
