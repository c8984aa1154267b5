//! The theme: parsed Tera templates plus static assets.
//!
//! The default theme (`themes/default/`) is compiled into the binary. A book
//! may name a theme folder (`[build] theme`); its `templates/NAME` files
//! replace the embedded template of the same name (or add a new one, e.g. a
//! partial that an overridden template includes) and its `static/**` files
//! replace or add static assets. Anything else in that folder is ignored.
//!
//! This module reads the disk only in [`Theme::load`] and never writes it.
//! Templates are parsed once here; rendering happens in the parent module.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::Tera;

use crate::error::{Error, Result};

/// Embedded templates of the default theme: (name, source).
const TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "macros.html",
        include_str!("../../themes/default/templates/macros.html"),
    ),
    (
        "page.html",
        include_str!("../../themes/default/templates/page.html"),
    ),
    (
        "home.html",
        include_str!("../../themes/default/templates/home.html"),
    ),
    (
        "kind.html",
        include_str!("../../themes/default/templates/kind.html"),
    ),
    (
        "owner.html",
        include_str!("../../themes/default/templates/owner.html"),
    ),
    (
        "owners.html",
        include_str!("../../themes/default/templates/owners.html"),
    ),
    (
        "health.html",
        include_str!("../../themes/default/templates/health.html"),
    ),
    (
        "reliability.html",
        include_str!("../../themes/default/templates/reliability.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "search.html",
        include_str!("../../themes/default/templates/search.html"),
    ),
    (
        "toc.js",
        include_str!("../../themes/default/templates/toc.js"),
    ),
];

/// Embedded static assets of the default theme: (path under `static/`, bytes).
const STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "handbook.js",
        include_bytes!("../../themes/default/static/handbook.js"),
    ),
    (
        "search.js",
        include_bytes!("../../themes/default/static/search.js"),
    ),
    // mermaid 11 (MIT), the IIFE build: draws ```mermaid blocks; written to
    // the site and loaded only when a page has a diagram.
    (
        MERMAID_JS,
        include_bytes!("../../themes/default/static/mermaid.min.js"),
    ),
];

/// The diagram script's name under `static/`.
pub(crate) const MERMAID_JS: &str = "mermaid.min.js";

/// A loaded theme: every template parsed, every static asset in memory.
///
/// Cheap to share between threads (`Tera::render` takes `&self`); `serve`
/// keeps one across rebuilds unless a theme file changed.
#[derive(Debug)]
pub struct Theme {
    /// Parsed templates, HTML-autoescaping every `*.html` template.
    pub(crate) tera: Tera,
    /// Static assets keyed by their path under `static/` (`style.css`).
    pub(crate) statics: BTreeMap<String, Vec<u8>>,
    /// The templates are the default ones, which print no site-wide counts
    /// on content pages: those pages then get a context without them, so
    /// adding a page or reviewing a stale one does not re-render every page
    /// under `serve`. Custom templates get every field.
    pub(crate) default_templates: bool,
    /// Files of the book's own templates, by template name, for errors.
    pub(crate) sources: BTreeMap<String, PathBuf>,
}

impl Theme {
    /// Names the site writes under `static/`: the theme's files and the
    /// generated `highlight.css`.
    pub fn static_names(&self) -> Vec<&str> {
        self.statics
            .keys()
            .map(String::as_str)
            .chain(["highlight.css"])
            .collect()
    }

    /// Loads the embedded default theme (themes/default compiled in with
    /// `include_str!`/`include_bytes!`), then lets files in `override_dir`
    /// (the book's `[build] theme` folder) replace any template (same file
    /// name under `templates/`) or static asset (under `static/`), or add new
    /// static files (and new templates, for partials).
    ///
    /// Fails with [`Error::Theme`] when `override_dir` is not a folder, with
    /// [`Error::Io`] when a file cannot be read, and with [`Error::Template`]
    /// (naming the template and carrying Tera's line information) when a
    /// template does not parse or extends a template that does not exist.
    pub fn load(override_dir: Option<&Path>) -> Result<Theme> {
        let mut templates: BTreeMap<String, String> = TEMPLATES
            .iter()
            .map(|(name, src)| ((*name).to_owned(), (*src).to_owned()))
            .collect();
        let mut statics: BTreeMap<String, Vec<u8>> = STATIC
            .iter()
            .map(|(name, bytes)| ((*name).to_owned(), bytes.to_vec()))
            .collect();

        let mut default_templates = true;
        let mut sources = BTreeMap::new();
        if let Some(dir) = override_dir {
            if !dir.is_dir() {
                return Err(Error::Theme {
                    path: dir.to_owned(),
                    reason: "is not a folder (check `[build] theme` in book.toml)".to_owned(),
                });
            }
            let custom = list_files(&dir.join("templates"))?;
            default_templates = custom.is_empty();
            for (name, path) in custom {
                let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?;
                templates.insert(name.clone(), text);
                sources.insert(name, path);
            }
            for (name, path) in list_files(&dir.join("static"))? {
                let bytes = std::fs::read(&path).map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?;
                statics.insert(name, bytes);
            }
        }

        Ok(Theme {
            tera: parse_templates(&templates).map_err(|e| with_file(e, &sources))?,
            statics,
            default_templates,
            sources,
        })
    }

    /// Names of all loaded templates, sorted.
    pub fn template_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.tera.get_template_names().collect();
        names.sort_unstable();
        names
    }
}

