//! TOML frontmatter (`+++` fences, as Hugo and Zola write it), read into
//! the same mapping as YAML so that every field, alias and finding works
//! the same way.

use super::KeySpans;
use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;

/// A TOML syntax error: message and (line, column) within the block
/// (1-based).
pub(super) struct TomlError {
    pub(super) message: String,
    pub(super) at: (u32, u32),
}

/// Parses the TOML between the fences into a mapping.
pub(super) fn parse(block: &str) -> Result<Mapping, TomlError> {
    match block.parse::<toml::Table>() {
        Ok(table) => Ok(table
            .into_iter()
            .map(|(k, v)| (Value::String(k), to_yaml(v)))
            .collect()),
        Err(e) => {
            let at = e.span().map_or((1, 1), |s| line_column(block, s.start));
            Err(TomlError {
                message: e.message().trim().to_string(),
                at,
            })
        }
    }
}

/// The 1-based line and column (in characters) of byte `offset`.
fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() as u32 + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    (line, column)
}

fn to_yaml(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::Number(i.into()),
        toml::Value::Float(f) => Value::Number(f.into()),
        toml::Value::Boolean(b) => Value::Bool(b),
        // Hugo writes `date = 2026-03-02T10:00:00Z`: only the day matters.
        toml::Value::Datetime(d) => {
            Value::String(d.date.map_or_else(|| d.to_string(), |day| day.to_string()))
        }
        toml::Value::Array(a) => Value::Sequence(a.into_iter().map(to_yaml).collect()),
        toml::Value::Table(t) => Value::Mapping(
            t.into_iter()
                .map(|(k, v)| (Value::String(k), to_yaml(v)))
                .collect(),
        ),
    }
}

/// Where top-level keys, tables and `[[actions]]` items are written;
/// `line0` is the file line of the block's first line.
pub(super) fn key_spans(block: &str, line0: u32) -> KeySpans {
    let mut spans = BTreeMap::new();
    let mut in_table = false;
    let mut action_index = 0;
    for (i, l) in block.lines().enumerate() {
        let line = line0 + i as u32;
        let t = l.trim();
        if let Some(name) = t.strip_prefix("[[").and_then(|r| r.split_once("]]")) {
            in_table = true;
            if name.0.trim() == "actions" {
                spans.entry("actions".to_string()).or_insert((line, 1));
                spans.insert(format!("actions[{action_index}]"), (line, 1));
                action_index += 1;
            }
        } else if let Some(name) = t.strip_prefix('[').and_then(|r| r.split_once(']')) {
            in_table = true;
            let key = name.0.trim().trim_matches(['"', '\'']);
            spans.entry(key.to_string()).or_insert((line, 1));
        } else if !in_table {
            if let Some((k, _)) = t.split_once('=') {
                let k = k.trim().trim_matches(['"', '\'']);
                spans.entry(k.to_string()).or_insert((line, 1));
            }
        }
    }
    KeySpans(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_spans() {
        let block = "title = \"T\"\nowners = [\"a\", \"b\"]\ndate = 2026-03-02T10:00:00Z\nreviewed = 2026-09-01\n\n[[actions]]\nwhat = \"Add alert\"\ndone = true\n\n[[actions]]\nwhat = \"Fix\"\n";
        let Ok(map) = parse(block) else {
            panic!("parses")
        };
        assert_eq!(map.get("title"), Some(&Value::String("T".into())));
        assert_eq!(map.get("date"), Some(&Value::String("2026-03-02".into())));
        assert_eq!(
            map.get("reviewed"),
            Some(&Value::String("2026-09-01".into()))
        );
        let spans = key_spans(block, 2);
        assert_eq!(spans.of("owners"), (3, 1));
        assert_eq!(spans.of("actions[0]"), (7, 1));
        assert_eq!(spans.of("actions[1]"), (11, 1));
        // Keys inside a table are not top-level keys.
        assert!(!spans.has("what"));
    }

    #[test]
    fn errors_point_into_the_block() {
        let Err(e) = parse("title = \"T\"\nowners = [\"a\"\nkind = \"x\"\n") else {
            panic!("an error")
        };
        assert!(e.at.0 >= 2, "line {}", e.at.0);
        assert!(!e.message.is_empty());
        let Err(e) = parse("title = \"T\"\ntitle = \"U\"\n") else {
            panic!("duplicate")
        };
        assert_eq!(e.at.0, 2, "{}", e.message);
    }
}
