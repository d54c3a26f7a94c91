//! Package `crypto/ed25519`.

use super::util::{self, bytes};
use super::{Package, Val};

pub static PACKAGE: Package = Package {
    path: "crypto/ed25519",
    funcs: &[func!(
        "Valid",
        [StringOrBytes, StringOrBytes, StringOrBytes],
        Bool,
        |_, a| {
            let (key, msg, sig) = (bytes(a, 0)?, bytes(a, 1)?, bytes(a, 2)?);
            let Ok(key) = <[u8; 32]>::try_from(key) else {
                return util::msg("ed25519: publicKey must be 32 bytes");
            };
            let Ok(sig) = <[u8; 64]>::try_from(sig) else {
                return Ok(Val::Bool(false));
            };
            // Go rejects signatures whose S has any of the top three bits set.
            if sig[63] & 224 != 0 {
                return Ok(Val::Bool(false));
            }
            let Ok(vk) = ed25519_dalek::VerifyingKey::from_bytes(&key) else {
                return Ok(Val::Bool(false));
            };
            let sig = ed25519_dalek::Signature::from_bytes(&sig);
            Ok(Val::Bool(
                vk.verify_strict(msg, &sig).is_ok() || {
                    use ed25519_dalek::Verifier;
                    vk.verify(msg, &sig).is_ok()
                },
            ))
        }
    )],
    consts: &[("PublicKeySize", || Val::int(32))],
    cue: "",
};
