//! The book.toml text and where each key is written in it: serde hands the
//! raw structs the positions of values (`toml::Spanned`), not of keys, and
//! serde_ignored gives an unknown key's path, not its position. [`Doc`]
//! turns a path or a span into `book.toml:LINE:COL`, for errors and for
//! `config-unknown-key` findings alike.

use super::line_col;
use crate::diag::{Diagnostic, Severity};
use crate::error::Error;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::path::Path;
use toml::Spanned;

/// One step of a path into book.toml: a key, or an entry of an array
/// (`[[check.overrides]]` number `i`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    /// A key of a table.
    Key(String),
    /// An entry of an array, from 0.
    Index(usize),
}

/// `Step::Key` for each of `keys`.
pub(super) fn keys(keys: &[&str]) -> Vec<Step> {
    keys.iter().map(|k| Step::Key((*k).to_owned())).collect()
}

/// The dotted section a path's last key is in (`check.overrides.rules`
/// for `check.overrides[0].rules.x`), and that key.
pub(super) fn section_and_key(path: &[Step]) -> (String, &str) {
    let mut names: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            Step::Key(k) => Some(k.as_str()),
            Step::Index(_) => None,
        })
        .collect();
    let key = names.pop().unwrap_or("");
    (names.join("."), key)
}

/// What book.toml holds, as far as positions go: tables with their keys
/// (each with its span), arrays, and values.
#[derive(Debug)]
enum Node {
    Table(Vec<(Spanned<String>, Node)>),
    Array(Vec<Node>),
    Value,
}

impl Node {
    /// The first key written in this table (or array entry), if any.
    fn first_key(&self) -> Option<usize> {
        match self {
            Node::Table(entries) => entries.iter().map(|(k, _)| k.span().start).min(),
            Node::Array(items) => items.iter().find_map(Node::first_key),
            Node::Value => None,
        }
    }

    /// Every key below this node, with its path (appended to `path`).
    fn all_keys(&self, path: &mut Vec<Step>, out: &mut Vec<(usize, Vec<Step>)>) {
        match self {
            Node::Table(entries) => {
                for (key, child) in entries {
                    path.push(Step::Key(key.get_ref().clone()));
                    out.push((key.span().start, path.clone()));
                    child.all_keys(path, out);
                    path.pop();
                }
            }
            Node::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    child.all_keys(path, out);
                    path.pop();
                }
            }
            Node::Value => {}
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any TOML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        loop {
            let key = match map.next_key::<Spanned<String>>() {
                Ok(Some(key)) => key,
                Ok(None) => break,
                // toml hands a datetime over as a one-key map whose key
                // carries no span: it is a value, not a table.
                Err(_) if entries.is_empty() => return Ok(Node::Value),
                Err(e) => return Err(e),
            };
            let value = map.next_value::<Node>()?;
            entries.push((key, value));
        }
        Ok(Node::Table(entries))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Node, E> {
        Ok(Node::Value)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
        Ok(Node::Value)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
        Ok(Node::Value)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
        Ok(Node::Value)
    }

    fn visit_str<E>(self, _: &str) -> Result<Node, E> {
        Ok(Node::Value)
    }
}

/// book.toml: its path (for messages), its text and its keys' positions.
pub(super) struct Doc<'a> {
    path: &'a Path,
    text: &'a str,
    root: Node,
}

