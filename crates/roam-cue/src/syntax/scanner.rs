//! The scanner: source text to tokens, with automatic comma insertion.
//!
//! Comments are collected beside the token stream. String interpolations are
//! scanned without help from the parser: the scanner keeps a stack of open
//! interpolations and the parenthesis depth inside each, so that the `)` that
//! closes `\(` resumes the string.

use super::SyntaxError;
use super::token::{RawComment, Token, TokenKind};
use crate::source::Span;

/// The quoting of a string literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Quote {
    /// `"` or `'`.
    pub ch: u8,
    /// 1 or 3.
    pub count: u8,
    /// Number of `#` around the literal.
    pub hashes: u32,
}

impl Quote {
    pub fn is_multiline(self) -> bool {
        self.count == 3
    }

    pub fn is_bytes(self) -> bool {
        self.ch == b'\''
    }
}

#[derive(Clone, Debug)]
struct Frame {
    quote: Quote,
    /// Open parentheses inside the interpolation expression.
    depth: u32,
    /// Offset of the opening quote of the string.
    start: u32,
    /// Common whitespace prefix of content lines seen so far (multi-line strings).
    min_ws: Option<String>,
}

pub struct Scanned {
    pub tokens: Vec<Token>,
    pub comments: Vec<RawComment>,
    pub errors: Vec<SyntaxError>,
}

/// Tokenizes a whole source text.
pub fn scan(src: &str) -> Scanned {
    let mut s = Scanner {
        src: src.as_bytes(),
        text: src,
        pos: 0,
        insert_eol: false,
        newlines: 1, // the start of the file counts as a line start
        stack: Vec::new(),
        tokens: Vec::new(),
        comments: Vec::new(),
        errors: Vec::new(),
    };
    if src.starts_with('\u{feff}') {
        s.pos = 3;
    }
    loop {
        let t = s.next_token();
        s.tokens.push(t);
        if t.kind == TokenKind::Eof {
            break;
        }
    }
    Scanned {
        tokens: s.tokens,
        comments: s.comments,
        errors: s.errors,
    }
}

struct Scanner<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    insert_eol: bool,
    newlines: u32,
    stack: Vec<Frame>,
    tokens: Vec<Token>,
    comments: Vec<RawComment>,
    errors: Vec<SyntaxError>,
}

fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphabetic())
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

