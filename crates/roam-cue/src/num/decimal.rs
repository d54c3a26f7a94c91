//! Arbitrary-precision decimals with the arithmetic of the Go library
//! `cockroachdb/apd/v3` (v3.2.3) as CUE uses it.
//!
//! A [`Decimal`] is `(-1)^neg × coefficient × 10^exponent`. The
//! representation matters, not just the value: `2.50` and `2.5` are equal
//! numbers but print differently, and CUE prints what apd computes. The sign
//! is kept for zero too (`-1 * 0` is `-0` in CUE), but a negative zero
//! compares equal to zero.
//!
//! Operations go through a [`Context`]: a precision (significant digits,
//! 0 = exact) and a [`Rounding`] mode. [`Context::BASE`] is CUE's: 34 digits,
//! round half up. Exponents are bounded like apd's: a result whose adjusted
//! exponent (the exponent of its leading digit) leaves ±[`MAX_EXPONENT`] is
//! an error ([`NumError::ExponentOutOfRange`]), never a silent infinity.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::sync::OnceLock;

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};

use super::NumError;

/// CUE's decimal precision: significant digits kept by `+ - * /`.
pub const PRECISION: u32 = 34;

/// Largest adjusted exponent a decimal may have (apd's `MaxExponent`).
pub const MAX_EXPONENT: i64 = 100_000;

/// Smallest adjusted exponent a decimal may have (apd's `MinExponent`).
pub const MIN_EXPONENT: i64 = -MAX_EXPONENT;

/// How a result that does not fit the precision is rounded. Only the digits
/// discarded decide; the mode names follow the General Decimal Arithmetic
/// specification (and apd).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Rounding {
    /// Ties away from zero (apd's default, and CUE's).
    #[default]
    HalfUp,
    /// Ties to the even neighbour (banker's rounding).
    HalfEven,
    /// Towards zero: truncation.
    Down,
    /// Away from zero.
    Up,
    /// Towards negative infinity.
    Floor,
    /// Towards positive infinity.
    Ceiling,
}

impl Rounding {
    /// Whether to add one to the magnitude `result` after discarding a
    /// non-zero remainder; `half` compares the discarded part with one half.
    fn add_one(self, result: &BigUint, neg: bool, half: Ordering) -> bool {
        match self {
            Rounding::HalfUp => half != Ordering::Less,
            Rounding::HalfEven => {
                half == Ordering::Greater || (half == Ordering::Equal && result.bit(0))
            }
            Rounding::Down => false,
            Rounding::Up => true,
            Rounding::Floor => neg,
            Rounding::Ceiling => !neg,
        }
    }
}

/// An exact decimal number: sign, unbounded coefficient and exponent.
///
/// Equality, ordering and hashing are by numeric value (`1.0 == 1.00`,
/// `-0 == 0`); use [`Decimal::identical`] to compare representations.
#[derive(Clone)]
pub struct Decimal {
    neg: bool,
    coeff: BigUint,
    exp: i32,
}

fn pow10(n: u64) -> BigUint {
    static TABLE: OnceLock<Vec<BigUint>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut v = Vec::with_capacity(80);
        let mut x = BigUint::one();
        for _ in 0..80 {
            v.push(x.clone());
            x *= 10u32;
        }
        v
    });
    match table.get(n as usize) {
        Some(x) => x.clone(),
        None => {
            let n = u32::try_from(n).expect("power of ten beyond any representable exponent");
            num_traits::pow(BigUint::from(10u32), n as usize)
        }
    }
}

/// Number of decimal digits of `x` (1 for zero).
fn num_digits(x: &BigUint) -> u64 {
    if let Some(v) = x.to_u128() {
        return v.checked_ilog10().map_or(1, |d| u64::from(d) + 1);
    }
    // x ≥ 2^(bits-1), so log10(x) ≥ (bits-1)·log10(2); the rational below
    // under-estimates log10(2), so `d` never exceeds the true digit count.
    let bits = x.bits();
    let mut d = ((bits - 1) as u128 * 30_102_999_566 / 100_000_000_000) as u64 + 1;
    while *x >= pow10(d) {
        d += 1;
    }
    d
}

