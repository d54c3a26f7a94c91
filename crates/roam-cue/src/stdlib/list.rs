//! Package `list`.

use num_bigint::BigInt;

use super::util::{self, arg, decimal_val, equal, int, list, number_list, string_list};
use super::{CallCtx, CallError, CallResult, Package, Val};
use crate::golang::strings::MAX_REPEAT_COUNT;
use crate::num::{Context, Decimal};

/// Most elements `list.Range`, `list.Repeat` and `list.FlattenN` build (a
/// memory guard; upstream has none).
const MAX_LIST_LEN: usize = 1_000_000;

pub static PACKAGE: Package = Package {
    path: "list",
    funcs: &[
        func!("Drop", [List, Int], List, |_, a| {
            let (x, n) = (list(a, 0)?, int(a, 1)?);
            if n < 0 {
                return util::msg("negative index");
            }
            Ok(Val::List(x.get(n as usize..).unwrap_or(&[]).to_vec()))
        }),
        func!("FlattenN", [Top, Int], List, |_, a| {
            let xs = arg(a, 0)?;
            let depth = int(a, 1)?;
            let mut out = Vec::new();
            flatten(xs, depth, &mut out)?;
            Ok(Val::List(out))
        }),
        func!("Repeat", [List, Int], List, |_, a| {
            let (x, n) = (list(a, 0)?, int(a, 1)?);
            if n < 0 {
                return util::msg("negative count");
            }
            if n > MAX_REPEAT_COUNT {
                return util::msg(format!("count {n} exceeds limit of {MAX_REPEAT_COUNT}"));
            }
            let size = x
                .iter()
                .map(|v| util::node_count(v, MAX_LIST_LEN))
                .sum::<usize>();
            if size.saturating_mul(n as usize) > MAX_LIST_LEN * 4 {
                return util::msg("result too large");
            }
            let mut out = Vec::with_capacity(x.len() * n as usize);
            for _ in 0..n {
                out.extend(x.iter().cloned());
            }
            Ok(Val::List(out))
        }),
        func!("Concat", [List], List, |_, a| {
            let mut out = Vec::new();
            for e in list(a, 0)? {
                match e {
                    Val::List(l) => out.extend(l.iter().cloned()),
                    Val::Opaque(_) => {
                        return Err(CallError::Incomplete("non-concrete list".into()));
                    }
                    v => return Err(not_a_list(v)),
                }
            }
            Ok(Val::List(out))
        }),
        func!("Take", [List, Int], List, |_, a| {
            let (x, n) = (list(a, 0)?, int(a, 1)?);
            if n < 0 {
                return util::msg("negative index");
            }
            let n = (n as u64).min(x.len() as u64) as usize;
            Ok(Val::List(x[..n].to_vec()))
        }),
        func!("Slice", [List, Int, Int], List, |_, a| {
            let (x, i, j) = (list(a, 0)?, int(a, 1)?, int(a, 2)?);
            if i < 0 {
                return util::msg("negative index");
            }
            if i > j {
                return util::msg(format!("invalid index: {i} > {j}"));
            }
            if i as u64 > x.len() as u64 || j as u64 > x.len() as u64 {
                return util::msg("slice bounds out of range");
            }
            Ok(Val::List(x[i as usize..j as usize].to_vec()))
        }),
        func!("Reverse", [List], List, |_, a| {
            let mut x = list(a, 0)?.to_vec();
            x.reverse();
            Ok(Val::List(x))
        }),
        func!("MinItems", [List, Int], Bool, |_, a| {
            let (x, n) = (list(a, 0)?, int(a, 1)?);
            let count = x.len() as i64;
            if count >= n {
                return Ok(Val::Bool(true));
            }
            Err(CallError::Validation(format!(
                "len(list) < MinItems({n}) ({count} < {n})"
            )))
        }),
        func!("MaxItems", [List, Int], Bool, |_, a| {
            let (x, n) = (list(a, 0)?, int(a, 1)?);
            let count = x.len() as i64;
            if count > n {
                return Err(CallError::Validation(format!(
                    "len(list) > MaxItems({n}) ({count} > {n})"
                )));
            }
            Ok(Val::Bool(true))
        }),
        func!("UniqueItems", [List], Bool, |_, a| unique_items(list(
            a, 0
        )?)),
        func!("Contains", [List, Top], Bool, |_, a| {
            let (x, v) = (list(a, 0)?, util::any(a, 1)?);
            Ok(Val::Bool(x.iter().any(|e| equal(e, v))))
        }),
        func!("MatchN", [List, Top, Top], Bool, match_n),
        func!("Avg", [List], Number, |_, a| {
            let xs = number_list(a, 0)?;
            if xs.is_empty() {
                return util::msg("empty list");
            }
            let s = sum(&xs)?;
            let d = Context::BASE
                .quo_reduced(&s, &Decimal::from(BigInt::from(xs.len())))
                .map_err(num_err)?;
            Ok(decimal_val(d))
        }),
        func!("Max", [List], Number, |_, a| {
            let xs = number_list(a, 0)?;
            let Some(mut m) = xs.first().copied() else {
                return util::msg("empty list");
            };
            for x in &xs[1..] {
                if m.value < x.value {
                    m = x;
                }
            }
            Ok(decimal_val(m.value.clone()))
        }),
        func!("Min", [List], Number, |_, a| {
            let xs = number_list(a, 0)?;
            let Some(mut m) = xs.first().copied() else {
                return util::msg("empty list");
            };
            for x in &xs[1..] {
                if m.value > x.value {
                    m = x;
                }
            }
            Ok(decimal_val(m.value.clone()))
        }),
        func!("Product", [List], Number, |_, a| {
            let xs = number_list(a, 0)?;
            let mut d = Decimal::one();
            for x in xs {
                d = Context::BASE.mul(&x.value, &d).map_err(num_err)?;
            }
            Ok(decimal_val(d))
        }),
        func!("Range", [Number, Number, Number], List, range),
        func!("Sum", [List], Number, |_, a| Ok(decimal_val(sum(
            &number_list(a, 0)?
        )?))),
        func!("Sort", [List, Top], List, sort),
        func!("SortStable", [List, Top], List, sort),
        func!("SortStrings", [List], List, |_, a| {
            let mut x = string_list(a, 0)?;
            x.sort_unstable();
            Ok(util::strings_val(x))
        }),
        func!("IsSorted", [List, Top], Bool, |c, a| {
            let (x, cmp) = (list(a, 0)?, util::any(a, 1)?);
            for i in (1..x.len()).rev() {
                if c.less(cmp, &x[i], &x[i - 1])? {
                    return Ok(Val::Bool(false));
                }
            }
            Ok(Val::Bool(true))
        }),
        func!("IsSortedStrings", [List], Bool, |_, a| {
            let x = string_list(a, 0)?;
            Ok(Val::Bool(x.windows(2).all(|w| w[0] <= w[1])))
        }),
    ],
    consts: &[],
    cue: LIST_CUE,
};

