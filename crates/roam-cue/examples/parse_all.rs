use roam_cue::{SourceFile, diag::Diagnostic, syntax, txtar::Archive};
use std::sync::Arc;
fn main() {
    let root = std::env::args().nth(1).unwrap();
    let mut stack = vec![std::path::PathBuf::from(root)];
    let (mut ok, mut bad) = (0, 0);
    while let Some(p) = stack.pop() {
        if p.is_dir() { for e in std::fs::read_dir(&p).unwrap() { stack.push(e.unwrap().path()); } continue; }
        if p.extension().and_then(|e| e.to_str()) != Some("txtar") { continue; }
        let a = Archive::parse(&std::fs::read_to_string(&p).unwrap());
        for (name, body) in a.cue_files() {
            let f: Arc<SourceFile> = SourceFile::new(format!("{}:{}", p.display(), name), body);
            let r = syntax::parse_file(&f);
            if r.errors.is_empty() { ok += 1 } else {
                bad += 1;
                for e in r.errors.iter().take(3) { println!("{}", Diagnostic::from_syntax(&f, e).render()); }
            }
        }
    }
    println!("ok {ok} bad {bad}");
}
