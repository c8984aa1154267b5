//! Colours for highlighted code: a token's scope stack resolved to its style
//! in the light and in the dark theme, written as a few short classes on one
//! flat span, and the CSS for those classes.
//!
//! Why not syntect's classed HTML (a nested span per scope, every scope atom
//! a class): on code-heavy pages that costs about 14 bytes of HTML per byte
//! of code, most of a page's weight and of the build's writing time. Here a
//! run of text gets at most one span, `<span class="l3 d7">`: `l3` is the
//! light theme's foreground colour number 3, `d7` the dark theme's number 7;
//! `lb`/`li`/`lu` (`db`/`di`/`du`) bold, italic, underline; `lk2`/`dk2` a
//! background. A colour equal to the theme's default gets no class, and a
//! token in both defaults no span. The numbers come from the order of the
//! theme's own rules, so the CSS is fixed for the binary: `build` and
//! `serve` write the same file whatever pages exist.
//!
//! Styles are resolved by syntect's own `Highlighter::style_for_stack`, the
//! same resolution its inline-styled output uses, memoized per thread by
//! scope stack (a handbook's code has a few thousand distinct stacks).

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;
use std::sync::LazyLock;

use syntect::highlighting::{Color, FontStyle, Highlighter as Styler, Style, Theme, ThemeSet};
use syntect::parsing::Scope;

use super::highlight::push_escaped;

/// Light theme (the default).
pub(super) const LIGHT_THEME: &str = "InspiredGitHub";
/// Dark theme.
pub(super) const DARK_THEME: &str = "base16-ocean.dark";

/// The `(media query, selector)` pairs a theme's CSS rules are written under.
type Scopes = [(Option<&'static str>, &'static str); 2];

/// Media-query/selector pairs under which each theme applies. The pairs are
/// mutually exclusive, so no light-only property (bold keywords, diff
/// backgrounds) leaks into the dark theme or the other way round.
const LIGHT_SCOPES: Scopes = [
    (
        Some("@media not all and (prefers-color-scheme: dark)"),
        ":root:not([data-theme=dark])",
    ),
    (None, ":root[data-theme=light]"),
];
const DARK_SCOPES: Scopes = [
    (
        Some("@media (prefers-color-scheme: dark)"),
        ":root:not([data-theme=light])",
    ),
    (None, ":root[data-theme=dark]"),
];

/// Distinct stacks kept per thread before the memo starts over.
const MAX_MEMO: usize = 50_000;

/// One theme with its colours numbered, and where its CSS applies.
struct Palette {
    theme: Theme,
    /// The theme's name in syntect's set.
    name: &'static str,
    /// `Light` or `Dark`, for the CSS comment.
    label: &'static str,
    /// Class prefix: `l` or `d`.
    prefix: char,
    /// Where its CSS rules apply: [`LIGHT_SCOPES`] or [`DARK_SCOPES`].
    scopes: Scopes,
    /// Foreground colours of the theme's rules, in rule order, without repeats.
    fg: Vec<Color>,
    /// Background colours likewise.
    bg: Vec<Color>,
}

impl Palette {
    fn new(
        themes: &mut ThemeSet,
        name: &'static str,
        label: &'static str,
        prefix: char,
        scopes: Scopes,
    ) -> Self {
        let theme = themes.themes.remove(name).unwrap_or_default();
        let mut fg = Vec::new();
        let mut bg = Vec::new();
        for item in &theme.scopes {
            if let Some(c) = item.style.foreground {
                if !fg.contains(&c) {
                    fg.push(c);
                }
            }
            if let Some(c) = item.style.background {
                if !bg.contains(&c) {
                    bg.push(c);
                }
            }
        }
        Self {
            theme,
            name,
            label,
            prefix,
            scopes,
            fg,
            bg,
        }
    }

    fn default_style(&self) -> Style {
        Styler::new(&self.theme).get_default()
    }
}

