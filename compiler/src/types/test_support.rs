//! Shared by the validators' tests: many random strings built from awkward pieces, and the
//! invariants every [`ValueError`] must hold whatever the input.

use super::names::ValueError;

/// `per_len` strings of every length `0..=max_len` (in pieces), drawn deterministically from
/// `pieces` with a xorshift generator started at `seed`.
pub(crate) fn piece_strings(
    pieces: &[&str],
    max_len: usize,
    per_len: usize,
    seed: u64,
) -> Vec<String> {
    let mut state = seed.max(1);
    let mut out = Vec::with_capacity((max_len + 1) * per_len);
    for len in 0..=max_len {
        for _ in 0..per_len {
            let mut s = String::new();
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let index = usize::try_from(state % pieces.len() as u64).unwrap_or(0);
                s.push_str(pieces[index]);
            }
            out.push(s);
        }
    }
    out
}

/// The error's range lies inside `input` on character boundaries (and is empty only for empty
/// input), and its message is lowercase without a final period.
#[track_caller]
pub(crate) fn assert_sane(input: &str, error: &ValueError) {
    let r = &error.range;
    assert!(
        r.start <= r.end && r.end <= input.len(),
        "{input:?}: {error:?}"
    );
    assert!(input.is_char_boundary(r.start), "{input:?}: {error:?}");
    assert!(input.is_char_boundary(r.end), "{input:?}: {error:?}");
    assert!(
        input.is_empty() || r.start < r.end,
        "empty range for {input:?}: {error:?}"
    );
    assert!(!error.message.ends_with('.'), "{error:?}");
    assert!(!error.message.starts_with(char::is_uppercase), "{error:?}");
}
