//! CUE numbers: exact decimals with an int/float kind.
//!
//! Upstream CUE keeps every number as a Go `apd.Decimal` with a kind bit and
//! does arithmetic in a 34-digit, round-half-up context. This module
//! reproduces that behaviour, representation included, because CUE prints
//! the representation (`2.50` stays `2.50`, `6 / 3.0` is `2.0`, `1.0T / 2.0`
//! is `5.0E+11`):
//!
//! * `+ - *` ([`Number::add`], [`Number::sub`], [`Number::mul`]) are exact
//!   and then rounded to 34 significant digits, half up — also for ints,
//!   which stay ints: `10^41 + 1` is `1.000000000000000000000000000000000E+41`.
//!   The result is an int only if both operands are ints.
//! * `/` ([`Number::quo`]) always yields a float, rounded to 34 digits, then
//!   "reduced keeping floats" (trailing zeros dropped, one decimal place
//!   kept): `2.0 / 3.0 = 0.6666666666666666666666666666666667`,
//!   `20 / 4 = 5.0`. `x / 0` is `division by zero`, `0 / 0` is
//!   `division undefined`.
//! * The builtins `div`/`mod` (Euclidean) and `quo`/`rem` (truncated) are
//!   [`Number::int_div`], [`Number::int_mod`], [`Number::int_quo`],
//!   [`Number::int_rem`]: int-only, exact, zero divisor is an error.
//! * Equality and order are numeric and ignore the kind (`1 == 1.0`); the
//!   evaluator decides separately that `1 & 1.0` conflicts.
//! * [`Number::to_json_string`] is what `cue export` writes;
//!   [`Number::to_cue_string`] is what `cue eval`/`cue export --out cue`
//!   print; `Display` is the plain decimal string used by interpolation
//!   (`"\(1e2)"` is `"1E+2"`).
//!
//! Literals come from [`crate::syntax::literal::NumLit`] via
//! [`Number::from_lit`]. Exponents are bounded to ±100000 like apd's;
//! leaving that range is an error.
//!
//! Checked against upstream `cue` (the commit the conformance corpus is
//! pinned to) on several thousand random operations: same results, kinds,
//! printed forms and error messages. Known differences, all deliberate:
//!
//! * A fractional multiplier literal that is not an integer (`1.3Ki`) is
//!   truncated, as the spec says; upstream's implementation rejects it
//!   (`number cannot be represented as int`), which
//!   [`Number::from_lit_strict`] reproduces.
//! * A literal whose adjusted exponent leaves ±100000 (`1e100001`) is an
//!   error; upstream silently drops its exponent (reads it as `1`).
//! * Only integral exponents are supported by [`Number::pow_int`]
//!   (`math.Pow` with a fractional exponent needs `ln`/`exp`).

mod decimal;

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use num_bigint::{BigInt, BigUint};
use num_traits::{Euclid, ToPrimitive};

use crate::syntax::literal::{self, NumLit, Radix};

pub use decimal::{Context, Decimal, MAX_EXPONENT, MIN_EXPONENT, PRECISION, Rounding};

/// Why a numeric operation or conversion failed. The messages are upstream
/// CUE's where it has one (the evaluator adds context such as
/// `failed arithmetic: ` or `error in call to div: `).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NumError {
    /// A non-zero number divided by zero.
    #[error("division by zero")]
    DivisionByZero,
    /// Zero divided by zero.
    #[error("division undefined")]
    DivisionUndefined,
    /// A result or literal whose adjusted exponent leaves ±100000. `op` is
    /// `Some("add")` when the operands of an addition were too far apart to
    /// be aligned (upstream says `add: exponent out of range`).
    #[error("{}exponent out of range", match .op { Some(op) => format!("{op}: "), None => String::new() })]
    ExponentOutOfRange { op: Option<&'static str> },
    /// Text that is not a number.
    #[error("invalid number {0:?}")]
    InvalidNumber(String),
    /// A fractional literal with a multiplier that does not give an integer
    /// (`1.3Ki`), from [`Number::from_lit_strict`].
    #[error("number cannot be represented as int")]
    NotRepresentableAsInt,
    /// A float where an int is required (`div(1.0, 2)`); `arg` is 1-based.
    /// The evaluator appends ` to div` and the like.
    #[error("cannot use {value} (type float) as int in argument {arg}")]
    IntRequired { arg: usize, value: String },
    /// A conversion to an integer type of a value with a fraction.
    #[error("{0} is not an integer")]
    NotInteger(String),
    /// A conversion whose result had to be rounded down to fit (too large,
    /// or a positive number too small for `f64`).
    #[error("value was rounded down")]
    RoundedDown,
    /// A conversion whose result had to be rounded up to fit (too negative,
    /// or a negative number too small for `f64`).
    #[error("value was rounded up")]
    RoundedUp,
    /// NaN or an infinity offered as a number.
    #[error("{0} is not a finite number")]
    NotFinite(String),
    /// An operation without a finite result (`0 ** 0`, `0 ** -1`), or a
    /// division in a context without precision.
    #[error("invalid operation")]
    InvalidOperation,
}

