//! Packages `crypto/md5`, `crypto/sha1`, `crypto/sha256`, `crypto/sha512`
//! and `crypto/hmac`.

use hmac::{Hmac, Mac};
use sha2::Digest;

use super::util::{self, bytes, string};
use super::{Package, Val};

pub fn md5(data: &[u8]) -> Vec<u8> {
    md5::Md5::digest(data).to_vec()
}

pub fn sha1(data: &[u8]) -> Vec<u8> {
    sha1::Sha1::digest(data).to_vec()
}

pub static MD5: Package = Package {
    path: "crypto/md5",
    funcs: &[func!("Sum", [StringOrBytes], Bytes, |_, a| Ok(Val::bytes(
        md5(bytes(a, 0)?)
    )))],
    consts: &[("Size", || Val::int(16)), ("BlockSize", || Val::int(64))],
    cue: "",
};

pub static SHA1: Package = Package {
    path: "crypto/sha1",
    funcs: &[func!("Sum", [StringOrBytes], Bytes, |_, a| Ok(Val::bytes(
        sha1(bytes(a, 0)?)
    )))],
    consts: &[("Size", || Val::int(20)), ("BlockSize", || Val::int(64))],
    cue: "",
};

pub static SHA256: Package = Package {
    path: "crypto/sha256",
    funcs: &[
        func!("Sum256", [StringOrBytes], Bytes, |_, a| Ok(Val::bytes(
            sha2::Sha256::digest(bytes(a, 0)?)
        ))),
        func!("Sum224", [StringOrBytes], Bytes, |_, a| Ok(Val::bytes(
            sha2::Sha224::digest(bytes(a, 0)?)
        ))),
    ],
    consts: &[
        ("Size", || Val::int(32)),
        ("Size224", || Val::int(28)),
        ("BlockSize", || Val::int(64)),
    ],
    cue: "",
};

pub static SHA512: Package = Package {
    path: "crypto/sha512",
    funcs: &[
        func!("Sum512", [StringOrBytes], Bytes, |_, a| Ok(Val::bytes(
            sha2::Sha512::digest(bytes(a, 0)?)
        ))),
        func!("Sum384", [StringOrBytes], Bytes, |_, a| Ok(Val::bytes(
            sha2::Sha384::digest(bytes(a, 0)?)
        ))),
        func!("Sum512_224", [StringOrBytes], Bytes, |_, a| Ok(Val::bytes(
            sha2::Sha512_224::digest(bytes(a, 0)?)
        ))),
        func!("Sum512_256", [StringOrBytes], Bytes, |_, a| Ok(Val::bytes(
            sha2::Sha512_256::digest(bytes(a, 0)?)
        ))),
    ],
    consts: &[
        ("Size", || Val::int(64)),
        ("Size224", || Val::int(28)),
        ("Size256", || Val::int(32)),
        ("Size384", || Val::int(48)),
        ("BlockSize", || Val::int(128)),
    ],
    cue: "",
};

fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = <M as hmac::digest::KeyInit>::new_from_slice(key).expect("HMAC accepts any key");
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

pub static HMAC: Package = Package {
    path: "crypto/hmac",
    funcs: &[func!(
        "Sign",
        [String, StringOrBytes, StringOrBytes],
        Bytes,
        |_, a| {
            let name = string(a, 0)?;
            let (key, data) = (bytes(a, 1)?, bytes(a, 2)?);
            let out = match name {
                "MD5" => mac::<Hmac<md5::Md5>>(key, data),
                "SHA1" => mac::<Hmac<sha1::Sha1>>(key, data),
                "SHA224" => mac::<Hmac<sha2::Sha224>>(key, data),
                "SHA256" => mac::<Hmac<sha2::Sha256>>(key, data),
                "SHA384" => mac::<Hmac<sha2::Sha384>>(key, data),
                "SHA512" => mac::<Hmac<sha2::Sha512>>(key, data),
                "SHA512_224" => mac::<Hmac<sha2::Sha512_224>>(key, data),
                "SHA512_256" => mac::<Hmac<sha2::Sha512_256>>(key, data),
                _ => return util::msg("unsupported hash function"),
            };
            Ok(Val::bytes(out))
        }
    )],
    consts: &[
        ("MD5", || Val::str("MD5")),
        ("SHA1", || Val::str("SHA1")),
        ("SHA224", || Val::str("SHA224")),
        ("SHA256", || Val::str("SHA256")),
        ("SHA384", || Val::str("SHA384")),
        ("SHA512", || Val::str("SHA512")),
        ("SHA512_224", || Val::str("SHA512_224")),
        ("SHA512_256", || Val::str("SHA512_256")),
    ],
    cue: "",
};
