//! Package `strings`.

use super::util::{self, MAX_RESULT_BYTES, bytes, int, string, strings_val};
use super::{CallError, CallResult, Package, Val};
use crate::golang::strings as gs;

pub static PACKAGE: Package = Package {
    path: "strings",
    funcs: &[
        func!("ByteAt", [StringOrBytes, Int], Int, |_, a| {
            let b = bytes(a, 0)?;
            let i = int(a, 1)?;
            gs::byte_at(b, i).map(Val::int).map_err(CallError::Msg)
        }),
        func!("ByteSlice", [StringOrBytes, Int, Int], Bytes, |_, a| {
            let b = bytes(a, 0)?;
            let (s, e) = (int(a, 1)?, int(a, 2)?);
            gs::byte_slice(b, s, e)
                .map(Val::bytes)
                .map_err(CallError::Msg)
        }),
        func!("Runes", [String], List, |_, a| {
            Ok(Val::List(
                gs::runes(string(a, 0)?).into_iter().map(Val::int).collect(),
            ))
        }),
        func!("Repeat", [String, Int], String, |_, a| {
            let s = string(a, 0)?;
            let n = int(a, 1)?;
            if n > 0 && s.len().saturating_mul(n as usize) > MAX_RESULT_BYTES {
                return util::msg("result too large");
            }
            gs::repeat(s, n).map(Val::str).map_err(CallError::Msg)
        }),
        func!("MinRunes", [String, Int], Bool, |_, a| {
            Ok(Val::Bool(gs::min_runes(string(a, 0)?, int(a, 1)?)))
        }),
        func!("MaxRunes", [String, Int], Bool, |_, a| {
            Ok(Val::Bool(gs::max_runes(string(a, 0)?, int(a, 1)?)))
        }),
        func!("ToTitle", [String], String, |_, a| Ok(Val::str(
            gs::to_title(string(a, 0)?)
        ))),
        func!("ToCamel", [String], String, |_, a| Ok(Val::str(
            gs::to_camel(string(a, 0)?)
        ))),
        func!("SliceRunes", [String, Int, Int], String, |_, a| {
            let s = string(a, 0)?;
            gs::slice_runes(s, int(a, 1)?, int(a, 2)?)
                .map(Val::str)
                .map_err(CallError::Msg)
        }),
        func!("Compare", [String, String], Int, |_, a| {
            let (x, y) = (string(a, 0)?, string(a, 1)?);
            Ok(Val::int(x.cmp(y) as i8))
        }),
        func!("Count", [String, String], Int, |_, a| {
            Ok(Val::int(gs::count(string(a, 0)?, string(a, 1)?)))
        }),
        func!("Contains", [String, String], Bool, |_, a| {
            Ok(Val::Bool(string(a, 0)?.contains(string(a, 1)?)))
        }),
        func!("ContainsAny", [String, String], Bool, |_, a| {
            Ok(Val::Bool(gs::contains_any(string(a, 0)?, string(a, 1)?)))
        }),
        func!("LastIndex", [String, String], Int, |_, a| {
            Ok(Val::int(gs::last_index(string(a, 0)?, string(a, 1)?)))
        }),
        func!("IndexAny", [String, String], Int, |_, a| {
            Ok(Val::int(gs::index_any(string(a, 0)?, string(a, 1)?)))
        }),
        func!("LastIndexAny", [String, String], Int, |_, a| {
            Ok(Val::int(gs::last_index_any(string(a, 0)?, string(a, 1)?)))
        }),
        func!("SplitN", [String, String, Int], List, |_, a| {
            Ok(strings_val(gs::split_n(
                string(a, 0)?,
                string(a, 1)?,
                int(a, 2)?,
            )))
        }),
        func!("SplitAfterN", [String, String, Int], List, |_, a| {
            Ok(strings_val(gs::split_after_n(
                string(a, 0)?,
                string(a, 1)?,
                int(a, 2)?,
            )))
        }),
        func!("Split", [String, String], List, |_, a| {
            Ok(strings_val(gs::split(string(a, 0)?, string(a, 1)?)))
        }),
        func!("SplitAfter", [String, String], List, |_, a| {
            Ok(strings_val(gs::split_after(string(a, 0)?, string(a, 1)?)))
        }),
        func!("Fields", [String], List, |_, a| Ok(strings_val(
            gs::fields(string(a, 0)?)
        ))),
        func!("Join", [List, String], String, join),
        func!("HasPrefix", [String, String], Bool, |_, a| {
            Ok(Val::Bool(string(a, 0)?.starts_with(string(a, 1)?)))
        }),
        func!("HasSuffix", [String, String], Bool, |_, a| {
            Ok(Val::Bool(string(a, 0)?.ends_with(string(a, 1)?)))
        }),
        func!("ToUpper", [String], String, |_, a| Ok(Val::str(
            gs::to_upper(string(a, 0)?)
        ))),
        func!("ToLower", [String], String, |_, a| Ok(Val::str(
            gs::to_lower(string(a, 0)?)
        ))),
        func!("Trim", [String, String], String, |_, a| Ok(Val::str(
            gs::trim(string(a, 0)?, string(a, 1)?)
        ))),
        func!("TrimLeft", [String, String], String, |_, a| Ok(Val::str(
            gs::trim_left(string(a, 0)?, string(a, 1)?)
        ))),
        func!("TrimRight", [String, String], String, |_, a| Ok(Val::str(
            gs::trim_right(string(a, 0)?, string(a, 1)?)
        ))),
        func!("TrimSpace", [String], String, |_, a| Ok(Val::str(
            gs::trim_space(string(a, 0)?)
        ))),
        func!("TrimPrefix", [String, String], String, |_, a| Ok(Val::str(
            gs::trim_prefix(string(a, 0)?, string(a, 1)?)
        ))),
        func!("TrimSuffix", [String, String], String, |_, a| Ok(Val::str(
            gs::trim_suffix(string(a, 0)?, string(a, 1)?)
        ))),
        func!("Replace", [String, String, String, Int], String, replace),
        func!("Index", [String, String], Int, |_, a| {
            Ok(Val::int(gs::index(string(a, 0)?, string(a, 1)?)))
        }),
    ],
    consts: &[],
    cue: "",
};

fn join(_: &mut dyn super::CallCtx, a: &[Val]) -> CallResult {
    let elems = util::string_list(a, 0)?;
    let sep = string(a, 1)?;
    let total: usize = elems.iter().map(|s| s.len()).sum::<usize>()
        + sep.len().saturating_mul(elems.len().saturating_sub(1));
    if total > MAX_RESULT_BYTES {
        return util::msg("result too large");
    }
    Ok(Val::str(elems.join(sep)))
}

fn replace(_: &mut dyn super::CallCtx, a: &[Val]) -> CallResult {
    let (s, old, new) = (string(a, 0)?, string(a, 1)?, string(a, 2)?);
    let n = int(a, 3)?;
    // Bound the result size before building it.
    let mut count = if old.is_empty() {
        s.chars().count() as i64 + 1
    } else {
        gs::count(s, old)
    };
    if n >= 0 && n < count {
        count = n;
    }
    let grow = (new.len() as i64 - old.len() as i64).max(0) as usize;
    if s.len()
        .saturating_add(grow.saturating_mul(count.max(0) as usize))
        > MAX_RESULT_BYTES
    {
        return util::msg("result too large");
    }
    Ok(Val::str(gs::replace(s, old, new, n)))
}
