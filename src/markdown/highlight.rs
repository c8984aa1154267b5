//! Syntax highlighting of fenced code blocks, and the CSS for it.
//!
//! Owns: the language token → grammar lookup, the parse loop (whose runs of
//! text [`super::code_style`] turns into short classed spans, styled by the
//! generated `highlight.css`), and the process-wide highlight cache.
//!
//! Cost model: highlighting is most of the build time on code-heavy handbooks,
//! so the grammar set is loaded once per process ([`SYNTAXES`]) and the token
//! lookup table once ([`LOOKUP`]); per block the only set-up is a parser
//! state, and lines already parsed in the same state come from a per-thread
//! memo ([`super::line_memo`]). Results are cached by a 64-bit hash of
//! `(language, code)` in a sharded map whose locks are never held while
//! highlighting, so parallel callers only contend for a hash-map probe.
//!
//! Must not: touch disk, or panic on any input. Unknown languages, blocks over
//! [`MAX_HIGHLIGHT_BYTES`] and any syntect failure fall back to escaped plain
//! text.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};

use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use super::block_cache::{block_key, BlockCache};
use super::code_style::{classes_for, SpanWriter};
use super::line_memo;

/// Blocks larger than this (in bytes) are emitted as escaped plain text:
/// some grammars are super-linear on pathological input, and nobody reads a
/// 256 KiB listing for its colours.
pub(crate) const MAX_HIGHLIGHT_BYTES: usize = 256 * 1024;

/// Number of independently locked cache shards.
const SHARDS: usize = 16;

/// Upper bound on cached HTML per shard; a shard over it is emptied before the
/// next insert, so a long `serve` session cannot grow without bound.
const MAX_SHARD_BYTES: usize = (256 << 20) / SHARDS;

/// syntect's bundled grammars (with newlines), loaded once per process on
/// first use.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// Lower-case language token → grammar; `None` means "plain text, do not run
/// syntect". Built once from every grammar's name and file extensions (an
/// extension wins over a name, later grammars over earlier ones, as in
/// `SyntaxSet::find_syntax_by_token`), plus the aliases in [`ALIASES`] and
/// [`PLAIN`].
static LOOKUP: LazyLock<HashMap<String, Option<&'static SyntaxReference>>> =
    LazyLock::new(build_lookup);

/// Tokens people write in fences that syntect's defaults do not know, mapped to
/// the name of a bundled grammar that reads them well enough.
const ALIASES: &[(&str, &str)] = &[
    ("shell", "Bourne Again Shell (bash)"),
    ("console", "Bourne Again Shell (bash)"),
    ("shell-session", "Bourne Again Shell (bash)"),
    ("shellsession", "Bourne Again Shell (bash)"),
    ("terminal", "Bourne Again Shell (bash)"),
    ("ksh", "Bourne Again Shell (bash)"),
    ("dockerfile", "Bourne Again Shell (bash)"),
    ("env", "Bourne Again Shell (bash)"),
    ("dotenv", "Bourne Again Shell (bash)"),
    // No TypeScript grammar in the defaults: the JavaScript one reads TS well.
    ("ts", "JavaScript"),
    ("typescript", "JavaScript"),
    ("tsx", "JavaScript"),
    ("jsx", "JavaScript"),
    ("mjs", "JavaScript"),
    ("cjs", "JavaScript"),
    ("node", "JavaScript"),
    ("jsonc", "JSON"),
    ("json5", "JSON"),
    ("jsonl", "JSON"),
    ("ndjson", "JSON"),
    ("golang", "Go"),
    ("python3", "Python"),
    ("py2", "Python"),
    ("postgres", "SQL"),
    ("postgresql", "SQL"),
    ("psql", "SQL"),
    ("mysql", "SQL"),
    ("sqlite", "SQL"),
    ("plsql", "SQL"),
    ("c#", "C#"),
    ("csharp", "C#"),
    ("cplusplus", "C++"),
    ("objc", "Objective-C"),
    ("kotlin", "Java"),
    ("kt", "Java"),
    ("svg", "XML"),
    ("vue", "HTML"),
    ("xhtml", "HTML"),
    ("ps1", "Batch File"),
];

/// Tokens rendered as escaped plain text without running syntect: text-like
/// blocks, and languages with no bundled grammar where a wrong grammar would
/// mis-colour more than it helps. TOML has no grammar in syntect's defaults and
/// the nearest (Java Properties) mis-reads `[tables]` and arrays, so it is
/// plain.
const PLAIN: &[&str] = &[
    "",
    "text",
    "txt",
    "plain",
    "plaintext",
    "none",
    "nohighlight",
    "output",
    "log",
    "logs",
    "promql",
    "logql",
    "toml",
    "ini",
    "cfg",
    "conf",
    "hcl",
    "terraform",
    "tf",
    "mermaid",
    "graphql",
    "proto",
    "protobuf",
    "csv",
    "tsv",
];

