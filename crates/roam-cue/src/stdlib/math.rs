//! Package `math`.
//!
//! Upstream computes some functions on exact decimals (apd: `Abs`, `Cbrt`,
//! `Exp`, `Exp2`, `Log`, `Log10`, `Log2`, `Pow`, `Floor`…), the rest on
//! `float64`. The decimal transcendental functions here are evaluated with
//! 70 digits and rounded as apd rounds its result (34 digits, and the
//! intermediate roundings upstream's composition implies, e.g. `Log2` is
//! `Ln(x) / Ln(2)` of two 34-digit logarithms), which reproduces upstream's
//! digits except in rare last-digit ties. `float64` functions use Rust's
//! (libm) implementations, which may differ from Go's in the last bit.

use std::sync::OnceLock;

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

use super::util::{self, big_int, decimal_val, float_val, float64, int, int_bits, number};
use super::{CallError, CallResult, Package, Val};
use crate::num::{Context, Decimal, NumError, Number, Rounding};

fn f1(a: &[Val], f: fn(f64) -> f64) -> CallResult {
    float_val(f(float64(a, 0)?))
}

fn f2(a: &[Val], f: fn(f64, f64) -> f64) -> CallResult {
    float_val(f(float64(a, 0)?, float64(a, 1)?))
}

