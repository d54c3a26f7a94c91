//! Package `time`.

use super::Package;

pub static PACKAGE: Package = Package {
    path: "time",
    funcs: &[],
    consts: &[],
    cue: "",
};
