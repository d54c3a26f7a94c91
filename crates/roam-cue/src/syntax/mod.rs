//! CUE syntax: tokens, scanner, AST, parser, literals and the formatter.
//!
//! Parsing never fails: [`parse_file`] returns a tree and the list of syntax
//! errors found, so that every error in a file is reported at once.

pub mod ast;
pub mod ast_eq;
pub mod format;
pub mod literal;
mod parser;
pub mod scanner;
pub mod token;

pub use parser::{MAX_NESTING, parse_expr, parse_file, parse_str};

use crate::source::Span;

/// A syntax error at a span, with optional related locations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
    /// Other places worth pointing at, such as the opening brace of an unclosed struct.
    pub related: Vec<(Span, String)>,
}

impl SyntaxError {
    pub fn new(span: Span, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            span,
            message: message.into(),
            related: Vec::new(),
        }
    }

    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> SyntaxError {
        self.related.push((span, label.into()));
        self
    }
}

/// The result of parsing: a tree (possibly with `Bad` nodes) and its errors.
#[derive(Debug)]
pub struct Parsed<T> {
    pub value: T,
    pub errors: Vec<SyntaxError>,
}

impl<T> Parsed<T> {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}
