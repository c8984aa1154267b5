//! The sidebar's node files: one small script per node of the
//! [`NavTree`], `nav/ID.js`, that hands its entries to `toc.js`:
//!
//! ```js
//! handbookNav("ID", {"b": "guides/", "e": [ENTRY, ...]});
//! ```
//!
//! `b` is a prefix shared by every URL in the node (it may be empty); each
//! URL below is written without it. An `ENTRY` is one of
//! - a page: `[title, url, flags]` or `[title, url, flags, hint]`; flags:
//!   1 stale, 2 unowned; `hint` tells apart siblings of the same title;
//! - a folder: `{"d": id, "t": label, "n": pages, "s": stale, "u": url,
//!   "f": flags, "h": hint}` (`u` and `f` for its index page, when it has
//!   one; `s`, `u`, `f`, `h` only when set);
//! - a group of a large folder's entries: `{"g": id, "t": label, "n":
//!   pages, "s": stale}`.
//!
//! Scripts rather than JSON, so the sidebar works from `file://`, where a
//! page may not fetch files. Each file is keyed ([`Sink::wants`]) by its
//! bytes, so `serve` writes again only the nodes that changed.

use serde_json::{json, Map, Value};

use super::{fingerprint, json_for_script};
use crate::error::Result;
use crate::output::Sink;
use crate::view::{NavEntry, NavNode, NavPage, NavTree};

/// Where the node `id` is written.
pub(crate) fn node_path(id: &str) -> String {
    format!("nav/{id}.js")
}

/// Writes every node of `tree` into `sink`.
pub(super) fn render_nav(tree: &NavTree, sink: &dyn Sink) -> Result<()> {
    use rayon::prelude::*;
    tree.nodes.par_iter().try_for_each(|node| {
        let path = node_path(&node.id);
        if sink.wants(&path, &|| fingerprint("nav", &node_script(node))) {
            sink.put(&path, node_script(node).into_bytes())?;
        }
        Ok(())
    })
}

/// The script of one node.
pub(super) fn node_script(node: &NavNode) -> String {
    let base = shared_prefix(node);
    let rel = |url: &str| url.strip_prefix(base).unwrap_or(url).to_owned();
    let flags = |p: &NavPage| u8::from(p.stale) | (u8::from(!p.owned) << 1);
    let entries: Vec<Value> = node
        .entries
        .iter()
        .map(|e| match e {
            NavEntry::Page(p) => {
                let mut v = vec![json!(p.title), json!(rel(&p.url)), json!(flags(p))];
                if let Some(h) = &p.hint {
                    v.push(json!(h));
                }
                Value::Array(v)
            }
            NavEntry::Folder(f) => {
                let mut m = Map::new();
                m.insert("d".into(), json!(f.id));
                m.insert("t".into(), json!(f.label));
                m.insert("n".into(), json!(f.pages));
                if f.stale > 0 {
                    m.insert("s".into(), json!(f.stale));
                }
                if let Some(p) = &f.index {
                    m.insert("u".into(), json!(rel(&p.url)));
                    if flags(p) != 0 {
                        m.insert("f".into(), json!(flags(p)));
                    }
                }
                if let Some(h) = &f.hint {
                    m.insert("h".into(), json!(h));
                }
                Value::Object(m)
            }
            NavEntry::Group(g) => {
                let mut m = Map::new();
                m.insert("g".into(), json!(g.id));
                m.insert("t".into(), json!(g.label));
                m.insert("n".into(), json!(g.pages));
                if g.stale > 0 {
                    m.insert("s".into(), json!(g.stale));
                }
                Value::Object(m)
            }
        })
        .collect();
    format!(
        "handbookNav({},{});\n",
        json_for_script(&node.id),
        json_for_script(&json!({ "b": base, "e": entries }))
    )
}

/// The longest prefix, up to a `/`, of every URL in `node`.
fn shared_prefix(node: &NavNode) -> &str {
    let mut urls = node.entries.iter().filter_map(|e| match e {
        NavEntry::Page(p) => Some(p.url.as_str()),
        NavEntry::Folder(f) => f.index.as_ref().map(|p| p.url.as_str()),
        NavEntry::Group(_) => None,
    });
    let Some(first) = urls.next() else {
        return "";
    };
    let mut len = first.rfind('/').map_or(0, |i| i + 1);
    for url in urls {
        let same = first[..len]
            .bytes()
            .zip(url.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        // '/' is ASCII, so the cut after it is a character boundary.
        len = first.as_bytes()[..same]
            .iter()
            .rposition(|&b| b == b'/')
            .map_or(0, |i| i + 1);
        if len == 0 {
            break;
        }
    }
    &first[..len]
}
