//! A deterministic parallel map over the machine's cores, for the output stage: rendering YAML
//! documents and writing files are independent per item and dominate a large build.
//!
//! Results come back in input order, so the output does not depend on scheduling. Small inputs,
//! a single core, or a thread that cannot be started fall back to the calling thread.

use std::thread;

/// Below this many items the threads cost more than they save.
const MIN_PARALLEL: usize = 64;

/// Stack size of the helper threads: rendering recurses into nested documents.
pub(crate) const STACK_SIZE: usize = 64 * 1024 * 1024;

/// `items.iter().map(f).collect()`, computed on every available core, in input order.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_from(MIN_PARALLEL, items, f)
}

/// Like [`map`], for items each worth a thread of their own: goes parallel from `min_items`
/// items on.
pub(crate) fn map_from<T: Sync, R: Send>(
    min_items: usize,
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = thread::available_parallelism().map_or(1, usize::from);
    if threads < 2 || items.len() < min_items.max(2) {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    let parts: Vec<Option<Vec<R>>> = thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let spawned = thread::Builder::new()
                    .name("k8sc-output".to_string())
                    .stack_size(STACK_SIZE)
                    .spawn_scoped(scope, move || part.iter().map(f).collect::<Vec<R>>());
                (part, spawned)
            })
            .collect();
        handles
            .into_iter()
            .map(|(part, spawned)| match spawned {
                // A helper that panicked is a bug; redo its part here rather than lose it.
                Ok(handle) => Some(
                    handle
                        .join()
                        .unwrap_or_else(|_| part.iter().map(f).collect()),
                ),
                Err(_) => Some(part.iter().map(f).collect()),
            })
            .collect()
    });
    parts.into_iter().flatten().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::map;

    #[test]
    fn keeps_the_input_order() {
        let items: Vec<usize> = (0..10_000).collect();
        let doubled = map(&items, |n| n * 2);
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
    }

    #[test]
    fn handles_small_and_empty_inputs() {
        assert!(map(&[] as &[u8], |n| *n).is_empty());
        assert_eq!(map(&[1, 2, 3], |n| n + 1), vec![2, 3, 4]);
    }
}
