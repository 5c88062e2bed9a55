//! The JSON pointer of the node a depth-first walk is at, kept as borrowed tokens and
//! rendered only where something is reported: rendering every node's pointer was most
//! of a walk's time on large documents.

use std::fmt::Write;

/// One step down a tree.
#[derive(Clone, Copy, Debug)]
pub enum Token<'a> {
    Key(&'a str),
    Index(usize),
}

/// The tokens from the root to the current node of a walk.
#[derive(Default)]
pub struct Path<'a> {
    tokens: Vec<Token<'a>>,
}

impl<'a> Path<'a> {
    /// How many tokens deep the walk is.
    pub fn depth(&self) -> usize {
        self.tokens.len()
    }

    /// Moves to a node whose parent is `depth` tokens deep, reached by `token` (none for
    /// the root). A walk pushes children with its current depth and enters them later.
    pub fn enter(&mut self, depth: usize, token: Option<Token<'a>>) {
        self.tokens.truncate(depth);
        self.tokens.extend(token);
    }

    /// The pointer of the current node followed by `below` (RFC 6901).
    pub fn pointer_with(&self, below: &[Token<'_>]) -> String {
        let mut out = String::new();
        for token in self.tokens.iter().chain(below) {
            out.push('/');
            match token {
                Token::Key(key) => push_escaped(&mut out, key),
                Token::Index(index) => {
                    let _ = write!(out, "{index}");
                }
            }
        }
        out
    }
}

fn push_escaped(out: &mut String, key: &str) {
    for c in key.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_escaped_pointers_of_the_current_node() {
        let mut path = Path::default();
        path.enter(0, None);
        assert_eq!(path.pointer_with(&[]), "");
        path.enter(0, Some(Token::Key("paths")));
        path.enter(1, Some(Token::Key("/a~b/{id}")));
        path.enter(2, Some(Token::Index(3)));
        assert_eq!(path.pointer_with(&[]), "/paths/~1a~0b~1{id}/3");
        path.enter(1, Some(Token::Key("components")));
        assert_eq!(
            path.pointer_with(&[Token::Key("$ref")]),
            "/paths/components/$ref"
        );
    }
}
