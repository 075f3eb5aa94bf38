//! The term automaton, re-encoded compactly: aho-corasick's DFA over the normal
//! forms with rows exactly as wide as its byte classes.
//!
//! aho-corasick's DFA pads every state's row of transitions to a power of two (so a
//! shift finds a state's index): over the ~2,900 built-in patterns that is 128
//! entries for 107 classes, 13 MB. The scan is a chain of dependent loads into that
//! table, most of them cache misses, so its size is its speed: the same states in
//! rows of 108 entries (the classes, plus one naming a match state's patterns) take
//! 11 MB and scan English text ~30% faster (`benches/classify.rs`). States keep the
//! source's order (the states along one pattern's path sit together), and match
//! states come first, so a match is one comparison.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{dfa, Anchored};

/// A byte never in UTF-8 text: stands for the bytes in no pattern when asking the
/// source automaton (its class, 0, restarts the search from every state).
const NOT_UTF8: u8 = 0xFF;

/// A dense DFA: `next = trans[state + class[byte]]`, states premultiplied by the
/// row length; match states are `0..match_end`.
#[derive(Debug, Clone)]
pub(crate) struct Compact {
    trans: Vec<u32>,
    classes: [u8; 256],
    /// Entries per state that are classes; the next one, for a match state,
    /// indexes `ranges`.
    width: u32,
    start: u32,
    match_end: u32,
    /// For the match state whose extra entry is `k`: its patterns are
    /// `patterns[ranges[k].0..ranges[k].1]`.
    ranges: Vec<(u32, u32)>,
    patterns: Vec<u32>,
}

impl Compact {
    /// Re-encodes `dfa`, the automaton of `normal_forms` (standard semantics,
    /// unanchored). `None` if the table does not fit 32-bit state ids or the
    /// source's layout is not the one expected (match states first): the caller
    /// then falls back to another automaton.
    pub(crate) fn new(dfa: &dfa::DFA, normal_forms: &[String]) -> Option<Compact> {
        // One class per byte used by a pattern; class 0 for all the others.
        let mut classes = [0u8; 256];
        for form in normal_forms {
            for &b in form.as_bytes() {
                if let Some(c) = classes.get_mut(usize::from(b)) {
                    *c = 1;
                }
            }
        }
        let mut reps = vec![NOT_UTF8];
        for (b, c) in (0..=u8::MAX).zip(classes.iter_mut()) {
            if *c == 1 {
                *c = u8::try_from(reps.len()).ok()?;
                reps.push(b);
            }
        }
        let width = reps.len();

        // Every state reachable from the start, with its successor on each class.
        let start = dfa.start_state(Anchored::No).ok()?;
        // Ids index the source's table, so a flag per id tells which are seen.
        let mut seen = vec![false; dfa.memory_usage() / 4 + 1];
        let mut order: Vec<StateID> = vec![start];
        *seen.get_mut(start.as_usize())? = true;
        let mut successors: Vec<StateID> = Vec::with_capacity(width * 1024);
        let mut k = 0;
        while let Some(&sid) = order.get(k) {
            for &rep in &reps {
                let next = dfa.next_state(Anchored::No, sid, rep);
                successors.push(next);
                let flag = seen.get_mut(next.as_usize())?;
                if !*flag {
                    *flag = true;
                    order.push(next);
                }
            }
            k += 1;
        }

        // The source's ids are indices times a power of two; ours are the same
        // indices, counted from the first match state, times our row length.
        let shift = order
            .iter()
            .fold(0u32, |acc, sid| acc | sid.as_u32())
            .trailing_zeros()
            .min(16);
        let index = |sid: StateID| sid.as_usize() >> shift;
        let matching = || {
            order
                .iter()
                .filter(|&&sid| dfa.is_match(sid))
                .map(|&sid| index(sid))
        };
        let first = matching()
            .min()
            .or_else(|| order.iter().map(|&sid| index(sid)).min())?;
        let match_count = matching().max().map_or(0, |last| last + 1 - first);
        let stride = width + 1;
        let id = |sid: StateID| -> Option<u32> {
            u32::try_from(index(sid).checked_sub(first)?.checked_mul(stride)?).ok()
        };
        let states = order.iter().map(|&sid| index(sid)).max()? + 1 - first;
        let start_id = id(start)?;
        let mut trans = vec![start_id; states.checked_mul(stride)?];
        u32::try_from(trans.len()).ok()?;
        for (&sid, row) in order.iter().zip(successors.chunks(width)) {
            let base = usize::try_from(id(sid)?).ok()?;
            for (class, &next) in row.iter().enumerate() {
                *trans.get_mut(base + class)? = id(next)?;
            }
        }
        let match_end = u32::try_from(match_count.checked_mul(stride)?).ok()?;
        let mut ranges = Vec::new();
        let mut patterns = Vec::new();
        for &sid in &order {
            let at = id(sid)?;
            if (at < match_end) != dfa.is_match(sid) {
                return None;
            }
            if at < match_end {
                let from = u32::try_from(patterns.len()).ok()?;
                for i in 0..dfa.match_len(sid) {
                    patterns.push(dfa.match_pattern(sid, i).as_u32());
                }
                let to = u32::try_from(patterns.len()).ok()?;
                *trans.get_mut(usize::try_from(at).ok()? + width)? =
                    u32::try_from(ranges.len()).ok()?;
                ranges.push((from, to));
            }
        }
        Some(Compact {
            trans,
            classes,
            width: u32::try_from(width).ok()?,
            start: start_id,
            match_end,
            ranges,
            patterns,
        })
    }

