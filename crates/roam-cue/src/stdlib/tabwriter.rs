//! Package `text/tabwriter`: Go's elastic tabstops with CUE's settings
//! (minimum width 0, tab width 4, padding 1, padded with spaces).

use super::util::{self, any};
use super::{CallError, CallResult, Package, Val};

pub static PACKAGE: Package = Package {
    path: "text/tabwriter",
    funcs: &[func!("Write", [Top], String, write)],
    consts: &[],
    cue: "",
};

#[derive(Clone, Default)]
struct Cell {
    text: String,
    width: usize,
}

#[derive(Default)]
struct Writer {
    out: String,
    lines: Vec<Vec<Cell>>,
    cell: String,
    widths: Vec<usize>,
}

const PADDING: usize = 1;

impl Writer {
    fn new() -> Writer {
        Writer {
            lines: vec![Vec::new()],
            ..Writer::default()
        }
    }

    fn terminate_cell(&mut self) -> usize {
        let text = std::mem::take(&mut self.cell);
        let width = text.chars().count();
        let line = self.lines.last_mut().expect("a line");
        line.push(Cell { text, width });
        line.len()
    }

    fn write(&mut self, data: &str) -> Result<(), CallError> {
        for ch in data.chars() {
            match ch {
                '\t' | '\u{b}' | '\n' | '\u{c}' => {
                    let ncells = self.terminate_cell();
                    if ch == '\n' || ch == '\u{c}' {
                        self.lines.push(Vec::new());
                        if ch == '\u{c}' || ncells == 1 {
                            self.flush();
                        }
                    }
                }
                c => self.cell.push(c),
            }
            if self.out.len() > util::MAX_RESULT_BYTES {
                return util::msg("result too large");
            }
        }
        Ok(())
    }

    fn flush(&mut self) {
        let n = self.lines.len();
        self.format(0, n);
        self.lines = vec![Vec::new()];
        self.widths.clear();
    }

    fn format(&mut self, line0: usize, line1: usize) {
        let mut line0 = line0;
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= self.lines[this].len() {
                this += 1;
                continue;
            }
            self.write_lines(line0, this);
            line0 = this;
            let mut width = 0;
            while this < line1 {
                let line = &self.lines[this];
                if column + 1 >= line.len() {
                    break;
                }
                let c = &line[column];
                width = width.max(c.width + PADDING);
                this += 1;
            }
            self.widths.push(width);
            self.format(line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(line0, line1);
    }

    fn write_lines(&mut self, line0: usize, line1: usize) {
        for i in line0..line1 {
            let line = std::mem::take(&mut self.lines[i]);
            if self.out.len() > util::MAX_RESULT_BYTES {
                self.lines[i] = line;
                return;
            }
            for (j, c) in line.iter().enumerate() {
                if !c.text.is_empty() {
                    self.out.push_str(&c.text);
                }
                if j < self.widths.len() {
                    let pad = self.widths[j].saturating_sub(c.width);
                    self.out.extend(std::iter::repeat_n(' ', pad));
                }
            }
            if i + 1 == self.lines.len() {
                let rest = self.cell.clone();
                self.out.push_str(&rest);
            } else {
                self.out.push('\n');
            }
            self.lines[i] = line;
        }
    }
}

fn text_of(v: &Val) -> Result<String, CallError> {
    match v {
        Val::Str(s) => Ok(s.to_string()),
        Val::Bytes(b) => Ok(String::from_utf8_lossy(b).into_owned()),
        Val::Opaque(_) => Err(CallError::Incomplete("non-concrete value".into())),
        v => util::msg(format!(
            "cannot use value {} (type {}) as bytes",
            v.to_cue_string(),
            v.kind_name()
        )),
    }
}

fn write(_: &mut dyn super::CallCtx, a: &[Val]) -> CallResult {
    let mut w = Writer::new();
    match any(a, 0)? {
        v @ (Val::Str(_) | Val::Bytes(_)) => w.write(&text_of(v)?)?,
        Val::List(l) => {
            for v in l {
                w.write(&text_of(v)?)?;
                w.write("\n")?;
            }
        }
        Val::Opaque(_) => return Err(CallError::Incomplete("non-concrete value".into())),
        v => {
            return util::msg(format!(
                "tabwriter.Write: unsupported type {}",
                v.kind_name()
            ));
        }
    }
    if !w.cell.is_empty() {
        w.terminate_cell();
    }
    w.flush();
    if w.out.len() > util::MAX_RESULT_BYTES {
        return util::msg("result too large");
    }
    Ok(Val::str(w.out))
}