pub static PACKAGE: Package = Package {
    path: "math",
    funcs: &[
        func!("Jacobi", [Int, Int], Int, |_, a| {
            jacobi(&big_int(a, 0)?, &big_int(a, 1)?).map(Val::int)
        }),
        func!("Floor", [Number], Int, |_, a| Ok(floor_ceil(
            number(a, 0)?,
            Rounding::Floor
        ))),
        func!("Ceil", [Number], Int, |_, a| Ok(floor_ceil(
            number(a, 0)?,
            Rounding::Ceiling
        ))),
        func!("Trunc", [Number], Int, |_, a| Ok(Val::int(
            number(a, 0)?.value.to_integral(Rounding::Down)
        ))),
        func!("Round", [Number], Int, |_, a| Ok(Val::int(
            number(a, 0)?.value.to_integral(Rounding::HalfUp)
        ))),
        func!("RoundToEven", [Number], Int, |_, a| Ok(Val::int(
            number(a, 0)?.value.to_integral(Rounding::HalfEven)
        ))),
        func!("MultipleOf", [Number, Number], Bool, |_, a| {
            let (x, y) = (number(a, 0)?, number(a, 1)?);
            let q = Context::BASE
                .quo_reduced(&x.value, &y.value)
                .map_err(num_err)?;
            Ok(Val::Bool(q.is_integral()))
        }),
        func!("Abs", [Number], Number, |_, a| {
            let x = number(a, 0)?;
            Ok(decimal_val(
                Context::BASE.round(&x.value.abs()).map_err(num_err)?,
            ))
        }),
        func!("Acosh", [Number], Number, |_, a| f1(a, f64::acosh)),
        func!("Asin", [Number], Number, |_, a| f1(a, f64::asin)),
        func!("Acos", [Number], Number, |_, a| f1(a, f64::acos)),
        func!("Asinh", [Number], Number, |_, a| f1(a, f64::asinh)),
        func!("Atan", [Number], Number, |_, a| f1(a, f64::atan)),
        func!("Atan2", [Number, Number], Number, |_, a| f2(a, f64::atan2)),
        func!("Atanh", [Number], Number, |_, a| f1(a, f64::atanh)),
        func!("Cbrt", [Number], Number, |_, a| cbrt(&number(a, 0)?.value)),
        func!("Copysign", [Number, Number], Number, |_, a| {
            let (x, y) = (number(a, 0)?, number(a, 1)?);
            let v = if x.value.is_negative() == y.value.is_negative() {
                x.value.clone()
            } else {
                x.value.neg()
            };
            Ok(decimal_val(v))
        }),
        func!("Dim", [Number, Number], Number, |_, a| {
            let (x, y) = (number(a, 0)?, number(a, 1)?);
            let d = Context::BASE.sub(&x.value, &y.value).map_err(num_err)?;
            if d.is_negative() && !d.is_zero() {
                return Ok(Val::int(0));
            }
            Ok(decimal_val(d))
        }),
        func!("Erf", [Number], Number, |_, a| f1(a, libm::erf)),
        func!("Erfc", [Number], Number, |_, a| f1(a, libm::erfc)),
        func!("Erfinv", [Number], Number, |_, a| f1(a, erfinv)),
        func!("Erfcinv", [Number], Number, |_, a| f1(a, |x| erfinv(
            1.0 - x
        ))),
        func!("Exp", [Number], Number, |_, a| {
            let x = &number(a, 0)?.value;
            if x.is_zero() {
                return Ok(Val::int(1));
            }
            let e = exp_hp(x)?;
            Ok(decimal_val(Context::BASE.round(&e).map_err(num_err)?))
        }),
        func!("Exp2", [Number], Number, |_, a| {
            pow(&Decimal::from(BigInt::from(2)), &number(a, 0)?.value)
        }),
        func!("Expm1", [Number], Number, |_, a| f1(a, f64::exp_m1)),
        func!("Gamma", [Number], Number, |_, a| f1(a, libm::tgamma)),
        func!("Hypot", [Number, Number], Number, |_, a| f2(a, f64::hypot)),
        func!("J0", [Number], Number, |_, a| f1(a, libm::j0)),
        func!("Y0", [Number], Number, |_, a| f1(a, libm::y0)),
        func!("J1", [Number], Number, |_, a| f1(a, libm::j1)),
        func!("Y1", [Number], Number, |_, a| f1(a, libm::y1)),
        func!("Jn", [Int, Number], Number, |_, a| {
            let n = bessel_order(a)?;
            float_val(libm::jn(n, float64(a, 1)?))
        }),
        func!("Yn", [Int, Number], Number, |_, a| {
            let n = bessel_order(a)?;
            float_val(libm::yn(n, float64(a, 1)?))
        }),
        func!("Ldexp", [Number, Int], Number, |_, a| {
            float_val(ldexp(float64(a, 0)?, int(a, 1)?))
        }),
        func!("Log", [Number], Number, |_, a| {
            let x = &number(a, 0)?.value;
            Ok(decimal_val(ln34(x, Context::BASE)?))
        }),
        func!("Log10", [Number], Number, |_, a| log10(
            &number(a, 0)?.value
        )),
        func!("Log2", [Number], Number, |_, a| {
            let x = &number(a, 0)?.value;
            let two = Decimal::from(BigInt::from(2));
            let l = ln34(x, Context::BASE)?;
            if l.is_zero() {
                return Ok(decimal_val(l));
            }
            let l2 = ln34(&two, Context::BASE)?;
            Ok(decimal_val(
                Context::BASE.quo_reduced(&l, &l2).map_err(num_err)?,
            ))
        }),
        func!("Log1p", [Number], Number, |_, a| f1(a, f64::ln_1p)),
        func!("Logb", [Number], Number, |_, a| f1(a, logb)),
        func!("Ilogb", [Number], Int, |_, a| {
            let x = float64(a, 0)?;
            Ok(Val::int(ilogb(x)))
        }),
        func!("Mod", [Number, Number], Number, |_, a| f2(a, |x, y| x % y)),
        func!("Pow", [Number, Number], Number, |_, a| {
            pow(&number(a, 0)?.value, &number(a, 1)?.value)
        }),
        func!("Pow10", [Int], Number, |_, a| {
            let n = int_bits(a, 0, 32, "int32")? as i32;
            Ok(decimal_val(
                Decimal::new(false, BigUint::one(), i64::from(n)).map_err(num_err)?,
            ))
        }),
        func!("Remainder", [Number, Number], Number, |_, a| f2(
            a, remainder
        )),
        func!("Signbit", [Number], Bool, |_, a| Ok(Val::Bool(
            number(a, 0)?.value.is_negative()
        ))),
        func!("Cos", [Number], Number, |_, a| f1(a, f64::cos)),
        func!("Sin", [Number], Number, |_, a| f1(a, f64::sin)),
        func!("Sinh", [Number], Number, |_, a| f1(a, f64::sinh)),
        func!("Cosh", [Number], Number, |_, a| f1(a, f64::cosh)),
        func!("Sqrt", [Number], Number, |_, a| f1(a, f64::sqrt)),
        func!("Tan", [Number], Number, |_, a| f1(a, f64::tan)),
        func!("Tanh", [Number], Number, |_, a| f1(a, f64::tanh)),
    ],
    consts: &[
        ("MaxExp", || Val::int(2147483647)),
        ("MinExp", || Val::int(-2147483648i64)),
        ("MaxPrec", || Val::int(4294967295u32)),
        ("ToNearestEven", || Val::int(0)),
        ("ToNearestAway", || Val::int(1)),
        ("ToZero", || Val::int(2)),
        ("AwayFromZero", || Val::int(3)),
        ("ToNegativeInf", || Val::int(4)),
        ("ToPositiveInf", || Val::int(5)),
        ("Below", || Val::int(-1)),
        ("Exact", || Val::int(0)),
        ("Above", || Val::int(1)),
        ("MaxBase", || Val::int(62)),
        ("E", || {
            float_const("2.71828182845904523536028747135266249775724709369995957496696763")
        }),
        ("Pi", || {
            float_const("3.14159265358979323846264338327950288419716939937510582097494459")
        }),
        ("Phi", || {
            float_const("1.61803398874989484820458683436563811772030917980576286213544861")
        }),
        ("Sqrt2", || {
            float_const("1.41421356237309504880168872420969807856967187537694807317667974")
        }),
        ("SqrtE", || {
            float_const("1.64872127070012814684865078781416357165377610071014801157507931")
        }),
        ("SqrtPi", || {
            float_const("1.77245385090551602729816748334114518279754945612238712821380779")
        }),
        ("SqrtPhi", || {
            float_const("1.27201964951406896425242246173749149171560804184009624861664038")
        }),
        ("Ln2", || {
            float_const("0.693147180559945309417232121458176568075500134360255254120680009")
        }),
        ("Log2E", || {
            float_const("1.442695040888963407359924681001892137426645954152985934135449408")
        }),
        ("Ln10", || {
            float_const("2.3025850929940456840179914546843642076011014886287729760333278")
        }),
        ("Log10E", || {
            float_const("0.43429448190325182765112891891660508229439700580366656611445378")
        }),
    ],
    cue: "",
};