    /// The unanchored start state.
    pub(crate) fn start(&self) -> u32 {
        self.start
    }

    /// The transition table, to step with.
    #[inline(always)]
    pub(crate) fn table(&self) -> Table<'_> {
        Table {
            trans: &self.trans,
            classes: &self.classes,
            match_end: self.match_end,
        }
    }

    /// The state after reading `byte` in `state`.
    #[cfg(any(test, feature = "unstable-bench-hooks"))]
    #[inline(always)]
    pub(crate) fn next(&self, state: u32, byte: u8) -> u32 {
        self.table().next(state, byte)
    }

    /// Whether `state` reports matches.
    #[cfg(any(test, feature = "unstable-bench-hooks"))]
    #[inline(always)]
    pub(crate) fn is_match(&self, state: u32) -> bool {
        self.table().is_match(state)
    }

    /// The patterns that end in match state `state`.
    pub(crate) fn patterns(&self, state: u32) -> &[u32] {
        let k = self
            .trans
            .get(state as usize + self.width as usize)
            .copied()
            .unwrap_or(u32::MAX);
        self.ranges
            .get(k as usize)
            .and_then(|&(from, to)| self.patterns.get(from as usize..to as usize))
            .unwrap_or_default()
    }
}

/// What stepping a [`Compact`] automaton reads, by value: a byte loop that holds
/// one keeps the table's address, length and match bound in registers (behind a
/// reference to the automaton, each byte would load them again).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Table<'a> {
    trans: &'a [u32],
    classes: &'a [u8; 256],
    match_end: u32,
}

impl Table<'_> {
    /// The state after reading `byte` in `state`.
    #[inline(always)]
    pub(crate) fn next(self, state: u32, byte: u8) -> u32 {
        #[allow(clippy::indexing_slicing)] // a `u8` index into 256 entries
        let class = self.classes[usize::from(byte)];
        let at = state as usize + usize::from(class);
        // Always in bounds (every class of every state has an entry); the constant
        // fallback keeps the load a plain indexed one.
        self.trans.get(at).copied().unwrap_or(0)
    }

    /// Whether `state` reports matches.
    #[inline(always)]
    pub(crate) fn is_match(self, state: u32) -> bool {
        state < self.match_end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::MatchKind;
    use proptest::prelude::*;

    fn source(patterns: &[String]) -> dfa::DFA {
        dfa::DFA::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(patterns)
            .unwrap()
    }

    /// Every (end, pattern) match, stepping the source automaton.
    fn source_matches(aut: &dfa::DFA, text: &str) -> Vec<(usize, u32)> {
        let mut sid = aut.start_state(Anchored::No).unwrap();
        let mut out = Vec::new();
        for (i, &b) in text.as_bytes().iter().enumerate() {
            sid = aut.next_state(Anchored::No, sid, b);
            if aut.is_match(sid) {
                for k in 0..aut.match_len(sid) {
                    out.push((i + 1, aut.match_pattern(sid, k).as_u32()));
                }
            }
        }
        out
    }

    /// Every (end, pattern) match, stepping the compact automaton.
    fn compact_matches(aut: &Compact, text: &str) -> Vec<(usize, u32)> {
        let mut state = aut.start();
        let mut out = Vec::new();
        for (i, &b) in text.as_bytes().iter().enumerate() {
            state = aut.next(state, b);
            if aut.is_match(state) {
                out.extend(aut.patterns(state).iter().map(|&p| (i + 1, p)));
            }
        }
        out
    }

    #[test]
    fn finds_what_the_source_finds() {
        // (patterns, texts)
        let table: &[(&[&str], &[&str])] = &[
            (&["he", "she", "his", "hers"], &["ushers", "", "hishe"]),
            (&["a to z", "to", "z"], &["a to z claim", "a to zz"]),
            (
                &["损坏", "坏", "没收到"],
                &["收到的杯子损坏了，没收到", "坏坏"],
            ),
            (&["x"], &["\u{FF}", "xxx"]),
        ];
        for (patterns, texts) in table {
            let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
            let dfa = source(&patterns);
            let compact = Compact::new(&dfa, &patterns).unwrap();
            for text in *texts {
                assert_eq!(
                    compact_matches(&compact, text),
                    source_matches(&dfa, text),
                    "{patterns:?} in {text:?}"
                );
            }
        }
    }

    #[test]
    fn rows_are_as_wide_as_the_classes() {
        let patterns = vec!["ab".to_string(), "b".to_string()];
        let compact = Compact::new(&source(&patterns), &patterns).unwrap();
        // Classes: other, `a`, `b`; plus the match entry.
        assert_eq!(compact.width, 3);
        assert_eq!(compact.trans.len() % 4, 0);
        assert!(compact.is_match(compact.next(compact.start(), b'b')));
        assert!(!compact.is_match(compact.start()));
    }

    proptest! {
        #[test]
        fn agrees_with_the_source_on_any_text(
            patterns in proptest::collection::vec("[ab 坏收]{1,4}", 1..12),
            texts in proptest::collection::vec("[abc 坏收到]{0,24}", 1..6),
        ) {
            let dfa = source(&patterns);
            let compact = Compact::new(&dfa, &patterns);
            prop_assert!(compact.is_some());
            if let Some(compact) = compact {
                for text in &texts {
                    prop_assert_eq!(compact_matches(&compact, text), source_matches(&dfa, text));
                }
            }
        }
    }
}
