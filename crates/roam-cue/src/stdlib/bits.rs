//! Package `math/bits` (on big integers, two's complement for negatives).

use num_bigint::BigInt;

use super::util::{self, big_int, int, uint_bits};
use super::{Package, Val};

/// Largest bit index or shift accepted (a memory guard; upstream has none).
const MAX_BITS: u64 = 1 << 26;

pub static PACKAGE: Package = Package {
    path: "math/bits",
    funcs: &[
        func!("Lsh", [Int, Int], Int, |_, a| {
            let x = big_int(a, 0)?;
            let n = uint_bits(a, 1, 64, "uint64")?;
            if x.bits() == 0 {
                return Ok(Val::int(0));
            }
            if n > MAX_BITS {
                return util::msg("shift count too large");
            }
            Ok(Val::int(x << n))
        }),
        func!("Rsh", [Int, Int], Int, |_, a| {
            let x = big_int(a, 0)?;
            let n = uint_bits(a, 1, 64, "uint64")?;
            if n > x.bits() + 1 {
                return Ok(Val::int(if x.sign() == num_bigint::Sign::Minus {
                    -1
                } else {
                    0
                }));
            }
            Ok(Val::int(x >> n))
        }),
        func!("At", [Int, Int], Int, |_, a| {
            let x = big_int(a, 0)?;
            let i = uint_bits(a, 1, 64, "uint64")?;
            if i > i32::MAX as u64 {
                return util::msg("bit index too large");
            }
            Ok(Val::int(u8::from(x.bit(i))))
        }),
        func!("Set", [Int, Int, Int], Int, |_, a| {
            let mut x = big_int(a, 0)?;
            let i = int(a, 1)?;
            let bit = uint_bits(a, 2, 64, "uint64")?;
            if i < 0 {
                return util::msg("negative bit index");
            }
            if bit > 1 {
                return util::msg("set bit is not 0 or 1");
            }
            if i as u64 > MAX_BITS && x.bit(i as u64) != (bit == 1) {
                return util::msg("bit index too large");
            }
            x.set_bit(i as u64, bit == 1);
            Ok(Val::int(x))
        }),
        func!("And", [Int, Int], Int, |_, a| Ok(Val::int(
            big_int(a, 0)? & big_int(a, 1)?
        ))),
        func!("Or", [Int, Int], Int, |_, a| Ok(Val::int(
            big_int(a, 0)? | big_int(a, 1)?
        ))),
        func!("Xor", [Int, Int], Int, |_, a| Ok(Val::int(
            big_int(a, 0)? ^ big_int(a, 1)?
        ))),
        func!("Clear", [Int, Int], Int, |_, a| {
            let (x, y) = (big_int(a, 0)?, big_int(a, 1)?);
            let not_y: BigInt = -y - 1;
            Ok(Val::int(x & not_y))
        }),
        func!("OnesCount", [Int], Int, |_, a| Ok(Val::int(
            big_int(a, 0)?
                .magnitude()
                .iter_u64_digits()
                .map(|w| w.count_ones() as u64)
                .sum::<u64>()
        ))),
        func!("Len", [Int], Int, |_, a| Ok(Val::int(
            big_int(a, 0)?.bits()
        ))),
    ],
    consts: &[],
    cue: "",
};