/// The order of `Jn`/`Yn`. The recurrences take time proportional to the
/// order, so huge orders are refused (upstream would not return).
fn bessel_order(a: &[Val]) -> Result<i32, CallError> {
    let n = int(a, 0)?;
    if n.unsigned_abs() > 1_000_000 {
        return util::msg(format!("order {n} too large"));
    }
    Ok(n as i32)
}

fn float_const(s: &str) -> Val {
    match s.parse::<Decimal>() {
        Ok(d) => Val::Num(Number::float(d)),
        Err(_) => Val::Null,
    }
}

fn num_err(e: NumError) -> CallError {
    CallError::msg(e.to_string())
}

/// `Floor`/`Ceil`: upstream quantizes the result to exponent 0 in a
/// 34-digit context and ignores the failure, so results with more than 34
/// digits come out as 0.
fn floor_ceil(x: &Number, mode: Rounding) -> Val {
    let i = x.value.to_integral(mode);
    if i.magnitude().to_string().len() > 34 {
        return Val::int(0);
    }
    Val::int(i)
}

fn jacobi(x: &BigInt, y: &BigInt) -> Result<BigInt, CallError> {
    if y.is_zero() || y.is_even() {
        return util::msg(format!(
            "big: invalid 2nd argument to Int.Jacobi: need odd integer but got {y}"
        ));
    }
    let mut a = x.clone();
    let mut b = y.clone();
    let mut j = 1i32;
    if b.is_negative() {
        if a.is_negative() {
            j = -1;
        }
        b = -b;
    }
    loop {
        if b.is_one() {
            return Ok(BigInt::from(j));
        }
        if a.is_zero() {
            return Ok(BigInt::zero());
        }
        a = a.mod_floor(&b);
        if a.is_zero() {
            return Ok(BigInt::zero());
        }
        let s = a.trailing_zeros().unwrap_or(0);
        if s & 1 != 0 {
            let bmod8 = (&b & BigInt::from(7)).to_string();
            if bmod8 == "3" || bmod8 == "5" {
                j = -j;
            }
        }
        let c: BigInt = &a >> s;
        if (&b & BigInt::from(3)) == BigInt::from(3) && (&c & BigInt::from(3)) == BigInt::from(3) {
            j = -j;
        }
        a = b;
        b = c;
    }
}