static PALETTES: LazyLock<[Palette; 2]> = LazyLock::new(|| {
    let mut themes = ThemeSet::load_defaults();
    [
        Palette::new(&mut themes, LIGHT_THEME, "Light", 'l', LIGHT_SCOPES),
        Palette::new(&mut themes, DARK_THEME, "Dark", 'd', DARK_SCOPES),
    ]
});

static STYLERS: LazyLock<[(Styler<'static>, Style); 2]> = LazyLock::new(|| {
    PALETTES
        .each_ref()
        .map(|p| (Styler::new(&p.theme), p.default_style()))
});

/// The classes of one style pair.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Classes {
    /// The `class` attribute's value; empty for "both themes' defaults".
    attr: Box<str>,
    /// No background and no underline in either theme: whitespace looks the
    /// same inside this span as outside any, so it may join a neighbour.
    blank_safe: bool,
}

/// Scope stack → its classes.
type StackMemo = HashMap<Box<[Scope]>, Rc<Classes>, BuildHasherDefault<StackHasher>>;

thread_local! {
    static MEMO: RefCell<StackMemo> = RefCell::new(StackMemo::default());
}

/// A multiply-rotate hash (FxHash's) for scope stacks: a stack is a few
/// 128-bit atoms, and SipHash's per-call set-up costs more than the lookup.
#[derive(Default)]
struct StackHasher(u64);

impl Hasher for StackHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The classes for text under `stack`.
pub(super) fn classes_for(stack: &[Scope]) -> Rc<Classes> {
    MEMO.with(|memo| {
        if let Some(hit) = memo.borrow().get(stack) {
            return Rc::clone(hit);
        }
        let classes = Rc::new(resolve(stack));
        let mut memo = memo.borrow_mut();
        if memo.len() >= MAX_MEMO {
            memo.clear();
        }
        memo.insert(stack.into(), Rc::clone(&classes));
        classes
    })
}

fn resolve(stack: &[Scope]) -> Classes {
    let mut attr = String::new();
    let mut blank_safe = true;
    for (palette, (styler, default)) in PALETTES.iter().zip(STYLERS.iter()) {
        let style = styler.style_for_stack(stack);
        let p = palette.prefix;
        let mut class = |name: std::fmt::Arguments<'_>| {
            if !attr.is_empty() {
                attr.push(' ');
            }
            let _ = attr.write_fmt(name);
        };
        if style.foreground != default.foreground {
            if let Some(i) = palette.fg.iter().position(|c| *c == style.foreground) {
                class(format_args!("{p}{i}"));
            }
        }
        if style.background != default.background {
            if let Some(i) = palette.bg.iter().position(|c| *c == style.background) {
                class(format_args!("{p}k{i}"));
                blank_safe = false;
            }
        }
        for (flag, letter) in [
            (FontStyle::BOLD, 'b'),
            (FontStyle::ITALIC, 'i'),
            (FontStyle::UNDERLINE, 'u'),
        ] {
            if style.font_style.contains(flag) {
                class(format_args!("{p}{letter}"));
            }
        }
        if style.font_style.contains(FontStyle::UNDERLINE) {
            blank_safe = false;
        }
    }
    Classes {
        attr: attr.into(),
        blank_safe,
    }
}

/// Writes runs of text as flat spans, merging neighbours of equal style and
/// letting whitespace join the open span where that looks the same.
#[derive(Default)]
pub(super) struct SpanWriter {
    open: Option<Rc<Classes>>,
}

impl SpanWriter {
    /// Append `text` (unescaped) in the style of `classes`.
    pub(super) fn text(&mut self, out: &mut String, text: &str, classes: &Rc<Classes>) {
        if text.is_empty() {
            return;
        }
        let same = match &self.open {
            Some(open) => Rc::ptr_eq(open, classes) || open == classes,
            None => classes.attr.is_empty(),
        };
        let blank_joins = classes.blank_safe
            && self.open.as_ref().is_none_or(|open| open.blank_safe)
            && text.bytes().all(|b| b.is_ascii_whitespace());
        if !same && !blank_joins {
            if self.open.take().is_some() {
                out.push_str("</span>");
            }
            if !classes.attr.is_empty() {
                out.push_str("<span class=\"");
                out.push_str(&classes.attr);
                out.push_str("\">");
                self.open = Some(Rc::clone(classes));
            }
        }
        push_escaped(out, text);
    }

