//! Stage 1: walk the content folder and read every markdown page and
//! static asset. Skips hidden entries and the output folder, survives
//! symlink loops, strips a UTF-8 BOM, and turns a non-UTF-8 file into a
//! finding instead of a failure. The only stage besides config that reads
//! the disk.

use crate::config::Config;
use crate::diag::{Diagnostic, Severity};
use crate::error::{io_err, Result};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// One markdown page as read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the content dir, '/'-separated (`runbooks/db.md`).
    pub rel: String,
    /// Path relative to the handbook root, '/'-separated (`src/runbooks/db.md`).
    pub root_rel: String,
    /// Text with any BOM removed (lossily decoded if it was not UTF-8).
    pub text: String,
    /// Where the first invalid UTF-8 byte is, if any (line, column).
    pub invalid_utf8_at: Option<(u32, u32)>,
}

/// A non-markdown file under the content dir, copied as is.
#[derive(Debug, Clone)]
pub struct AssetFile {
    /// Path relative to the content dir, '/'-separated.
    pub rel: String,
    /// Absolute path on disk.
    pub abs: PathBuf,
}

/// What discovery found.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Markdown pages, sorted by `rel`.
    pub pages: Vec<SourceFile>,
    /// Other files, sorted by `rel`.
    pub assets: Vec<AssetFile>,
}

/// Is this a markdown file name (`.md`, `.MD`, `.markdown`, and GOV.UK
/// Tech Docs / Middleman's `.md.erb`)?
pub fn is_markdown(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let lower = lower.strip_suffix(".erb").unwrap_or(&lower);
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// Is the markdown file at `rel` a Middleman partial, inlined by ERB's
/// `partial "x"` rather than published: a name starting with `_` (which
/// Middleman never publishes) that is Middleman's (`_x.html.md.erb`,
/// `_x.html.md`) or lies in a `partials` folder. Hugo's `_index.md` is a
/// page.
pub fn is_partial(rel: &str) -> bool {
    let (dirs, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let lower = name.to_ascii_lowercase();
    name.starts_with('_')
        && (lower.ends_with(".erb")
            || lower.contains(".html.")
            || dirs.split('/').any(|d| d == "partials" || d == "_partials"))
}

/// Files at the handbook root that are configuration, not content, when
/// the root itself is the content folder.
const ROOT_FILES: [&str; 4] = ["book.toml", "owners.yaml", "CODEOWNERS", "SUMMARY.md"];

/// Walks `config.content_dir` and reads what it finds.
pub fn discover(config: &Config) -> Result<Sources> {
    let (pages, assets) = discover_paths(config);
    let root_prefix = root_prefix(config);
    // A page deleted between the walk and its reading (an editor's save,
    // a checkout under way) is simply gone; any other read error stops the
    // build, naming the file.
    let mut pages: Vec<SourceFile> = pages
        .into_par_iter()
        .filter_map(|(rel, abs)| match read_page(&abs, rel, &root_prefix) {
            Err(e) if is_vanished(&e) => None,
            read => Some(read),
        })
        .collect::<Result<_>>()?;
    pages.sort_by(|a, b| a.rel.cmp(&b.rel));
    if let Some(note) = mdx_note(&assets) {
        eprintln!("{note}");
    }
    Ok(Sources { pages, assets })
}

/// Is `e` a file that was there when the folder was walked and is not any
/// more?
pub fn is_vanished(e: &crate::error::Error) -> bool {
    matches!(e, crate::error::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
}

/// A note when MDX files (Docusaurus, Gatsby) are in the content: they are
/// copied as files, not built as pages, and a writer should know. Printed
/// by [`discover`]; `serve`, which walks with [`discover_paths`], prints it
/// when it changes.
pub fn mdx_note(assets: &[AssetFile]) -> Option<String> {
    let mdx: Vec<&str> = assets
        .iter()
        .map(|a| a.rel.as_str())
        .filter(|r| r.to_ascii_lowercase().ends_with(".mdx"))
        .collect();
    let first = mdx.first()?;
    let more = match mdx.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    Some(format!(
        "note: {first}{more}: .mdx files are copied as they are, not built as pages; rename them to .md if they hold plain markdown"
    ))
}

/// The walk of [`discover`] without reading pages: markdown pages as
/// `(rel, absolute path)` and assets, both sorted by `rel`. For callers
/// that keep page texts between runs (`serve` re-reads only changed files).
pub fn discover_paths(config: &Config) -> (Vec<(String, PathBuf)>, Vec<AssetFile>) {
    let content = &config.content_dir;
    let mut pages = Vec::new();
    let mut assets = Vec::new();
    let out_dir = config
        .out_dir
        .canonicalize()
        .unwrap_or_else(|_| config.out_dir.clone());
    let inside = Inside::of(config);
    let walker = walkdir::WalkDir::new(content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name();
            e.depth() == 0
                || !(is_ignored_name(&name.to_string_lossy())
                    || (e.file_type().is_dir()
                        && (is_out_dir(e.path(), &config.out_dir, &out_dir)
                            || e.path().join(crate::output::MARKER).exists()))
                    || (e.path_is_symlink() && !link_stays_inside(e.path(), &inside)))
        });
    // Folders reached through a symlink: what lies under them may resolve
    // outside the content folder.
    let mut linked_dirs: Vec<PathBuf> = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            // Symlink loops and unreadable folders are skipped, not fatal.
            Err(e) => {
                if let Some(path) = e.path() {
                    eprintln!("warning: skipping {}: {e}", path.display());
                }
                continue;
            }
        };
        if entry.file_type().is_dir() && entry.path_is_symlink() {
            linked_dirs.push(entry.path().to_owned());
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = match entry.path().strip_prefix(content) {
            Ok(r) => to_slash(r),
            Err(_) => continue,
        };
        let name = entry.file_name().to_string_lossy();
        // SUMMARY.md at the top of the content folder is the reading order
        // (see `crate::summary`), not a page, wherever that folder is.
        let root_file = (content == &config.root && ROOT_FILES.contains(&name.as_ref()))
            || name == crate::summary::SUMMARY_FILE;
        if entry.depth() == 1 && root_file {
            continue;
        }
        if config.exclude.excludes(&rel) || is_temp_file(&name) {
            continue;
        }
        if is_markdown(&name) {
            pages.push((rel, entry.into_path()));
        } else {
            let linked =
                entry.path_is_symlink() || linked_dirs.iter().any(|d| entry.path().starts_with(d));
            if linked && !asset_stays_inside(entry.path(), &inside.content) {
                continue;
            }
            assets.push(AssetFile {
                rel,
                abs: entry.into_path(),
            });
        }
    }
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    assets.sort_by(|a, b| a.rel.cmp(&b.rel));
    (pages, assets)
}

/// Names discovery never descends into or reads, and that the `serve`
/// watcher ignores alike: dotfiles and dot-folders, `node_modules` and
/// `target`.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.') || name == "node_modules" || name == "target"
}

