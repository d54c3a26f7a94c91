//! The txtar archive format used by CUE's test suite: a free-text comment,
//! then files introduced by `-- name --` lines.

/// One archive: its leading comment and its files in order.
#[derive(Clone, Debug, Default)]
pub struct Archive {
    pub comment: String,
    pub files: Vec<(String, String)>,
}

impl Archive {
    pub fn parse(text: &str) -> Archive {
        let mut archive = Archive::default();
        let mut current: Option<(String, String)> = None;
        for line in text.split_inclusive('\n') {
            let bare = line.trim_end_matches(['\n', '\r']);
            if let Some(name) = bare.strip_prefix("-- ").and_then(|r| r.strip_suffix(" --")) {
                if let Some(f) = current.take() {
                    archive.files.push(f);
                }
                current = Some((name.trim().to_string(), String::new()));
                continue;
            }
            match &mut current {
                Some((_, body)) => body.push_str(line),
                None => archive.comment.push_str(line),
            }
        }
        if let Some(f) = current {
            archive.files.push(f);
        }
        archive
    }

    pub fn file(&self, name: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_str())
    }

    /// The CUE source files of the archive (`*.cue`), in order.
    pub fn cue_files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files
            .iter()
            .filter(|(n, _)| n.ends_with(".cue"))
            .map(|(n, b)| (n.as_str(), b.as_str()))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_sections() {
        let a = super::Archive::parse("head\n-- in.cue --\na: 1\n-- out/x --\nb\n");
        assert_eq!(a.comment, "head\n");
        assert_eq!(
            a.files,
            vec![
                ("in.cue".into(), "a: 1\n".into()),
                ("out/x".into(), "b\n".into())
            ]
        );
    }
}