const LIST_CUE: &str = r#"{
	Comparer: {
		T:    _
		x:    T
		y:    T
		less: bool
	}
	Ascending: {
		Comparer
		T:    number | string
		x:    T
		y:    T
		less: x < y
	}
	Descending: {
		Comparer
		T:    number | string
		x:    T
		y:    T
		less: x > y
	}
}"#;

fn num_err(e: crate::num::NumError) -> CallError {
    CallError::msg(e.to_string())
}

fn not_a_list(v: &Val) -> CallError {
    CallError::msg(format!(
        "cannot use value {} (type {}) as list",
        v.to_cue_string(),
        v.kind_name()
    ))
}

fn flatten(xs: &Val, depth: i64, out: &mut Vec<Val>) -> Result<(), CallError> {
    let l = match xs {
        Val::List(l) => l,
        Val::Opaque(_) => return Err(CallError::Incomplete("non-concrete list".into())),
        v => return Err(not_a_list(v)),
    };
    for v in l {
        match v {
            Val::List(_) if depth != 0 => flatten(v, depth.saturating_sub(1), out)?,
            _ => out.push(v.clone()),
        }
        if out.len() > MAX_LIST_LEN {
            return util::msg("result too large");
        }
    }
    Ok(())
}

fn sum(xs: &[&crate::num::Number]) -> Result<Decimal, CallError> {
    let mut d = Decimal::zero();
    for x in xs {
        d = Context::BASE.add(&x.value, &d).map_err(num_err)?;
    }
    Ok(d)
}

fn range(_: &mut dyn CallCtx, a: &[Val]) -> CallResult {
    let start = util::number(a, 0)?.value.clone();
    let limit = &util::number(a, 1)?.value;
    let step = &util::number(a, 2)?.value;
    if step.is_zero() {
        return util::msg("step must be non zero");
    }
    let neg = step.is_negative();
    if !neg && start > *limit {
        return util::msg("end must be greater than start when step is positive");
    }
    if neg && start < *limit {
        return util::msg("end must be less than start when step is negative");
    }
    // Refuse ranges that would exceed the size guard before building them.
    if let Ok(span) = Context::BASE.sub(limit, &start)
        && let Ok(n) = Context::BASE.quo(&span, step)
        && n > Decimal::from(BigInt::from(MAX_LIST_LEN))
    {
        return util::msg("result too large");
    }
    let mut out = Vec::new();
    let mut num = start;
    loop {
        if (!neg && num >= *limit) || (neg && num <= *limit) {
            break;
        }
        if out.len() >= MAX_LIST_LEN {
            return util::msg("result too large");
        }
        let next = Context::BASE.add(step, &num).map_err(num_err)?;
        out.push(decimal_val(num));
        num = next;
    }
    Ok(Val::List(out))
}