fn ldexp(frac: f64, exp: i64) -> f64 {
    if frac == 0.0 || !frac.is_finite() {
        return frac;
    }
    let mut e = exp.clamp(-3000, 3000) as i32;
    let mut x = frac;
    while e > 1000 {
        x *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
    }
    // Split so that intermediate results do not round twice into
    // subnormals.
    if e < -1000 + 60 {
        let h = e / 2;
        x * 2f64.powi(h) * 2f64.powi(e - h)
    } else {
        x * 2f64.powi(e)
    }
}

fn ilogb(x: f64) -> i64 {
    if x == 0.0 {
        return i64::from(i32::MIN);
    }
    if !x.is_finite() {
        return i64::from(i32::MAX);
    }
    libm::ilogb(x) as i64
}

fn logb(x: f64) -> f64 {
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return f64::INFINITY;
    }
    if x.is_nan() {
        return x;
    }
    libm::ilogb(x) as f64
}

fn remainder(x: f64, y: f64) -> f64 {
    const TINY: f64 = 4.450_147_717_014_403e-308;
    const HALF_MAX: f64 = f64::MAX / 2.0;
    if x.is_nan() || y.is_nan() || x.is_infinite() || y == 0.0 {
        return f64::NAN;
    }
    if y.is_infinite() {
        return x;
    }
    let (mut x, mut y) = (x, y);
    let sign = x < 0.0;
    if sign {
        x = -x;
    }
    if y < 0.0 {
        y = -y;
    }
    if x == y {
        return if sign { -0.0 } else { 0.0 };
    }
    if y <= HALF_MAX {
        x %= y + y;
    }
    if y < TINY {
        if x + x > y {
            x -= y;
            if x + x >= y {
                x -= y;
            }
        }
    } else {
        let half = 0.5 * y;
        if x > half {
            x -= y;
            if x >= half {
                x -= y;
            }
        }
    }
    if sign { -x } else { x }
}

/// Inverse error function by Newton's method on `erf`.
fn erfinv(x: f64) -> f64 {
    if x.is_nan() || !(-1.0..=1.0).contains(&x) {
        return f64::NAN;
    }
    if x == 1.0 {
        return f64::INFINITY;
    }
    if x == -1.0 {
        return f64::NEG_INFINITY;
    }
    if x == 0.0 {
        return x;
    }
    // Initial guess (Giles' single-precision approximation).
    let w = -((1.0 - x) * (1.0 + x)).ln();
    let mut y = if w < 5.0 {
        let w = w - 2.5;
        let mut p = 2.810_226_36e-08;
        for c in [
            3.432_739_39e-07,
            -3.523_387_7e-06,
            -4.391_506_54e-06,
            0.000_218_580_87,
            -0.001_253_725_03,
            -0.004_177_681_64,
            0.246_640_727,
            1.501_409_41,
        ] {
            p = c + p * w;
        }
        p * x
    } else {
        let w = w.sqrt() - 3.0;
        let mut p = -0.000_200_214_257;
        for c in [
            0.000_100_950_558,
            0.001_349_343_22,
            -0.003_673_428_44,
            0.005_739_507_73,
            -0.007_622_461_3,
            0.009_438_870_47,
            1.001_674_06,
            2.832_976_82,
        ] {
            p = c + p * w;
        }
        p * x
    };
    let k = 2.0 / std::f64::consts::PI.sqrt();
    for _ in 0..4 {
        let err = libm::erf(y) - x;
        let d = k * (-y * y).exp();
        if d == 0.0 {
            break;
        }
        y -= err / d;
    }
    y
}

// --- High-precision decimal helpers -------------------------------------

/// Working precision of the helpers.
const WP: u32 = 72;

fn wctx() -> Context {
    Context {
        precision: WP,
        rounding: Rounding::HalfEven,
    }
}

fn dec(i: i64) -> Decimal {
    Decimal::from(BigInt::from(i))
}

