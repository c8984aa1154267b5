//! Text normalisation for the search index: the one definition of what a
//! search term is.
//!
//! [`tokenize`] lowercases, folds accented Latin letters to ASCII
//! ([`FOLD_TABLE`]), drops combining marks and apostrophes, splits on
//! anything that is not a letter or digit, drops tokens longer than
//! [`MAX_TOKEN_CHARS`] and [`STOP_WORDS`], and stems English plurals with
//! [`stem`]. `themes/default/static/search.js` runs the same steps on the
//! query in the browser; it carries the same table and stop-word strings
//! (a unit test compares them) and the same stemmer (the browser tests run
//! it on the same words). Change both together.
//!
//! Pure; no allocation beyond the tokens it hands out.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Tokens longer than this (in characters) are not indexed: hashes, base64
/// blobs and minified code, which nobody searches for (mdBook does the same).
pub const MAX_TOKEN_CHARS: usize = 80;

/// Accent folding for lowercase Latin letters, as space-separated entries:
/// the first character of an entry is replaced by the rest. Combining marks
/// (U+0300–U+036F) are dropped separately, so decomposed text folds too.
/// Copied verbatim into `search.js` (`var FOLD_TABLE = "...";`).
pub const FOLD_TABLE: &str = "àa áa âa ãa äa åa āa ăa ąa æae çc ćc ĉc ċc čc ďd đd ðd \
èe ée êe ëe ēe ĕe ėe ęe ěe ĝg ğg ġg ģg ĥh ħh ìi íi îi ïi ĩi īi ĭi įi ıi ĳij ĵj ķk \
ĺl ļl ľl ŀl łl ñn ńn ņn ňn ŉn òo óo ôo õo öo øo ōo ŏo őo œoe ŕr ŗr řr śs ŝs şs šs \
șs ßss ţt ťt ŧt țt ùu úu ûu üu ũu ūu ŭu ůu űu ųu ŵw ýy ÿy ŷy źz żz žz þth";

/// Words too common to be worth an index entry, space-separated. Copied
/// verbatim into `search.js` (`var STOP_WORDS = "...";`).
pub const STOP_WORDS: &str = "a an and are as at be by for from in into is it its of on or \
that the this to was were will with";

static FOLD: LazyLock<HashMap<char, &'static str>> = LazyLock::new(|| {
    FOLD_TABLE
        .split(' ')
        .filter_map(|entry| {
            let mut chars = entry.chars();
            let from = chars.next()?;
            Some((from, chars.as_str()))
        })
        .collect()
});

/// [`STOP_WORDS`] as a list (a unit test keeps the two equal).
const STOP_LIST: [&str; 26] = [
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
    "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with",
];

/// Whether `word` (lowercase, folded) is a stop word.
fn is_stop(word: &str) -> bool {
    word.len() <= 5 && STOP_LIST.contains(&word)
}

