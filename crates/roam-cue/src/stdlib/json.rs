//! Package `encoding/json`.

use super::Package;

pub static PACKAGE: Package = Package {
    path: "encoding/json",
    funcs: &[],
    consts: &[],
    cue: "",
};