/// `2·atanh(y) = 2·Σ y^(2n+1)/(2n+1)`, for small |y|.
fn atanh2(y: &Decimal) -> Result<Decimal, NumError> {
    let c = wctx();
    if y.is_zero() {
        return Ok(Decimal::zero());
    }
    let y2 = c.mul(y, y)?;
    let mut term = y.clone();
    let mut sum = y.clone();
    let eps = Decimal::new(false, BigUint::one(), -(i64::from(WP) + 8))?;
    for n in 1..10_000i64 {
        term = c.mul(&term, &y2)?;
        let t = c.quo(&term, &dec(2 * n + 1))?;
        sum = c.add(&sum, &t)?;
        if t.abs() <= eps {
            break;
        }
    }
    c.add(&sum, &sum)
}

fn ln2() -> &'static Decimal {
    static V: OnceLock<Decimal> = OnceLock::new();
    V.get_or_init(|| {
        let c = wctx();
        c.quo(&dec(1), &dec(3))
            .and_then(|t| atanh2(&t))
            .unwrap_or_else(|_| Decimal::zero())
    })
}

fn ln10() -> &'static Decimal {
    static V: OnceLock<Decimal> = OnceLock::new();
    V.get_or_init(|| {
        // ln 10 = 3 ln 2 + ln(5/4); ln(5/4) = 2 atanh(1/9).
        let c = wctx();
        let r = (|| {
            let l54 = atanh2(&c.quo(&dec(1), &dec(9))?)?;
            c.add(&c.mul(&dec(3), ln2())?, &l54)
        })();
        r.unwrap_or_else(|_| Decimal::zero())
    })
}

/// Natural logarithm of a positive decimal, to about `WP` digits.
fn ln_hp(x: &Decimal) -> Result<Decimal, NumError> {
    let c = wctx();
    let one = Decimal::one();
    let diff = c.sub(x, &one)?;
    let half = "0.5".parse::<Decimal>()?;
    if diff.abs() < half {
        let y = c.quo(&diff, &c.add(x, &one)?)?;
        return atanh2(&y);
    }
    // x = m × 10^k with m in [1, 10).
    let nd = x.num_digits() as i64;
    let k = x.adjusted_exponent();
    let mut m = Decimal::new(false, x.coefficient().clone(), -(nd - 1))?;
    let mut j = 0i64;
    let lim = "1.5".parse::<Decimal>()?;
    let two = dec(2);
    while m > lim {
        m = c.quo(&m, &two)?;
        j += 1;
    }
    let y = c.quo(&c.sub(&m, &one)?, &c.add(&m, &one)?)?;
    let mut r = atanh2(&y)?;
    r = c.add(&r, &c.mul(&dec(j), ln2())?)?;
    c.add(&r, &c.mul(&dec(k), ln10())?)
}

/// `ln(x)` rounded with `ctx`, with upstream's errors.
fn ln34(x: &Decimal, ctx: Context) -> Result<Decimal, CallError> {
    if x.is_negative() && !x.is_zero() {
        return util::msg("invalid operation");
    }
    if x.is_zero() {
        return util::msg("-Infinity");
    }
    if *x == Decimal::one() {
        return Ok(Decimal::zero());
    }
    ctx.round(&ln_hp(x).map_err(num_err)?).map_err(num_err)
}

/// `e^x` to about `WP` digits.
fn exp_hp(x: &Decimal) -> Result<Decimal, CallError> {
    let limit = dec(23_000);
    if x.abs() > limit {
        return util::msg(if x.is_negative() {
            "underflow"
        } else {
            "overflow"
        });
    }
    let c = Context {
        precision: WP + 12,
        rounding: Rounding::HalfEven,
    };
    // r = x / 2^m with |r| < 1e-3.
    let mut m = 0u32;
    let mut r = x.clone();
    let small = "0.001".parse::<Decimal>().map_err(num_err)?;
    let two = dec(2);
    while r.abs() > small {
        r = c.quo(&r, &two).map_err(num_err)?;
        m += 1;
    }
    let mut sum = Decimal::one();
    let mut term = Decimal::one();
    for n in 1..60i64 {
        term = c
            .quo(&c.mul(&term, &r).map_err(num_err)?, &dec(n))
            .map_err(num_err)?;
        if term.is_zero() {
            break;
        }
        sum = c.add(&sum, &term).map_err(num_err)?;
    }
    for _ in 0..m {
        sum = c.mul(&sum, &sum).map_err(num_err)?;
    }
    Ok(sum)
}

