//! Package `encoding/base64` (standard encoding; the first argument
//! selects the encoding and must be `null`).

use super::util::{self, any, bytes, int, string};
use super::{CallError, Package, Val};
use crate::golang::encoding::STD_ENCODING;

fn check_encoding(a: &[Val]) -> Result<(), CallError> {
    match any(a, 0)? {
        Val::Null => Ok(()),
        Val::Opaque(_) => Err(CallError::Incomplete("non-concrete argument 0".into())),
        v => util::msg(format!(
            "base64: unsupported encoding: cannot use value {} (type {}) as null",
            v.to_cue_string(),
            v.kind_name()
        )),
    }
}

pub static PACKAGE: Package = Package {
    path: "encoding/base64",
    funcs: &[
        func!("EncodedLen", [Top, Int], Int, |_, a| {
            check_encoding(a)?;
            let n = int(a, 1)?;
            Ok(Val::int((n.wrapping_add(2) / 3).wrapping_mul(4)))
        }),
        func!("DecodedLen", [Top, Int], Int, |_, a| {
            check_encoding(a)?;
            let n = int(a, 1)?;
            Ok(Val::int((n / 4).wrapping_mul(3)))
        }),
        func!("Encode", [Top, StringOrBytes], String, |_, a| {
            check_encoding(a)?;
            Ok(Val::str(STD_ENCODING.encode(bytes(a, 1)?)))
        }),
        func!("Decode", [Top, String], Bytes, |_, a| {
            check_encoding(a)?;
            STD_ENCODING
                .decode(string(a, 1)?.as_bytes())
                .map(Val::bytes)
                .map_err(CallError::Msg)
        }),
    ],
    consts: &[],
    cue: "",
};
