//! A memo of syntect's per-line parse: `(grammar, parser state, line)` →
//! `(scope operations, next state)`.
//!
//! Parsing is where highlighting spends its time (regex searches), and code
//! repeats lines: closing braces, `fi`, `end`, blank lines, `- name:`,
//! common imports. A line parsed from an equal state gives equal operations
//! and an equal next state (the parser is deterministic and keeps nothing
//! else between lines), so a repeated line in the same state is looked up
//! instead of parsed. Comparing states is exact (`ParseState: Eq`); only
//! the bucket is found by hashing the grammar and the line.
//!
//! Most distinct lines never come back, so a line is kept only when it is
//! seen a second time (the first sighting leaves just its 8-byte hash):
//! on the 10k-page benchmark corpus, 14k of 119k distinct lines repeat, and
//! they make two thirds of all code lines. One memo per thread (no locks),
//! bounded: it is emptied when it holds [`MAX_ENTRIES`] lines, so a long
//! `serve` session cannot grow it.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use syntect::parsing::{ParseState, ParsingError, ScopeStackOp, SyntaxReference, SyntaxSet};

/// Lines kept per thread before the memo starts over (at most ~50 MB).
const MAX_ENTRIES: usize = 40_000;

/// Hashes of lines seen once, per thread, before that set starts over.
const MAX_SEEN: usize = 1 << 20;

/// Longer lines are parsed every time: they rarely repeat.
const MAX_LINE_BYTES: usize = 160;

/// Parser states kept per `(grammar, line)`; the oldest makes room.
const MAX_STATES_PER_LINE: usize = 4;

/// Scope operations of one line, as syntect returns them.
pub(crate) type Ops = Vec<(usize, ScopeStackOp)>;

struct Entry {
    syntax: *const SyntaxReference,
    line: Box<str>,
    before: ParseState,
    ops: Ops,
    after: ParseState,
}

#[derive(Default)]
struct LineMemo {
    buckets: HashMap<u64, Vec<Entry>>,
    entries: usize,
    /// Keys of lines parsed at least once.
    seen: HashSet<u64>,
}

thread_local! {
    static MEMO: RefCell<LineMemo> = RefCell::new(LineMemo::default());
}

fn key(syntax: *const SyntaxReference, line: &str) -> u64 {
    let mut h = DefaultHasher::new();
    (syntax as usize).hash(&mut h);
    line.hash(&mut h);
    h.finish()
}

/// Parses `line` (with its newline) in `state`, like
/// `state.parse_line(line, set)`, and hands the operations to `use_ops`;
/// a line already parsed from an equal state on this thread is not parsed
/// again. `state` moves on to the state after the line.
pub(crate) fn parse_line<R>(
    syntax: &SyntaxReference,
    state: &mut ParseState,
    line: &str,
    set: &SyntaxSet,
    use_ops: impl FnOnce(&[(usize, ScopeStackOp)]) -> R,
) -> Result<R, ParsingError> {
    if line.len() > MAX_LINE_BYTES {
        let ops = state.parse_line(line, set)?;
        return Ok(use_ops(&ops));
    }
    let syntax: *const SyntaxReference = syntax;
    let k = key(syntax, line);
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        let found = memo.buckets.get(&k).and_then(|bucket| {
            bucket
                .iter()
                .find(|e| e.syntax == syntax && &*e.line == line && e.before == *state)
        });
        if let Some(e) = found {
            state.clone_from(&e.after);
            return Ok(use_ops(&e.ops));
        }
        if memo.seen.len() >= MAX_SEEN {
            memo.seen.clear();
        }
        if memo.seen.insert(k) {
            // First sighting: most lines never come back.
            let ops = state.parse_line(line, set)?;
            return Ok(use_ops(&ops));
        }
        let before = state.clone();
        let ops = state.parse_line(line, set)?;
        let result = use_ops(&ops);
        if memo.entries >= MAX_ENTRIES {
            memo.buckets.clear();
            memo.entries = 0;
        }
        let bucket = memo.buckets.entry(k).or_default();
        let added = if bucket.len() >= MAX_STATES_PER_LINE {
            bucket.remove(0);
            0
        } else {
            1
        };
        bucket.push(Entry {
            syntax,
            line: line.into(),
            before,
            ops,
            after: state.clone(),
        });
        memo.entries += added;
        Ok(result)
    })
}

/// Lines held by this thread's memo (tests).
#[cfg(test)]
fn entries_on_this_thread() -> usize {
    MEMO.with(|m| m.borrow().entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    static SET: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

    fn ops_of(code: &str, memo: bool) -> Vec<Ops> {
        let syntax = SET.find_syntax_by_token("rust").unwrap();
        let mut state = ParseState::new(syntax);
        syntect::util::LinesWithEndings::from(code)
            .map(|line| {
                if memo {
                    parse_line(syntax, &mut state, line, &SET, |ops| ops.to_vec()).unwrap()
                } else {
                    state.parse_line(line, &SET).unwrap()
                }
            })
            .collect()
    }

    #[test]
    fn repeated_lines_in_other_states_parse_like_without_the_memo() {
        // `}` and `let x = 1;` repeat at different depths, and inside a
        // block comment, where they must not be taken for code.
        let code =
            "fn a() {\n    let x = 1;\n}\n/*\n    let x = 1;\n}\n*/\nfn b() {\n    let x = 1;\n}\n";
        let plain = ops_of(code, false);
        assert_eq!(ops_of(code, true), plain);
        assert!(entries_on_this_thread() > 0, "repeated lines are kept");
        // Now every line comes from the memo.
        assert_eq!(ops_of(code, true), plain);
        assert_eq!(ops_of(code, true), plain);
    }
}
