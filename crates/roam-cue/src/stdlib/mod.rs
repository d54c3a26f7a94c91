//! The CUE standard library: `strings`, `list`, `math`, `encoding/json`, …
//!
//! Builtin functions work on [`Val`], a plain owned value tree, and know
//! nothing of the evaluator. The evaluator converts its values to `Val`
//! before a call (making every concrete part concrete; a part that is not
//! concrete — a constraint, an unresolved disjunction, a struct with
//! non-concrete fields that the function only passes along — becomes an
//! [`Val::Opaque`] handle) and converts the result back.
//!
//! Validators: a function whose result kind is [`Kind::Bool`] and that is
//! called with one argument fewer than it declares (`strings.MinRunes(3)`)
//! is a validator: the evaluator later calls it with the constrained value
//! prepended and fails when it returns `false` (or an error).
//!
//! Everything a function needs from the evaluator (comparing values with a
//! user-given `less`, validating against a schema) goes through [`CallCtx`].
//!
//! Conventions the functions follow:
//!
//! * Argument kinds are checked by the evaluator against [`Func::params`]
//!   first (upstream's `cannot use 1 (type int) as string in argument 1 to
//!   strings.ToUpper`); functions check again and answer
//!   [`CallError::ArgType`] rather than panic.
//! * An [`Val::Opaque`] where a concrete value is needed is
//!   [`CallError::Incomplete`]; `Top` parameters accept opaque values and
//!   pass them along (`list.Concat`, `list.Sort`'s comparator, the schema of
//!   `json.Validate`).
//! * Validators that upstream gives their own failure text
//!   (`list.MinItems`, `list.MaxItems`, `list.UniqueItems`, `list.MatchN`,
//!   `struct.MinFields`, `struct.MaxFields`) return
//!   [`CallError::Validation`]; others return `false` or an error message.
//! * Results that upstream converts from Go decimals are ints when
//!   integral (`list.Sum([1.0, 2.0])` is `3`), as upstream's conversion does.
//! * [`Package::cue`] is a CUE struct literal unified into the package
//!   (`list.Ascending`, `path.Unix`, `uuid.ns`, `encoding/openapi.#Config`).

use std::sync::Arc;

use crate::num::Number;

/// A value passed to or returned from a builtin.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Num(Number),
    Str(Arc<str>),
    Bytes(Arc<[u8]>),
    List(Vec<Val>),
    /// Regular fields in order (definitions, hidden and optional fields are
    /// not included).
    Struct(Vec<(Arc<str>, Val)>),
    /// A value the evaluator could not make concrete. Functions may pass it
    /// along (e.g. `list.Concat`) but must not look inside: comparing,
    /// formatting or encoding it is [`CallError::Incomplete`].
    Opaque(u32),
}

/// The kind of a parameter or result, for argument checking and messages
/// (`cannot use 1 (type int) as string in argument 1 to strings.ToUpper`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Any value, concrete or not (passed as given; may be Opaque).
    Top,
    Null,
    Bool,
    Int,
    Float,
    Number,
    String,
    Bytes,
    /// `string | bytes`
    StringOrBytes,
    List,
    Struct,
}

/// Why a call failed.
#[derive(Clone, Debug, PartialEq)]
pub enum CallError {
    /// A plain error; the message is upstream's (the evaluator prefixes the
    /// call: `error in call to strings.Repeat: negative count`).
    Msg(String),
    /// An argument (or part of one) is not concrete yet: not an error, the
    /// value is incomplete.
    Incomplete(String),
    /// Argument `index` (0-based) has the wrong kind.
    ArgType { index: usize, expected: Kind },
    /// A validator's value does not satisfy it, with upstream's detail
    /// (`pkg.ValidationError`): used as a validator the evaluator reports
    /// `invalid value [] (does not satisfy list.MinItems(1)): <detail>`;
    /// called directly (all arguments given) the result is `false`.
    Validation(String),
}

impl CallError {
    pub fn msg(m: impl Into<String>) -> CallError {
        CallError::Msg(m.into())
    }
}

pub type CallResult = Result<Val, CallError>;

/// What a builtin can ask of the evaluator.
pub trait CallCtx {
    /// Evaluates the comparator struct `cmp` (as `list.Sort` takes it:
    /// `{x: _, y: _, less: bool}`) with `x` and `y` filled in, and returns
    /// its `less` field.
    fn less(&mut self, cmp: &Val, x: &Val, y: &Val) -> Result<bool, CallError>;
    /// Unifies `v` with the schema `schema` (often Opaque) and reports
    /// whether the result is free of errors (`json.Validate`,
    /// `yaml.Validate`, `matchN`). `Err` carries the unification error.
    fn validate(&mut self, schema: &Val, v: &Val) -> Result<(), CallError>;
    /// Formats a value (possibly Opaque) as CUE text for a message
    /// (`list.MatchN`: `[string] matches 0 list items, want >0`).
    fn format(&mut self, v: &Val) -> String {
        v.to_cue_string()
    }
}

