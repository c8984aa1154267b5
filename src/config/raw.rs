//! book.toml as serde reads it. These structs are the one list of the keys
//! this version knows: serde_ignored reports every other key (a
//! `config-unknown-key` finding), and the "did you mean" suggestions are
//! these structs' field names ([`known_keys`]). Values an error may point
//! at are `Spanned`; checking them (paths exist, durations and globs
//! parse) is [`super::resolve`]'s work, not serde's.

use super::RULE_IDS;
use crate::kind::Kind;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::marker::PhantomData;
use toml::Spanned;

/// A string whose position an error may need.
pub(super) type Text = Option<Spanned<String>>;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub(super) struct RawConfig {
    pub(super) book: Section<RawBook>,
    pub(super) build: Section<RawBuild>,
    pub(super) review: Section<RawReview>,
    pub(super) owners: Section<RawOwners>,
    pub(super) check: Section<RawCheck>,
    pub(super) kinds: Section<RawKinds>,
    pub(super) health: Section<RawHealth>,
}

/// `[book]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub(super) struct RawBook {
    pub(super) title: Text,
    pub(super) src: Text,
    pub(super) description: Text,
    pub(super) language: Text,
    /// mdBook's; accepted (an mdBook book.toml works as it is), not used.
    authors: Option<toml::Value>,
    /// mdBook's; accepted, not used.
    multilingual: Option<toml::Value>,
}

/// `[build]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub(super) struct RawBuild {
    pub(super) build_dir: Text,
    pub(super) site_url: Text,
    pub(super) edit_url_template: Text,
    pub(super) base_path: Text,
    pub(super) pretty_urls: Option<bool>,
    pub(super) theme: Text,
    /// mdBook's; accepted, not used (handbook never creates pages).
    create_missing: Option<toml::Value>,
    pub(super) exclude: Option<GlobList>,
}

/// `[review]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub(super) struct RawReview {
    pub(super) default_interval: Text,
    pub(super) warn_before: Text,
    pub(super) interval: Section<KindIntervals>,
}

/// `[owners]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub(super) struct RawOwners {
    pub(super) registry: Text,
    pub(super) codeowners: Option<bool>,
}

/// `[check]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub(super) struct RawCheck {
    pub(super) rules: Section<RuleLevels>,
    pub(super) overrides: Option<Overrides>,
}

/// One `[[check.overrides]]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(
    default,
    rename_all = "kebab-case",
    expecting = "a `[[check.overrides]]` table with `paths = [\"legacy/**\"]` and `rules = { owner-missing = \"warning\" }`"
)]
pub(super) struct RawOverride {
    pub(super) paths: Option<GlobList>,
    pub(super) rules: Option<RuleLevels>,
}

/// `[kinds.runbook]`.
#[derive(Debug, Default, Deserialize)]
#[serde(
    default,
    rename_all = "kebab-case",
    expecting = "a `[kinds.runbook]` table"
)]
pub(super) struct RawRunbook {
    pub(super) required_sections: Option<StringList>,
    pub(super) exercise_every: Text,
    pub(super) paths: Option<GlobList>,
}

/// `[kinds.adr]`.
#[derive(Debug, Default, Deserialize)]
#[serde(
    default,
    rename_all = "kebab-case",
    expecting = "a `[kinds.adr]` table"
)]
pub(super) struct RawAdr {
    pub(super) proposed_max_age: Text,
    pub(super) paths: Option<GlobList>,
}

/// `[kinds.incident]`.
#[derive(Debug, Default, Deserialize)]
#[serde(
    default,
    rename_all = "kebab-case",
    expecting = "a `[kinds.incident]` table"
)]
pub(super) struct RawIncident {
    pub(super) close_within: Text,
    pub(super) verify_within: Text,
    pub(super) paths: Option<GlobList>,
}

/// `[kinds.KIND]` for the other kinds.
#[derive(Debug, Default, Deserialize)]
#[serde(
    default,
    rename_all = "kebab-case",
    expecting = "a `[kinds.KIND]` table"
)]
pub(super) struct RawKindPaths {
    pub(super) paths: Option<GlobList>,
}

