//! Diagnostics: errors with a file, a position, the source line and a caret.

use crate::source::{SourceFile, Span};
use crate::syntax::SyntaxError;
use std::fmt;
use std::sync::Arc;

/// An error in a source file, ready to show to a person.
///
/// `Display` gives the compact one-line form `file:line:col: message`;
/// [`Diagnostic::render`] adds the source line and a caret, and the
/// [`miette::Diagnostic`] implementation lets front ends render it richly.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub file: Arc<SourceFile>,
    pub span: Span,
    pub message: String,
    pub related: Vec<(Span, String)>,
}

impl Diagnostic {
    pub fn from_syntax(file: &Arc<SourceFile>, e: &SyntaxError) -> Diagnostic {
        Diagnostic {
            file: file.clone(),
            span: e.span,
            message: e.message.clone(),
            related: e.related.clone(),
        }
    }

    /// `file:line:col: message`, then the source line and a caret under the error.
    pub fn render(&self) -> String {
        let mut out = format!("{self}\n");
        self.render_snippet(&mut out, self.span, None);
        for (span, label) in &self.related {
            self.render_snippet(&mut out, *span, Some(label));
        }
        out
    }

    fn render_snippet(&self, out: &mut String, span: Span, label: Option<&str>) {
        let lc = self.file.line_col(span.start);
        let line = self.file.line_text(lc.line);
        let gutter = lc.line.to_string();
        let pad = " ".repeat(gutter.len());
        if let Some(label) = label {
            out.push_str(&format!(
                "{pad} = note: {label} ({}:{})\n",
                self.file.name(),
                lc
            ));
        }
        out.push_str(&format!("{pad} |\n{gutter} | {line}\n{pad} | "));
        // Align the caret, keeping tabs so it lines up under the source.
        let prefix_len = (lc.col as usize - 1).min(line.len());
        for ch in line[..line.floor_char_boundary(prefix_len)].chars() {
            out.push(if ch == '\t' { '\t' } else { ' ' });
        }
        let width = if span.is_empty() {
            1
        } else {
            let end_on_line = (span.end as usize)
                .min(span.start as usize + (line.len() - prefix_len.min(line.len())));
            (end_on_line - span.start as usize).clamp(1, 200)
        };
        out.push_str(&"^".repeat(width));
        out.push('\n');
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.file.name(),
            self.file.line_col(self.span.start),
            self.message
        )
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.file.text_string() as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let main = miette::LabeledSpan::new_primary_with_span(
            None,
            miette::SourceSpan::new((self.span.start as usize).into(), self.span.len() as usize),
        );
        let related = self.related.iter().map(|(s, l)| {
            miette::LabeledSpan::new_with_span(
                Some(l.clone()),
                miette::SourceSpan::new((s.start as usize).into(), s.len() as usize),
            )
        });
        Some(Box::new(std::iter::once(main).chain(related)))
    }
}
