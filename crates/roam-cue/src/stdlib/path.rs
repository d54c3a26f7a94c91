//! Package `path`.

use super::Package;

pub static PACKAGE: Package = Package {
    path: "path",
    funcs: &[],
    consts: &[],
    cue: "",
};
