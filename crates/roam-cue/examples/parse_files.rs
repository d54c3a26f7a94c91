//! Parses the .cue files named on the command line (or all under a directory)
//! and prints every syntax error. A development aid.
use roam_cue::{SourceFile, diag::Diagnostic, syntax};
fn main() {
    let mut paths: Vec<std::path::PathBuf> = Vec::new();
    for a in std::env::args().skip(1) {
        let p = std::path::PathBuf::from(a);
        if p.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                let e = e.unwrap().path();
                if e.extension().is_some_and(|x| x == "cue") {
                    paths.push(e);
                }
            }
        } else {
            paths.push(p);
        }
    }
    let (mut ok, mut bad) = (0, 0);
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap();
        let f = SourceFile::new(p.display().to_string(), text);
        let r = syntax::parse_file(&f);
        if r.errors.is_empty() {
            ok += 1;
        } else {
            bad += 1;
            for e in &r.errors {
                print!("{}", Diagnostic::from_syntax(&f, e).render());
            }
        }
    }
    println!("{ok} parsed, {bad} with errors");
}
