//! Package `text/tabwriter`.

use super::Package;

pub static PACKAGE: Package = Package {
    path: "text/tabwriter",
    funcs: &[],
    consts: &[],
    cue: "",
};
