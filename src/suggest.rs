//! "Did you mean ...?": the closest of the known names to a misspelt one,
//! by edit distance (`platfrom` → `platform`, `runbok` → `runbook`,
//! `default-intervall` → `default-interval`).

/// The known name closest to `word`, when it is close enough to be a
/// slip: at most one edit in a name of up to four characters, two up to
/// eight, three beyond (a swap of two letters counts as one). Case is
/// ignored; ties go to the first in `known`.
pub fn did_you_mean<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_lowercase();
    let limit = match w.chars().count() {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    let len = w.chars().count();
    known
        .into_iter()
        // The distance is at least the difference in length: most names
        // are ruled out without computing it (a 10k-page handbook asks
        // once per unknown owner on every page).
        .filter(|k| k.chars().count().abs_diff(len) <= limit)
        .filter(|k| !k.eq_ignore_ascii_case(word))
        .map(|k| (strsim::damerau_levenshtein(&w, &k.to_lowercase()), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// ` did you mean `x`?` for a help line, or nothing.
pub fn hint<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(word, known)
        .map(|k| format!("did you mean `{k}`? "))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn slips_find_their_word_and_strangers_find_nothing() {
        let owners = ["payments", "platform", "sre", "identity"];
        assert_eq!(did_you_mean("platfrom", owners), Some("platform"));
        assert_eq!(did_you_mean("Paymnets", owners), Some("payments"));
        assert_eq!(did_you_mean("sr", owners), Some("sre"));
        assert_eq!(did_you_mean("marketing", owners), None);
        assert_eq!(did_you_mean("ops", owners), None);
        let kinds = [
            "adr",
            "runbook",
            "incident",
            "role-matrix",
            "standard",
            "guide",
        ];
        assert_eq!(did_you_mean("runbok", kinds), Some("runbook"));
        assert_eq!(did_you_mean("recipe", kinds), None);
        assert_eq!(
            did_you_mean(
                "default-intervall",
                ["default-interval", "warn-before", "interval"]
            ),
            Some("default-interval")
        );
    }
}
