//! Natural order for what people read in lists: titles and folder names
//! compare case-insensitively, with runs of digits compared as numbers, so
//! "4. Deploys" comes before "39. Rollbacks" and "ADR 9" before "ADR 10".

use std::cmp::Ordering;

/// Compares `a` and `b` in natural order; ties (such as "a1" and "A01")
/// fall back to plain byte order, so the order is total and stable.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let m = digits(&mut x);
                let n = digits(&mut y);
                // Longer runs without leading zeros are larger numbers;
                // compared as text, without overflow however long.
                let (m0, n0) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let by_value = m0.len().cmp(&n0.len()).then_with(|| m0.cmp(n0));
                if by_value != Ordering::Equal {
                    return by_value;
                }
            }
            (Some(c), Some(d)) => {
                let by_char = c.to_lowercase().cmp(d.to_lowercase());
                if by_char != Ordering::Equal {
                    return by_char;
                }
                x.next();
                y.next();
            }
        }
    }
}

fn digits(it: &mut std::iter::Peekable<std::str::Chars<'_>>) -> String {
    let mut run = String::new();
    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
        run.push(c);
        it.next();
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_as_numbers_and_letters_ignore_case() {
        let mut titles = vec![
            "39. Rollbacks",
            "4. Deploys",
            "ADR 10",
            "adr 9",
            "Zebra",
            "apple",
            "4. deploys",
            "100000000000000000000000 big",
            "99 small",
        ];
        titles.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            titles,
            [
                "4. Deploys",
                "4. deploys",
                "39. Rollbacks",
                "99 small",
                "100000000000000000000000 big",
                "adr 9",
                "ADR 10",
                "apple",
                "Zebra",
            ]
        );
        assert_eq!(natural_cmp("a01", "a1"), "a01".cmp("a1"));
    }
}
