//! Package `encoding/base64`.

use super::Package;

pub static PACKAGE: Package = Package {
    path: "encoding/base64",
    funcs: &[],
    consts: &[],
    cue: "",
};
