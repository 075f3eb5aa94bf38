//! The fast paths: runs of ASCII, of verbatim CJK characters (ideographs,
//! hiragana), of full-width letters and digits and of katakana are normalised
//! without NFKC and fed to the automaton byte by byte as they are written, and
//! [`Normalized::push_chunk`] picks the path for each run (handing characters that
//! need NFKC to the [slow path](super::slow)).

use std::ops::Range;

use super::classes::{
    ascii_kept, decode3, fold_ascii, followed_by_mark, fullwidth_ascii_alnum, hiragana,
    is_fast_separator, is_ignorable, is_katakana, lower_kept, starts_verbatim_cjk, verbatim_len,
};
use super::quote::quote_mark;
use super::{Feed, Normalized};

impl Normalized {
    /// Notes whether the separators `bytes[run]` include one that quoted text needs.
    #[inline(always)]
    fn note_quote_marks(&mut self, bytes: &[u8], run: Range<usize>) {
        if bytes
            .get(run)
            .is_some_and(|run| run.iter().any(|&b| quote_mark(b)))
        {
            self.quote_mark = true;
        }
    }

    /// Normalises `text[from..to]` (a whole number of lines, or the tail); returns
    /// where it stopped: `to`, or, when watching for quotes, just after the run
    /// where it saw a [`quote_mark`] (going on from there with the same `pending`
    /// is the same as not stopping).
    pub(super) fn push_chunk<F: Feed>(
        &mut self,
        text: &str,
        from: usize,
        to: usize,
        pending: &mut Option<usize>,
        feed: &mut F,
    ) -> usize {
        let Some(chunk) = text.get(..to) else {
            return to;
        };
        let bytes = chunk.as_bytes();
        let mut i = from;
        while i < to {
            if self.quote_mark && self.watch_quotes {
                return i;
            }
            // The fast paths: a run of ASCII from a kept byte on, or of kept ASCII
            // and CJK characters, copied.
            let (end, before_mark) = if bytes.get(i).is_some_and(|&b| lower_kept(b) != 0) {
                self.ascii_run(chunk, i, pending, feed)
            } else {
                self.verbatim_run(chunk, i, pending, feed)
            };
            if before_mark {
                // A combining mark composes with the character before it.
                i = self.slow_group(chunk, end, pending, feed);
                continue;
            }
            if end > i {
                i = end;
                continue;
            }
            // ASCII separators (kept ASCII bytes always start a run above).
            if bytes.get(i).is_some_and(|&b| b < 0x80) {
                if pending.is_none() {
                    *pending = Some(i);
                }
                let run = i;
                i += 1;
                while bytes.get(i).is_some_and(|&b| b < 0x80 && !ascii_kept(b)) {
                    i += 1;
                }
                self.note_quote_marks(bytes, run..i);
                continue;
            }
            // A run of full-width letters and digits: one stride-3 segment.
            if bytes.get(i) == Some(&0xEF) {
                let k = self.fullwidth_run(chunk, i, pending, feed);
                if k > i {
                    i = k;
                    continue;
                }
            }
            // A run of katakana: folded to hiragana, byte for byte.
            if bytes.get(i) == Some(&0xE3) {
                let k = self.katakana_run(chunk, i, pending, feed);
                if k > i {
                    i = k;
                    continue;
                }
            }
            let Some(c) = chunk.get(i..).and_then(|s| s.chars().next()) else {
                break;
            };
            let len = c.len_utf8();
            if c.is_ascii() || is_fast_separator(c) {
                if pending.is_none() {
                    *pending = Some(i);
                }
                self.note_quote_marks(bytes, i..i + len);
                i += len;
            } else if is_ignorable(c) {
                i += len;
            } else if let Some(a) = fullwidth_ascii_alnum(c) {
                if followed_by_mark(chunk, i + len) {
                    i = self.slow_group(chunk, i, pending, feed);
                } else {
                    self.flush_pending(pending, i, feed);
                    let mut buf = [0; 4];
                    self.push_strided(i, char::from(a).encode_utf8(&mut buf), 3, feed);
                    i += len;
                }
            } else {
                i = self.slow_group(chunk, i, pending, feed);
            }
        }
        to
    }

