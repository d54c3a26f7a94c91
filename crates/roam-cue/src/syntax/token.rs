//! Tokens produced by the scanner.

use crate::source::Span;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// End of input.
    Eof,
    /// A character the scanner could not make sense of (already reported).
    Illegal,
    /// An identifier, including `#Def`, `_hidden`, `_#hiddenDef`, `$x`, `package`, `import`.
    Ident,
    Int,
    Float,
    /// A complete string or bytes literal (any quote form).
    String,
    /// The start of an interpolated string, up to and including `\(`.
    InterpStart,
    /// `)` of an interpolation up to and including the next `\(`.
    InterpMid,
    /// `)` of an interpolation up to and including the closing quote.
    InterpEnd,
    /// `_|_`
    Bottom,
    /// `@name(...)`, the whole attribute.
    Attribute,

    // Keywords.
    Null,
    True,
    False,
    For,
    In,
    If,
    Let,

    // Operators and delimiters.
    Add,       // +
    Sub,       // -
    Mul,       // *
    Quo,       // /
    And,       // &
    Or,        // |
    LAnd,      // &&
    LOr,       // ||
    Eql,       // ==
    Neq,       // !=
    Lss,       // <
    Gtr,       // >
    Leq,       // <=
    Geq,       // >=
    Mat,       // =~
    NMat,      // !~
    Not,       // !
    Bind,      // =
    Arrow,     // <-
    Tilde,     // ~
    LParen,    // (
    RParen,    // )
    LBrack,    // [
    RBrack,    // ]
    LBrace,    // {
    RBrace,    // }
    Comma,     // , written in the source
    AutoComma, // , inserted at a newline or at the end of the file
    Period,    // .
    Ellipsis,  // ...
    Colon,     // :
    Semicolon, // ;
    Option,    // ?
}

impl TokenKind {
    /// Binary operator precedence (0 = not a binary operator).
    pub fn precedence(self) -> u8 {
        use TokenKind::*;
        match self {
            Or => 1,
            And => 2,
            LOr => 3,
            LAnd => 4,
            Eql | Neq | Lss | Leq | Gtr | Geq | Mat | NMat => 5,
            Add | Sub => 6,
            Mul | Quo => 7,
            _ => 0,
        }
    }

    pub fn is_keyword(self) -> bool {
        use TokenKind::*;
        matches!(self, Null | True | False | For | In | If | Let)
    }

    pub fn is_comma(self) -> bool {
        matches!(self, TokenKind::Comma | TokenKind::AutoComma)
    }

    /// A human description for error messages.
    pub fn describe(self) -> &'static str {
        use TokenKind::*;
        match self {
            Eof => "end of file",
            Illegal => "illegal token",
            Ident => "identifier",
            Int => "integer literal",
            Float => "float literal",
            String => "string literal",
            InterpStart | InterpMid | InterpEnd => "interpolated string",
            Bottom => "'_|_'",
            Attribute => "attribute",
            Null => "'null'",
            True => "'true'",
            False => "'false'",
            For => "'for'",
            In => "'in'",
            If => "'if'",
            Let => "'let'",
            Add => "'+'",
            Sub => "'-'",
            Mul => "'*'",
            Quo => "'/'",
            And => "'&'",
            Or => "'|'",
            LAnd => "'&&'",
            LOr => "'||'",
            Eql => "'=='",
            Neq => "'!='",
            Lss => "'<'",
            Gtr => "'>'",
            Leq => "'<='",
            Geq => "'>='",
            Mat => "'=~'",
            NMat => "'!~'",
            Not => "'!'",
            Bind => "'='",
            Arrow => "'<-'",
            Tilde => "'~'",
            LParen => "'('",
            RParen => "')'",
            LBrack => "'['",
            RBrack => "']'",
            LBrace => "'{'",
            RBrace => "'}'",
            Comma => "','",
            AutoComma => "newline",
            Period => "'.'",
            Ellipsis => "'...'",
            Colon => "':'",
            Semicolon => "';'",
            Option => "'?'",
        }
    }

    /// The operator's source text, for operators.
    pub fn op_str(self) -> &'static str {
        use TokenKind::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Quo => "/",
            And => "&",
            Or => "|",
            LAnd => "&&",
            LOr => "||",
            Eql => "==",
            Neq => "!=",
            Lss => "<",
            Gtr => ">",
            Leq => "<=",
            Geq => ">=",
            Mat => "=~",
            NMat => "!~",
            Not => "!",
            _ => "",
        }
    }
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
    /// Newlines between the end of the previous token or comment and this token.
    pub newlines_before: u32,
}

/// A `//` comment, kept beside the token stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawComment {
    pub span: Span,
    /// Newlines between the previous token or comment and this comment.
    pub newlines_before: u32,
}