/// Whether `c` is a combining diacritical mark (dropped when folding).
fn is_combining_mark(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// Whether `c` is an apostrophe (dropped, so `team's` reads `teams`).
fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Calls `emit` with every search term of `text`, in order (duplicates
/// included).
pub fn tokenize(text: &str, mut emit: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut word = String::with_capacity(32);
    let mut chars = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() {
            // Fast path: a run of ASCII letters and digits.
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let old = word.len();
            word.push_str(&text[start..i]);
            word[old..].make_ascii_lowercase();
            chars += i - start;
            continue;
        }
        if b.is_ascii() {
            if b != b'\'' {
                flush(&mut word, &mut chars, &mut emit);
            }
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if is_apostrophe(c) || is_combining_mark(c) {
            continue;
        }
        for lower in c.to_lowercase() {
            if is_combining_mark(lower) {
                continue;
            }
            match FOLD.get(&lower) {
                Some(folded) => {
                    word.push_str(folded);
                    chars += folded.chars().count();
                }
                None if lower.is_alphanumeric() => {
                    word.push(lower);
                    chars += 1;
                }
                None => flush(&mut word, &mut chars, &mut emit),
            }
        }
    }
    flush(&mut word, &mut chars, &mut emit);
}

/// Ends the current word: emits it (stemmed) unless it is too long or a
/// stop word.
fn flush(word: &mut String, chars: &mut usize, emit: &mut impl FnMut(&str)) {
    if !word.is_empty() {
        if *chars <= MAX_TOKEN_CHARS && !is_stop(word) {
            stem_in_place(word);
            emit(word);
        }
        word.clear();
    }
    *chars = 0;
}

/// The terms of `text` as a vector (tests, the query side of unit tests).
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    tokenize(text, |t| out.push(t.to_owned()));
    out
}

/// Light English stemming, for plurals and possessives only. Applies to
/// ASCII tokens of four or more characters; never leaves fewer than three.
///
/// 1. The first plural rule that fits: `-ies` → `-i`; `-es` after `s`, `x`,
///    `z` or `h` is dropped; a final `-s` is dropped unless the word ends in
///    `ss`, `us` or `is`.
/// 2. A final `y` becomes `i` (`policy`, `policies` → `polici`).
/// 3. A final `e` is dropped (`cache`, `caches` → `cach`).
///
/// The stems are never shown; they only have to agree between a word and its
/// plural, and between the index and the query.
pub fn stem(word: &str) -> String {
    let mut w = word.to_owned();
    stem_in_place(&mut w);
    w
}

/// [`stem`], in place.
fn stem_in_place(w: &mut String) {
    let n = w.len();
    if n < 4 || !w.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return;
    }
    let before_es = w.as_bytes()[n - 3];
    if w.ends_with("ies") && n - 2 >= 3 {
        w.truncate(n - 3);
        w.push('i');
    } else if w.ends_with("es") && matches!(before_es, b's' | b'x' | b'z' | b'h') && n - 2 >= 3 {
        w.truncate(n - 2);
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.truncate(n - 1);
    }
    if w.len() >= 4 && w.ends_with('y') {
        w.pop();
        w.push('i');
    }
    if w.len() >= 4 && w.ends_with('e') {
        w.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercases_folds_accents_and_splits() {
        assert_eq!(terms("Café"), ["caf"]);
        // Before stemming, `Café` is `cafe`: the same term as the query `cafe`.
        assert_eq!(terms("Café"), terms("cafe"));
        assert_eq!(terms("CAFÉ crème"), terms("cafe creme"));
        // Decomposed accents (e + U+0301) fold the same way.
        assert_eq!(terms("Cafe\u{301}"), terms("café"));
        assert_eq!(terms("Straße Øresund Łódź"), ["strass", "oresund", "lodz"]);
        assert_eq!(
            terms("db-failover/v2_plan"),
            ["db", "failover", "v2", "plan"]
        );
        assert_eq!(terms("ÆON"), ["aeon"]);
        // Non-Latin letters are kept as they are, lowercased.
        assert_eq!(terms("Ωmega 東京"), ["ωmega", "東京"]);
    }

    #[test]
    fn drops_stop_words_long_tokens_and_apostrophes() {
        assert_eq!(terms("The team's runbook"), ["team", "runbook"]);
        assert_eq!(terms("don’t panic"), ["dont", "panic"]);
        let long = "x".repeat(81);
        assert_eq!(terms(&format!("ok {long} then")), ["ok", "then"]);
        assert_eq!(terms(&"y".repeat(80)).len(), 1);
        assert!(terms("of the and to").is_empty());
        assert_eq!(STOP_LIST.join(" "), STOP_WORDS);
    }

    #[test]
    fn stems_plurals_symmetrically() {
        let same = [
            ("runbook", "runbooks"),
            ("policy", "policies"),
            ("cache", "caches"),
            ("branch", "branches"),
            ("box", "boxes"),
            ("class", "classes"),
            ("status", "statuses"),
            ("database", "databases"),
            ("key", "keys"),
            ("replay", "replays"),
            ("failover", "failovers"),
            ("service", "services"),
            ("use", "uses"),
            ("tie", "ties"),
        ];
        for (one, many) in same {
            assert_eq!(stem(one), stem(many), "{one} / {many}");
        }
        assert_eq!(stem("status"), "status");
        assert_eq!(stem("analysis"), "analysis");
        assert_eq!(stem("access"), "access");
        assert_eq!(stem("redis"), "redis");
        assert_eq!(stem("bus"), "bus");
        assert_eq!(stem("db"), "db");
        assert_eq!(stem("ωmegas"), "ωmegas");
    }
}