/// `[health]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub(super) struct RawHealth {
    pub(super) coverage_partial: Option<Spanned<Count>>,
    pub(super) coverage_full: Option<Spanned<Count>>,
    pub(super) decision_links: Option<Spanned<Count>>,
    pub(super) rotation_window: Text,
    pub(super) rotation_editors: Option<Spanned<Count>>,
    pub(super) hidden_fragility_from: Option<Spanned<Count>>,
    pub(super) healthy_core_from: Option<Spanned<Count>>,
    pub(super) resilient_from: Option<Spanned<Count>>,
    pub(super) domains: Option<Domains>,
}

/// One `[[health.domains]]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(
    default,
    rename_all = "kebab-case",
    expecting = "a `[[health.domains]]` table with `name = \"Payments\"` and `paths = [\"payments/**\", \"billing/**\"]`"
)]
pub(super) struct RawDomain {
    pub(super) name: Text,
    pub(super) paths: Option<GlobList>,
}

/// The keys known directly under `section` (`["check", "overrides"]` for
/// `[[check.overrides]]`), for "did you mean": the raw structs' fields,
/// the kind ids, or the rule ids.
pub(super) fn known_keys(section: &[&str]) -> Vec<&'static str> {
    match section {
        [] => fields_of::<RawConfig>(),
        ["book"] => fields_of::<RawBook>(),
        ["build"] => fields_of::<RawBuild>(),
        ["review"] => fields_of::<RawReview>(),
        ["owners"] => fields_of::<RawOwners>(),
        ["check"] => fields_of::<RawCheck>(),
        ["check", "overrides"] => fields_of::<RawOverride>(),
        ["health"] => fields_of::<RawHealth>(),
        ["health", "domains"] => fields_of::<RawDomain>(),
        ["review", "interval"] | ["kinds"] => Kind::ids().to_vec(),
        ["check", "rules"] | ["check", "overrides", "rules"] => RULE_IDS.to_vec(),
        ["kinds", kind] => match Kind::parse(kind) {
            Some(Kind::Runbook) => fields_of::<RawRunbook>(),
            Some(Kind::Adr) => fields_of::<RawAdr>(),
            Some(Kind::Incident) => fields_of::<RawIncident>(),
            Some(_) => fields_of::<RawKindPaths>(),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The field names serde derived for the struct `T` (after `rename_all`):
/// a deserializer that records what `deserialize_struct` is asked for.
pub(super) fn fields_of<'de, T: Deserialize<'de>>() -> Vec<&'static str> {
    let mut fields = Vec::new();
    // The recorder always fails once it has the names; there is no value.
    let _ = T::deserialize(FieldRecorder(&mut fields));
    fields
}

struct FieldRecorder<'f>(&'f mut Vec<&'static str>);

impl<'de> Deserializer<'de> for FieldRecorder<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.extend_from_slice(fields);
        Err(de::Error::custom("fields recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

/// A table, or (written as something else, `book = 5`) nothing: the
/// latter is a `config-unknown-key` warning, as an unknown key is, rather
/// than an error that stops the run.
#[derive(Debug)]
pub(super) enum Section<T> {
    /// Written as a table (or absent: the default).
    Table(T),
    /// Written as a value that is not a table.
    NotTable,
}

impl<T: Default> Default for Section<T> {
    fn default() -> Self {
        Section::Table(T::default())
    }
}

impl<T: Default> Section<T> {
    /// The table, or its default when it was not one.
    pub(super) fn into_table(self) -> T {
        match self {
            Section::Table(t) => t,
            Section::NotTable => T::default(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Section<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Section<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Section::Table)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
                Ok(Section::NotTable)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Section::NotTable)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Section::NotTable)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Section::NotTable)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Section::NotTable)
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Section::NotTable)
            }
        }
        deserializer.deserialize_any(V(PhantomData))
    }
}

/// A list newtype whose wrong-type error says what the list holds
/// ("`exclude` must be a list of globs, ...") rather than "a sequence".
macro_rules! list {
    ($(#[$doc:meta])* $name:ident($item:ty), $expecting:literal) => {
        $(#[$doc])*
        #[derive(Debug, Default)]
        pub(super) struct $name(pub(super) Vec<$item>);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<$name, A::Error> {
                        let mut items = Vec::new();
                        while let Some(item) = seq.next_element()? {
                            items.push(item);
                        }
                        Ok($name(items))
                    }
                }
                deserializer.deserialize_seq(V)
            }
        }
    };
}