/// Number of trailing decimal zeros of a non-zero `x`.
fn trailing_zeros(x: &BigUint) -> u64 {
    if let Some(mut v) = x.to_u128() {
        let mut n = 0;
        while v != 0 && v % 10 == 0 {
            v /= 10;
            n += 1;
        }
        return n;
    }
    let s = x.to_str_radix(10);
    (s.len() - s.trim_end_matches('0').len()) as u64
}

fn range_error() -> NumError {
    NumError::ExponentOutOfRange { op: None }
}

/// apd's per-term exponent check (`setExponent`): each exponent that goes
/// into a result must itself be within the range.
fn check_term(e: i64) -> Result<i64, NumError> {
    if (MIN_EXPONENT..=MAX_EXPONENT).contains(&e) {
        Ok(e)
    } else {
        Err(range_error())
    }
}

impl Decimal {
    /// Builds `(-1)^neg × coeff × 10^exp`; fails if the adjusted exponent is
    /// out of range.
    pub fn new(neg: bool, coeff: BigUint, exp: i64) -> Result<Decimal, NumError> {
        let exp = i32::try_from(exp).map_err(|_| range_error())?;
        let d = Decimal { neg, coeff, exp };
        d.check_range()?;
        Ok(d)
    }

    /// Zero, with exponent 0.
    pub fn zero() -> Decimal {
        Decimal {
            neg: false,
            coeff: BigUint::zero(),
            exp: 0,
        }
    }

    /// One, with exponent 0.
    pub fn one() -> Decimal {
        Decimal {
            neg: false,
            coeff: BigUint::one(),
            exp: 0,
        }
    }

    /// The integer `x`, with exponent 0.
    pub fn from_bigint(x: &BigInt) -> Decimal {
        Decimal {
            neg: x.sign() == Sign::Minus,
            coeff: x.magnitude().clone(),
            exp: 0,
        }
    }

    /// The exact value of a finite `f64`, in the shortest decimal form that
    /// reads back as the same `f64` (as apd's `SetFloat64`: `0.1` is `0.1`,
    /// `100.0` is `1E+2`). NaN and infinities are errors.
    pub fn from_f64(f: f64) -> Result<Decimal, NumError> {
        if !f.is_finite() {
            return Err(NumError::NotFinite(f.to_string()));
        }
        format!("{f:e}").parse()
    }

    /// Whether the sign bit is set (also for `-0`).
    pub fn is_negative(&self) -> bool {
        self.neg
    }

    /// Whether the value is zero (either sign).
    pub fn is_zero(&self) -> bool {
        self.coeff.is_zero()
    }

    /// -1, 0 or 1; zero of either sign is 0.
    pub fn signum(&self) -> i32 {
        if self.coeff.is_zero() {
            0
        } else if self.neg {
            -1
        } else {
            1
        }
    }

    /// The coefficient's magnitude.
    pub fn coefficient(&self) -> &BigUint {
        &self.coeff
    }

    /// The exponent: the value is `coefficient × 10^exponent`.
    pub fn exponent(&self) -> i32 {
        self.exp
    }

    /// Number of digits of the coefficient (1 for zero).
    pub fn num_digits(&self) -> u64 {
        num_digits(&self.coeff)
    }

    /// The exponent of the leading digit: `exponent + digits - 1`.
    pub fn adjusted_exponent(&self) -> i64 {
        i64::from(self.exp) + self.num_digits() as i64 - 1
    }

    /// Same sign, coefficient and exponent (not just the same value).
    pub fn identical(&self, other: &Decimal) -> bool {
        self.neg == other.neg && self.exp == other.exp && self.coeff == other.coeff
    }

    fn check_range(&self) -> Result<(), NumError> {
        let adj = self.adjusted_exponent();
        if !(MIN_EXPONENT..=MAX_EXPONENT).contains(&adj) {
            return Err(range_error());
        }
        Ok(())
    }

    /// `-x`; the negation of zero is positive zero (as apd's `Neg`).
    pub fn neg(&self) -> Decimal {
        let mut d = self.clone();
        d.neg = !d.is_zero() && !d.neg;
        d
    }

