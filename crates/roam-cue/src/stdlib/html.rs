//! Package `html`.

use super::Package;

pub static PACKAGE: Package = Package {
    path: "html",
    funcs: &[],
    consts: &[],
    cue: "",
};