fn cbrt(x: &Decimal) -> CallResult {
    if x.is_zero() {
        return Ok(decimal_val(x.clone()));
    }
    let c = wctx();
    let neg = x.is_negative();
    let ax = x.abs();
    // ax = m × 10^(3k), m in [1, 1000).
    let nd = ax.num_digits() as i64;
    let adj = ax.adjusted_exponent();
    let k = adj.div_euclid(3);
    let m =
        Decimal::new(false, ax.coefficient().clone(), adj - 3 * k - (nd - 1)).map_err(num_err)?;
    let mut z = Decimal::from_f64(m.to_f64_lossy().cbrt()).map_err(num_err)?;
    let three = dec(3);
    for _ in 0..8 {
        let z2 = c.mul(&z, &z).map_err(num_err)?;
        let q = c.quo(&m, &z2).map_err(num_err)?;
        let s = c
            .add(&c.add(&z, &z).map_err(num_err)?, &q)
            .map_err(num_err)?;
        z = c.quo(&s, &three).map_err(num_err)?;
    }
    let z = Decimal::new(false, z.coefficient().clone(), i64::from(z.exponent()) + k)
        .map_err(num_err)?;
    let mut d = Context::BASE.round(&z).map_err(num_err)?;
    if neg {
        d = d.neg();
    }
    Ok(decimal_val(d))
}

fn log10(x: &Decimal) -> CallResult {
    let he36 = Context {
        precision: 36,
        rounding: Rounding::HalfEven,
    };
    let z = ln34(x, he36)?;
    if z.is_zero() {
        return Ok(decimal_val(z));
    }
    let inv = "0.4342944819032518276511289189166050822943970058036665661144537831658646"
        .parse::<Decimal>()
        .map_err(num_err)?;
    let he34 = Context {
        precision: 34,
        rounding: Rounding::HalfEven,
    };
    Ok(decimal_val(he34.mul(&z, &inv).map_err(num_err)?))
}

/// apd's `Pow` in CUE's context.
fn pow(x: &Decimal, y: &Decimal) -> CallResult {
    let integ = y.to_integral(Rounding::Down);
    let frac = Context::EXACT
        .sub(y, &Decimal::from(integ.clone()))
        .map_err(num_err)?;
    let y_int = frac.is_zero();
    let neg = x.is_negative() && y_int && integ.is_odd();
    if x.is_zero() {
        if y.is_zero() {
            return util::msg("invalid operation");
        }
        if y.is_negative() {
            return util::msg(if neg { "-Infinity" } else { "Infinity" });
        }
        return Ok(Val::int(0));
    }
    if y.is_zero() {
        return Ok(Val::int(1));
    }
    if x.is_negative() && !y_int {
        return util::msg("invalid operation");
    }
    let p = 34u32.max(u32::try_from(x.num_digits()).unwrap_or(u32::MAX)) + 10;
    let nc = Context {
        precision: p,
        rounding: Rounding::HalfUp,
    };
    // Integer power at exactly `p` digits.
    if integ.bits() > 64 {
        return util::msg(if integ.sign() == Sign::Minus {
            "underflow"
        } else {
            "overflow"
        });
    }
    let mut bits = integ.magnitude().clone();
    let mut base = x.clone();
    let mut z = Decimal::one();
    while !bits.is_zero() {
        if bits.bit(0) {
            z = nc.mul(&z, &base).map_err(num_err)?;
        }
        bits >>= 1u32;
        if !bits.is_zero() {
            base = nc.mul(&base, &base).map_err(num_err)?;
        }
    }
    if integ.sign() == Sign::Minus {
        z = nc.quo(&Decimal::one(), &z).map_err(num_err)?;
    }
    if y_int {
        return Ok(decimal_val(Context::BASE.round(&z).map_err(num_err)?));
    }
    let l = nc
        .round(&ln_hp(&x.abs()).map_err(num_err)?)
        .map_err(num_err)?;
    let t = nc.mul(&l, &frac).map_err(num_err)?;
    let e = if t.is_zero() {
        Decimal::one()
    } else {
        nc.round(&exp_hp(&t)?).map_err(num_err)?
    };
    let r = nc.mul(&z, &e).map_err(num_err)?;
    let mut d = Context::BASE.round(&r).map_err(num_err)?;
    if neg {
        d = d.neg();
    }
    Ok(decimal_val(d))
}