/// The kind of a number: CUE's `int` or `float`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NumKind {
    Int,
    Float,
}

impl NumKind {
    /// `int` or `float`, as CUE names the types.
    pub fn name(self) -> &'static str {
        match self {
            NumKind::Int => "int",
            NumKind::Float => "float",
        }
    }

    /// The kind of an arithmetic result: int only if both are ints.
    fn join(self, other: NumKind) -> NumKind {
        if self == NumKind::Int && other == NumKind::Int {
            NumKind::Int
        } else {
            NumKind::Float
        }
    }
}

/// A CUE number: an exact decimal and its kind.
///
/// Ints hold integral values (the constructors and operations keep it so).
/// `==`, `<` and hashing are numeric and ignore the kind; use
/// [`Number::identical`] to compare kind and representation.
#[derive(Clone)]
pub struct Number {
    pub kind: NumKind,
    pub value: Decimal,
}

impl Number {
    /// A number of the given kind. No check is made that an int is integral.
    pub fn new(kind: NumKind, value: Decimal) -> Number {
        Number { kind, value }
    }

    /// The int `x`.
    pub fn int(x: impl Into<BigInt>) -> Number {
        Number {
            kind: NumKind::Int,
            value: Decimal::from(x.into()),
        }
    }

    /// The float with exactly this decimal value.
    pub fn float(value: Decimal) -> Number {
        Number {
            kind: NumKind::Float,
            value,
        }
    }

    /// A float holding the shortest decimal that reads back as `f` (`0.1`
    /// is `0.1`, `100.0` is `1E+2`); NaN and infinities are errors.
    pub fn from_f64(f: f64) -> Result<Number, NumError> {
        Ok(Number::float(Decimal::from_f64(f)?))
    }

    /// Converts a scanned literal. Decimal digits keep their written form
    /// (`2.50`, `072.40` = `72.40`, `.25`, `1e3` = `1E+3`); `0x`/`0o`/`0b`
    /// literals are ints of any size; a multiplier (`K M G T P`, `Ki`…)
    /// makes an int, truncated towards zero as the spec says
    /// (`1.5G` = 1500000000, `1.3Ki` = trunc(1331.2) = 1331). Upstream's
    /// implementation instead rejects inexact multiplier literals; see
    /// [`Number::from_lit_strict`].
    pub fn from_lit(lit: &NumLit) -> Result<Number, NumError> {
        Number::convert_lit(lit, false)
    }

    /// As [`Number::from_lit`], but a multiplier literal whose value is not an
    /// integer (`1.3Ki`) is an error, as in upstream's implementation.
    pub fn from_lit_strict(lit: &NumLit) -> Result<Number, NumError> {
        Number::convert_lit(lit, true)
    }

    fn convert_lit(lit: &NumLit, strict: bool) -> Result<Number, NumError> {
        let invalid = || NumError::InvalidNumber(lit.digits.clone());
        let coeff =
            BigUint::parse_bytes(lit.digits.as_bytes(), lit.radix as u32).ok_or_else(invalid)?;
        if lit.radix != Radix::Decimal {
            return Ok(Number {
                kind: NumKind::Int,
                value: Decimal::from(coeff),
            });
        }
        if let Some((base, power)) = lit.multiplier {
            let exact = Decimal::new(false, coeff * BigUint::from(base).pow(power), lit.exp10)?;
            if strict && !exact.is_integral() {
                return Err(NumError::NotRepresentableAsInt);
            }
            return Ok(Number::int(exact.to_integral(Rounding::Down)));
        }
        let kind = if lit.is_int {
            NumKind::Int
        } else {
            NumKind::Float
        };
        Ok(Number {
            kind,
            value: Decimal::new(false, coeff, lit.exp10)?,
        })
    }

