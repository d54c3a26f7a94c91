//! Evaluates CUE files and prints the result as CUE text (a debugging aid
//! for evaluator work): `cargo run --release --example eval_file -- a.cue`.

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    let texts: Vec<(String, String)> = paths
        .iter()
        .map(|p| {
            (
                p.clone(),
                std::fs::read_to_string(p).expect("readable file"),
            )
        })
        .collect();
    let sources: Vec<(&str, &str)> = texts
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let prog = match roam_cue::eval::Program::compile(&sources) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let mut inst = prog.instance();
    let root = inst.root;
    inst.eval(root);
    println!("{}", inst.print_cue(root, Default::default()));
}
