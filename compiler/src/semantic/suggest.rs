//! "Did you mean …?": the closest known name to a misspelled one.

/// The candidate most similar to `word`, if it is similar enough to be a plausible typo.
pub fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let word_lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .filter(|candidate| *candidate != word)
        .map(|candidate| {
            let distance =
                strsim::damerau_levenshtein(&word_lower, &candidate.to_ascii_lowercase());
            (distance, candidate)
        })
        .filter(|(distance, candidate)| {
            let longest = word.chars().count().max(candidate.chars().count());
            *distance <= (longest / 3).max(1)
        })
        // Ties go to the candidate sharing the longest prefix (`zone` → `zones`, not `none`).
        .min_by(|a, b| {
            a.0.cmp(&b.0)
                .then(common_prefix(word, b.1).cmp(&common_prefix(word, a.1)))
                .then(a.1.cmp(b.1))
        })
        .map(|(_, candidate)| candidate)
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars()
        .zip(b.chars())
        .take_while(|(x, y)| x.eq_ignore_ascii_case(y))
        .count()
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_typos_and_rejects_strangers() {
        let names = ["image", "replicas", "memory", "cpu"];
        assert_eq!(closest("imgae", names), Some("image"));
        assert_eq!(closest("replics", names), Some("replicas"));
        assert_eq!(closest("Memory", names), Some("memory"));
        assert_eq!(closest("zzz", names), None);
        assert_eq!(closest("zone", ["none", "zones", "hosts"]), Some("zones"));
    }
}