    /// Reads CUE number syntax with an optional sign: `42`, `-1.5`, `0x1F`,
    /// `1_000`, `1.5Gi`, `.25`, `1e3`, `5.0E+11`. The kind follows the
    /// syntax (a point or exponent makes a float). A leading `-` negates as
    /// CUE's unary minus does, so `-0.0` is `0.0`.
    pub fn parse(s: &str) -> Result<Number, NumError> {
        let (neg, body) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let lit =
            literal::parse_number(body).map_err(|_| NumError::InvalidNumber(s.to_string()))?;
        let n = Number::from_lit(&lit)?;
        Ok(if neg { n.neg() } else { n })
    }

    /// Whether the kind is int.
    pub fn is_int(&self) -> bool {
        self.kind == NumKind::Int
    }

    /// Whether the value is an integer (`2.0` is, whatever its kind).
    pub fn is_integer(&self) -> bool {
        self.value.is_integral()
    }

    /// Whether the value is zero.
    pub fn is_zero(&self) -> bool {
        self.value.is_zero()
    }

    /// -1, 0 or 1.
    pub fn signum(&self) -> i32 {
        self.value.signum()
    }

    /// Same kind, sign, coefficient and exponent.
    pub fn identical(&self, other: &Number) -> bool {
        self.kind == other.kind && self.value.identical(&other.value)
    }

    /// `self + other` in CUE's context.
    pub fn add(&self, other: &Number) -> Result<Number, NumError> {
        let value = Context::BASE.add(&self.value, &other.value)?;
        Ok(Number {
            kind: self.kind.join(other.kind),
            value,
        })
    }

    /// `self - other` in CUE's context.
    pub fn sub(&self, other: &Number) -> Result<Number, NumError> {
        let value = Context::BASE.sub(&self.value, &other.value)?;
        Ok(Number {
            kind: self.kind.join(other.kind),
            value,
        })
    }

    /// `self * other` in CUE's context.
    pub fn mul(&self, other: &Number) -> Result<Number, NumError> {
        let value = Context::BASE.mul(&self.value, &other.value)?;
        Ok(Number {
            kind: self.kind.join(other.kind),
            value,
        })
    }

    /// `self / other`: always a float (see the module docs).
    pub fn quo(&self, other: &Number) -> Result<Number, NumError> {
        Ok(Number::float(
            Context::BASE.quo_reduced(&self.value, &other.value)?,
        ))
    }

    /// Unary minus; `-0` is `0`.
    pub fn neg(&self) -> Number {
        Number {
            kind: self.kind,
            value: self.value.neg(),
        }
    }

    /// The absolute value, keeping the representation.
    pub fn abs(&self) -> Number {
        Number {
            kind: self.kind,
            value: self.value.abs(),
        }
    }

    fn int_operands(&self, other: &Number) -> Result<(BigInt, BigInt), NumError> {
        for (arg, n) in [(1, self), (2, other)] {
            if n.kind != NumKind::Int {
                return Err(NumError::IntRequired {
                    arg,
                    value: n.to_string(),
                });
            }
        }
        if other.is_zero() {
            return Err(NumError::DivisionByZero);
        }
        Ok((
            self.value.to_integral(Rounding::HalfUp),
            other.value.to_integral(Rounding::HalfUp),
        ))
    }

    /// The builtin `div`: Euclidean quotient (`div(-5, 2) = -3`,
    /// `div(5, -2) = -2`). Int-only; a zero divisor is an error.
    pub fn int_div(&self, other: &Number) -> Result<Number, NumError> {
        let (x, y) = self.int_operands(other)?;
        Ok(Number::int(x.div_euclid(&y)))
    }

    /// The builtin `mod`: Euclidean remainder, never negative
    /// (`mod(-5, 2) = 1`, `mod(-5, -2) = 1`).
    pub fn int_mod(&self, other: &Number) -> Result<Number, NumError> {
        let (x, y) = self.int_operands(other)?;
        Ok(Number::int(x.rem_euclid(&y)))
    }

    /// The builtin `quo`: quotient truncated towards zero (`quo(-5, 2) = -2`).
    pub fn int_quo(&self, other: &Number) -> Result<Number, NumError> {
        let (x, y) = self.int_operands(other)?;
        Ok(Number::int(x / y))
    }

    /// The builtin `rem`: remainder with the dividend's sign
    /// (`rem(-5, 2) = -1`, `rem(5, -2) = 1`).
    pub fn int_rem(&self, other: &Number) -> Result<Number, NumError> {
        let (x, y) = self.int_operands(other)?;
        Ok(Number::int(x % y))
    }