    /// `|x|`, keeping the representation.
    pub fn abs(&self) -> Decimal {
        Decimal {
            neg: false,
            ..self.clone()
        }
    }

    /// Removes all trailing zeros of the coefficient (apd's `Reduce`): `2.50`
    /// becomes `2.5`, `100` becomes `1E+2`, any zero becomes `0`.
    pub fn reduce(&self) -> Decimal {
        if self.is_zero() {
            return Decimal::zero();
        }
        let n = trailing_zeros(&self.coeff);
        if n == 0 {
            return self.clone();
        }
        Decimal {
            neg: self.neg,
            coeff: &self.coeff / pow10(n),
            exp: self.exp + n as i32,
        }
    }

    /// [`reduce`](Self::reduce), but a number that had decimal places keeps
    /// one: `3.000` becomes `3.0` and `5.000E+5` becomes `5.0E+5`. CUE applies
    /// this to quotients (`internal.Context.Quo`).
    pub fn reduce_keeping_floats(&self) -> Decimal {
        let mut d = self.reduce();
        if self.exp < 0 && d.exp >= 0 {
            d.exp -= 1;
            d.coeff *= 10u32;
        }
        d
    }

    /// Whether the value is an integer.
    pub fn is_integral(&self) -> bool {
        self.exp >= 0
            || self.is_zero()
            || trailing_zeros(&self.coeff) >= u64::from(self.exp.unsigned_abs())
    }

    /// The value as a big integer, if it is integral.
    pub fn to_bigint(&self) -> Option<BigInt> {
        self.is_integral().then(|| self.to_integral(Rounding::Down))
    }

    /// The value rounded to an integer with `mode` (`Down` truncates,
    /// `Floor`/`Ceiling` are floor and ceiling, `HalfUp` is `math.Round`,
    /// `HalfEven` is `math.RoundToEven`). Exact, whatever the size.
    pub fn to_integral(&self, mode: Rounding) -> BigInt {
        let mag = if self.exp >= 0 {
            &self.coeff * pow10(u64::from(self.exp.unsigned_abs()))
        } else {
            let unit = pow10(u64::from(self.exp.unsigned_abs()));
            let (mut q, r) = self.coeff.div_rem(&unit);
            if !r.is_zero() {
                let half = (r << 1u32).cmp(&unit);
                if mode.add_one(&q, self.neg, half) {
                    q += 1u32;
                }
            }
            q
        };
        BigInt::from_biguint(if self.neg { Sign::Minus } else { Sign::Plus }, mag)
    }

    /// The nearest `f64`, with CUE's range checks (`cue.Value.Float64`):
    /// a magnitude above `f64::MAX` is [`NumError::RoundedUp`] (positive) or
    /// [`NumError::RoundedDown`] (negative); a non-zero magnitude below the
    /// smallest subnormal is `RoundedDown` (positive) or `RoundedUp`
    /// (negative). See [`to_f64_lossy`](Self::to_f64_lossy) for a saturating
    /// conversion.
    pub fn to_f64(&self) -> Result<f64, NumError> {
        if self.is_zero() {
            return Ok(0.0);
        }
        static LIMITS: OnceLock<(Decimal, Decimal)> = OnceLock::new();
        let (smallest, max) = LIMITS.get_or_init(|| {
            (
                "4.940656458412465441765687928682213723651e-324"
                    .parse()
                    .expect("valid constant"),
                "1.797693134862315708145274237317043567981e+308"
                    .parse()
                    .expect("valid constant"),
            )
        });
        let mag = self.abs();
        if mag > *max {
            return Err(if self.neg {
                NumError::RoundedDown
            } else {
                NumError::RoundedUp
            });
        }
        if mag < *smallest {
            return Err(if self.neg {
                NumError::RoundedUp
            } else {
                NumError::RoundedDown
            });
        }
        Ok(self.to_f64_lossy())
    }