impl<'a> Doc<'a> {
    /// Reads where the keys of `text` are. A syntax error is an
    /// [`Error::Config`] at toml's position, with toml's message.
    pub(super) fn parse(path: &'a Path, text: &'a str) -> Result<Doc<'a>, Error> {
        let root = toml::from_str::<Node>(text).map_err(|e| Error::Config {
            path: path.to_owned(),
            line: e.span().map_or(0, |s| line_col(text, s.start).0),
            column: e.span().map_or(0, |s| line_col(text, s.start).1),
            message: e.message().trim().to_owned(),
        })?;
        Ok(Doc { path, text, root })
    }

    /// The text of book.toml.
    pub(super) fn text(&self) -> &'a str {
        self.text
    }

    /// The file name findings are reported under (`book.toml`).
    pub(super) fn rel_path(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "book.toml".into())
    }

    /// An error at byte `offset`.
    pub(super) fn error(&self, offset: usize, message: String) -> Error {
        let (line, column) = line_col(self.text, offset);
        Error::Config {
            path: self.path.to_owned(),
            line,
            column,
            message,
        }
    }

    /// An error at the start of a value.
    pub(super) fn error_at<T>(&self, value: &Spanned<T>, message: String) -> Error {
        self.error(value.span().start, message)
    }

    /// An error at the key `path` leads to (or the nearest written key
    /// above it; an array entry is where its table starts).
    pub(super) fn error_at_key(&self, path: &[Step], message: String) -> Error {
        self.error(self.key_offset(path), message)
    }

    /// A warning finding at the key `path` leads to.
    pub(super) fn finding_at_key(&self, path: &[Step], message: String) -> Diagnostic {
        Diagnostic::new(
            "config-unknown-key",
            Severity::Warning,
            self.rel_path(),
            line_col(self.text, self.key_offset(path)),
            message,
        )
    }

    /// A serde error from reading the raw structs (a value of the wrong
    /// type), at toml's position, reworded to name the key whose value it
    /// is: "`title` must be a string, found integer `5`".
    pub(super) fn type_error(&self, e: &toml::de::Error) -> Error {
        let message = e.message().trim();
        let Some(offset) = e.span().map(|s| s.start) else {
            return Error::Config {
                path: self.path.to_owned(),
                line: 0,
                column: 0,
                message: message.to_owned(),
            };
        };
        let key = self
            .key_written_before(offset)
            .map(|path| section_and_key(&path).1.to_owned());
        // toml hands a datetime to serde as a map: say what was written.
        let written = self.text.get(offset..).unwrap_or("");
        let message = if written.starts_with(|c: char| c.is_ascii_digit()) {
            message.replacen("invalid type: map,", "invalid type: datetime,", 1)
        } else {
            message.to_owned()
        };
        let message = match key {
            Some(key) => reword(&key, &message),
            None => message,
        };
        self.error(offset, message)
    }

    /// Byte offset of the key `path` leads to; see [`Doc::error_at_key`].
    fn key_offset(&self, path: &[Step]) -> usize {
        let mut node = &self.root;
        let mut at = 0;
        for step in path {
            match (step, node) {
                (Step::Key(k), Node::Table(entries)) => {
                    let Some((key, child)) = entries.iter().find(|(key, _)| key.get_ref() == k)
                    else {
                        break;
                    };
                    at = key.span().start;
                    node = child;
                }
                (Step::Index(i), Node::Array(items)) => {
                    let Some(child) = items.get(*i) else {
                        break;
                    };
                    if let Some(first) = child.first_key() {
                        at = self.entry_start(first);
                    }
                    node = child;
                }
                _ => break,
            }
        }
        at
    }

    /// Where the array entry whose first key is at `first_key` starts: its
    /// `[[...]]` header when it is written as one (only blank and comment
    /// lines between), else that first key.
    fn entry_start(&self, first_key: usize) -> usize {
        let text = &self.text[..first_key.min(self.text.len())];
        let Some(mut end) = text.rfind('\n') else {
            return first_key;
        };
        loop {
            let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
            let line = &text[start..end];
            let trimmed = line.trim();
            if trimmed.starts_with("[[") {
                return start + (line.len() - line.trim_start().len());
            }
            if start == 0 || !(trimmed.is_empty() || trimmed.starts_with('#')) {
                return first_key;
            }
            end = start - 1;
        }
    }

    /// The path of the key written last at or before byte `offset`: the
    /// key whose value an error at `offset` is in.
    fn key_written_before(&self, offset: usize) -> Option<Vec<Step>> {
        // An error at a `[table]` header (a table where a value belongs)
        // is about the last key of the header.
        let line_start = self.text[..offset.min(self.text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let line = &self.text[line_start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let offset = if line.trim_start().starts_with('[')
            && offset == line_start + line.len() - line.trim_start().len()
        {
            line_start + line.len()
        } else {
            offset
        };
        let mut all = Vec::new();
        self.root.all_keys(&mut Vec::new(), &mut all);
        all.into_iter()
            .filter(|(at, _)| *at <= offset)
            .max_by_key(|(at, _)| *at)
            .map(|(_, path)| path)
    }
}

/// "invalid type: integer `5`, expected a string" about `title` →
/// "`title` must be a string, found integer `5`".
fn reword(key: &str, message: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some((found, expected)) = message
            .strip_prefix(prefix)
            .and_then(|rest| rest.rsplit_once(", expected "))
        {
            return format!("`{key}` must be {expected}, found {found}");
        }
    }
    format!("`{key}`: {message}")
}

/// The steps of a serde_ignored path. `Spanned`'s own field (when a
/// value inside a `Spanned` is ignored) is not a key of book.toml.
pub(super) fn steps(path: &serde_ignored::Path<'_>) -> Vec<Step> {
    use serde_ignored::Path as P;
    match path {
        P::Root => Vec::new(),
        P::Seq { parent, index } => {
            let mut out = steps(parent);
            out.push(Step::Index(*index));
            out
        }
        P::Map { parent, key } => {
            let mut out = steps(parent);
            if !key.starts_with("$__serde_spanned_private") {
                out.push(Step::Key(key.clone()));
            }
            out
        }
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
            steps(parent)
        }
    }
}