    /// Normalises the run of ASCII at `at` (a kept byte): kept bytes lower-cased,
    /// each run of separators between them one space, feeding every byte. English
    /// text is almost all this loop ([`feed_words`]), so it has no branch that
    /// depends on whether a byte is a letter or a separator: only separators other
    /// than a single space (`-`, `, `) take the other way. The text is copied in
    /// slices and lower-cased once.
    ///
    /// Stops at the first non-ASCII byte or the end of `chunk`, leaving a trailing
    /// separator run pending; returns where it stopped and whether a combining mark
    /// follows the kept byte there (that byte needs NFKC).
    #[inline(never)]
    fn ascii_run<F: Feed>(
        &mut self,
        chunk: &str,
        at: usize,
        pending: &mut Option<usize>,
        feed: &mut F,
    ) -> (usize, bool) {
        let bytes = chunk.as_bytes();
        let stop = ascii_end(bytes, at);
        let before_mark = stop > at
            && followed_by_mark(chunk, stop)
            && bytes.get(stop - 1).is_some_and(|&b| lower_kept(b) != 0);
        let limit = if before_mark { stop - 1 } else { stop };
        let kept_end = bytes
            .get(at..limit)
            .and_then(|run| run.iter().rposition(|&b| lower_kept(b) != 0))
            .map_or(at, |k| at + k + 1);
        if kept_end == at {
            return (limit, before_mark);
        }
        self.flush_pending(pending, at, feed);
        let norm = self.text.len();
        // The identity segment being built: original byte `i` of it is normalised
        // byte `seg_norm + (i - seg_orig)`.
        let (mut seg_orig, mut seg_norm) = (at, norm);
        // `text` holds the run up to original byte `copied`; the rest is copied
        // in slices (lower-cased at the end), so normalised byte `i` of the run
        // is `i + shift` (wrapping: the text may be shorter than the original).
        let mut copied = at;
        let mut shift = norm.wrapping_sub(at);
        let words = bytes.get(..kept_end).unwrap_or_default();
        let mut prev = 0;
        let mut state = feed.state();
        let mut i = at;
        loop {
            (i, state, prev) = feed_words(words, i, state, prev, shift, feed);
            if i >= kept_end {
                break;
            }
            // Not a single space: a separator run (it ends before the run does)
            // to write as one space.
            let run_start = if prev == b' ' { i - 1 } else { i };
            let mut run_end = i + 1;
            while bytes.get(run_end).is_some_and(|&b| fold_ascii(b) == b' ') {
                run_end += 1;
            }
            self.note_quote_marks(bytes, i..run_end);
            self.text
                .push_str(chunk.get(copied..run_start).unwrap_or_default());
            if run_end - run_start > 1 {
                self.map_strided(seg_orig, seg_norm, run_start - seg_orig, 1);
                self.push_opaque_start(run_start, run_end);
                seg_orig = run_end;
                seg_norm = self.text.len() + 1;
            }
            self.text.push(' ');
            if prev != b' ' {
                state = feed.step(state, b' ', self.text.len());
            }
            copied = run_end;
            shift = self.text.len().wrapping_sub(copied);
            prev = 0;
            i = run_end;
        }
        self.text
            .push_str(chunk.get(copied..kept_end).unwrap_or_default());
        if let Some(run) = self.text.get_mut(norm..) {
            run.make_ascii_lowercase();
        }
        feed.set_state(state);
        self.map_strided(seg_orig, seg_norm, kept_end - seg_orig, 1);
        if kept_end < limit {
            self.note_quote_marks(bytes, kept_end..limit);
            *pending = Some(kept_end);
        }
        (limit, before_mark)
    }