fn unique_items(a: &[Val]) -> CallResult {
    for (i, x) in a.iter().enumerate() {
        for (j, y) in a.iter().enumerate().skip(i + 1) {
            if util::first_opaque(x) || util::first_opaque(y) {
                continue;
            }
            if equal(x, y) {
                let m = match x {
                    Val::List(_) | Val::Struct(_) => {
                        format!("equal values at position {i} and {j}")
                    }
                    _ => format!(
                        "equal value ({}) at position {i} and {j}",
                        x.to_cue_string()
                    ),
                };
                return Err(CallError::Validation(m));
            }
        }
    }
    if a.iter().any(util::first_opaque) {
        return Err(CallError::Incomplete("non-concrete list element".into()));
    }
    Ok(Val::Bool(true))
}

fn match_n(c: &mut dyn CallCtx, a: &[Val]) -> CallResult {
    let l = list(a, 0)?;
    let n = util::any(a, 1)?;
    let schema = util::any(a, 2)?;
    let mut count = 0i64;
    for v in l {
        if c.validate(schema, v).is_ok() {
            count += 1;
        }
    }
    if c.validate(n, &Val::int(count)).is_err() {
        return Err(CallError::Validation(format!(
            "{} matches {count} list items, want {}",
            c.format(schema),
            c.format(n)
        )));
    }
    Ok(Val::Bool(true))
}

/// Go's `sort.Stable` with a fallible `less`: the same sequence of
/// comparisons and swaps as upstream, so inconsistent comparators give
/// upstream's order; the first error wins.
struct Sorter<'a> {
    ctx: &'a mut dyn CallCtx,
    cmp: &'a Val,
    a: Vec<Val>,
    err: Option<CallError>,
}

impl Sorter<'_> {
    fn less(&mut self, i: usize, j: usize) -> bool {
        if self.err.is_some() {
            return false;
        }
        match self.ctx.less(self.cmp, &self.a[i], &self.a[j]) {
            Ok(b) => b,
            Err(e) => {
                self.err = Some(e);
                true
            }
        }
    }

    fn insertion_sort(&mut self, a: usize, b: usize) {
        for i in a + 1..b {
            let mut j = i;
            while j > a && self.less(j, j - 1) {
                self.a.swap(j, j - 1);
                j -= 1;
            }
        }
    }

    fn stable(&mut self) {
        let n = self.a.len();
        let mut block = 20;
        let (mut a, mut b) = (0, block);
        while b <= n {
            self.insertion_sort(a, b);
            a = b;
            b += block;
        }
        self.insertion_sort(a, n);
        while block < n {
            a = 0;
            b = 2 * block;
            while b <= n {
                self.sym_merge(a, a + block, b);
                a = b;
                b += 2 * block;
            }
            let m = a + block;
            if m < n {
                self.sym_merge(a, m, n);
            }
            block *= 2;
        }
    }

    fn sym_merge(&mut self, a: usize, m: usize, b: usize) {
        if m - a == 1 {
            let (mut i, mut j) = (m, b);
            while i < j {
                let h = (i + j) / 2;
                if self.less(h, a) {
                    i = h + 1;
                } else {
                    j = h;
                }
            }
            for k in a..i.saturating_sub(1) {
                self.a.swap(k, k + 1);
            }
            return;
        }
        if b - m == 1 {
            let (mut i, mut j) = (a, m);
            while i < j {
                let h = (i + j) / 2;
                if !self.less(m, h) {
                    i = h + 1;
                } else {
                    j = h;
                }
            }
            let mut k = m;
            while k > i {
                self.a.swap(k, k - 1);
                k -= 1;
            }
            return;
        }
        let mid = (a + b) / 2;
        let n = mid + m;
        let (mut start, mut r) = if m > mid { (n - b, mid) } else { (a, m) };
        let p = n - 1;
        while start < r {
            let c = (start + r) / 2;
            if !self.less(p - c, c) {
                start = c + 1;
            } else {
                r = c;
            }
        }
        let end = n - start;
        if start < m && m < end {
            self.rotate(start, m, end);
        }
        if a < start && start < mid {
            self.sym_merge(a, start, mid);
        }
        if mid < end && end < b {
            self.sym_merge(mid, end, b);
        }
    }

    fn swap_range(&mut self, a: usize, b: usize, n: usize) {
        for i in 0..n {
            self.a.swap(a + i, b + i);
        }
    }

    fn rotate(&mut self, a: usize, m: usize, b: usize) {
        let mut i = m - a;
        let mut j = b - m;
        while i != j {
            if i > j {
                self.swap_range(m - i, m, j);
                i -= j;
            } else {
                self.swap_range(m - i, m + j - i, i);
                j -= i;
            }
        }
        self.swap_range(m - i, m, i);
    }
}

fn sort(c: &mut dyn CallCtx, a: &[Val]) -> CallResult {
    let x = list(a, 0)?.to_vec();
    let cmp = util::any(a, 1)?;
    let mut s = Sorter {
        ctx: c,
        cmp,
        a: x,
        err: None,
    };
    s.stable();
    match s.err {
        Some(e) => Err(e),
        None => Ok(Val::List(s.a)),
    }
}
