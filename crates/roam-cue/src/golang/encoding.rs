//! Go `encoding/hex` and `encoding/base64` behaviour that CUE exposes:
//! output formats (`hex.Dump`) and, above all, Go's error texts
//! (`encoding/hex: invalid byte: U+006F 'o'`,
//! `illegal base64 data at input byte 0`).

use super::unicode::is_print;

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

/// Go `hex.EncodeToString`.
pub fn hex_encode(src: &[u8]) -> String {
    let mut out = String::with_capacity(src.len() * 2);
    for &b in src {
        out.push(LOWER_HEX[(b >> 4) as usize] as char);
        out.push(LOWER_HEX[(b & 15) as usize] as char);
    }
    out
}

fn unhex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Go's `InvalidByteError` text: `%#U` of the byte as a rune.
fn invalid_byte(b: u8) -> String {
    let c = b as char;
    if is_print(c) {
        format!("encoding/hex: invalid byte: U+{:04X} '{c}'", b)
    } else {
        format!("encoding/hex: invalid byte: U+{:04X}", b)
    }
}

/// Go `hex.DecodeString`, with Go's error for the first bad byte (checked
/// before the odd-length error).
pub fn hex_decode(src: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(src.len() / 2);
    let mut j = 1;
    while j < src.len() {
        let (p, q) = (src[j - 1], src[j]);
        let a = unhex(p).ok_or_else(|| invalid_byte(p))?;
        let b = unhex(q).ok_or_else(|| invalid_byte(q))?;
        out.push(a << 4 | b);
        j += 2;
    }
    if src.len() % 2 == 1 {
        let last = src[j - 1];
        if unhex(last).is_none() {
            return Err(invalid_byte(last));
        }
        return Err("encoding/hex: odd length hex string".into());
    }
    Ok(out)
}

/// Go `hex.Dump`: `hexdump -C` style lines.
pub fn hex_dump(data: &[u8]) -> String {
    let mut out = String::new();
    let to_char = |b: u8| {
        if (32..=126).contains(&b) {
            b as char
        } else {
            '.'
        }
    };
    for (line, chunk) in data.chunks(16).enumerate() {
        out.push_str(&format!("{:08x}  ", (line * 16) as u32));
        for i in 0..16 {
            match chunk.get(i) {
                Some(b) => {
                    out.push(LOWER_HEX[(b >> 4) as usize] as char);
                    out.push(LOWER_HEX[(b & 15) as usize] as char);
                    out.push(' ');
                }
                None => out.push_str("   "),
            }
            if i == 7 {
                out.push(' ');
            } else if i == 15 {
                out.push_str(" |");
            }
        }
        out.extend(chunk.iter().map(|&b| to_char(b)));
        out.push_str("|\n");
    }
    out
}

/// A base64 alphabet and padding choice (Go's `base64.Encoding`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Base64 {
    url: bool,
    pad: bool,
}

/// `base64.StdEncoding`.
pub const STD_ENCODING: Base64 = Base64 {
    url: false,
    pad: true,
};
/// `base64.URLEncoding`.
pub const URL_ENCODING: Base64 = Base64 {
    url: true,
    pad: true,
};
/// `base64.RawStdEncoding`.
pub const RAW_STD_ENCODING: Base64 = Base64 {
    url: false,
    pad: false,
};
/// `base64.RawURLEncoding`.
pub const RAW_URL_ENCODING: Base64 = Base64 {
    url: true,
    pad: false,
};

impl Base64 {
    fn alphabet(self) -> &'static [u8; 64] {
        if self.url {
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        } else {
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        }
    }

    fn decode_byte(self, b: u8) -> Option<u8> {
        self.alphabet()
            .iter()
            .position(|&c| c == b)
            .map(|p| p as u8)
    }

    /// `EncodeToString`.
    pub fn encode(self, src: &[u8]) -> String {
        let a = self.alphabet();
        let mut out = String::with_capacity(self.encoded_len(src.len()));
        for chunk in src.chunks(3) {
            let v = (chunk[0] as u32) << 16
                | (*chunk.get(1).unwrap_or(&0) as u32) << 8
                | *chunk.get(2).unwrap_or(&0) as u32;
            let n = chunk.len() + 1;
            for i in 0..4 {
                if i < n {
                    out.push(a[((v >> (18 - 6 * i)) & 63) as usize] as char);
                } else if self.pad {
                    out.push('=');
                }
            }
        }
        out
    }

    /// `EncodedLen(n)`.
    pub fn encoded_len(self, n: usize) -> usize {
        if self.pad {
            n.div_ceil(3) * 4
        } else {
            (n * 8).div_ceil(6)
        }
    }

    /// `DecodedLen(n)` (an upper bound, as in Go).
    pub fn decoded_len(self, n: usize) -> usize {
        if self.pad { n / 4 * 3 } else { n * 6 / 8 }
    }

    /// `DecodeString`: `\r` and `\n` are ignored; errors are Go's
    /// `illegal base64 data at input byte N`.
    pub fn decode(self, src: &[u8]) -> Result<Vec<u8>, String> {
        let corrupt = |i: usize| format!("illegal base64 data at input byte {i}");
        let mut out = Vec::with_capacity(self.decoded_len(src.len()));
        let mut si = 0;
        let nl = |b: u8| b == b'\n' || b == b'\r';
        while si < src.len() {
            // One quantum (Go's decodeQuantum).
            let mut dbuf = [0u8; 4];
            let mut dlen = 4;
            let mut err: Option<usize> = None;
            let mut j = 0;
            while j < 4 {
                if si == src.len() {
                    if j == 0 {
                        return Ok(out);
                    }
                    if j == 1 || self.pad {
                        return Err(corrupt(si - j));
                    }
                    dlen = j;
                    break;
                }
                let inb = src[si];
                si += 1;
                if let Some(v) = self.decode_byte(inb) {
                    dbuf[j] = v;
                    j += 1;
                    continue;
                }
                if nl(inb) {
                    continue;
                }
                if !self.pad || inb != b'=' {
                    return Err(corrupt(si - 1));
                }
                match j {
                    0 | 1 => return Err(corrupt(si - 1)),
                    2 => {
                        while si < src.len() && nl(src[si]) {
                            si += 1;
                        }
                        if si == src.len() {
                            return Err(corrupt(src.len()));
                        }
                        if src[si] != b'=' {
                            return Err(corrupt(si - 1));
                        }
                        si += 1;
                    }
                    _ => {}
                }
                while si < src.len() && nl(src[si]) {
                    si += 1;
                }
                if si < src.len() {
                    err = Some(si);
                }
                dlen = j;
                break;
            }
            let val = (dbuf[0] as u32) << 18
                | (dbuf[1] as u32) << 12
                | (dbuf[2] as u32) << 6
                | dbuf[3] as u32;
            let bytes = [(val >> 16) as u8, (val >> 8) as u8, val as u8];
            out.extend_from_slice(&bytes[..dlen - 1]);
            if let Some(i) = err {
                return Err(corrupt(i));
            }
        }
        Ok(out)
    }
}
