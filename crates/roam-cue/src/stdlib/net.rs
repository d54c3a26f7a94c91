//! Package `net`.

use super::Package;

pub static PACKAGE: Package = Package {
    path: "net",
    funcs: &[],
    consts: &[],
    cue: "",
};
