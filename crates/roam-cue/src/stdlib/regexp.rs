//! Package `regexp`.

use super::Package;

pub static PACKAGE: Package = Package {
    path: "regexp",
    funcs: &[],
    consts: &[],
    cue: "",
};
