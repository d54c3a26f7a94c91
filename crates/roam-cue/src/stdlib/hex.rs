//! Package `encoding/hex`.

use super::Package;

pub static PACKAGE: Package = Package {
    path: "encoding/hex",
    funcs: &[],
    consts: &[],
    cue: "",
};
