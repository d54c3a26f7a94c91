//! Package `encoding/csv` (Go's `encoding/csv` writer and reader with
//! default settings).

use super::util::{self, any, bytes};
use super::{CallError, CallResult, Package, Val};

pub static PACKAGE: Package = Package {
    path: "encoding/csv",
    funcs: &[
        func!("Encode", [Top], String, encode),
        func!("Decode", [StringOrBytes], List, |_, a| {
            let text = String::from_utf8_lossy(bytes(a, 0)?).into_owned();
            let records = read_all(&text).map_err(CallError::Msg)?;
            Ok(Val::List(
                records.into_iter().map(util::strings_val).collect(),
            ))
        }),
    ],
    consts: &[],
    cue: "",
};

fn not_list(v: &Val) -> CallError {
    CallError::msg(format!(
        "cannot use value {} (type {}) as list",
        v.to_cue_string(),
        v.kind_name()
    ))
}

fn needs_quotes(f: &str) -> bool {
    if f.is_empty() {
        return false;
    }
    if f == "\\." {
        return true;
    }
    if f.bytes().any(|c| matches!(c, b'\n' | b'\r' | b'"' | b',')) {
        return true;
    }
    f.chars()
        .next()
        .is_some_and(crate::golang::unicode::is_space)
}

fn encode(_: &mut dyn super::CallCtx, a: &[Val]) -> CallResult {
    let rows = match any(a, 0)? {
        Val::List(l) => l,
        Val::Opaque(_) => return Err(CallError::Incomplete("non-concrete value".into())),
        v => return Err(not_list(v)),
    };
    let mut out = String::new();
    for row in rows {
        let cols = match row {
            Val::List(l) => l,
            Val::Opaque(_) => return Err(CallError::Incomplete("non-concrete value".into())),
            v => return Err(not_list(v)),
        };
        for (i, col) in cols.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let field = match col {
                Val::Str(s) => s.to_string(),
                v => super::json::marshal(v)?,
            };
            if !needs_quotes(&field) {
                out.push_str(&field);
                continue;
            }
            out.push('"');
            for c in field.chars() {
                if c == '"' {
                    out.push_str("\"\"");
                } else {
                    out.push(c);
                }
            }
            out.push('"');
        }
        out.push('\n');
        if out.len() > util::MAX_RESULT_BYTES {
            return util::msg("result too large");
        }
    }
    Ok(Val::str(out))
}

/// Go's `csv.Reader.ReadAll` with default options.
fn read_all(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut records: Vec<Vec<String>> = Vec::new();
    let mut expected: Option<usize> = None;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut li = 0;
    while li < lines.len() {
        let start_line = li + 1;
        let mut line = normalize(lines[li]);
        li += 1;
        if line == "\n" || line.is_empty() {
            continue;
        }
        let mut fields = Vec::new();
        let mut pos = 0usize; // byte offset in `line`
        let mut line_no = start_line;
        loop {
            let rest = &line[pos..];
            if !rest.starts_with('"') {
                // Non-quoted field.
                let end = rest.find(',').unwrap_or(rest.len());
                let mut field = &rest[..end];
                if end == rest.len() {
                    field = field.strip_suffix('\n').unwrap_or(field);
                }
                if let Some(q) = field.find('"') {
                    let col = line[..pos + q].chars().count() + 1;
                    return Err(format!(
                        "parse error on line {line_no}, column {col}: bare \" in non-quoted-field"
                    ));
                }
                fields.push(field.to_string());
                if end < rest.len() {
                    pos += end + 1;
                    continue;
                }
                break;
            }
            // Quoted field.
            let mut field = String::new();
            let mut p = pos + 1;
            loop {
                let rest = &line[p..];
                if let Some(q) = rest.find('"') {
                    field.push_str(&rest[..q]);
                    let after = &rest[q + 1..];
                    if after.starts_with('"') {
                        field.push('"');
                        p += q + 2;
                    } else if after.starts_with(',') {
                        p += q + 2;
                        fields.push(std::mem::take(&mut field));
                        break;
                    } else if after.is_empty() || after == "\n" {
                        fields.push(std::mem::take(&mut field));
                        p = line.len();
                        break;
                    } else {
                        let col = line[..p + q].chars().count() + 1;
                        return Err(format!(
                            "parse error on line {line_no}, column {col}: extraneous or missing \" in quoted-field"
                        ));
                    }
                } else if li < lines.len() {
                    // The field continues on the next line.
                    let n = rest.len();
                    field.push_str(rest);
                    let next = normalize(lines[li]);
                    li += 1;
                    line_no += 1;
                    line.push_str(&next);
                    p += n;
                } else {
                    let col = line.chars().count() + 1;
                    return Err(format!(
                        "parse error on line {line_no}, column {col}: extraneous or missing \" in quoted-field"
                    ));
                }
            }
            pos = p;
            if pos >= line.len() || line[pos..] == *"\n" {
                if line[..pos].ends_with(',') {
                    fields.push(String::new());
                }
                break;
            }
        }
        match expected {
            None => expected = Some(fields.len()),
            Some(n) if n != fields.len() => {
                return Err(format!(
                    "record on line {start_line}: wrong number of fields"
                ));
            }
            _ => {}
        }
        records.push(fields);
    }
    Ok(records)
}

/// A line with a trailing `\r\n` turned into `\n`.
fn normalize(line: &str) -> String {
    match line.strip_suffix("\r\n") {
        Some(l) => format!("{l}\n"),
        None => line.to_string(),
    }
}