    /// Copies the run of verbatim characters at `at`: kept ASCII (lower-cased) and
    /// verbatim CJK characters (ideographs, hiragana), and the separator runs between
    /// them (ASCII and known separators, as one space), feeding each byte as it goes.
    /// This loop is where CJK text goes (ASCII from a kept byte on goes to
    /// [`Normalized::ascii_run`], katakana to [`Normalized::katakana_run`]); feeding
    /// here lets the automaton's dependent loads overlap the normaliser's work. The
    /// text is written in slices.
    ///
    /// Returns where the run ends and whether it stopped before a character that a
    /// combining mark follows (that character needs NFKC).
    #[inline(always)]
    fn verbatim_run<F: Feed>(
        &mut self,
        chunk: &str,
        at: usize,
        pending: &mut Option<usize>,
        feed: &mut F,
    ) -> (usize, bool) {
        let bytes = chunk.as_bytes();
        let mut len = verbatim_len(bytes, at);
        if len == 0 {
            return (at, false);
        }
        self.flush_pending(pending, at, feed);
        let norm = self.text.len();
        // The identity segment being built: original byte `i` of it is normalised
        // byte `seg_norm + (i - seg_orig)`; `text` holds it up to original `copied`.
        let (mut seg_orig, mut seg_norm) = (at, norm);
        let mut copied = at;
        let mut i = at;
        let mut before_mark = false;
        let mut state = feed.state();
        loop {
            // The character at `i` (`len` bytes) is verbatim; it is written unless a
            // combining mark follows it.
            let next = i + len;
            let next_byte = bytes.get(next).copied();
            let next_cjk = match next_byte {
                Some(b) if b < 0x80 => false,
                Some(_) if starts_verbatim_cjk(bytes, next) => true,
                Some(_) if followed_by_mark(chunk, next) => {
                    before_mark = true;
                    break;
                }
                _ => false,
            };
            let end = seg_norm + (next - seg_orig);
            if len == 1 {
                let b = bytes.get(i).copied().unwrap_or_default();
                state = feed.step(state, lower_kept(b), end);
            } else if let Some(&[b0, b1, b2]) = bytes.get(i..next) {
                state = feed.step(state, b0, end - 2);
                state = feed.step(state, b1, end - 1);
                state = feed.step(state, b2, end);
            }
            i = next;
            if next_cjk {
                len = 3;
                continue;
            }
            let Some(b) = next_byte else {
                break;
            };
            if b < 0x80 && lower_kept(b) != 0 {
                // An ASCII word: all its letters but the last in a loop of their
                // own (the last is looked at as a character, like the others).
                (i, state) = feed_kept(bytes, next, state, seg_norm.wrapping_sub(seg_orig), feed);
                len = 1;
                continue;
            }
            // A separator run followed by a verbatim character: one space.
            let (after, marked) = separator_run_end(bytes, next);
            len = verbatim_len(bytes, after);
            if after == next || len == 0 {
                break;
            }
            if marked {
                self.quote_mark = true;
            }
            state = feed.step(state, b' ', end + 1);
            if after == next + 1 {
                // One ASCII separator: the identity segment goes on.
                if b != b' ' {
                    self.text
                        .push_str(chunk.get(copied..next).unwrap_or_default());
                    self.text.push(' ');
                    copied = after;
                }
            } else {
                self.text
                    .push_str(chunk.get(copied..next).unwrap_or_default());
                self.map_strided(seg_orig, seg_norm, next - seg_orig, 1);
                if after == next + 3 {
                    self.map_strided(next, self.text.len(), 1, 3);
                } else {
                    self.push_opaque_start(next, after);
                }
                self.text.push(' ');
                (seg_orig, seg_norm) = (after, self.text.len());
                copied = after;
            }
            i = after;
        }
        feed.set_state(state);
        self.text.push_str(chunk.get(copied..i).unwrap_or_default());
        if let Some(run) = self.text.get_mut(norm..) {
            run.make_ascii_lowercase();
        }
        if i > seg_orig {
            self.map_strided(seg_orig, seg_norm, i - seg_orig, 1);
        }
        (i, before_mark)
    }

    /// Normalises the run of full-width ASCII letters and digits at `at` (none
    /// followed by a combining mark); returns its end (`at` if there is none).
    fn fullwidth_run<F: Feed>(
        &mut self,
        chunk: &str,
        at: usize,
        pending: &mut Option<usize>,
        feed: &mut F,
    ) -> usize {
        let bytes = chunk.as_bytes();
        let mut lowered = std::mem::take(&mut self.lowered);
        lowered.clear();
        let mut k = at;
        while let Some(&[0xEF, b1 @ (0xBC | 0xBD), b2]) = bytes.get(k..k + 3) {
            let cp = 0xFF00 + (u32::from(b1 - 0xBC) << 6) + u32::from(b2 & 0x3F);
            let Some(a) = char::from_u32(cp).and_then(fullwidth_ascii_alnum) else {
                break;
            };
            if followed_by_mark(chunk, k + 3) {
                break;
            }
            lowered.push(char::from(a));
            k += 3;
        }
        if k > at {
            self.flush_pending(pending, at, feed);
            self.push_strided(at, &lowered, 3, feed);
        }
        self.lowered = lowered;
        k
    }

    /// Folds the run of katakana letters (and `ー`) at `at` to [`hiragana`], none of
    /// them followed by a combining mark; returns its end (`at` if there is none).
    /// Each folded character is as long as the original: one stride-1 segment, like
    /// a verbatim run.
    fn katakana_run<F: Feed>(
        &mut self,
        chunk: &str,
        at: usize,
        pending: &mut Option<usize>,
        feed: &mut F,
    ) -> usize {
        let bytes = chunk.as_bytes();
        let mut lowered = std::mem::take(&mut self.lowered);
        lowered.clear();
        let mut k = at;
        while let Some(c) = bytes
            .get(k..)
            .and_then(decode3)
            .filter(|&c| is_katakana(c) || c == 0x30FC)
            .and_then(char::from_u32)
        {
            if followed_by_mark(chunk, k + 3) {
                break;
            }
            lowered.push(hiragana(c));
            k += 3;
        }
        if k > at {
            self.flush_pending(pending, at, feed);
            self.push_strided(at, &lowered, 1, feed);
        }
        self.lowered = lowered;
        k
    }
}