    /// Close the open span, if any.
    pub(super) fn finish(&mut self, out: &mut String) {
        if self.open.take().is_some() {
            out.push_str("</span>");
        }
    }
}

/// CSS for the classes written by `SpanWriter`: syntect's "InspiredGitHub"
/// theme by default and "base16-ocean.dark" in dark mode.
///
/// Put `class="hl-code"` on the `<pre>` (as the markdown renderer does) to
/// get each theme's foreground and background. Every rule is scoped:
/// - dark: `@media (prefers-color-scheme: dark) { :root:not([data-theme=light]) SEL {…} }`
///   and `:root[data-theme=dark] SEL {…}`;
/// - light (the default): `@media not all and (prefers-color-scheme: dark) {
///   :root:not([data-theme=dark]) SEL {…} }` and `:root[data-theme=light] SEL {…}`.
///
/// So a page follows the OS preference unless `<html data-theme=light|dark>`
/// forces one, and exactly one theme applies at a time.
pub fn highlight_css() -> String {
    let mut out = String::with_capacity(16 * 1024);
    out.push_str("/* Syntax highlighting (generated by handbook from syntect themes). */\n");
    for palette in PALETTES.iter() {
        out.push_str(&format!(
            "/* {} theme: {}. */\n",
            palette.label, palette.name
        ));
        let rules = palette_rules(palette);
        for (media, scope) in palette.scopes {
            push_scoped(&mut out, media, scope, &rules);
        }
    }
    out
}

/// `(selector, declarations)` for one theme's classes.
fn palette_rules(palette: &Palette) -> Vec<(String, String)> {
    let p = palette.prefix;
    let settings = &palette.theme.settings;
    let mut root = Vec::new();
    if let Some(c) = settings.foreground {
        root.push(format!("color: {}", css_color(c)));
    }
    if let Some(c) = settings.background {
        root.push(format!("background-color: {}", css_color(c)));
    }
    let mut rules = vec![(".hl-code".to_owned(), root.join("; "))];
    for (i, c) in palette.fg.iter().enumerate() {
        rules.push((
            format!(".hl-code .{p}{i}"),
            format!("color: {}", css_color(*c)),
        ));
    }
    for (i, c) in palette.bg.iter().enumerate() {
        rules.push((
            format!(".hl-code .{p}k{i}"),
            format!("background-color: {}", css_color(*c)),
        ));
    }
    rules.push((format!(".hl-code .{p}b"), "font-weight: bold".to_owned()));
    rules.push((format!(".hl-code .{p}i"), "font-style: italic".to_owned()));
    rules.push((
        format!(".hl-code .{p}u"),
        "text-decoration: underline".to_owned(),
    ));
    rules.retain(|(_, body)| !body.is_empty());
    rules
}

fn css_color(c: Color) -> String {
    if c.a == 0xFF {
        format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
    } else {
        format!("#{:02x}{:02x}{:02x}{:02x}", c.r, c.g, c.b, c.a)
    }
}