    /// The nearest `f64`, saturating to infinities and zero.
    pub fn to_f64_lossy(&self) -> f64 {
        if self.adjusted_exponent() > 400 {
            return if self.neg {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
        }
        if self.adjusted_exponent() < -400 {
            return if self.neg { -0.0 } else { 0.0 };
        }
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// The General Decimal Arithmetic *to-scientific-string* form, which is
    /// apd's `String()`: plain notation when the exponent is ≤ 0 and the
    /// adjusted exponent ≥ -6 (`2.50`, `0.000001`, `-0`), otherwise one digit,
    /// the rest after a point and `E±n` (`1E+2`, `5.0E+11`, `1E-7`). Zeros
    /// with up to 2000 decimal places print plainly (`0.000000000000`).
    pub fn to_sci_string(&self) -> String {
        let digits = self.coeff.to_str_radix(10);
        let mut out = String::with_capacity(digits.len() + 8);
        if self.neg {
            out.push('-');
        }
        let exp = i64::from(self.exp);
        // apd v3.2 prints a zero with down to 2000 decimal places in plain
        // notation (`0.000000000000`, not `0E-12`).
        let plain_len = if self.is_zero() && (-2000..0).contains(&exp) {
            1 - exp
        } else {
            digits.len() as i64
        };
        // Plain when the adjusted exponent, exp + len - 1, is at least -6.
        if exp <= 0 && exp + plain_len > -6 {
            if exp == 0 {
                out.push_str(&digits);
            } else {
                let frac = exp.unsigned_abs() as usize;
                if frac >= digits.len() {
                    out.push_str("0.");
                    out.extend(std::iter::repeat_n('0', frac - digits.len()));
                    out.push_str(&digits);
                } else {
                    let point = digits.len() - frac;
                    out.push_str(&digits[..point]);
                    out.push('.');
                    out.push_str(&digits[point..]);
                }
            }
        } else {
            out.push_str(&digits[..1]);
            if digits.len() > 1 {
                out.push('.');
                out.push_str(&digits[1..]);
            }
            let adj = exp + digits.len() as i64 - 1;
            out.push('E');
            out.push(if adj < 0 { '-' } else { '+' });
            out.push_str(&adj.unsigned_abs().to_string());
        }
        out
    }
}

impl fmt::Display for Decimal {
    /// See [`Decimal::to_sci_string`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_sci_string())
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({})", self.to_sci_string())
    }
}

impl FromStr for Decimal {
    type Err = NumError;

    /// Reads a decimal the way apd's `SetString` does, exactly (no
    /// rounding): an optional sign, digits with at most one point, and an
    /// optional exponent (`-1.5`, `.25`, `5.`, `1.2E+3`, `7e-2`). The
    /// representation is kept: `"2.50"` has coefficient 250, exponent -2.
    /// Infinities and NaN are not numbers here.
    fn from_str(s: &str) -> Result<Decimal, NumError> {
        let invalid = || NumError::InvalidNumber(s.to_string());
        let (neg, body) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let (mant, exp) = match body.find(['e', 'E']) {
            Some(i) => {
                let e: i32 = body[i + 1..].parse().map_err(|_| invalid())?;
                (&body[..i], i64::from(e))
            }
            None => (body, 0),
        };
        let (int_part, frac) = mant.split_once('.').unwrap_or((mant, ""));
        if int_part.len() + frac.len() == 0
            || !int_part
                .bytes()
                .chain(frac.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return Err(invalid());
        }
        let digits = format!("{int_part}{frac}");
        let coeff = BigUint::parse_bytes(digits.as_bytes(), 10).ok_or_else(invalid)?;
        let frac_exp = -(frac.len() as i64);
        if !(MIN_EXPONENT..=MAX_EXPONENT).contains(&exp) || frac_exp < MIN_EXPONENT {
            return Err(range_error());
        }
        Decimal::new(neg, coeff, exp + frac_exp)
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Decimal) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    /// Numeric order (apd's `Cmp`); zeros of either sign are equal.
    fn cmp(&self, other: &Decimal) -> Ordering {
        let (a, b) = (self.signum(), other.signum());
        if a != b || a == 0 {
            return a.cmp(&b);
        }
        let mag = if self.exp == other.exp {
            self.coeff.cmp(&other.coeff)
        } else {
            match self.adjusted_exponent().cmp(&other.adjusted_exponent()) {
                Ordering::Equal => {
                    // Same leading-digit position: the exponents differ by
                    // less than the digit counts, so scaling stays small.
                    if self.exp < other.exp {
                        let scale = pow10((i64::from(other.exp) - i64::from(self.exp)) as u64);
                        self.coeff.cmp(&(&other.coeff * scale))
                    } else {
                        let scale = pow10((i64::from(self.exp) - i64::from(other.exp)) as u64);
                        (&self.coeff * scale).cmp(&other.coeff)
                    }
                }
                o => o,
            }
        };
        if a < 0 { mag.reverse() } else { mag }
    }
}

impl Hash for Decimal {
    /// Consistent with numeric equality: hashes the reduced form.
    fn hash<H: Hasher>(&self, state: &mut H) {
        let r = self.reduce();
        if r.is_zero() {
            0u8.hash(state);
        } else {
            1u8.hash(state);
            r.neg.hash(state);
            r.exp.hash(state);
            r.coeff.hash(state);
        }
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Decimal {
            fn from(x: $t) -> Decimal {
                Decimal::from_bigint(&BigInt::from(x))
            }
        }
    )*};
}
from_int!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
);