fn digit_val(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => (c - b'0') as u32,
        b'_' => 0,
        b'a'..=b'f' => (c - b'a' + 10) as u32,
        b'A'..=b'F' => (c - b'A' + 10) as u32,
        _ => 16,
    }
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> u8 {
        self.src.get(self.pos).copied().unwrap_or(0)
    }

    fn peek_at(&self, n: usize) -> u8 {
        self.src.get(self.pos + n).copied().unwrap_or(0)
    }

    fn at_eof(&self) -> bool {
        self.pos >= self.src.len()
    }

    fn cur_char(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn err(&mut self, at: usize, msg: impl Into<String>) {
        self.errors.push(SyntaxError::new(Span::at(at as u32), msg));
    }

    fn err_span(&mut self, start: usize, end: usize, msg: impl Into<String>) {
        self.errors
            .push(SyntaxError::new(Span::new(start as u32, end as u32), msg));
    }

    fn tok(&mut self, kind: TokenKind, start: usize) -> Token {
        // Every path keeps the position in bounds; stay safe should one not.
        debug_assert!(self.pos <= self.src.len(), "scanner ran past the end");
        self.pos = self.pos.min(self.src.len());
        let t = Token {
            kind,
            span: Span::new(start as u32, self.pos as u32),
            newlines_before: self.newlines,
        };
        self.newlines = 0;
        t
    }

    fn next_token(&mut self) -> Token {
        loop {
            // Skip white space; a newline may become a comma.
            while !self.at_eof() {
                match self.peek() {
                    b' ' | b'\t' | b'\r' => self.pos += 1,
                    b'\n' => {
                        if self.insert_eol {
                            self.insert_eol = false;
                            let at = self.pos;
                            self.pos += 1;
                            let t = self.tok(TokenKind::AutoComma, at);
                            self.newlines = 1;
                            // As upstream: no comma before a ',' or ':' on the next line.
                            let save = self.pos;
                            while matches!(self.peek(), b' ' | b'\t' | b'\r' | b'\n') {
                                if self.peek() == b'\n' {
                                    self.newlines += 1;
                                }
                                self.pos += 1;
                            }
                            if matches!(self.peek(), b',' | b':') {
                                continue;
                            }
                            self.pos = save;
                            self.newlines = 1;
                            return Token {
                                span: Span::new(at as u32, at as u32 + 1),
                                ..t
                            };
                        }
                        self.newlines += 1;
                        self.pos += 1;
                    }
                    _ => break,
                }
            }
            let start = self.pos;
            if self.at_eof() {
                if self.insert_eol {
                    self.insert_eol = false;
                    return self.tok(TokenKind::AutoComma, start);
                }
                if let Some(f) = self.stack.pop() {
                    self.err(f.start as usize, "string interpolation not terminated");
                }
                return self.tok(TokenKind::Eof, start);
            }
            let c = self.peek();
            if c == b'/' && self.peek_at(1) == b'/' {
                if self.insert_eol {
                    // A comment ends the line: insert the comma before it.
                    self.insert_eol = false;
                    return self.tok(TokenKind::AutoComma, start);
                }
                while !self.at_eof() && self.peek() != b'\n' {
                    self.pos += 1;
                }
                self.comments.push(RawComment {
                    span: Span::new(start as u32, self.pos as u32),
                    newlines_before: self.newlines,
                });
                self.newlines = 0;
                continue;
            }
            let (kind, insert) = self.scan_token(start);
            self.insert_eol = insert;
            return self.tok(kind, start);
        }
    }

    fn scan_token(&mut self, start: usize) -> (TokenKind, bool) {
        use TokenKind::*;
        let c = self.peek();
        if c.is_ascii_digit() {
            return (self.scan_number(start, false), true);
        }
        if c == b'.' && self.peek_at(1).is_ascii_digit() {
            self.pos += 1;
            return (self.scan_number(start, true), true);
        }
        let ch = self.cur_char().unwrap_or('\0');
        if is_letter(ch)
            || c == b'$'
            || (c == b'#' && !matches!(self.peek_at(1), b'"' | b'\'' | b'#'))
        {
            self.scan_field_ident();
            let word = &self.text[start..self.pos];
            let kind = match word {
                "null" => Null,
                "true" => True,
                "false" => False,
                "for" => For,
                "in" => In,
                "if" => If,
                "let" => Let,
                _ => Ident,
            };
            return (kind, true);
        }
        match c {
            b'_' => {
                self.pos += 1;
                if self.peek() == b'|' && self.peek_at(1) == b'_' {
                    self.pos += 2;
                    return (Bottom, true);
                }
                self.scan_field_ident();
                if &self.text[start..self.pos] == "__" && self.peek() == b'#' {
                    self.pos += 1;
                    self.scan_ident_rest();
                    let lit = self.text[start..self.pos].to_string();
                    self.err_span(start, self.pos, format!("illegal token {lit:?}"));
                    return (Illegal, true);
                }
                (Ident, true)
            }
            b'#' | b'"' | b'\'' => (self.scan_string_start(start), true),
            b'@' => {
                self.pos += 1;
                self.scan_attribute(start);
                (Attribute, true)
            }
            _ => {
                self.pos += 1;
                let two = self.peek();
                let kind = match c {
                    b':' => Colon,
                    b';' => return (Semicolon, true),
                    b'?' => return (Option, true),
                    b'~' => Tilde,
                    b'.' => {
                        if two == b'.' && self.peek_at(1) == b'.' {
                            self.pos += 2;
                            return (Ellipsis, true);
                        } else if two == b'.' {
                            self.pos += 1;
                            self.err_span(start, self.pos, "illegal token '..'; expected '.'");
                            return (Illegal, false);
                        }
                        Period
                    }
                    b',' => Comma,
                    b'(' => {
                        if let Some(f) = self.stack.last_mut() {
                            f.depth += 1;
                        }
                        LParen
                    }
                    b')' => {
                        if let Some(f) = self.stack.last_mut() {
                            if f.depth == 0 {
                                return (self.resume_interpolation(start), true);
                            }
                            f.depth -= 1;
                        }
                        return (RParen, true);
                    }
                    b'[' => LBrack,
                    b']' => return (RBrack, true),
                    b'{' => LBrace,
                    b'}' => return (RBrace, true),
                    b'+' => Add,
                    b'-' => Sub,
                    b'*' => Mul,
                    b'/' => Quo,
                    b'<' => match two {
                        b'-' => self.eat(Arrow),
                        b'=' => self.eat(Leq),
                        _ => Lss,
                    },
                    b'>' => match two {
                        b'=' => self.eat(Geq),
                        _ => Gtr,
                    },
                    b'=' => match two {
                        b'~' => self.eat(Mat),
                        b'=' => self.eat(Eql),
                        _ => Bind,
                    },
                    b'!' => match two {
                        b'~' => self.eat(NMat),
                        b'=' => self.eat(Neq),
                        _ => Not,
                    },
                    b'&' => match two {
                        b'&' => self.eat(LAnd),
                        _ => And,
                    },
                    b'|' => match two {
                        b'|' => self.eat(LOr),
                        _ => Or,
                    },
                    _ => {
                        // Not a token: report the whole character.
                        self.pos = start;
                        let ch = self.cur_char().unwrap_or('\0');
                        self.pos += ch.len_utf8();
                        let msg = if ch == '\0' {
                            "illegal character NUL".to_string()
                        } else if ch == '\u{feff}' {
                            "illegal byte order mark".to_string()
                        } else {
                            format!("illegal character {:?} (U+{:04X})", ch, ch as u32)
                        };
                        self.err_span(start, self.pos, msg);
                        return (Illegal, self.insert_eol);
                    }
                };
                (kind, false)
            }
        }
    }

    fn eat(&mut self, k: TokenKind) -> TokenKind {
        self.pos += 1;
        k
    }

    fn scan_ident_rest(&mut self) {
        while let Some(ch) = self.cur_char() {
            if is_letter(ch) || is_digit(ch) || ch == '_' || ch == '$' {
                self.pos += ch.len_utf8();
            } else {
                break;
            }
        }
    }

    fn scan_field_ident(&mut self) {
        if self.peek() == b'#' {
            self.pos += 1;
            if self.peek().is_ascii_digit() {
                return;
            }
        }
        self.scan_ident_rest();
    }

    fn scan_mantissa(&mut self, base: u32) {
        let mut last = 0u8;
        while digit_val(self.peek()) < base {
            if last == b'_' && self.peek() == b'_' {
                self.err(self.pos, "illegal '_' in number");
            }
            last = self.peek();
            self.pos += 1;
        }
        if last == b'_' {
            self.err(self.pos - 1, "illegal '_' in number");
        }
    }

    fn scan_number(&mut self, start: usize, seen_point: bool) -> TokenKind {
        let kind = TokenKind::Int;
        if seen_point {
            self.scan_mantissa(10);
            return self.scan_exponent(TokenKind::Float);
        }
        if self.peek() == b'0' {
            self.pos += 1;
            let (base, name) = match self.peek() {
                b'x' | b'X' => (16, "hexadecimal"),
                b'b' => (2, "binary"),
                b'o' => (8, "octal"),
                _ => (0, ""),
            };
            if base != 0 {
                self.pos += 1;
                self.scan_mantissa(base);
                if self.pos - start <= 2 {
                    self.err_span(start, self.pos, format!("illegal {name} number"));
                }
                return kind;
            }
            let mut seen_digits = false;
            if self.peek().is_ascii_digit() {
                seen_digits = true;
                self.scan_mantissa(10);
            }
            if self.peek() == b'.' && self.peek_at(1) == b'.' {
                if seen_digits {
                    self.err_span(start, self.pos, "illegal integer number");
                }
                return kind;
            }
            if matches!(self.peek(), b'.' | b'e' | b'E') {
                return self.scan_fraction(kind);
            }
            if seen_digits {
                self.err_span(
                    start,
                    self.pos,
                    "illegal integer number: an integer other than 0 may not start with 0",
                );
            }
            return self.scan_exponent(kind);
        }
        self.scan_mantissa(10);
        self.scan_fraction(kind)
    }

    fn scan_fraction(&mut self, mut kind: TokenKind) -> TokenKind {
        if self.peek() == b'.' {
            if self.peek_at(1) == b'.' {
                return kind;
            }
            kind = TokenKind::Float;
            self.pos += 1;
            self.scan_mantissa(10);
        }
        self.scan_exponent(kind)
    }

    fn scan_exponent(&mut self, mut kind: TokenKind) -> TokenKind {
        match self.peek() {
            b'K' | b'M' | b'G' | b'T' | b'P' => {
                self.pos += 1;
                if self.peek() == b'i' {
                    self.pos += 1;
                }
                return TokenKind::Int;
            }
            b'e' | b'E' => {
                kind = TokenKind::Float;
                self.pos += 1;
                if matches!(self.peek(), b'-' | b'+') {
                    self.pos += 1;
                }
                if digit_val(self.peek()) >= 10 {
                    self.err(self.pos, "illegal exponent in number");
                }
                self.scan_mantissa(10);
            }
            _ => {}
        }
        kind
    }

    /// Scans a string literal starting at `start` (at `#`, `"` or `'`).
    fn scan_string_start(&mut self, start: usize) -> TokenKind {
        let mut hashes = 0u32;
        while self.peek() == b'#' {
            hashes += 1;
            self.pos += 1;
        }
        let ch = self.peek();
        if ch != b'"' && ch != b'\'' {
            self.err_span(start, self.pos, "expected a string after '#'");
            return TokenKind::Illegal;
        }
        self.pos += 1;
        let mut quote = Quote {
            ch,
            count: 1,
            hashes,
        };
        // Count up to two more quote characters.
        let mut n = 0;
        while n < 2 && self.peek() == ch {
            n += 1;
            self.pos += 1;
        }
        match n {
            0 => {}
            1 => {
                // `""` is the empty string, unless the hashes say otherwise: `#""x""#`.
                if self.count_hashes(hashes) == hashes as usize {
                    self.pos += hashes as usize;
                    return TokenKind::String;
                }
                self.pos -= 1;
            }
            _ => {
                // `#"""#` is a one-line raw string whose content is a quote.
                if hashes > 0 && self.count_hashes(hashes) == hashes as usize {
                    self.pos += hashes as usize;
                    return TokenKind::String;
                }
                quote.count = 3;
                if self.peek() == b'\r' && self.peek_at(1) == b'\n' {
                    self.pos += 1;
                }
                if self.peek() != b'\n' {
                    let q = &self.text[start..self.pos];
                    self.err_span(
                        start,
                        self.pos,
                        format!("expected newline after multiline quote {q}"),
                    );
                    return TokenKind::String;
                }
                self.pos += 1;
            }
        }
        let frame = Frame {
            quote,
            depth: 0,
            start: start as u32,
            min_ws: None,
        };
        self.scan_string_body(frame, quote.count == 3, false)
    }

    fn count_hashes(&self, max: u32) -> usize {
        let mut i = 0;
        while i < max as usize && self.peek_at(i) == b'#' {
            i += 1;
        }
        i
    }

    /// Scans string content until the closing quote or the next `\(`.
    /// `at_line_start` tells whether a multi-line string's closing quote may follow.
    fn scan_string_body(&mut self, mut f: Frame, mut at_line_start: bool, cont: bool) -> TokenKind {
        let q = f.quote;
        let mut line_start = self.pos;
        let multi = q.is_multiline();
        loop {
            if self.at_eof() || (!multi && self.peek() == b'\n') {
                self.err(f.start as usize, "string literal not terminated");
                return if cont {
                    TokenKind::InterpEnd
                } else {
                    TokenKind::String
                };
            }
            let c = self.peek();
            // Closing quote?
            if c == q.ch && (!multi || at_line_start) && self.is_close(q) {
                let close_start = self.pos;
                self.pos += q.count as usize + q.hashes as usize;
                if multi {
                    let closing_ws = &self.text[line_start..close_start];
                    if let Some(min) = &f.min_ws
                        && !min.starts_with(closing_ws)
                    {
                        let msg = format!(
                            "non-matching whitespace for multiline string (expected {closing_ws:?}, got {min:?})"
                        );
                        self.err(f.start as usize, msg);
                    }
                }
                return if cont {
                    TokenKind::InterpEnd
                } else {
                    TokenKind::String
                };
            }
            self.pos += 1;
            if c == b'\r' && multi {
                continue;
            }
            if multi && at_line_start && c != b' ' && c != b'\t' {
                // First non-blank character of a line: record the line's indentation.
                let ws_end = self.pos - 1;
                if c != b'\n' || ws_end > line_start {
                    let ws = &self.text[line_start..ws_end];
                    f.min_ws = Some(match f.min_ws.take() {
                        None => ws.to_string(),
                        Some(m) => {
                            let n = m
                                .bytes()
                                .zip(ws.bytes())
                                .take_while(|(a, b)| a == b)
                                .count();
                            m[..n].to_string()
                        }
                    });
                }
            }
            match c {
                b'\n' => {
                    at_line_start = true;
                    line_start = self.pos;
                }
                b' ' | b'\t' if multi && at_line_start => {}
                _ => at_line_start = false,
            }
            if c == b'\\' && self.scan_escape(q) {
                // Interpolation: `\(` (with hashes) consumed up to and including '('.
                self.pos += 1;
                self.stack.push(f);
                return if cont {
                    TokenKind::InterpMid
                } else {
                    TokenKind::InterpStart
                };
            }
            if c >= 0x80 {
                // Skip the rest of a multi-byte character.
                while self.peek() & 0xC0 == 0x80 {
                    self.pos += 1;
                }
            }
        }
    }

    fn is_close(&self, q: Quote) -> bool {
        let n = q.count as usize;
        for i in 0..n {
            if self.peek_at(i) != q.ch {
                return false;
            }
        }
        for i in 0..q.hashes as usize {
            if self.peek_at(n + i) != b'#' {
                return false;
            }
        }
        true
    }

    /// After a backslash (consumed). Returns true at an interpolation `\(`,
    /// leaving the position at the '('. Reports malformed escapes.
    fn scan_escape(&mut self, q: Quote) -> bool {
        for _ in 0..q.hashes {
            if self.peek() != b'#' {
                return false; // not an escape in a raw string
            }
            self.pos += 1;
        }
        let at = self.pos;
        let c = self.peek();
        let (n, base, max): (u32, u32, u32) = match c {
            b'(' => return true,
            b'a' | b'b' | b'f' | b'n' | b'r' | b't' | b'v' | b'\\' | b'/' => {
                self.pos += 1;
                return false;
            }
            _ if c == q.ch => {
                self.pos += 1;
                return false;
            }
            b'\n' => {
                // Backslash-newline: the newline is elided.
                return false;
            }
            b'0'..=b'7' => {
                if q.ch == b'"' {
                    self.err(at, "octal escape not allowed in string literal");
                    return false;
                }
                (3, 8, 255)
            }
            b'x' => {
                if q.ch == b'"' {
                    self.err(at, "hexadecimal escape not allowed in string literal");
                    return false;
                }
                self.pos += 1;
                (2, 16, 255)
            }
            b'u' => {
                self.pos += 1;
                (4, 16, 0x10FFFF)
            }
            b'U' => {
                self.pos += 1;
                (8, 16, 0x10FFFF)
            }
            _ => {
                let msg = if self.at_eof() {
                    "escape sequence not terminated"
                } else {
                    "unknown escape sequence"
                };
                self.err(at, msg);
                return false;
            }
        };
        let mut x: u32 = 0;
        for _ in 0..n {
            let d = digit_val(self.peek());
            if self.peek() == b'_' || d >= base {
                if self.at_eof() {
                    self.err(self.pos, "escape sequence not terminated");
                } else {
                    let ch = self.cur_char().unwrap_or('\0');
                    self.err(
                        self.pos,
                        format!("illegal character {ch:?} in escape sequence"),
                    );
                }
                return false;
            }
            x = x.saturating_mul(base).saturating_add(d);
            self.pos += 1;
        }
        if x > max || (max > 255 && (0xD800..0xE000).contains(&x)) {
            self.err(at, "escape sequence is invalid Unicode code point");
        }
        false
    }

    /// At a `)` (consumed) closing an interpolation: scan the next string segment.
    fn resume_interpolation(&mut self, _start: usize) -> TokenKind {
        let f = self.stack.pop().expect("resume without interpolation");
        self.scan_string_body(f, false, true)
    }

    /// Scans `@name(...)` with balanced brackets; `@` is consumed.
    fn scan_attribute(&mut self, start: usize) {
        let name_start = self.pos;
        self.scan_ident_rest();
        if self.pos == name_start {
            self.err(start, "invalid attribute: expected a name after '@'");
        }
        if self.peek() != b'(' {
            self.err(self.pos, "invalid attribute: expected '('");
            return;
        }
        let mut stack: Vec<u8> = Vec::new();
        loop {
            if self.at_eof() {
                self.err_span(start, self.pos, "attribute missing ')'");
                return;
            }
            let c = self.peek();
            match c {
                b'(' => stack.push(b')'),
                b'[' => stack.push(b']'),
                b'{' => stack.push(b'}'),
                b')' | b']' | b'}' => {
                    if stack.last() == Some(&c) {
                        stack.pop();
                        if stack.is_empty() {
                            self.pos += 1;
                            return;
                        }
                    } else {
                        self.err(self.pos, format!("unexpected '{}' in attribute", c as char));
                        if c == b')' {
                            self.pos += 1;
                            return;
                        }
                    }
                }
                b'"' | b'\'' | b'#' if self.skip_attr_string() => continue,
                b'/' if self.peek_at(1) == b'/' => {
                    // A comment inside a multi-line attribute: its text is not part of the balance.
                    while !self.at_eof() && self.peek() != b'\n' {
                        self.pos += 1;
                    }
                    continue;
                }
                b'\n' if stack.len() == 1 => {
                    // Attributes may span lines; keep going.
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    /// Skips a string inside an attribute; returns false when not at a string.
    fn skip_attr_string(&mut self) -> bool {
        let save = self.pos;
        let mut hashes: usize = 0;
        while self.peek() == b'#' {
            hashes += 1;
            self.pos += 1;
        }
        let q = self.peek();
        if q != b'"' && q != b'\'' {
            self.pos = save;
            return false;
        }
        self.pos += 1;
        if self.peek() == q && self.peek_at(1) == q {
            // Multi-line: up to the closing triple quote and hashes.
            self.pos += 2;
            loop {
                if self.at_eof() {
                    self.err(save, "string literal not terminated in attribute");
                    return true;
                }
                if self.peek() == b'\\' {
                    self.pos = (self.pos + 2).min(self.src.len());
                    continue;
                }
                if self.peek() == q
                    && self.peek_at(1) == q
                    && self.peek_at(2) == q
                    && (0..hashes).all(|i| self.peek_at(3 + i) == b'#')
                {
                    self.pos += 3 + hashes;
                    return true;
                }
                self.pos += 1;
            }
        }
        loop {
            if self.at_eof() || self.peek() == b'\n' {
                self.err(save, "string literal not terminated in attribute");
                return true;
            }
            let c = self.peek();
            self.pos += 1;
            if c == b'\\' && (0..hashes).all(|i| self.peek_at(i) == b'#') {
                if self.peek_at(hashes) == b'(' {
                    self.err(self.pos - 1, "interpolation not allowed in attribute");
                }
                self.pos += hashes;
                if !self.at_eof() {
                    self.pos += 1;
                }
            } else if c == q && self.count_hashes(hashes as u32) == hashes {
                self.pos += hashes;
                return true;
            }
        }
    }
}