/// Editors' temporary, swap and backup files (zola's list, plus Emacs):
/// neither content to publish nor a change to rebuild for.
pub fn is_temp_file(name: &str) -> bool {
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name == "4913"
        || name.ends_with(".kate-swp")
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// Whether the asset at `path` (reached through a symlink) really lies
/// inside the content folder `content` (canonical). Assets are copied as
/// they are, so one that resolves elsewhere (`src/key.pem ->
/// ../secrets/key.pem`), even inside the handbook, is skipped with a
/// warning: the site publishes the content folder and nothing else, as
/// `serve` has always served it. Pages may link out (they are rendered,
/// not copied; see [`link_stays_inside`]).
fn asset_stays_inside(path: &Path, content: &Path) -> bool {
    let Ok(target) = path.canonicalize() else {
        // Vanished since the walk: nothing to publish.
        return false;
    };
    let ok = target.starts_with(content);
    if !ok {
        eprintln!(
            "warning: skipping {}: it links to {}, which is outside the content folder; only files inside it are published (copy the file in)",
            path.display(),
            target.display()
        );
    }
    ok
}

/// Where a symlink in the content may point: inside the handbook root, or
/// the git work tree holding it (`docs/README.md -> ../README.md`), but not
/// at a folder holding the content (that would walk it again).
struct Inside {
    root: PathBuf,
    content: PathBuf,
}

impl Inside {
    fn of(config: &Config) -> Inside {
        let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_owned());
        let root = canonical(&config.root);
        let work_tree = root.ancestors().find(|d| d.join(".git").exists());
        Inside {
            root: work_tree.map_or_else(|| root.clone(), Path::to_path_buf),
            content: canonical(&config.content_dir),
        }
    }
}

