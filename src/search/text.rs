//! Text normalisation for the search index: the one definition of what a
//! search term is.
//!
//! [`tokenize`] lowercases, folds accented Latin letters to ASCII
//! ([`FOLD_TABLE`]), drops combining marks and apostrophes, splits on
//! anything that is not a letter or digit, drops tokens longer than
//! [`MAX_TOKEN_CHARS`] and [`STOP_WORDS`], and stems English plurals with
//! [`stem`]. A run of CJK letters ([`CJK_RANGES`]: Han, Hiragana,
//! Katakana, Hangul), which has no spaces between words, becomes its
//! overlapping bigrams instead (`東京都` → `東京`, `京都`; a lone character
//! stays one term), so a word inside the run is found: the query's bigrams
//! must all match. `themes/default/static/search.js` runs the same steps on the
//! query in the browser; it carries the same table, range and stop-word strings
//! (a unit test compares them) and the same stemmer (the browser tests run
//! it on the same words). Change both together.
//!
//! Pure; allocates only its word and CJK-run buffers.

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

/// The code points of CJK letters, as space-separated inclusive hex ranges:
/// Hangul Jamo, the ideographic iteration marks (`々〆〇`), Hangzhou
/// numerals, Hiragana, Katakana, Hangul compatibility Jamo, Katakana
/// phonetic extensions, CJK ideographs (extension A, the main block),
/// Hangul Jamo extended A, Hangul syllables and Jamo extended B, CJK
/// compatibility ideographs, halfwidth Katakana and Hangul, and the
/// ideographs of planes 2 and 3. Only letters and digits among them count
/// (`・` and `゛` separate, as punctuation does). Copied verbatim into
/// `search.js` (`var CJK_RANGES = "...";`).
pub const CJK_RANGES: &str = "1100-11ff 3005-3007 3021-3029 3040-30ff 3130-318f 31f0-31ff \
3400-4dbf 4e00-9fff a960-a97f ac00-d7ff f900-faff ff66-ffdc 20000-323af";

static CJK: LazyLock<Vec<(u32, u32)>> = LazyLock::new(|| {
    CJK_RANGES
        .split(' ')
        .filter_map(|r| {
            let (a, b) = r.split_once('-')?;
            Some((
                u32::from_str_radix(a, 16).ok()?,
                u32::from_str_radix(b, 16).ok()?,
            ))
        })
        .collect()
});

/// Whether `c` is a CJK letter or digit (indexed as bigrams).
pub fn is_cjk(c: char) -> bool {
    let n = u32::from(c);
    n >= 0x1100 && CJK.iter().any(|&(a, b)| (a..=b).contains(&n)) && c.is_alphanumeric()
}

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
    // The CJK run being read, and a buffer for its bigrams.
    let mut run: Vec<char> = Vec::new();
    let mut pair = String::with_capacity(8);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() && !run.is_empty() {
            flush_run(&mut run, &mut pair, &mut emit);
        }
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
        if is_cjk(c) {
            flush(&mut word, &mut chars, &mut emit);
            run.push(c);
            continue;
        }
        if !run.is_empty() {
            flush_run(&mut run, &mut pair, &mut emit);
        }
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
    flush_run(&mut run, &mut pair, &mut emit);
}

/// Ends a run of CJK letters: emits its overlapping bigrams, or the one
/// character of a run of one. Runs have no length limit, stop words or stems.
fn flush_run(run: &mut Vec<char>, pair: &mut String, emit: &mut impl FnMut(&str)) {
    if let [one] = run[..] {
        pair.clear();
        pair.push(one);
        emit(pair);
    }
    for w in run.windows(2) {
        pair.clear();
        pair.push(w[0]);
        pair.push(w[1]);
        emit(pair);
    }
    run.clear();
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
    fn cjk_runs_become_overlapping_bigrams() {
        assert_eq!(terms("東京都"), ["東京", "京都"]);
        assert_eq!(terms("東"), ["東"]);
        assert_eq!(
            terms("本番データベースの切り替え"),
            [
                "本番", "番デ", "デー", "ータ", "タベ", "ベー", "ース", "スの", "の切", "切り",
                "り替", "替え"
            ]
        );
        // Every bigram of a word inside a run is a bigram of the run.
        let run = terms("本番データベースの切り替え");
        for t in terms("データベース") {
            assert!(run.contains(&t), "{t}");
        }
        // Runs end at spaces, punctuation and Latin letters, which stay words.
        assert_eq!(
            terms("DBの切替、Redis 東 京"),
            ["db", "の切", "切替", "redis", "東", "京"]
        );
        assert_eq!(terms("k8s東京k8s"), ["k8s", "東京", "k8s"]);
        // `・` (U+30FB) and `。` separate; `ー` and `々` are letters.
        assert_eq!(
            terms("データ・ベース。人々"),
            ["デー", "ータ", "ベー", "ース", "人々"]
        );
        // Hangul (with a particle attached) and Chinese.
        assert_eq!(terms("데이터를 확인"), ["데이", "이터", "터를", "확인"]);
        assert_eq!(terms("数据库切换"), ["数据", "据库", "库切", "切换"]);
        // Halfwidth Katakana, and an ideograph outside the BMP.
        assert_eq!(terms("ﾃﾞｰﾀ"), ["ﾃﾞ", "ﾞｰ", "ｰﾀ"]);
        assert_eq!(terms("𠮷野家"), ["𠮷野", "野家"]);
        // A long run is not dropped as an over-long token.
        assert_eq!(terms(&"字".repeat(200)).len(), 199);
        // Hangul letters and ideographs only: Greek or Cyrillic stay words.
        assert_eq!(terms("Ωmega Москва"), ["ωmega", "москва"]);
        assert!(is_cjk('ー') && is_cjk('ｱ') && is_cjk('한') && !is_cjk('・') && !is_cjk('。'));
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