/// Feeds the folded ASCII bytes of `words` from `i` on, normalised byte `i` being
/// `i + shift`, while each is kept or a single space after a kept byte; returns
/// where it stopped (a separator run to fold, or the end), the state and the last
/// byte fed. The hot loop of English text: nothing in it depends on whether a byte
/// is a letter or a separator, and it calls nothing (a match leaves it to be
/// recorded), so everything it needs stays in registers.
#[inline(always)]
fn feed_words<F: Feed>(
    words: &[u8],
    mut i: usize,
    mut state: F::State,
    mut prev: u8,
    shift: usize,
    feed: &mut F,
) -> (usize, F::State, u8) {
    loop {
        let mut matched = false;
        while let Some(&b) = words.get(i) {
            let k = fold_ascii(b);
            if k == b' ' && (b != b' ' || prev == b' ') {
                break;
            }
            i += 1;
            state = feed.next(state, k);
            prev = k;
            if feed.is_match(state) {
                matched = true;
                break;
            }
        }
        if !matched {
            return (i, state, prev);
        }
        feed.record(state, i.wrapping_add(shift));
    }
}

/// Feeds the kept ASCII bytes of `bytes` from `i` on (a kept byte) that another
/// kept byte follows, lower-cased, normalised byte `i` being `i + shift`; returns
/// the index of the last kept byte of the word (not fed) and the state. Like
/// [`feed_words`], it calls nothing in its loop.
#[inline(always)]
fn feed_kept<F: Feed>(
    bytes: &[u8],
    mut i: usize,
    mut state: F::State,
    shift: usize,
    feed: &mut F,
) -> (usize, F::State) {
    loop {
        let mut matched = false;
        while let Some(&[b, n]) = bytes.get(i..i + 2) {
            if lower_kept(n) == 0 {
                break;
            }
            i += 1;
            state = feed.next(state, lower_kept(b));
            if feed.is_match(state) {
                matched = true;
                break;
            }
        }
        if !matched {
            return (i, state);
        }
        feed.record(state, i.wrapping_add(shift));
    }
}

/// The index of the first non-ASCII byte at or after `i` (the length if none).
#[inline(always)]
fn ascii_end(bytes: &[u8], mut i: usize) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(word) = bytes
        .get(i..i + 8)
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
    {
        let high = u64::from_le_bytes(word) & HIGH;
        if high != 0 {
            return i + (high.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while bytes.get(i).is_some_and(|&b| b < 0x80) {
        i += 1;
    }
    i
}

/// The end of the run of ASCII and known 3-byte separators at `i` (`i` if none),
/// and whether one of them has a [`quote_mark`] byte.
#[inline(always)]
fn separator_run_end(bytes: &[u8], mut i: usize) -> (usize, bool) {
    let mut marked = false;
    loop {
        match bytes.get(i) {
            Some(&b) if b < 0x80 && lower_kept(b) == 0 => {
                marked |= quote_mark(b);
                i += 1;
            }
            Some(0xE2 | 0xE3 | 0xEF)
                if bytes
                    .get(i..)
                    .and_then(decode3)
                    .and_then(char::from_u32)
                    .is_some_and(is_fast_separator) =>
            {
                marked |= bytes.get(i + 2).is_some_and(|&b| quote_mark(b));
                i += 3;
            }
            _ => return (i, marked),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::{fed_exactly, reference};

    #[test]
    fn verbatim_runs_map_byte_for_byte() {
        // (name, input, segments in the offset map)
        let table: &[(&str, &str, usize)] = &[
            ("words", "Where is my ORDER", 1),
            ("single_punctuation", "A-to-z claim", 1),
            ("cjk", "我的包裹 not 收到", 1),
            ("kana", "クレーム", 1),
            ("kana_scripts", "クレームをしますクレーム", 1),
            ("kana_after_space", "返品 クレーム", 1),
            ("comma_space", "Hi, where", 3),
            ("leading_and_trailing", "  where?  ", 1),
            ("double_space", "where  is", 3),
            ("hexagram_after_space", "a \u{4DC0}b", 3),
            ("mark_after_run", "cafe\u{301} ok", 3),
            ("mark_after_cjk", "か\u{3099}か", 2),
            ("zero_width_inside", "da\u{200B}maged", 2),
            ("full_width_run", "ＲＥＦＵＮＤ now", 2),
            ("ascii_single_separators", "A,b.C-d", 1),
            ("ascii_runs_after_words", "a, b. c", 5),
            ("ascii_run_after_space", "a ,b", 3),
            ("ascii_run_before_cjk", "ok, 收到", 3),
            ("ascii_trailing_run", "OK?!", 1),
            ("ascii_mark_after_word", "ok cafe\u{301}", 2),
        ];
        for (name, input, segments) in table {
            let n = Normalized::of(input);
            assert_eq!(n.as_str(), reference(input), "{name}");
            assert_eq!(n.segs.len(), *segments, "{name}: {:?}", n.segs);
            assert_eq!(fed_exactly(input), Ok(()), "{name}");
        }
    }
}
