//! CODEOWNERS: finding the file, parsing it, and answering "who owns this
//! path" the way GitHub documents it. Only [`CodeOwners::load`] reads the
//! disk; parsing and matching are pure and never fail (a line GitHub would
//! reject is skipped, as GitHub skips it).
//!
//! # Syntax
//!
//! gitignore patterns, with the exceptions GitHub lists for CODEOWNERS:
//!
//! - `#` starts a comment, at the start of a line or after whitespace
//!   (`*.js @js-owner # inline comment`); `\#` does *not* escape it: such a
//!   line is invalid and skipped;
//! - `!` negation and `[ ]` character ranges do not work: those lines are
//!   invalid and skipped;
//! - `[Section]` and `^[Section]` headers (GitLab) are ignored;
//! - a leading `/`, or a `/` in the middle, anchors a pattern at the root
//!   (`/docs/`, `docs/*`, `**/logs`); a name without a slash (`*.md`,
//!   `apps/`) matches at any depth;
//! - a trailing `/` matches everything under such a folder (`apps/`); a
//!   pattern without it matches the path itself or anything under it
//!   (`/apps/github`), except that a last segment that is a lone `*` matches
//!   only direct children (`docs/*` owns `docs/a.md`, not `docs/b/c.md`);
//! - `*` and `?` never match `/`; `**` as a whole segment matches any number
//!   of folders (`**/logs`, `docs/**`, `a/**/b`); other runs of `*` are `*`;
//! - `\` escapes the next character (`my\ file.md`, `f\*o`);
//! - the last matching line wins, and a line with no owners un-owns what it
//!   matches.
//!
//! # Matching in linear time
//!
//! Each line becomes one or two [`globset`] globs (the path itself, and
//! `/**` for anything under it) that all go into a few `GlobSet`s, compiled
//! to finite automata by the `regex` crate. Answering a path is one pass of
//! those automata over it, never backtracking, so a line like
//! `**/**/**/**/**/**/**/x` costs the same on a page 25 folders deep as on
//! one at the root. (The hand-written matcher this replaced branched at every
//! `**` and took 100 s on that input.) `globset` rather than
//! `ignore::gitignore`: gitignore applies a folder's match to everything
//! under it, which is exactly what `docs/*` must not do here, and it would
//! accept `!` and `[a-z]`; with `globset` the translation is explicit.

use crate::error::{io_err, Result};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::path::Path;

/// Globs per compiled set. The regex crate caps one automaton's size, and
/// scanning sets from the last line backwards lets a match in a late set
/// skip the earlier ones; a few thousand globs per set keeps both in check.
const GLOBS_PER_SET: usize = 2048;

/// A parsed CODEOWNERS file: rules in file order; the last match wins.
#[derive(Debug, Clone, Default)]
pub struct CodeOwners {
    /// Owners of each valid line, in file order (empty: un-owns).
    owners: Vec<Vec<String>>,
    /// Compiled globs in file order, each with the index of its line in
    /// `owners`.
    sets: Vec<(GlobSet, Vec<usize>)>,
    /// The content folder relative to the folder the file serves.
    content_prefix: String,
}

impl CodeOwners {
    /// Finds a CODEOWNERS file (`CODEOWNERS`, `.github/CODEOWNERS`,
    /// `docs/CODEOWNERS`) in the handbook root, then in the content folder's
    /// parent, then in the folders above the root up to the git repository
    /// root. Patterns are matched against paths relative to the folder the
    /// file serves (its repository root), as GitHub does.
    pub fn load(root: &Path, content_dir: &Path) -> Result<CodeOwners> {
        let mut bases: Vec<&Path> = vec![root];
        if let Some(parent) = content_dir.parent() {
            if parent != root && parent.starts_with(root) {
                bases.push(parent);
            }
        }
        if !root.join(".git").exists() {
            if let Some(git_root) = root.ancestors().find(|d| d.join(".git").exists()) {
                bases.extend(
                    root.ancestors()
                        .skip(1)
                        .take_while(|d| d.starts_with(git_root)),
                );
            }
        }
        for base in bases {
            for cand in ["CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS"] {
                let p = base.join(cand);
                if p.is_file() {
                    let text = std::fs::read_to_string(&p).map_err(io_err(&p))?;
                    let mut c = CodeOwners::parse(&text);
                    c.content_prefix = content_dir
                        .strip_prefix(base)
                        .map(crate::discover::to_slash)
                        .unwrap_or_default();
                    return Ok(c);
                }
            }
        }
        Ok(CodeOwners::default())
    }

    /// Owners of a page given its path relative to the content folder.
    pub fn owners_of_page(&self, content_rel: &str) -> Vec<String> {
        if self.content_prefix.is_empty() {
            self.owners_of(content_rel)
        } else {
            self.owners_of(&format!("{}/{content_rel}", self.content_prefix))
        }
    }

