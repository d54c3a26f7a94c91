//! Package `path` (`path/filepath` semantics for the `unix`, `windows`
//! and `plan9` flavours; the other `GOOS` names behave as `unix`).

use super::util::{self, string, string_list, strings_val};
use super::{CallError, Package, Val};
use crate::golang::path::{self as gp, OS_NAMES, Os};

/// The OS argument at `i`: `unix` when absent (or `windows` for
/// `VolumeName`), an error for names outside the accepted set.
fn os_arg(a: &[Val], i: usize, default: &str) -> Result<Os, CallError> {
    let name = match a.get(i) {
        None => default,
        Some(_) => string(a, i)?,
    };
    Os::from_name(name).ok_or_else(|| {
        let alts: Vec<String> = OS_NAMES
            .iter()
            .map(|n| {
                if *n == default {
                    format!("*{n:?}")
                } else {
                    format!("{n:?}")
                }
            })
            .collect();
        let alts = if default == "windows" {
            // Upstream lists the default first.
            let mut v = vec![format!("*{:?}", "windows")];
            v.extend(alts.into_iter().filter(|s| !s.contains("windows")));
            v
        } else {
            alts
        };
        CallError::msg(format!(
            "cannot use {} as {} in argument {}",
            util::quote_cue(name),
            alts.join(" | "),
            i + 1
        ))
    })
}

pub static PACKAGE: Package = Package {
    path: "path",
    funcs: &[
        func!("Split", [String, String], opt 1, List, |_, a| {
            let os = os_arg(a, 1, "unix")?;
            Ok(strings_val(gp::split(string(a, 0)?, os)))
        }),
        func!("SplitList", [String, String], List, |_, a| {
            let os = os_arg(a, 1, "")?;
            Ok(strings_val(gp::split_list(string(a, 0)?, os)))
        }),
        func!("Join", [List, String], opt 1, String, |_, a| {
            let os = os_arg(a, 1, "unix")?;
            Ok(Val::str(gp::join(&string_list(a, 0)?, os)))
        }),
        func!("Match", [String, String, String], opt 1, Bool, |_, a| {
            let os = os_arg(a, 2, "unix")?;
            gp::glob_match(string(a, 0)?, string(a, 1)?, os)
                .map(Val::Bool)
                .map_err(|e| CallError::msg(e.to_string()))
        }),
        func!("Clean", [String, String], opt 1, String, |_, a| {
            let os = os_arg(a, 1, "unix")?;
            Ok(Val::str(gp::clean(string(a, 0)?, os)))
        }),
        func!("ToSlash", [String, String], String, |_, a| {
            let os = os_arg(a, 1, "")?;
            Ok(Val::str(gp::to_slash(string(a, 0)?, os)))
        }),
        func!("FromSlash", [String, String], String, |_, a| {
            let os = os_arg(a, 1, "")?;
            Ok(Val::str(gp::from_slash(string(a, 0)?, os)))
        }),
        func!("Ext", [String, String], opt 1, String, |_, a| {
            let os = os_arg(a, 1, "unix")?;
            Ok(Val::str(gp::ext(string(a, 0)?, os)))
        }),
        func!("Resolve", [String, String, String], opt 1, String, |_, a| {
            let os = os_arg(a, 2, "unix")?;
            Ok(Val::str(gp::resolve(string(a, 0)?, string(a, 1)?, os)))
        }),
        func!("Rel", [String, String, String], opt 1, String, |_, a| {
            let os = os_arg(a, 2, "unix")?;
            gp::rel(string(a, 0)?, string(a, 1)?, os)
                .map(Val::str)
                .map_err(CallError::Msg)
        }),
        func!("Base", [String, String], opt 1, String, |_, a| {
            let os = os_arg(a, 1, "unix")?;
            Ok(Val::str(gp::base(string(a, 0)?, os)))
        }),
        func!("Dir", [String, String], opt 1, String, |_, a| {
            let os = os_arg(a, 1, "unix")?;
            Ok(Val::str(gp::dir(string(a, 0)?, os)))
        }),
        func!("IsAbs", [String, String], opt 1, Bool, |_, a| {
            let os = os_arg(a, 1, "unix")?;
            Ok(Val::Bool(gp::is_abs(string(a, 0)?, os)))
        }),
        func!("VolumeName", [String, String], opt 1, String, |_, a| {
            let os = os_arg(a, 1, "windows")?;
            Ok(Val::str(gp::volume_name(string(a, 0)?, os)))
        }),
    ],
    consts: &[],
    cue: r#"{
	Unix:    "unix"
	Windows: "windows"
	Plan9:   "plan9"
}"#,
};
