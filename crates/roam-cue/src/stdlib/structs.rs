//! Package `struct`.

use super::util::{fields, int};
use super::{CallError, Package, Val};

pub static PACKAGE: Package = Package {
    path: "struct",
    funcs: &[
        func!("MinFields", [Struct, Int], Bool, |_, a| {
            let (s, n) = (fields(a, 0)?, int(a, 1)?);
            let count = s.len() as i64;
            if count < n {
                return Err(CallError::Validation(format!(
                    "len(fields) < MinFields({n}) ({count} < {n})"
                )));
            }
            Ok(Val::Bool(true))
        }),
        func!("MaxFields", [Struct, Int], Bool, |_, a| {
            let (s, n) = (fields(a, 0)?, int(a, 1)?);
            let count = s.len() as i64;
            if count > n {
                return Err(CallError::Validation(format!(
                    "len(fields) > MaxFields({n}) ({count} > {n})"
                )));
            }
            Ok(Val::Bool(true))
        }),
    ],
    consts: &[],
    cue: "",
};