fn build_lookup() -> HashMap<String, Option<&'static SyntaxReference>> {
    let set: &'static SyntaxSet = &SYNTAXES;
    let mut map = HashMap::new();
    for syntax in set.syntaxes() {
        map.insert(syntax.name.to_lowercase(), Some(syntax));
    }
    for syntax in set.syntaxes() {
        for ext in &syntax.file_extensions {
            map.insert(ext.to_lowercase(), Some(syntax));
        }
    }
    for (alias, name) in ALIASES {
        if let Some(syntax) = set.find_syntax_by_name(name) {
            map.insert((*alias).to_owned(), Some(syntax));
        }
    }
    for token in PLAIN {
        map.insert((*token).to_owned(), None);
    }
    // The bundled "Plain Text" grammar only costs time.
    map.retain(|_, syntax| syntax.is_none_or(|s| s.name != "Plain Text"));
    map
}

/// Grammar for a fence's language token, `None` for plain text (unknown
/// language, or one listed in [`PLAIN`]). Case-insensitive.
fn find_syntax(lang: &str) -> Option<&'static SyntaxReference> {
    let lookup = &*LOOKUP;
    match lookup.get(lang) {
        Some(found) => *found,
        None if lang.bytes().any(|b| b.is_ascii_uppercase()) => {
            lookup.get(&lang.to_lowercase()).copied().flatten()
        }
        None => None,
    }
}

/// One lock's worth of the cache.
#[derive(Default)]
struct Shard {
    map: HashMap<u64, Arc<str>>,
    bytes: usize,
}

/// Syntax highlighter for fenced code blocks, with a cache of finished HTML.
///
/// One `Highlighter` is shared (by reference) by every page of a build, and
/// by every build of a `serve` session, so an unchanged block is highlighted
/// once per process. It is `Sync`; [`Highlighter::highlight`] may be called
/// from many threads at once.
pub struct Highlighter {
    shards: [Mutex<Shard>; SHARDS],
    /// What to do with a block.
    mode: Mode,
    /// Blocks from the last build, and the ones this build uses (`build`
    /// with its on-disk cache; see `block_cache.rs`).
    blocks: Option<Arc<BlockCache>>,
}

/// How a [`Highlighter`] treats code blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Highlight and keep results, so later builds reuse them (`serve`).
    Cached,
    /// Highlight without keeping results: a one-shot build never sees the
    /// same block twice, and the cache would only cost memory.
    Uncached,
    /// Never highlight; escape (for `check`, which only needs headings and links).
    Plain,
}

impl Default for Highlighter {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Highlighter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Highlighter")
            .field("cache_len", &self.cache_len())
            .finish()
    }
}

impl Highlighter {
    /// An empty highlighter. Cheap: the grammars are loaded lazily, once per
    /// process, by the first block that needs them.
    pub fn new() -> Self {
        Self {
            shards: std::array::from_fn(|_| Mutex::new(Shard::default())),
            mode: Mode::Cached,
            blocks: None,
        }
    }

    /// A highlighter that keeps no cache: for one-shot builds, where every
    /// block is seen once and caching would only hold memory.
    pub fn uncached() -> Self {
        Self {
            mode: Mode::Uncached,
            ..Self::new()
        }
    }

    /// A highlighter for a one-shot build that takes blocks from, and
    /// records its blocks in, `blocks` (the build's on-disk cache).
    pub fn with_blocks(blocks: Arc<BlockCache>) -> Self {
        Self {
            mode: Mode::Uncached,
            blocks: Some(blocks),
            ..Self::new()
        }
    }

    /// A highlighter like [`Highlighter::new`] that also takes blocks it
    /// has not seen from `blocks` (the last build's; `serve` starts warm).
    pub fn seeded(blocks: Arc<BlockCache>) -> Self {
        Self {
            blocks: Some(blocks),
            ..Self::new()
        }
    }

    /// A highlighter that never highlights: code comes back escaped. Used
    /// where only headings and links matter (`check`).
    pub fn plain() -> Self {
        Self {
            mode: Mode::Plain,
            ..Self::new()
        }
    }

    /// HTML for the inside of `<code>`: `code` highlighted as `lang` (a fence's
    /// language token such as `rust`, `yml` or `console`, case-insensitive),
    /// as flat `<span class="l3 d7">` runs (see `code_style.rs`).
    ///
    /// Unknown languages, text-like tokens and blocks over 256 KiB come back
    /// as escaped plain text (those are not cached: escaping is as cheap as a
    /// cache probe). Highlighted results are cached by a hash of
    /// `(lang, code)`; the cache is checked first and no lock is held while
    /// syntect runs.
    pub fn highlight(&self, lang: &str, code: &str) -> Arc<str> {
        if self.mode == Mode::Plain || code.len() > MAX_HIGHLIGHT_BYTES {
            return escape_html(code).into();
        }
        let Some(syntax) = find_syntax(lang) else {
            return escape_html(code).into();
        };
        if self.mode == Mode::Uncached {
            let Some(blocks) = &self.blocks else {
                return highlight_uncached(syntax, code).into();
            };
            let key = block_key(lang, code);
            if let Some(html) = blocks.get(key) {
                return html.into();
            }
            let html = highlight_uncached(syntax, code);
            blocks.put(key, &html);
            return html.into();
        }
        let key = cache_key(lang, code);
        let shard = &self.shards[(key % SHARDS as u64) as usize];
        if let Some(hit) = lock(shard).map.get(&key) {
            return Arc::clone(hit);
        }

        let from_disk = self
            .blocks
            .as_ref()
            .and_then(|b| b.get(block_key(lang, code)));
        let html: Arc<str> = match from_disk {
            Some(html) => html.into(),
            None => highlight_uncached(syntax, code).into(),
        };

        let mut guard = lock(shard);
        let shard = &mut *guard;
        if shard.bytes + html.len() > MAX_SHARD_BYTES {
            shard.map.clear();
            shard.bytes = 0;
        }
        match shard.map.entry(key) {
            // Another thread finished the same block first: share its copy.
            Entry::Occupied(entry) => Arc::clone(entry.get()),
            Entry::Vacant(entry) => {
                shard.bytes += html.len();
                Arc::clone(entry.insert(html))
            }
        }
    }