/// Whether the symlink at `path` stays inside the handbook (or its git
/// work tree). One that leads out of it (`src/etc -> /etc`) would publish
/// whatever it points at, so it is skipped with a warning; a dangling one
/// is left to the walk, which reports it.
fn link_stays_inside(path: &Path, inside: &Inside) -> bool {
    let Ok(target) = path.canonicalize() else {
        return true;
    };
    let ok = target.starts_with(&inside.root) && !inside.content.starts_with(&target);
    if !ok {
        eprintln!(
            "warning: skipping {}: it links to {}, which is outside the handbook (and its git work tree) or holds its content folder; copy the files in, or link to something inside",
            path.display(),
            target.display()
        );
    }
    ok
}

/// The content dir relative to the handbook root (`src`), '/'-separated;
/// empty when the root is the content dir. Prefix of [`SourceFile::root_rel`].
pub fn root_prefix(config: &Config) -> String {
    config
        .content_dir
        .strip_prefix(&config.root)
        .map(to_slash)
        .unwrap_or_default()
}

/// Is `dir` the output folder (as configured, or through a symlink)?
fn is_out_dir(dir: &Path, out_dir: &Path, canonical_out_dir: &Path) -> bool {
    dir == out_dir || dir.canonicalize().is_ok_and(|c| c == canonical_out_dir)
}

/// Reads one page: `rel` under the content dir, `root_prefix` as from
/// [`root_prefix`].
pub fn read_page(abs: &Path, rel: String, root_prefix: &str) -> Result<SourceFile> {
    let bytes = std::fs::read(abs).map_err(io_err(abs))?;
    let root_rel = if root_prefix.is_empty() {
        rel.clone()
    } else {
        format!("{root_prefix}/{rel}")
    };
    let (text, invalid_utf8_at) = decode(bytes);
    Ok(SourceFile {
        rel,
        root_rel,
        text,
        invalid_utf8_at,
    })
}

/// Decodes bytes as UTF-8 without a BOM; invalid bytes become U+FFFD and
/// the first one's position is returned.
pub fn decode(mut bytes: Vec<u8>) -> (String, Option<(u32, u32)>) {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
            let pos = crate::config::line_col(valid, valid.len());
            (String::from_utf8_lossy(&bytes).into_owned(), Some(pos))
        }
    }
}

/// The finding for a file that is not valid UTF-8.
pub fn invalid_utf8_finding(src: &SourceFile) -> Option<Diagnostic> {
    src.invalid_utf8_at.map(|pos| {
        Diagnostic::new(
            "frontmatter-invalid",
            Severity::Error,
            src.root_rel.clone(),
            pos,
            "file is not valid UTF-8; invalid bytes were replaced with \u{FFFD}",
        )
        .with_help("re-save the file as UTF-8")
    })
}

/// A path as a '/'-separated string.
pub fn to_slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_strips_bom_and_reports_bad_bytes() {
        let (t, bad) = decode(b"\xEF\xBB\xBF# Hi\n".to_vec());
        assert_eq!(t, "# Hi\n");
        assert!(bad.is_none());
        let (t, bad) = decode(b"a\nbc\xFFd".to_vec());
        assert_eq!(bad, Some((2, 3)));
        assert!(t.contains('\u{FFFD}'));
    }

    #[test]
    fn temp_files_are_ignored() {
        for name in [
            "a.md~",
            ".a.md.swp",
            "a.swx",
            "4913",
            "a.md.kate-swp",
            "a.md___jb_tmp___",
            "a.md___jb_old___",
            "#a.md#",
        ] {
            assert!(is_temp_file(name), "{name}");
        }
        for name in ["a.md", "4914", "notes.swap.md"] {
            assert!(!is_temp_file(name), "{name}");
        }
    }

    #[test]
    fn markdown_names() {
        assert!(is_markdown("a.md"));
        assert!(is_markdown("README.MD"));
        assert!(is_markdown("x.markdown"));
        assert!(!is_markdown("x.mdx"));
        assert!(!is_markdown("img.png"));
        assert!(is_markdown("apps.html.md.erb"));
        assert!(is_markdown("x.md.erb"));
        assert!(!is_markdown("layout.html.erb"));
    }

    #[test]
    fn middleman_partials_are_not_pages() {
        assert!(is_partial("partials/_intro.md"));
        assert!(is_partial("manual/_note.html.md.erb"));
        assert!(is_partial("a/partials/repo/_links.md"));
        assert!(!is_partial("handbook/_index.md"));
        assert!(!is_partial("partials/intro.md"));
        assert!(is_partial("_banner.html.md"));
        assert!(!is_partial("_notes.md"));
    }
}