/// One builtin function.
pub struct Func {
    pub name: &'static str,
    pub params: &'static [Kind],
    /// Trailing parameters that may be omitted (for variadic-ish functions
    /// such as `strings.Join`'s none, `list.Range`'s none…); most are 0.
    pub optional: usize,
    pub result: Kind,
    pub f: fn(&mut dyn CallCtx, &[Val]) -> CallResult,
}

/// Builds the value of a package constant.
pub type ConstFn = fn() -> Val;

/// A package: functions, constants and (optionally) CUE source for the
/// parts that are easier written in CUE (e.g. `#Time` types, `math.Pi`).
pub struct Package {
    pub path: &'static str,
    pub funcs: &'static [Func],
    pub consts: &'static [(&'static str, ConstFn)],
    /// CUE source evaluated as part of the package (definitions such as
    /// `time.#Duration`-style types); empty if none.
    pub cue: &'static str,
}

/// All packages, by import path (`"strings"`, `"encoding/json"`, …).
pub fn package(path: &str) -> Option<&'static Package> {
    PACKAGES.iter().copied().find(|p| p.path == path)
}

/// The import paths of all packages, for messages and `roam cue` help.
pub fn package_paths() -> impl Iterator<Item = &'static str> {
    PACKAGES.iter().map(|p| p.path)
}

/// Declares a [`Func`]: `func!("Name", [String, Int], Bool, f)`; `opt N`
/// after the parameters marks the last N as optional.
macro_rules! func {
    ($name:literal, [$($p:ident),*], $r:ident, $f:expr) => {
        $crate::stdlib::Func {
            name: $name,
            params: &[$($crate::stdlib::Kind::$p),*],
            optional: 0,
            result: $crate::stdlib::Kind::$r,
            f: $f,
        }
    };
    ($name:literal, [$($p:ident),*], opt $o:literal, $r:ident, $f:expr) => {
        $crate::stdlib::Func {
            name: $name,
            params: &[$($crate::stdlib::Kind::$p),*],
            optional: $o,
            result: $crate::stdlib::Kind::$r,
            f: $f,
        }
    };
}

mod util;

mod base64;
mod bits;
mod crypto;
mod csv;
mod ed25519;
mod hex;
mod html;
mod json;
mod list;
mod math;
mod net;
mod openapi;
mod path;
mod regexp;
mod strconv;
mod strings;
mod structs;
mod tabwriter;
mod template;
mod time;
mod toml;
mod uuid;
pub mod yaml;

pub use yaml::{marshal_yaml, marshal_yaml_compact};

static PACKAGES: &[&Package] = &[
    &strings::PACKAGE,
    &strconv::PACKAGE,
    &list::PACKAGE,
    &math::PACKAGE,
    &bits::PACKAGE,
    &structs::PACKAGE,
    &regexp::PACKAGE,
    &json::PACKAGE,
    &yaml::PACKAGE,
    &base64::PACKAGE,
    &hex::PACKAGE,
    &path::PACKAGE,
    &net::PACKAGE,
    &time::PACKAGE,
    &crypto::MD5,
    &crypto::SHA1,
    &crypto::SHA256,
    &crypto::SHA512,
    &crypto::HMAC,
    &ed25519::PACKAGE,
    &csv::PACKAGE,
    &toml::PACKAGE,
    &openapi::PACKAGE,
    &uuid::PACKAGE,
    &tabwriter::PACKAGE,
    &template::PACKAGE,
    &html::PACKAGE,
];

impl Package {
    /// The function named `name`.
    pub fn func(&self, name: &str) -> Option<&'static Func> {
        self.funcs.iter().find(|f| f.name == name)
    }

    /// The constant named `name`.
    pub fn constant(&self, name: &str) -> Option<Val> {
        self.consts.iter().find(|c| c.0 == name).map(|c| (c.1)())
    }
}

impl Val {
    /// A string value.
    pub fn str(s: impl AsRef<str>) -> Val {
        Val::Str(Arc::from(s.as_ref()))
    }

    /// A bytes value.
    pub fn bytes(b: impl AsRef<[u8]>) -> Val {
        Val::Bytes(Arc::from(b.as_ref()))
    }

    /// An int value.
    pub fn int(i: impl Into<num_bigint::BigInt>) -> Val {
        Val::Num(Number::int(i))
    }

    /// A struct from `(label, value)` pairs.
    pub fn fields<K: AsRef<str>>(fields: impl IntoIterator<Item = (K, Val)>) -> Val {
        Val::Struct(
            fields
                .into_iter()
                .map(|(k, v)| (Arc::from(k.as_ref()), v))
                .collect(),
        )
    }

    /// The kind name CUE uses in messages (`int`, `string`, `struct`…).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "bool",
            Val::Num(n) => n.kind.name(),
            Val::Str(_) => "string",
            Val::Bytes(_) => "bytes",
            Val::List(_) => "list",
            Val::Struct(_) => "struct",
            Val::Opaque(_) => "_",
        }
    }

    /// The value as CUE text, for messages (`"a"`, `[1, 2]`, `{a: 1}`).
    pub fn to_cue_string(&self) -> String {
        let mut out = String::new();
        util::write_cue(&mut out, self);
        out
    }
}