    /// Number of highlighted blocks currently cached.
    pub fn cache_len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).map.len()).sum()
    }
}

fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    // A panic while holding the lock cannot leave the map half-updated in a
    // way that matters (at worst `bytes` is off), so poisoning is ignored.
    shard.lock().unwrap_or_else(PoisonError::into_inner)
}

fn cache_key(lang: &str, code: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    (lang, code).hash(&mut hasher);
    hasher.finish()
}

/// Run syntect over `code`; on any error or panic inside syntect, fall back
/// to escaped plain text.
fn highlight_uncached(syntax: &'static SyntaxReference, code: &str) -> String {
    let code: Cow<'_, str> = if code.contains('\r') {
        Cow::Owned(code.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(code)
    };
    // Each run of text between two scope operations gets the classes of
    // the scope stack it sits under (see `code_style`).
    let run = || -> Option<String> {
        let mut state = ParseState::new(syntax);
        let mut scopes = ScopeStack::new();
        let mut html = String::with_capacity(code.len() * 2);
        let mut spans = SpanWriter::default();
        for line in LinesWithEndings::from(&code) {
            line_memo::parse_line(syntax, &mut state, line, &SYNTAXES, |ops| {
                let mut at = 0;
                for (pos, op) in ops {
                    let pos = (*pos).min(line.len());
                    if pos > at {
                        let text = line.get(at..pos)?;
                        spans.text(&mut html, text, &classes_for(scopes.as_slice()));
                        at = pos;
                    }
                    scopes.apply(op).ok()?;
                }
                let rest = line.get(at..)?;
                spans.text(&mut html, rest, &classes_for(scopes.as_slice()));
                Some(())
            })
            .ok()??;
        }
        spans.finish(&mut html);
        Some(html)
    };
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(Some(html)) => html,
        Ok(None) | Err(_) => escape_html(&code),
    }
}

/// Escape `&`, `<`, `>`, `"` and `'` for HTML text and attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped(&mut out, text);
    out
}

/// Append `text` to `out`, escaped as by [`escape_html`].
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(entity);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_case_insensitive_and_knows_aliases() {
        let name = |lang: &str| find_syntax(lang).map(|s| s.name.as_str());
        assert_eq!(name("RUST"), Some("Rust"));
        assert_eq!(name("rs"), Some("Rust"));
        for shell in ["bash", "sh", "shell", "console", "Console", "zsh"] {
            assert_eq!(name(shell), Some("Bourne Again Shell (bash)"), "{shell}");
        }
        assert_eq!(name("yml"), Some("YAML"));
        assert_eq!(name("yaml"), Some("YAML"));
        assert_eq!(name("sql"), Some("SQL"));
        assert_eq!(name("py"), Some("Python"));
        assert_eq!(name("python"), Some("Python"));
        assert_eq!(name("go"), Some("Go"));
        assert_eq!(name("json"), Some("JSON"));
        assert_eq!(name("js"), Some("JavaScript"));
        assert_eq!(name("javascript"), Some("JavaScript"));
        assert_eq!(name("ts"), Some("JavaScript"));
        assert_eq!(name("toml"), None);
        assert_eq!(name("promql"), None);
        assert_eq!(name("txt"), None);
        assert_eq!(name("no-such-language"), None);
    }

    #[test]
    fn plain_fallbacks_are_escaped_and_not_cached() {
        let h = Highlighter::new();
        assert_eq!(
            &*h.highlight("promql", "a < b && c"),
            "a &lt; b &amp;&amp; c"
        );
        let big = "x <y>\n".repeat(MAX_HIGHLIGHT_BYTES / 6 + 1);
        let out = h.highlight("rust", &big);
        assert!(!out.contains("<span"));
        assert!(out.starts_with("x &lt;y&gt;\n"));
        assert_eq!(h.cache_len(), 0);
    }

    #[test]
    fn crlf_code_is_highlighted_like_lf() {
        let h = Highlighter::new();
        let lf = h.highlight("rust", "fn a() {}\nfn b() {}\n");
        let crlf = h.highlight("rust", "fn a() {}\r\nfn b() {}\r\n");
        assert_eq!(lf, crlf);
        assert_eq!(h.cache_len(), 2);
    }
}