list!(
    /// Globs under the content folder.
    GlobList(String),
    "a list of globs, like `[\"drafts/**\", \"**/*.tmp.md\"]`"
);
list!(
    /// `required-sections`.
    StringList(String),
    "a list of strings"
);
list!(
    /// `[[check.overrides]]`.
    Overrides(RawOverride),
    "a list of tables; write each as a `[[check.overrides]]` table with `paths = [\"legacy/**\"]` and `rules = { owner-missing = \"warning\" }`"
);
list!(
    /// `[[health.domains]]`.
    Domains(RawDomain),
    "a list of tables; write each as a `[[health.domains]]` table with `name = \"Payments\"` and `paths = [\"payments/**\", \"billing/**\"]`"
);

/// A whole number from 0 (`coverage-full = 3`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Count(pub(super) u32);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number from 0")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Count, E> {
                u32::try_from(n)
                    .map(Count)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(n), &self))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Count, E> {
                u32::try_from(n)
                    .map(Count)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(n), &self))
            }
        }
        deserializer.deserialize_i64(V)
    }
}

/// A table keyed by something other than field names (rule ids, kinds):
/// `accept` maps a key to what it stands for, `None` for an unknown key,
/// whose value is then ignored (and so reported by serde_ignored).
fn keyed<'de, A, K, V>(
    mut map: A,
    accept: impl Fn(&str) -> Option<K>,
) -> Result<Vec<(String, K, V)>, A::Error>
where
    A: MapAccess<'de>,
    V: Deserialize<'de>,
{
    let mut out = Vec::new();
    while let Some(key) = map.next_key::<String>()? {
        match accept(&key) {
            Some(k) => {
                let value = map.next_value::<V>()?;
                out.push((key, k, value));
            }
            None => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    Ok(out)
}

/// Implements `Deserialize` for a newtype over [`keyed`]'s output.
macro_rules! keyed_table {
    ($name:ident, $expecting:literal, $accept:expr) => {
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<$name, A::Error> {
                        keyed(map, $accept).map($name)
                    }
                }
                deserializer.deserialize_map(V)
            }
        }
    };
}

/// Rule levels by rule id (`[check.rules]`, an override's `rules`), in
/// the order written; ids this version does not know are left to
/// serde_ignored.
#[derive(Debug, Default)]
pub(super) struct RuleLevels(pub(super) Vec<(String, &'static str, Spanned<String>)>);

keyed_table!(
    RuleLevels,
    "a table of rule levels, like `{ owner-missing = \"warning\" }`",
    |k: &str| RULE_IDS.iter().find(|id| **id == k).copied()
);

/// `[review.interval]`: a duration by kind (any spelling
/// [`Kind::parse`] accepts).
#[derive(Debug, Default)]
pub(super) struct KindIntervals(pub(super) Vec<(String, Kind, Spanned<String>)>);

keyed_table!(
    KindIntervals,
    "a table of durations by kind, like `{ runbook = \"90d\" }`",
    Kind::parse
);

/// `[kinds]`: a table per kind, in the order written; what a kind's table
/// holds depends on the kind.
#[derive(Debug, Default)]
pub(super) struct RawKinds(pub(super) Vec<(String, Kind, RawKind)>);

impl<'de> Deserialize<'de> for RawKinds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawKinds;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of `[kinds.KIND]` tables")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawKinds, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let Some(kind) = Kind::parse(&key) else {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    };
                    let table = match kind {
                        Kind::Runbook => RawKind::Runbook(map.next_value()?),
                        Kind::Adr => RawKind::Adr(map.next_value()?),
                        Kind::Incident => RawKind::Incident(map.next_value()?),
                        _ => RawKind::Other(map.next_value()?),
                    };
                    out.push((key, kind, table));
                }
                Ok(RawKinds(out))
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// One `[kinds.KIND]` table.
#[derive(Debug)]
pub(super) enum RawKind {
    Runbook(RawRunbook),
    Adr(RawAdr),
    Incident(RawIncident),
    Other(RawKindPaths),
}

impl RawKind {
    /// The `paths` globs, for every kind.
    pub(super) fn paths(&self) -> Option<&GlobList> {
        match self {
            RawKind::Runbook(t) => t.paths.as_ref(),
            RawKind::Adr(t) => t.paths.as_ref(),
            RawKind::Incident(t) => t.paths.as_ref(),
            RawKind::Other(t) => t.paths.as_ref(),
        }
    }
}
