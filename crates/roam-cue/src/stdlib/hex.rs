//! Package `encoding/hex`.

use super::util::{self, bytes, int, string};
use super::{CallError, Package, Val};
use crate::golang::encoding as ge;

pub static PACKAGE: Package = Package {
    path: "encoding/hex",
    funcs: &[
        func!("EncodedLen", [Int], Int, |_, a| Ok(Val::int(
            int(a, 0)?.wrapping_mul(2)
        ))),
        func!("DecodedLen", [Int], Int, |_, a| Ok(Val::int(
            int(a, 0)? / 2
        ))),
        func!("Decode", [String], Bytes, |_, a| {
            ge::hex_decode(string(a, 0)?.as_bytes())
                .map(Val::bytes)
                .map_err(CallError::Msg)
        }),
        func!("Dump", [StringOrBytes], String, |_, a| {
            let b = bytes(a, 0)?;
            if b.len() > util::MAX_RESULT_BYTES / 5 {
                return util::msg("result too large");
            }
            Ok(Val::str(ge::hex_dump(b)))
        }),
        func!("Encode", [StringOrBytes], String, |_, a| Ok(Val::str(
            ge::hex_encode(bytes(a, 0)?)
        ))),
    ],
    consts: &[],
    cue: "",
};