/// Parses every template into one Tera instance, one template at a time so
/// that a syntax error names the template it is in.
fn parse_templates(templates: &BTreeMap<String, String>) -> Result<Tera> {
    for (name, src) in templates {
        tera::Template::new(name, None, src)
            .map_err(|e| template_error(name, &tera::Error::chain("failed to parse", e)))?;
    }
    let mut tera = Tera::default();
    // `.html` templates are autoescaped (Tera's default suffixes); `toc.js`
    // is not, it embeds JSON that is escaped in Rust.
    tera.autoescape_on(vec![".html", ".htm", ".xml", ".svg"]);
    tera.set_escape_fn(escape_html);
    tera.register_filter("code_spans", code_spans_filter);
    tera.register_filter("urlencode", urlencode_filter);
    tera.add_raw_templates(templates.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .map_err(|e| {
            let name = match &e.kind {
                tera::ErrorKind::MissingParent { current, .. } => current.clone(),
                tera::ErrorKind::CircularExtend { tpl, .. } => tpl.clone(),
                _ => "theme".to_owned(),
            };
            template_error(&name, &e)
        })?;
    Ok(tera)
}

/// Escapes text for HTML element content and quoted attribute values.
///
/// Tera's default escaper also turns `/` into `&#x2F;`, which is safe but
/// makes every URL and title unreadable in the source; this one escapes the
/// five characters that matter (the same as code blocks get).
pub(crate) fn escape_html(input: &str) -> String {
    crate::markdown::escape_html(input)
}

/// `{{ p.url | urlencode }}`: a site path as an href needs it, every byte
/// but ASCII letters, digits, `-._~` and `/` percent-encoded (the same set
/// as Tera's own `urlencode`, which this build leaves out). A page named
/// `a#b.md` or `50%.md` gets a link that reaches it.
fn urlencode_filter(
    value: &tera::Value,
    _args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    match value {
        tera::Value::String(s) => Ok(tera::Value::String(crate::url::encode_path(s))),
        other => Ok(other.clone()),
    }
}

/// Tera filter `code_spans`: the text HTML-escaped, with each `` `code` ``
/// span as `<code>code</code>`. Its output is HTML, so templates mark it
/// `| safe`: `{{ f.message | code_spans | safe }}`. For finding messages and
/// helps, which name frontmatter keys in backticks (as `check` prints them).
fn code_spans_filter(
    value: &tera::Value,
    _args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let text = match value {
        tera::Value::String(s) => s.clone(),
        tera::Value::Null => String::new(),
        other => other.to_string(),
    };
    Ok(tera::Value::String(code_spans_html(&text)))
}

/// `text` escaped for HTML with `` `x` `` spans as `<code>x</code>`; a
/// backtick without a partner stays as written.
pub(crate) fn code_spans_html(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    let mut html = String::with_capacity(text.len() + 16);
    let paired = if parts.len() % 2 == 1 {
        parts.len()
    } else {
        parts.len() - 1
    };
    for (i, part) in parts.iter().enumerate() {
        let escaped = escape_html(part);
        if i >= paired {
            html.push('`');
            html.push_str(&escaped);
        } else if i % 2 == 1 {
            html.push_str("<code>");
            html.push_str(&escaped);
            html.push_str("</code>");
        } else {
            html.push_str(&escaped);
        }
    }
    html
}

/// Wraps a Tera error as [`Error::Template`], flattening its `source()`
/// chain (the inner errors hold the line and column of parse errors).
/// Adds the file of the book's own template to a template error, with
/// the line and column of Tera's ` --> 4:1` when the message has one.
pub(crate) fn with_file(e: Error, sources: &BTreeMap<String, PathBuf>) -> Error {
    match e {
        Error::Template {
            name,
            file: None,
            message,
        } => {
            let file = sources.get(&name).map(|path| {
                let at = message
                    .split_once("--> ")
                    .map(|(_, rest)| {
                        rest.chars()
                            .take_while(|c| c.is_ascii_digit() || *c == ':')
                            .collect::<String>()
                    })
                    .filter(|at| at.contains(':'));
                match at {
                    Some(at) => format!("{}:{at}", path.display()),
                    None => path.display().to_string(),
                }
            });
            Error::Template {
                name,
                file,
                message,
            }
        }
        other => other,
    }
}

pub(crate) fn template_error(name: &str, err: &tera::Error) -> Error {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        message.push_str(": ");
        message.push_str(inner.to_string().trim_end());
        source = inner.source();
    }
    Error::Template {
        name: name.to_owned(),
        file: None,
        message,
    }
}

/// Lists the regular files under `dir` recursively as ('/'-separated
/// relative name, path), skipping dotfiles and editor temp files. A missing
/// `dir` yields nothing.
fn list_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    if dir.is_dir() {
        walk(dir, "", &mut out)?;
    }
    out.sort();
    Ok(out)
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_owned(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            path: dir.to_owned(),
            source,
        })?;
        let path = entry.path();
        let Some(file_name) = entry.file_name().to_str().map(str::to_owned) else {
            return Err(Error::Theme {
                path,
                reason: "file name is not valid UTF-8".to_owned(),
            });
        };
        if is_ignored(&file_name) {
            continue;
        }
        let name = format!("{prefix}{file_name}");
        // `metadata` follows symlinks, so a linked file or folder works.
        let meta = std::fs::metadata(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            walk(&path, &format!("{name}/"), out)?;
        } else if meta.is_file() {
            out.push((name, path));
        }
    }
    Ok(())
}

/// Dotfiles and editor leftovers are never part of a theme.
fn is_ignored(file_name: &str) -> bool {
    file_name.starts_with('.')
        || file_name.ends_with('~')
        || file_name.ends_with(".swp")
        || file_name.ends_with(".kate-swp")
        || file_name.ends_with("___jb_tmp___")
        || file_name.ends_with("___jb_old___")
}
