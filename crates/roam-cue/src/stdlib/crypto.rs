//! Packages `crypto/*`.

use super::Package;

macro_rules! stub {
    ($n:ident, $p:literal) => {
        pub static $n: Package = Package {
            path: $p,
            funcs: &[],
            consts: &[],
            cue: "",
        };
    };
}
stub!(MD5, "crypto/md5");
stub!(SHA1, "crypto/sha1");
stub!(SHA256, "crypto/sha256");
stub!(SHA512, "crypto/sha512");
stub!(HMAC, "crypto/hmac");