impl From<BigInt> for Decimal {
    fn from(x: BigInt) -> Decimal {
        let (sign, coeff) = x.into_parts();
        Decimal {
            neg: sign == Sign::Minus,
            coeff,
            exp: 0,
        }
    }
}

impl From<BigUint> for Decimal {
    fn from(coeff: BigUint) -> Decimal {
        Decimal {
            neg: false,
            coeff,
            exp: 0,
        }
    }
}

/// Precision and rounding for decimal operations, like apd's `Context`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Context {
    /// Significant digits to keep; 0 means exact (no rounding).
    pub precision: u32,
    /// How to round results that have more digits than `precision`.
    pub rounding: Rounding,
}

impl Context {
    /// CUE's context (`internal.BaseContext`): 34 digits, half up.
    pub const BASE: Context = Context {
        precision: PRECISION,
        rounding: Rounding::HalfUp,
    };

    /// No rounding at all (division is not possible in it).
    pub const EXACT: Context = Context {
        precision: 0,
        rounding: Rounding::HalfUp,
    };

    /// A context with another precision.
    pub fn with_precision(self, precision: u32) -> Context {
        Context { precision, ..self }
    }

    /// `x` rounded to the precision (apd's `Round`): the coefficient keeps
    /// at most `precision` digits, the exponent grows by the digits dropped;
    /// nothing else changes (no trailing zeros are stripped).
    pub fn round(&self, x: &Decimal) -> Result<Decimal, NumError> {
        let mut d = x.clone();
        self.round_in_place(&mut d)?;
        Ok(d)
    }

    fn round_in_place(&self, d: &mut Decimal) -> Result<(), NumError> {
        // apd checks the stored exponent itself, not only the adjusted one:
        // a result whose raw exponent is below MIN_EXPONENT fails even when
        // its leading digit is in range.
        let exp = check_term(i64::from(d.exp))?;
        let prec = u64::from(self.precision);
        let nd = d.num_digits();
        let adj = exp + nd as i64 - 1;
        if !(MIN_EXPONENT..=MAX_EXPONENT).contains(&adj) {
            return Err(range_error());
        }
        if prec == 0 || nd <= prec {
            return Ok(());
        }
        let mut diff = nd - prec;
        check_term(diff as i64)?;
        let unit = pow10(diff);
        let (mut q, r) = d.coeff.div_rem(&unit);
        if !r.is_zero() {
            let half = (r << 1u32).cmp(&unit);
            if self.rounding.add_one(&q, d.neg, half) {
                q += 1u32;
                if num_digits(&q) > prec {
                    q /= 10u32;
                    diff += 1;
                }
            }
        }
        d.coeff = q;
        let diff = check_term(diff as i64)?;
        d.exp = i32::try_from(exp + diff).map_err(|_| range_error())?;
        d.check_range()
    }

    fn finish(&self, neg: bool, coeff: BigUint, exp: i64) -> Result<Decimal, NumError> {
        let exp = i32::try_from(exp).map_err(|_| range_error())?;
        let mut d = Decimal { neg, coeff, exp };
        self.round_in_place(&mut d)?;
        Ok(d)
    }