fn push_scoped(out: &mut String, media: Option<&str>, scope: &str, rules: &[(String, String)]) {
    let indent = if let Some(media) = media {
        out.push_str(media);
        out.push_str(" {\n");
        "  "
    } else {
        ""
    };
    for (selector, body) in rules {
        let _ = writeln!(out, "{indent}{scope} {selector} {{ {body}; }}");
    }
    if media.is_some() {
        out.push_str("}\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Highlighter;
    use syntect::easy::HighlightLines;
    use syntect::parsing::SyntaxSet;
    use syntect::util::LinesWithEndings;

    /// Code in several grammars, with comments, strings, nesting, CRLF-free
    /// multi-line constructs and non-ASCII text.
    const SAMPLES: &[(&str, &str)] = &[
        (
            "rust",
            "/// Doc é\nfn main() -> Result<(), E> {\n    let x = \"a\\n\"; // note\n    if x.len() > 1 { println!(\"{x}\"); }\n    /* block\n       comment */\n    Ok(())\n}\n",
        ),
        (
            "bash",
            "#!/bin/sh\nset -eu\nfor f in *.md; do\n  echo \"$f ${HOME}\" | grep -c 'x' > /dev/null\ndone\nkubectl -n x get pods --since=10m\n",
        ),
        (
            "yaml",
            "# config\nname: api\nreplicas: 3\nlabels:\n  - app: \"web\"\n  - tier: 'db'\nenabled: true\n",
        ),
        (
            "python",
            "import os\n\n@dataclass\nclass A(B):\n    \"\"\"Doc.\"\"\"\n    def f(self, x=1):\n        return f\"{x!r}\" + 'y'\n",
        ),
        ("json", "{\"a\": [1, 2.5, null, true], \"b\": {\"c\": \"d\"}}\n"),
        ("sql", "SELECT a, count(*) FROM t WHERE b = 'x' GROUP BY a; -- c\n"),
        ("diff", "--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n"),
        ("go", "package main\nfunc main() { fmt.Println(`raw`, 0x1f) }\n"),
    ];

    /// Per character of the text, the classes of the span around it.
    fn classes_per_char(html: &str) -> Vec<(char, String)> {
        let mut out = Vec::new();
        let mut class = String::new();
        let mut rest = html;
        while !rest.is_empty() {
            if let Some(tail) = rest.strip_prefix("<span class=\"") {
                let (attr, tail) = tail.split_once("\">").expect("closed attribute");
                assert!(class.is_empty(), "nested span in {html}");
                class = attr.to_owned();
                rest = tail;
            } else if let Some(tail) = rest.strip_prefix("</span>") {
                class.clear();
                rest = tail;
            } else if rest.starts_with('&') {
                let (entity, tail) = rest.split_once(';').expect("entity");
                let c = match entity {
                    "&amp" => '&',
                    "&lt" => '<',
                    "&gt" => '>',
                    "&quot" => '"',
                    "&#39" => '\'',
                    other => panic!("unknown entity {other}"),
                };
                out.push((c, class.clone()));
                rest = tail;
            } else {
                let c = rest.chars().next().expect("non-empty");
                assert_ne!(c, '<', "unexpected tag in {html}");
                out.push((c, class.clone()));
                rest = &rest[c.len_utf8()..];
            }
        }
        out
    }

    /// The style a theme gives a character carrying `class`.
    fn style_of(class: &str, palette: &Palette, default: Style) -> Style {
        let mut style = default;
        for token in class.split(' ') {
            let Some(rest) = token.strip_prefix(palette.prefix) else {
                continue;
            };
            match rest {
                "b" => style.font_style |= FontStyle::BOLD,
                "i" => style.font_style |= FontStyle::ITALIC,
                "u" => style.font_style |= FontStyle::UNDERLINE,
                _ => match rest.strip_prefix('k') {
                    Some(n) => style.background = palette.bg[n.parse::<usize>().expect("index")],
                    None => style.foreground = palette.fg[rest.parse::<usize>().expect("index")],
                },
            }
        }
        style
    }

    #[test]
    fn classes_give_what_syntect_styles_inline_in_both_themes() {
        let set = SyntaxSet::load_defaults_newlines();
        let highlighter = Highlighter::uncached();
        for (lang, code) in SAMPLES {
            let html = highlighter.highlight(lang, code);
            let ours = classes_per_char(&html);
            let text: String = ours.iter().map(|(c, _)| c).collect();
            assert_eq!(&text, code, "text changed for {lang}");
            let syntax = set.find_syntax_by_token(lang).expect("grammar");
            for (palette, (_, default)) in PALETTES.iter().zip(STYLERS.iter()) {
                let mut lines = HighlightLines::new(syntax, &palette.theme);
                let mut theirs = Vec::new();
                for line in LinesWithEndings::from(code) {
                    for (style, piece) in lines.highlight_line(line, &set).expect("highlights") {
                        theirs.extend(piece.chars().map(|c| (c, style)));
                    }
                }
                assert_eq!(theirs.len(), ours.len());
                for ((c, class), (_, style)) in ours.iter().zip(&theirs) {
                    let got = style_of(class, palette, *default);
                    if c.is_whitespace() && got.background == style.background {
                        continue; // blanks may join a neighbour's span
                    }
                    assert_eq!(got, *style, "{lang}: {c:?} with class {class:?}");
                }
            }
        }
    }

    #[test]
    fn neighbours_of_equal_style_share_one_span() {
        let highlighter = Highlighter::uncached();
        for (lang, code) in SAMPLES {
            let html = highlighter.highlight(lang, code);
            assert!(!html.contains("class=\"\""), "empty class in {lang}");
            let touching = "</span><span class=\"";
            for (at, _) in html.match_indices(touching) {
                let before = &html[..at];
                let open = before.rfind("<span class=\"").expect("an open span") + 13;
                let previous = &before[open..open + before[open..].find('"').expect("quote")];
                let after = &html[at + touching.len()..];
                let next = &after[..after.find('"').expect("quote")];
                assert_ne!(previous, next, "{lang}: {html}");
            }
        }
    }

    #[test]
    fn every_class_written_is_in_the_css_of_both_themes() {
        let css = highlight_css();
        let highlighter = Highlighter::uncached();
        let mut seen = std::collections::BTreeSet::new();
        for (lang, code) in SAMPLES {
            let html = highlighter.highlight(lang, code);
            for piece in html.split("<span class=\"").skip(1) {
                let (attr, _) = piece.split_once('"').expect("attribute");
                seen.extend(attr.split(' ').map(str::to_owned));
            }
        }
        assert!(seen.iter().any(|c| c.starts_with('l')), "{seen:?}");
        assert!(seen.iter().any(|c| c.starts_with('d')), "{seen:?}");
        for class in &seen {
            let scopes = if class.starts_with('l') {
                LIGHT_SCOPES
            } else {
                DARK_SCOPES
            };
            for (_, scope) in scopes {
                let rule = format!("{scope} .hl-code .{class} {{");
                assert!(css.contains(&rule), "no rule {rule}");
            }
        }
    }

    #[test]
    fn css_scopes_every_rule_to_one_theme() {
        let css = highlight_css();
        assert!(css.contains(
            "@media (prefers-color-scheme: dark) {\n  :root:not([data-theme=light]) .hl-code {"
        ));
        assert!(css.contains("\n:root[data-theme=dark] .hl-code {"));
        assert!(css.contains("\n:root[data-theme=light] .hl-code {"));
        assert!(css.contains(":root:not([data-theme=dark]) .hl-code .l0 {"));
        for line in css.lines() {
            let line = line.trim_start();
            if line.starts_with('.') {
                panic!("unscoped rule: {line}");
            }
            if line.starts_with(":root") {
                let light = line.contains("data-theme=light]") && !line.contains(":not");
                let light = light || line.contains(":not([data-theme=dark])");
                let class = line.split(".hl-code").nth(1).unwrap_or_default().trim();
                if let Some(class) = class.strip_prefix('.') {
                    let theme_letter = if light { 'l' } else { 'd' };
                    assert!(class.starts_with(theme_letter), "{line}");
                }
            }
        }
        assert_eq!(css.matches('{').count(), css.matches('}').count());
    }
}
