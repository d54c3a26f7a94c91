//! Package `uuid`.

use super::Package;

pub static PACKAGE: Package = Package {
    path: "uuid",
    funcs: &[],
    consts: &[],
    cue: "",
};