    fn add_signed(&self, x: &Decimal, y: &Decimal, y_neg: bool) -> Result<Decimal, NumError> {
        let gap = (i64::from(x.exp) - i64::from(y.exp)).unsigned_abs();
        if gap > MAX_EXPONENT as u64 {
            return Err(NumError::ExponentOutOfRange { op: Some("add") });
        }
        let exp = x.exp.min(y.exp);
        let scaled = |d: &Decimal| {
            if d.exp == exp {
                d.coeff.clone()
            } else {
                &d.coeff * pow10((i64::from(d.exp) - i64::from(exp)) as u64)
            }
        };
        let (a, b) = (scaled(x), scaled(y));
        let (neg, coeff) = if x.neg == y_neg {
            (x.neg, a + b)
        } else {
            match a.cmp(&b) {
                Ordering::Equal => (false, BigUint::zero()),
                Ordering::Greater => (x.neg, a - b),
                Ordering::Less => (y_neg, b - a),
            }
        };
        self.finish(neg, coeff, i64::from(exp))
    }

    /// `x + y`, rounded. Zero sums are positive.
    pub fn add(&self, x: &Decimal, y: &Decimal) -> Result<Decimal, NumError> {
        self.add_signed(x, y, y.neg)
    }

    /// `x - y`, rounded.
    pub fn sub(&self, x: &Decimal, y: &Decimal) -> Result<Decimal, NumError> {
        self.add_signed(x, y, !y.neg)
    }

    /// `x × y`, rounded; the sign is the exclusive or of the signs, also for
    /// zero (`-1 × 0 = -0`).
    pub fn mul(&self, x: &Decimal, y: &Decimal) -> Result<Decimal, NumError> {
        let exp = check_term(i64::from(x.exp))? + check_term(i64::from(y.exp))?;
        self.finish(x.neg != y.neg, &x.coeff * &y.coeff, exp)
    }

    /// `x / y` exactly as apd's `Quo`: the coefficient always gets
    /// `precision` digits (rounded), so `6 / 3.0` is `2.000…0E-33` before
    /// any reduction; see [`quo_reduced`](Self::quo_reduced) for CUE's `/`.
    /// A zero divisor is [`NumError::DivisionByZero`], or
    /// [`NumError::DivisionUndefined`] for `0 / 0`.
    pub fn quo(&self, x: &Decimal, y: &Decimal) -> Result<Decimal, NumError> {
        if y.is_zero() {
            return Err(if x.is_zero() {
                NumError::DivisionUndefined
            } else {
                NumError::DivisionByZero
            });
        }
        if self.precision == 0 {
            return Err(NumError::InvalidOperation);
        }
        let neg = x.neg != y.neg;
        let shift = check_term(i64::from(x.exp) - i64::from(y.exp))?;
        if x.is_zero() {
            return Decimal::new(neg, BigUint::zero(), shift);
        }
        let mut dividend = x.coeff.clone();
        let mut divisor = y.coeff.clone();
        let nd_diff = num_digits(&dividend) as i64 - num_digits(&divisor) as i64;
        if nd_diff < 0 {
            dividend *= pow10(nd_diff.unsigned_abs());
        } else if nd_diff > 0 {
            divisor *= pow10(nd_diff as u64);
        }
        let mut adj_coeffs = -nd_diff;
        if dividend < divisor {
            dividend *= 10u32;
            adj_coeffs += 1;
        }
        let adj_exp10 = i64::from(self.precision) - 1;
        dividend *= pow10(adj_exp10 as u64);
        let (mut q, r) = dividend.div_rem(&divisor);
        let exp = shift + check_term(-adj_coeffs)? - adj_exp10;
        if !r.is_zero() {
            let adj = exp + num_digits(&q) as i64 - 1;
            if adj >= MIN_EXPONENT {
                let half = (r << 1u32).cmp(&divisor);
                if self.rounding.add_one(&q, neg, half) {
                    // A carry may give precision+1 digits (…999 + 1); apd
                    // keeps that coefficient as it is.
                    q += 1u32;
                }
            }
        }
        Decimal::new(neg, q, exp)
    }

