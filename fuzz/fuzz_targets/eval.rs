//! Evaluation fuzz target: parse + compile + evaluate + export of arbitrary
//! input must not panic or hang. The step budget is small so that runaway
//! disjunctions and comprehensions end in an error quickly; whatever the
//! input, the outcome is a value, an error value or an export error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roam_cue::eval::{PrintOptions, Program};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(prog) = Program::compile(&[("fuzz.cue", text)]) else { return };
    let mut inst = prog.instance();
    inst.max_steps = 20_000;
    let root = inst.root;
    inst.eval(root);
    let _ = inst.export_json(root, true);
    let _ = inst.validate(root);
    let _ = inst.print_cue(root, PrintOptions::default());
});
