//! Compiles every archive of the conformance suite (root-directory files as
//! one package) and prints the compile errors. A development aid.
use roam_cue::{adt::Labels, compile::compile_package, syntax::parse_str, txtar::Archive};
fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out)
        } else if p.extension().is_some_and(|x| x == "txtar") {
            out.push(p)
        }
    }
}
fn main() {
    let root = std::env::args()
        .nth(1)
        .unwrap_or("../shared/conformance/cue".into());
    let mut paths = Vec::new();
    walk(std::path::Path::new(&root), &mut paths);
    paths.sort();
    let (mut clean, mut with_errors) = (0, 0);
    for p in paths {
        let a = Archive::parse(&std::fs::read_to_string(&p).unwrap());
        let files: Vec<_> = a
            .cue_files()
            .filter(|(n, _)| !n.contains('/'))
            .map(|(n, b)| parse_str(n, b).value)
            .collect();
        if files.is_empty() {
            continue;
        }
        let mut labels = Labels::default();
        let (_, errors) = compile_package(&mut labels, &files);
        if errors.is_empty() {
            clean += 1
        } else {
            with_errors += 1;
            for e in errors.iter().take(3) {
                println!(
                    "{}: {}:{:?}: {}",
                    p.display(),
                    files[e.pos.file as usize].name,
                    e.pos.span,
                    e.message
                );
            }
        }
    }
    println!("{clean} archives compile cleanly, {with_errors} with errors");
}