    /// CUE's quotient (`internal.Context.Quo`): [`quo`](Self::quo) followed
    /// by [`Decimal::reduce_keeping_floats`]. `6 / 3.0 = 2.0`,
    /// `1.00 / 1.00 = 1.0`, `1.0T / 2.0 = 5.0E+11`, `2.0 / 3.0 =
    /// 0.6666666666666666666666666666666667`.
    pub fn quo_reduced(&self, x: &Decimal, y: &Decimal) -> Result<Decimal, NumError> {
        Ok(self.quo(x, y)?.reduce_keeping_floats())
    }

    /// `x ** n` for an integer `n`, as apd's `Pow` does for integral
    /// exponents: repeated squaring at `max(precision, digits(x)) + 10`
    /// digits, a reciprocal for negative `n`, then rounding to the context.
    /// `0 ** 0` and `0 ** -n` (infinite) are [`NumError::InvalidOperation`].
    pub fn pow_int(&self, x: &Decimal, n: &BigInt) -> Result<Decimal, NumError> {
        if x.is_zero() {
            return match n.sign() {
                Sign::Plus => Ok(Decimal {
                    neg: x.neg && n.bit(0),
                    coeff: BigUint::zero(),
                    exp: 0,
                }),
                _ => Err(NumError::InvalidOperation),
            };
        }
        if n.is_zero() {
            return Ok(Decimal::one());
        }
        let work = Context {
            precision: self
                .precision
                .max(num_digits(&x.coeff).try_into().unwrap_or(u32::MAX))
                .saturating_add(10),
            rounding: Rounding::HalfUp,
        };
        let mut bits = n.magnitude().clone();
        let mut base = x.clone();
        let mut z = Decimal::one();
        while !bits.is_zero() {
            if bits.bit(0) {
                z = work.mul(&z, &base)?;
            }
            bits >>= 1u32;
            if !bits.is_zero() {
                base = work.mul(&base, &base)?;
            }
        }
        if n.sign() == Sign::Minus {
            z = work.quo(&Decimal::one(), &z)?;
        }
        self.round(&z)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn digit_counts() {
        assert_eq!(num_digits(&BigUint::zero()), 1);
        assert_eq!(num_digits(&BigUint::from(9u32)), 1);
        assert_eq!(num_digits(&BigUint::from(10u32)), 2);
        for n in [38u64, 39, 40, 77, 78, 300, 1000] {
            assert_eq!(num_digits(&pow10(n)), n + 1, "10^{n}");
            assert_eq!(num_digits(&(pow10(n) - 1u32)), n, "10^{n}-1");
        }
        assert_eq!(trailing_zeros(&pow10(90)), 90);
        assert_eq!(trailing_zeros(&(pow10(90) + 1u32)), 0);
    }

    #[test]
    fn parse_keeps_representation() {
        let x = d("2.50");
        assert_eq!(
            (x.coefficient().clone(), x.exponent()),
            (BigUint::from(250u32), -2)
        );
        assert_eq!(d("1.2E+3").exponent(), 2);
        assert_eq!(d(".25").to_string(), "0.25");
        assert_eq!(d("5.").to_string(), "5");
        assert_eq!(d("-0").to_string(), "-0");
        assert_eq!(d("+7e-2").to_string(), "0.07");
        for bad in [
            "",
            ".",
            "e5",
            "1e",
            "1.2.3",
            "--1",
            "1_000",
            "inf",
            "NaN",
            "0x10",
            "1e99999999999",
        ] {
            assert!(bad.parse::<Decimal>().is_err(), "{bad:?} parsed");
        }
        assert_eq!(d("1e100000").to_string(), "1E+100000");
        assert!("1e100001".parse::<Decimal>().is_err());
        assert!("10e100000".parse::<Decimal>().is_err());
        assert_eq!(d("10e99999").adjusted_exponent(), 100_000);
        assert!("1e-100001".parse::<Decimal>().is_err());
    }

    #[test]
    fn sci_string_forms() {
        let cases = [
            ("0", "0"),
            ("-0", "-0"),
            ("0.00", "0.00"),
            ("0E+3", "0E+3"),
            ("0E-12", "0.000000000000"),
            ("-0E-7", "-0.0000000"),
            ("0E-2001", "0E-2001"),
            ("123", "123"),
            ("-123.45", "-123.45"),
            ("0.000001", "0.000001"),
            ("0.0000001", "1E-7"),
            ("0.00000012", "1.2E-7"),
            ("1E+2", "1E+2"),
            ("1.0E+12", "1.0E+12"),
            ("50E+10", "5.0E+11"),
            ("12345E-9", "0.000012345"),
            ("12345E-11", "1.2345E-7"),
        ];
        for (input, want) in cases {
            assert_eq!(d(input).to_sci_string(), want, "{input}");
        }
        assert_eq!(
            d("0E-2000").to_sci_string(),
            format!("0.{}", "0".repeat(2000))
        );
    }

    #[test]
    fn rounding_modes() {
        let ctx = |r| Context {
            precision: 2,
            rounding: r,
        };
        let cases = [
            ("1.25", Rounding::HalfUp, "1.3"),
            ("1.25", Rounding::HalfEven, "1.2"),
            ("1.35", Rounding::HalfEven, "1.4"),
            ("-1.25", Rounding::HalfUp, "-1.3"),
            ("1.29", Rounding::Down, "1.2"),
            ("1.21", Rounding::Up, "1.3"),
            ("-1.21", Rounding::Floor, "-1.3"),
            ("1.21", Rounding::Floor, "1.2"),
            ("1.21", Rounding::Ceiling, "1.3"),
            ("9.96", Rounding::HalfUp, "10"),
            ("999", Rounding::HalfUp, "1.0E+3"),
            ("1.20", Rounding::HalfUp, "1.2"),
            ("1.2", Rounding::HalfUp, "1.2"),
        ];
        for (x, mode, want) in cases {
            assert_eq!(
                ctx(mode).round(&d(x)).unwrap().to_string(),
                want,
                "{x} {mode:?}"
            );
        }
        assert!(
            Context::EXACT
                .round(&d("1.23456789"))
                .unwrap()
                .identical(&d("1.23456789"))
        );
    }

    #[test]
    fn raw_quotient_has_full_precision() {
        let q = Context::BASE.quo(&d("6"), &d("3.0")).unwrap();
        assert_eq!((num_digits(q.coefficient()), q.exponent()), (34, -33));
        assert_eq!(q.reduce().to_string(), "2");
        assert_eq!(q.reduce_keeping_floats().to_string(), "2.0");
        // A carry out of the last digit keeps 35 digits, as apd does.
        let q = Context::BASE
            .quo(&d("0.99999999999999999999999999999999999"), &d("1"))
            .unwrap();
        assert_eq!(num_digits(q.coefficient()), 35);
        assert_eq!(q, Decimal::one());
        assert_eq!(
            Context::EXACT.quo(&d("1"), &d("3")),
            Err(NumError::InvalidOperation)
        );
    }

    #[test]
    fn integral_rounding() {
        let r = |x: &str, m| d(x).to_integral(m).to_string();
        assert_eq!(r("2.5", Rounding::HalfUp), "3");
        assert_eq!(r("-2.5", Rounding::HalfUp), "-3");
        assert_eq!(r("2.5", Rounding::HalfEven), "2");
        assert_eq!(r("-2.5", Rounding::HalfEven), "-2");
        assert_eq!(r("3.5", Rounding::HalfEven), "4");
        assert_eq!(r("2.9", Rounding::Floor), "2");
        assert_eq!(r("-2.2", Rounding::Floor), "-3");
        assert_eq!(r("-2.2", Rounding::Ceiling), "-2");
        assert_eq!(r("2.2", Rounding::Ceiling), "3");
        assert_eq!(r("-2.9", Rounding::Down), "-2");
        assert_eq!(r("-0.5", Rounding::Down), "0");
        assert_eq!(r("29E+2", Rounding::Floor), "2900");
        assert_eq!(
            r("1.5E+40", Rounding::Down),
            format!("15{}", "0".repeat(39))
        );
        assert!(d("2.000").is_integral());
        assert!(!d("2.001").is_integral());
        assert!(d("0.000").is_integral());
        assert!(d("1E+5").is_integral());
    }
}