    /// `self ** n` for an integer `n` in CUE's context (as `math.Pow` does
    /// for integral exponents); the kind is kept.
    pub fn pow_int(&self, n: &BigInt) -> Result<Number, NumError> {
        Ok(Number {
            kind: self.kind,
            value: Context::BASE.pow_int(&self.value, n)?,
        })
    }

    /// The integer part, as an int (`trunc(-2.9) = -2`).
    pub fn truncate(&self) -> Number {
        Number::int(self.value.to_integral(Rounding::Down))
    }

    /// The value rounded to an int with `mode` (floor, ceiling, half up…).
    pub fn round_to_int(&self, mode: Rounding) -> Number {
        Number::int(self.value.to_integral(mode))
    }

    /// The value as a big integer; an error if it has a fraction.
    pub fn to_bigint(&self) -> Result<BigInt, NumError> {
        self.value
            .to_bigint()
            .ok_or_else(|| NumError::NotInteger(self.to_string()))
    }

    fn to_prim<T>(&self, conv: impl Fn(&BigInt) -> Option<T>) -> Result<T, NumError> {
        let x = self.to_bigint()?;
        conv(&x).ok_or(if x.sign() == num_bigint::Sign::Minus {
            NumError::RoundedUp
        } else {
            NumError::RoundedDown
        })
    }

    /// The value as an `i64`: [`NumError::NotInteger`] for a fraction,
    /// [`NumError::RoundedDown`] above the range, [`NumError::RoundedUp`]
    /// below it (CUE's conventions).
    pub fn to_i64(&self) -> Result<i64, NumError> {
        self.to_prim(ToPrimitive::to_i64)
    }

    /// The value as a `u64`; negative values are [`NumError::RoundedUp`].
    pub fn to_u64(&self) -> Result<u64, NumError> {
        self.to_prim(ToPrimitive::to_u64)
    }

    /// The value as an `i128`.
    pub fn to_i128(&self) -> Result<i128, NumError> {
        self.to_prim(ToPrimitive::to_i128)
    }

    /// The value as a `u128`.
    pub fn to_u128(&self) -> Result<u128, NumError> {
        self.to_prim(ToPrimitive::to_u128)
    }

    /// The nearest `f64`, with CUE's range errors (see [`Decimal::to_f64`]).
    pub fn to_f64(&self) -> Result<f64, NumError> {
        self.value.to_f64()
    }

    /// The nearest `f64`, saturating.
    pub fn to_f64_lossy(&self) -> f64 {
        self.value.to_f64_lossy()
    }

    /// The number as `cue export` writes it in JSON (apd's `'G'` format, the
    /// same as `Display`): `5.0E+11`, `2.50`, `-0`. Floats without a point
    /// print bare (`0 / 2.0` exports as `0`).
    pub fn to_json_string(&self) -> String {
        self.value.to_sci_string()
    }

    /// The number as CUE text prints it (`cue eval`, `cue export --out cue`,
    /// `cue def`): the decimal string, with a float always showing a point
    /// or exponent (`2.0`, `0.0`) and a lower-case exponent (`5.0e+11`,
    /// `1e+2`; ints too: `1.234e+35`).
    pub fn to_cue_string(&self) -> String {
        let mut s = self.value.to_sci_string();
        match self.kind {
            NumKind::Float => {
                if !s.contains(['e', 'E', '.']) {
                    s.push_str(".0");
                }
                s.make_ascii_lowercase();
            }
            NumKind::Int => {
                if s.find('E').is_some_and(|p| p + 1 < s.len()) {
                    s.make_ascii_lowercase();
                }
            }
        }
        s
    }
}

impl fmt::Display for Number {
    /// The decimal string without kind markers, as string interpolation
    /// shows numbers (`"\(2.00)"` is `2.00`, `"\(1e2)"` is `1E+2`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.value, f)
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.kind.name(), self.value)
    }
}

impl FromStr for Number {
    type Err = NumError;

    /// See [`Number::parse`].
    fn from_str(s: &str) -> Result<Number, NumError> {
        Number::parse(s)
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.value == other.value
    }
}

impl Eq for Number {}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Number {
    /// Numeric order, ignoring the kind.
    fn cmp(&self, other: &Number) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl Hash for Number {
    /// Consistent with `==`: numerically equal numbers hash alike.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

macro_rules! number_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(x: $t) -> Number {
                Number::int(x)
            }
        }
    )*};
}
number_from_int!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, BigInt, BigUint
);