    /// Parses CODEOWNERS text. Lines GitHub would reject (`!` negation,
    /// `[ ]` ranges, a `\#` escape) are skipped.
    pub fn parse(text: &str) -> CodeOwners {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut owners = Vec::new();
        let mut globs = Vec::new();
        for line in text.lines() {
            let Some((pattern, line_owners)) = parse_line(line) else {
                continue;
            };
            let compiled: Vec<globset::Glob> = globs_for(&pattern)
                .iter()
                .filter_map(|g| {
                    GlobBuilder::new(g)
                        .literal_separator(true)
                        .backslash_escape(true)
                        .build()
                        .ok()
                })
                .collect();
            if compiled.is_empty() {
                continue;
            }
            let rule = owners.len();
            owners.push(line_owners);
            globs.extend(compiled.into_iter().map(|g| (g, rule)));
        }
        let sets = globs.chunks(GLOBS_PER_SET).flat_map(compile_sets).collect();
        CodeOwners {
            owners,
            sets,
            content_prefix: String::new(),
        }
    }

    /// Owners of `path` (relative to the root, '/'-separated); the last
    /// matching rule wins, and a matching rule without owners un-owns.
    pub fn owners_of(&self, path: &str) -> Vec<String> {
        let path = path.trim_start_matches('/');
        if path.is_empty() {
            return Vec::new();
        }
        let candidate = globset::Candidate::new(path);
        let mut hits = Vec::new();
        for (set, rules) in self.sets.iter().rev() {
            set.matches_candidate_into(&candidate, &mut hits);
            if let Some(rule) = hits.iter().filter_map(|&i| rules.get(i)).max() {
                return self.owners.get(*rule).cloned().unwrap_or_default();
            }
        }
        Vec::new()
    }
}

/// Compiles one chunk of globs. If the chunk is too big for one automaton
/// (the regex crate's size limit), it is halved until it fits; a single glob
/// that still fails is dropped.
fn compile_sets(chunk: &[(globset::Glob, usize)]) -> Vec<(GlobSet, Vec<usize>)> {
    let mut b = GlobSetBuilder::new();
    for (g, _) in chunk {
        b.add(g.clone());
    }
    match b.build() {
        Ok(set) => vec![(set, chunk.iter().map(|(_, r)| *r).collect())],
        Err(_) if chunk.len() > 1 => {
            let (a, z) = chunk.split_at(chunk.len() / 2);
            let mut out = compile_sets(a);
            out.extend(compile_sets(z));
            out
        }
        Err(_) => Vec::new(),
    }
}

/// Splits a line into its pattern and owners. `None` for blank lines,
/// comments, section headers and lines GitHub rejects.
fn parse_line(line: &str) -> Option<(String, Vec<String>)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') || line.starts_with('[') || line.starts_with("^[") {
        return None;
    }
    let (pattern, rest) = first_token(line);
    if pattern.starts_with('!') || pattern.starts_with("\\#") || has_unescaped_bracket(&pattern) {
        return None;
    }
    // Escapes belong to the pattern; owners are plain words.
    let owners = rest
        .split_whitespace()
        .take_while(|t| !t.starts_with('#'))
        .map(str::to_owned)
        .collect();
    Some((pattern, owners))
}

/// The pattern (up to the first unescaped white space; `\` keeps the next
/// character, a space too, and stays in it for the glob translation) and
/// the rest of the line.
fn first_token(line: &str) -> (String, &str) {
    let mut cur = String::new();
    let mut chars = line.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            cur.push(c);
            if let Some((_, n)) = chars.next() {
                cur.push(n);
            }
        } else if c.is_whitespace() {
            return (cur, &line[i..]);
        } else {
            cur.push(c);
        }
    }
    (cur, "")
}

fn has_unescaped_bracket(pattern: &str) -> bool {
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' | ']' => return true,
            _ => {}
        }
    }
    false
}

/// The globs (for `globset`, with `literal_separator` and backslash
/// escapes) that together match what a CODEOWNERS pattern matches. Empty
/// when the pattern matches nothing (`/`).
fn globs_for(pattern: &str) -> Vec<String> {
    let dir_only = pattern.ends_with('/');
    let anchored = pattern.starts_with('/') || pattern.trim_end_matches('/').contains('/');
    let mut segments: Vec<String> = Vec::new();
    for seg in pattern.split('/').filter(|s| !s.is_empty()) {
        let seg = glob_segment(seg);
        if seg == "**" && segments.last().is_some_and(|s| s == "**") {
            continue; // `**/**` is `**`
        }
        segments.push(seg);
    }
    let Some(last) = segments.last().cloned() else {
        return Vec::new();
    };
    let mut body = segments.join("/");
    if !anchored && segments[0] != "**" {
        body = format!("**/{body}");
    }
    if last == "**" {
        vec![body]
    } else if dir_only {
        vec![format!("{body}/**")]
    } else if last == "*" {
        // `docs/*`: direct children only, as GitHub documents.
        vec![body]
    } else {
        vec![format!("{body}/**"), body]
    }
}

/// One path segment as a `globset` segment: `**` stays, other runs of `*`
/// become one `*`, `\x` stays an escape, `{ }` (alternation in globset,
/// plain characters in CODEOWNERS) are escaped.
fn glob_segment(seg: &str) -> String {
    if seg == "**" {
        return seg.to_string();
    }
    let mut out = String::with_capacity(seg.len());
    let mut chars = seg.chars();
    let mut after_star = false;
    while let Some(c) = chars.next() {
        let star = c == '*';
        match c {
            '\\' => match chars.next() {
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push_str("\\\\"),
            },
            '*' => {
                if !after_star {
                    out.push('*');
                }
            }
            '{' | '}' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        after_star = star;
    }
    out
}

#[cfg(test)]
mod tests;
