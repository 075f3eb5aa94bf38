//! Text normalisation: folds what buyers type into one searchable form, in one pass,
//! keeping a map back to the original bytes (see [`Normalized`] for the rules).

use std::ops::Range;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Normalises `text` (see [`Normalized`] for the rules).
///
/// Use [`Normalized`] to also map positions back to the original text, or to reuse
/// buffers across calls.
///
/// ```
/// use odr_guard::{normalize, Normalized};
///
/// assert_eq!(normalize("Ａ－ｔｏ－ｚ  Claim!"), "a to z claim");
/// assert_eq!(normalize("I didn’t re\u{200B}ceive it"), "i didn t receive it");
///
/// let text = "Ｉｔ ａｒｒｉｖｅｄ DAMAGED";
/// let n = Normalized::of(text);
/// let at = n.as_str().find("damaged").ok_or("not found")?;
/// let span = n.original_range(at..at + "damaged".len()).ok_or("no span")?;
/// assert_eq!(&text[span], "DAMAGED");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn normalize(text: &str) -> String {
    let mut n = Normalized::new();
    n.normalize(text);
    n.text
}

/// Receives every byte of normalised text as it is written (the matcher steps its
/// automaton with them, so normalising and searching share one pass).
///
/// The hot loop keeps the feed's state in a local (a register) between bytes:
/// [`Feed::step`] takes and returns it, [`Feed::feed`] is the one-off form.
pub(crate) trait Feed {
    /// What changes with every byte (the automaton's state).
    type State: Copy;

    /// The current state.
    fn state(&self) -> Self::State;

    /// Makes `state` current.
    fn set_state(&mut self, state: Self::State);

    /// The state after `byte` in `state`, without recording anything.
    fn next(&self, state: Self::State, byte: u8) -> Self::State;

    /// Whether [`Feed::record`] has something to record in `state`.
    fn is_match(&self, state: Self::State) -> bool;

    /// Records what `state` reports, the normalised text being `end` bytes long.
    fn record(&mut self, state: Self::State, end: usize);

    /// Forgets everything fed so far: the text is about to be fed again.
    fn restart(&mut self);

    /// Consumes `byte` in `state`; the normalised text is `end` bytes long with it.
    #[inline(always)]
    fn step(&mut self, state: Self::State, byte: u8, end: usize) -> Self::State {
        let state = self.next(state, byte);
        if self.is_match(state) {
            self.record(state, end);
        }
        state
    }

    /// Consumes `byte` in the current state.
    #[inline(always)]
    fn feed(&mut self, byte: u8, end: usize) {
        let state = self.step(self.state(), byte, end);
        self.set_state(state);
    }
}

/// Feeds nothing: plain normalisation.
impl Feed for () {
    type State = ();

    #[inline(always)]
    fn state(&self) {}

    #[inline(always)]
    fn set_state(&mut self, _state: ()) {}

    #[inline(always)]
    fn next(&self, _state: (), _byte: u8) {}

    #[inline(always)]
    fn is_match(&self, _state: ()) -> bool {
        false
    }

    #[inline(always)]
    fn record(&mut self, _state: (), _end: usize) {}

    fn restart(&mut self) {}
}

/// One piece of the offset map: normalised bytes from `norm` up to the next segment's
/// `norm` came from original bytes `orig..orig_end`.
///
/// Strided segments map each normalised byte to `stride` original bytes (`1`: byte
/// for byte, e.g. ASCII and CJK copies; `3`: full-width ASCII, one 3-byte character
/// per byte); opaque ones (`stride == 0`) map only their two ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Segment {
    norm: usize,
    orig: usize,
    orig_end: usize,
    stride: u8,
}

/// Normalised text plus a map from every normalised byte range back to the original
/// byte range it came from. Reusable: [`Normalized::normalize`] keeps the buffers.
///
/// The rules, applied to text and lexicon terms alike:
///
/// - NFKC (full-width `Ａ－ｔｏ－ｚ` becomes `a-to-z`, ligatures split, accents compose),
///   then lower-casing with [`char::to_lowercase`], except that the Turkish `İ` and
///   dotless `ı` become a plain `i` (`I WİLL FİLE A CLAİM` reads `i will file a claim`);
/// - letters, digits and combining marks are kept; every other character
///   (punctuation, the dash family U+2010–U+2015 and U+2212, curly quotes, symbols,
///   white space) is a separator, and every run of separators becomes one ASCII space,
///   with none at the start or end;
/// - invisible characters (Unicode's Default_Ignorable_Code_Point set: zero-width
///   spaces and joiners, the soft hyphen, bidi marks, variation selectors, ...) are
///   removed entirely, so `da\u{200B}maged` and `law\u{AD}yer` read `damaged` and
///   `lawyer`;
/// - CJK ideographs and hiragana are copied; katakana (full- or half-width) become
///   hiragana, so that a word matches in either script (`クレーム`, `ｸﾚｰﾑ` and
///   `くれーむ` all read `くれーむ`), the prolonged sound mark `ー` being kept;
/// - quoted text is not the buyer's new words, and is skipped (it reads as a
///   separator) when its structure says it is quoted: a block of `>` lines (two or
///   more, or one inside a reply after the buyer's words; `>:(` or a lone
///   `> 2 weeks late` stays), and everything from a reply attribution (`On <date>,
///   <name> <address> wrote:`, `Am ... schrieb ...:`, `Le ... a écrit :`, `El ...
///   escribió:`, `Il ... ha scritto:`, `在 ... 写道：`, `...が書きました：`, also wrapped
///   over two lines; it needs a year, a time or an address, and must not name the
///   buyer, as in `On Monday I wrote:`), an Outlook-style header block (`From:`/`Von:`/`De :`/`发件人:`/`差出人:`
///   ... with a `Sent:`/`Date:`/`Subject:`-like line after it) or a relay separator
///   line (`----- Original Message -----`, the whole line) on.
///
/// A normalised range maps back only if both of its ends fall on the edge of
/// something the buyer typed: a range that starts or ends strictly inside the
/// expansion of one original character (the `i` of `ﬁ` → `fi`) has no original range.
/// Mapped ranges are on `char` boundaries and cover exactly the typed characters, so
/// the original slice normalises back to the normalised slice.
///
/// ```
/// use odr_guard::Normalized;
///
/// let mut n = Normalized::new();
/// n.normalize("ＲＥＦＵＮＤ please");
/// assert_eq!(n.as_str(), "refund please");
/// assert_eq!(n.original_range(0..6), Some(0..18));
/// n.normalize("ﬁne");
/// assert_eq!(n.as_str(), "fine");
/// assert_eq!(n.original_range(1..4), None); // starts inside `ﬁ`
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    text: String,
    segs: Vec<Segment>,
    skips: Vec<Range<usize>>,
    /// Stop at the first separator that quoted text needs (`>`, `:`, ...).
    watch_quotes: bool,
    /// Such a separator was seen while watching.
    quote_mark: bool,
    group: String,
    lowered: String,
}

impl PartialEq for Normalized {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.segs == other.segs
    }
}

impl Eq for Normalized {}

fn ascii_kept(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Unicode's Default_Ignorable_Code_Point set: invisible characters (zero-width
/// spaces and joiners, the soft hyphen, bidi marks and controls, variation
/// selectors, Hangul fillers, tags, ...) that are removed, not separators.
///
/// The ranges listed in Unicode's `DerivedCoreProperties.txt` (Unicode 16.0).
/// None of them is a [fast separator](is_fast_separator) or a
/// [fast CJK character](is_fast_cjk) (checked by a test).
pub(crate) const fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' // SOFT HYPHEN
            | '\u{034F}' // COMBINING GRAPHEME JOINER
            | '\u{061C}' // ARABIC LETTER MARK
            | '\u{115F}'..='\u{1160}' // HANGUL CHOSEONG FILLER..JUNGSEONG FILLER
            | '\u{17B4}'..='\u{17B5}' // KHMER VOWEL INHERENT AQ..AA
            | '\u{180B}'..='\u{180F}' // MONGOLIAN FREE VARIATION SELECTORS, VOWEL SEPARATOR
            | '\u{200B}'..='\u{200F}' // ZERO WIDTH SPACE..RIGHT-TO-LEFT MARK
            | '\u{202A}'..='\u{202E}' // LEFT-TO-RIGHT EMBEDDING..RIGHT-TO-LEFT OVERRIDE
            // WORD JOINER, invisible operators, bidi isolates..NOMINAL DIGIT SHAPES
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}' // HANGUL FILLER
            | '\u{FE00}'..='\u{FE0F}' // VARIATION SELECTOR-1..16
            | '\u{FEFF}' // ZERO WIDTH NO-BREAK SPACE (BOM)
            | '\u{FFA0}' // HALFWIDTH HANGUL FILLER
            | '\u{FFF0}'..='\u{FFF8}' // reserved
            | '\u{1BCA0}'..='\u{1BCA3}' // SHORTHAND FORMAT LETTER OVERLAP..UP STEP
            | '\u{1D173}'..='\u{1D17A}' // MUSICAL SYMBOL BEGIN BEAM..END PHRASE
            | '\u{E0000}'..='\u{E0FFF}' // tags, VARIATION SELECTOR-17..256, reserved
    )
}

/// CJK ideographs and kana that NFKC leaves alone and that are no marks: the
/// [verbatim](is_verbatim_cjk) ones and the [katakana](is_katakana) (checked by
/// the slow-path agreement test).
const fn is_fast_cjk(c: u32) -> bool {
    is_verbatim_cjk(c) || is_katakana(c)
}

/// CJK ideographs, hiragana and the prolonged sound mark `ー`: copied verbatim.
const fn is_verbatim_cjk(c: u32) -> bool {
    matches!(c, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x3041..=0x3096 | 0x30FC)
}

/// Katakana letters: folded to hiragana (see [`hiragana`]) in a loop of their own.
const fn is_katakana(c: u32) -> bool {
    matches!(c, 0x30A1..=0x30FA)
}

/// The hiragana of katakana `c` (`ァ`..`ヶ` and the iteration marks `ヽ` `ヾ` are
/// the hiragana 0x60 code points lower, with the same UTF-8 length), else `c`:
/// the prolonged sound mark `ー`, used with both, and `ヷ`..`ヺ`, which have no
/// hiragana, stay.
const fn hiragana(c: char) -> char {
    match c {
        '\u{30A1}'..='\u{30F6}' | '\u{30FD}' | '\u{30FE}' => {
            match char::from_u32(c as u32 - 0x60) {
                Some(h) => h,
                None => c,
            }
        }
        _ => c,
    }
}

/// Characters known to be separators without running NFKC.
const fn is_fast_separator(c: char) -> bool {
    matches!(
        c,
        '\u{2000}'..='\u{200A}'
            | '\u{2010}'..='\u{2029}'
            | '\u{202F}'..='\u{205F}'
            | '\u{2212}'
            | '\u{3000}'..='\u{3003}'
            | '\u{3008}'..='\u{3011}'
            | '\u{3014}'..='\u{301F}'
            | '\u{30FB}'
            | '\u{FF01}'..='\u{FF0F}'
            | '\u{FF1A}'..='\u{FF20}'
            | '\u{FF3B}'..='\u{FF40}'
            | '\u{FF5B}'..='\u{FF5E}'
    )
}

/// Whether `c` is written in a script without spaces between words (CJK ideographs,
/// kana): its edges never need a word boundary.
pub(crate) const fn is_cjk(c: char) -> bool {
    matches!(
        c,
        '\u{3040}'..='\u{30FF}'
            | '\u{31F0}'..='\u{31FF}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{20000}'..='\u{3FFFF}'
    )
}

/// The decoded 3-byte UTF-8 character at the start of `b`, if it is one.
fn decode3(b: &[u8]) -> Option<u32> {
    match b {
        [x, y, z, ..] if (0xE0..0xF0).contains(x) => {
            Some((u32::from(x & 0x0F) << 12) | (u32::from(y & 0x3F) << 6) | u32::from(z & 0x3F))
        }
        _ => None,
    }
}

impl Normalized {
    /// An empty value, ready to [`normalize`](Normalized::normalize) into.
    pub fn new() -> Normalized {
        Normalized::default()
    }

    /// Normalises `text` into a new value.
    pub fn of(text: &str) -> Normalized {
        let mut n = Normalized::new();
        n.normalize(text);
        n
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Replaces the content with the normalisation of `text`, reusing the buffers.
    pub fn normalize(&mut self, text: &str) {
        self.normalize_feeding(text, &mut ());
    }

    /// [`Normalized::normalize`], handing every normalised byte to `feed` as it is
    /// written: the matcher steps its automaton with them, so normalising and
    /// searching are one pass over the text.
    ///
    /// Most messages quote nothing, and every quote marker needs a separator that
    /// plain text rarely has (see [`quote_mark`]), so the text is normalised
    /// whole until the first such separator. Only there are quoted lines looked
    /// for: if there are none, normalisation goes on from where it stopped; if
    /// there are, it starts again without them (so only the text before the first
    /// separator is normalised twice).
    pub(crate) fn normalize_feeding<F: Feed>(&mut self, text: &str, feed: &mut F) {
        self.text.clear();
        self.segs.clear();
        self.quote_mark = false;
        self.watch_quotes = true;
        let mut pending: Option<usize> = None;
        let stop = self.push_chunk(text, 0, text.len(), &mut pending, feed);
        self.watch_quotes = false;
        if !self.quote_mark {
            return;
        }
        let mut skips = std::mem::take(&mut self.skips);
        let cut = quoted_ranges(text, &mut skips);
        if cut == text.len() && skips.is_empty() {
            self.push_chunk(text, stop, text.len(), &mut pending, feed);
        } else {
            self.text.clear();
            self.segs.clear();
            feed.restart();
            self.push_unquoted(text, &skips, cut, feed);
        }
        self.skips = skips;
    }

    /// Normalises `text[..cut]` without the (quoted) ranges `skips`, which read as
    /// separators.
    fn push_unquoted<F: Feed>(
        &mut self,
        text: &str,
        skips: &[Range<usize>],
        cut: usize,
        feed: &mut F,
    ) {
        let mut pending = None;
        let mut at = 0;
        for skip in skips {
            if skip.start > at {
                self.push_chunk(text, at, skip.start, &mut pending, feed);
            }
            if pending.is_none() {
                pending = Some(skip.start);
            }
            at = at.max(skip.end);
        }
        if cut > at {
            self.push_chunk(text, at, cut, &mut pending, feed);
        }
    }

    /// The original byte range that the normalised range `range` came from, or
    /// `None` if `range` is empty, out of bounds, or starts or ends strictly inside
    /// the normalised form of one original character.
    pub fn original_range(&self, range: Range<usize>) -> Option<Range<usize>> {
        self.original_range_from(range, &mut 0)
    }

    /// [`Normalized::original_range`] for ranges looked up in order of position:
    /// the search for the range's segments starts at `*hint` (a segment index, 0
    /// at first) and leaves it at the start segment, for the next range.
    pub(crate) fn original_range_from(
        &self,
        range: Range<usize>,
        hint: &mut usize,
    ) -> Option<Range<usize>> {
        if range.start >= range.end || range.end > self.text.len() {
            return None;
        }
        // Most hits lie inside one strided segment: the hinted one.
        if let Some(s) = self.segs.get(*hint) {
            let next = self.segs.get(*hint + 1).map_or(self.text.len(), |n| n.norm);
            if s.stride > 0 && s.norm <= range.start && range.end <= next {
                let stride = usize::from(s.stride);
                return Some(
                    s.orig + (range.start - s.norm) * stride
                        ..s.orig + (range.end - s.norm) * stride,
                );
            }
        }
        let from = if self.segs.get(*hint).is_some_and(|s| s.norm <= range.start) {
            *hint
        } else {
            0
        };
        let si = self.last_segment_at_or_before(range.start, from)?;
        *hint = si;
        let s = self.segs.get(si)?;
        let start = if s.stride > 0 {
            s.orig + (range.start - s.norm) * usize::from(s.stride)
        } else if range.start == s.norm {
            s.orig
        } else {
            return None;
        };
        let ei = self.last_segment_at_or_before(range.end - 1, si)?;
        let e = self.segs.get(ei)?;
        let e_end = self.segs.get(ei + 1).map_or(self.text.len(), |n| n.norm);
        let end = if e.stride > 0 {
            e.orig + (range.end - e.norm) * usize::from(e.stride)
        } else if range.end == e_end {
            e.orig_end
        } else {
            return None;
        };
        Some(start..end)
    }

    /// The index of the last segment starting at or before normalised byte `pos`,
    /// searching from segment `from` (which starts at or before `pos`) by galloping.
    fn last_segment_at_or_before(&self, pos: usize, from: usize) -> Option<usize> {
        let rest = self.segs.get(from..)?;
        let mut step = 1;
        let mut lo = 0;
        while rest.get(lo + step).is_some_and(|s| s.norm <= pos) {
            lo += step;
            step *= 2;
        }
        let window = rest.get(lo..(lo + step).min(rest.len()))?;
        let k = window.partition_point(|s| s.norm <= pos).checked_sub(1)?;
        Some(from + lo + k)
    }

    /// Appends `s` (already normalised) and feeds its bytes.
    fn emit<F: Feed>(&mut self, s: &str, feed: &mut F) {
        let mut end = self.text.len();
        self.text.push_str(s);
        for &b in s.as_bytes() {
            end += 1;
            feed.feed(b, end);
        }
    }

    /// Writes the pending separator run (if any, and not at the start) as one space.
    fn flush_pending<F: Feed>(&mut self, pending: &mut Option<usize>, now: usize, feed: &mut F) {
        if let Some(p) = pending.take() {
            if !self.text.is_empty() {
                if now == p + 1 {
                    self.push_strided(p, " ", 1, feed);
                } else if now == p + 3 {
                    self.push_strided(p, " ", 3, feed);
                } else {
                    self.push_opaque_start(p, now);
                    self.emit(" ", feed);
                }
            }
        }
    }

    /// Records that the `len` normalised bytes at `norm` came from `len * stride`
    /// original bytes at `orig`, each normalised byte from `stride` of them (extends
    /// the last segment when it continues it).
    fn map_strided(&mut self, orig: usize, norm: usize, len: usize, stride: u8) {
        let width = usize::from(stride);
        match self.segs.last_mut() {
            Some(last)
                if last.stride == stride
                    && last.orig_end == orig
                    && last.norm + (last.orig_end - last.orig) / width == norm =>
            {
                last.orig_end += len * width;
            }
            _ => self.segs.push(Segment {
                norm,
                orig,
                orig_end: orig + len * width,
                stride,
            }),
        }
    }

    /// Appends `s` (already normalised), which came from `s.len() * stride` original
    /// bytes starting at `orig`, each normalised byte from `stride` of them.
    fn push_strided<F: Feed>(&mut self, orig: usize, s: &str, stride: u8, feed: &mut F) {
        self.map_strided(orig, self.text.len(), s.len(), stride);
        self.emit(s, feed);
    }

    fn push_opaque_start(&mut self, orig: usize, orig_end: usize) {
        self.segs.push(Segment {
            norm: self.text.len(),
            orig,
            orig_end,
            stride: 0,
        });
    }

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
    fn push_chunk<F: Feed>(
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

    /// Normalises the group of one base character at `at` plus its following
    /// combining marks (ignorable characters among them are dropped) with NFKC;
    /// returns the end of the group.
    fn slow_group<F: Feed>(
        &mut self,
        chunk: &str,
        at: usize,
        pending: &mut Option<usize>,
        feed: &mut F,
    ) -> usize {
        let Some(rest) = chunk.get(at..) else {
            return chunk.len();
        };
        let mut group = std::mem::take(&mut self.group);
        let mut lowered = std::mem::take(&mut self.lowered);
        group.clear();
        lowered.clear();
        let mut end = at;
        for (k, c) in rest.char_indices() {
            if k > 0 && !continues_group(c) {
                break;
            }
            if !is_ignorable(c) {
                group.push(c);
            }
            end = at + k + c.len_utf8();
        }
        // NFKC, lower-case, then fold separators: `lowered` holds the kept core with
        // single inner spaces.
        let mut lead_sep = false;
        let mut trail_sep = false;
        for c in group.nfkc().flat_map(lower) {
            if c.is_alphanumeric() || is_combining_mark(c) {
                if trail_sep && !lowered.is_empty() {
                    lowered.push(' ');
                }
                trail_sep = false;
                lowered.push(c);
            } else if lowered.is_empty() {
                lead_sep = true;
            } else {
                trail_sep = true;
            }
        }
        if lowered.is_empty() {
            if pending.is_none() {
                *pending = Some(at);
            }
        } else {
            if lead_sep && pending.is_none() {
                *pending = Some(at);
            }
            self.flush_pending(pending, at, feed);
            if group.len() == end - at && group == lowered && group.chars().nth(1).is_none() {
                self.push_strided(at, &lowered, 1, feed);
            } else {
                self.push_opaque_start(at, end);
                self.emit(&lowered, feed);
            }
            if trail_sep {
                *pending = Some(end);
            }
        }
        self.group = group;
        self.lowered = lowered;
        end
    }
}

/// A table of ASCII bytes: kept ones (letters, digits) lower-cased, separators as
/// `separator`; non-ASCII bytes 0.
const fn ascii_table(separator: u8) -> [u8; 256] {
    let mut t = [0; 256];
    let mut b = 0u8;
    while b < 128 {
        #[allow(clippy::indexing_slicing)] // a `u8` index into 256 entries
        {
            t[b as usize] = if b.is_ascii_alphanumeric() {
                b.to_ascii_lowercase()
            } else {
                separator
            };
        }
        b += 1;
    }
    t
}

/// Kept ASCII bytes lower-cased; 0 for ASCII separators (and non-ASCII bytes).
static LOWER_KEPT: [u8; 256] = ascii_table(0);

/// The lower-cased form of a kept ASCII byte; 0 for an ASCII separator (and for
/// non-ASCII bytes).
#[inline(always)]
fn lower_kept(b: u8) -> u8 {
    #[allow(clippy::indexing_slicing)] // a `u8` index into 256 entries
    LOWER_KEPT[usize::from(b)]
}

/// Kept ASCII bytes lower-cased, ASCII separators as a space (non-ASCII bytes: 0).
static FOLD_ASCII: [u8; 256] = ascii_table(b' ');

/// The normalised form of an ASCII byte: lower-cased if kept, else a space.
#[inline(always)]
fn fold_ascii(b: u8) -> u8 {
    #[allow(clippy::indexing_slicing)] // a `u8` index into 256 entries
    FOLD_ASCII[usize::from(b)]
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

/// The length of the verbatim character (kept ASCII or verbatim CJK) at `i`, or 0.
#[inline(always)]
fn verbatim_len(bytes: &[u8], i: usize) -> usize {
    match bytes.get(i) {
        Some(&b) if b < 0x80 => usize::from(lower_kept(b) != 0),
        Some(_) if starts_verbatim_cjk(bytes, i) => 3,
        _ => 0,
    }
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

/// Whether a verbatim CJK character (ideograph, hiragana or `ー`, copied
/// verbatim) starts at `i`.
#[inline(always)]
fn starts_verbatim_cjk(bytes: &[u8], i: usize) -> bool {
    match bytes.get(i) {
        // U+5000..=U+9FFF: CJK ideographs (valid UTF-8 is guaranteed).
        Some(0xE5..=0xE9) => true,
        // U+4000..=U+4FFF except the hexagrams U+4DC0..=U+4DFF (E4 B7 ..).
        Some(0xE4) => bytes.get(i + 1) != Some(&0xB7),
        Some(0xE3) => bytes
            .get(i..)
            .and_then(decode3)
            .is_some_and(is_verbatim_cjk),
        _ => false,
    }
}

/// Whether a fast CJK character (verbatim, or katakana) starts at `i`.
#[inline(always)]
fn starts_fast_cjk(bytes: &[u8], i: usize) -> bool {
    match bytes.get(i) {
        Some(0xE3) => bytes.get(i..).and_then(decode3).is_some_and(is_fast_cjk),
        _ => starts_verbatim_cjk(bytes, i),
    }
}

/// Whether the first character at or after `at` that is not ignorable is a
/// combining mark.
fn followed_by_mark(chunk: &str, at: usize) -> bool {
    match chunk.as_bytes().get(at) {
        None => false,
        Some(&b) if b < 0x80 => false,
        // U+FF00..=U+FF7F: full-width forms, no marks among them.
        Some(&0xEF) if matches!(chunk.as_bytes().get(at + 1), Some(0xBC | 0xBD)) => false,
        // Ideographs and kana (not marks), and U+3000..=U+3029: CJK punctuation
        // up to the first ideographic tone mark.
        Some(_) if starts_fast_cjk(chunk.as_bytes(), at) => false,
        Some(&0xE3)
            if chunk.as_bytes().get(at + 1) == Some(&0x80)
                && chunk.as_bytes().get(at + 2).is_some_and(|&b| b < 0xAA) =>
        {
            false
        }
        Some(_) => chunk
            .get(at..)
            .and_then(|s| s.chars().find(|c| !is_ignorable(*c)))
            .is_some_and(|c| continues_group(c) && !is_ignorable(c)),
    }
}

/// Whether `c` belongs to the group of the character before it: combining marks,
/// the half-width kana voicing marks (NFKC turns them into combining marks) and
/// ignorable characters (dropped).
fn continues_group(c: char) -> bool {
    c >= '\u{AD}'
        && (is_ignorable(c)
            || (c >= '\u{300}'
                && (matches!(c, '\u{FF9E}' | '\u{FF9F}')
                    || (!is_fast_separator(c) && !is_fast_cjk(c as u32) && is_combining_mark(c)))))
}

/// Lower-cases `c` (a character of NFKC output): [`char::to_lowercase`], except
/// that the Turkish capital `İ` and dotless `ı` fold to a plain `i` (a Turkish
/// keyboard types them for `I` and `i`; `İ` would lower-case to `i` plus a
/// combining dot), and katakana to [`hiragana`].
fn lower(c: char) -> std::char::ToLowercase {
    match c {
        '\u{130}' | '\u{131}' => 'i'.to_lowercase(),
        _ => hiragana(c).to_lowercase(),
    }
}

/// The lower-case ASCII letter or digit of a full-width letter or digit.
fn fullwidth_ascii_alnum(c: char) -> Option<u8> {
    if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        let a = u8::try_from(u32::from(c) - 0xFEE0).ok()?;
        return Some(a.to_ascii_lowercase()).filter(|a| a.is_ascii_alphanumeric());
    }
    None
}

/// Whether byte `b` of a separator may belong to a quote marker: `>`, a colon
/// (ASCII, or the last byte of the full-width `：`), or a `-` or `_` of a rule
/// (`--`, `__`). Every marker of [`quoted_ranges`] has one; a text whose
/// separators have none skips the search for quoted lines. All of them are ASCII
/// or fast separators, so the separator runs of the fast paths are where they
/// are noticed (NFKC groups never start with one).
#[inline(always)]
fn quote_mark(b: u8) -> bool {
    matches!(b, b'>' | b':' | b'-' | b'_' | 0x9A)
}

/// Finds quoted text: pushes the ranges of quoted `>` blocks into `out` and returns
/// where the buyer's own words end (an attribution line, a header block or a relay
/// separator, or the end of the text).
///
/// A quote is recognised by its structure, never by one character or word alone:
///
/// - `>` lines ([`quote_line`]: the `>`s are followed by a space, a tab or nothing,
///   so `>:(` is not one) are quoted as a run of consecutive such lines (blank
///   lines between them belong to the run): a run of two or more lines, or a single
///   line one level deep whose words start with a letter when the buyer wrote
///   something before it (an inline reply). A single line first in the message, a
///   deeper one (`>>> still waiting`) or one starting with a digit or a symbol
///   (`> 2 weeks late`: "more than") is the buyer's;
/// - an attribution line ([`is_attribution`]), a header block ([`is_header_block`])
///   and a relay separator ([`is_relay`]) end the buyer's words.
fn quoted_ranges(text: &str, out: &mut Vec<Range<usize>>) -> usize {
    out.clear();
    if !may_quote(text) {
        return text.len();
    }
    let mut words_before = false;
    let mut start = 0;
    while start < text.len() {
        let (line, next) = line_at(text, start);
        let t = line.trim_start_matches([' ', '\t']);
        if let Some((depth, words)) = quote_line(t) {
            let (end, lines) = quote_run(text, start);
            let inline_reply =
                depth == 1 && words_before && words.chars().next().is_some_and(char::is_alphabetic);
            if lines >= 2 || inline_reply {
                out.push(start..end);
            } else {
                words_before |= !words.is_empty();
            }
            start = end.max(next.min(text.len()));
            continue;
        }
        if t.trim_end().is_empty() {
            start = next;
            continue;
        }
        let next_line = || line_at(text, next).0;
        if is_attribution(t, next_line) || is_relay(t) || is_header_block(text, t, next) {
            return start;
        }
        words_before = true;
        start = next;
    }
    text.len()
}

/// The line of `text` at `start` (without its `\n`) and where the next one starts
/// (past the end of `text` after the last line).
fn line_at(text: &str, start: usize) -> (&str, usize) {
    let rest = text.get(start..).unwrap_or("");
    let len = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
    (rest.get(..len).unwrap_or(""), start + len + 1)
}

/// If line `t` (leading blanks trimmed) has the shape of a quoted line, its depth
/// (the number of `>`, `> >` counting two) and its words (trimmed): the `>`s must
/// be followed by a space, a tab or the end of the line, as mail clients write
/// them, so an emoticon (`>:(`) or a comparison written tight (`>2 weeks`) is not
/// one.
fn quote_line(t: &str) -> Option<(usize, &str)> {
    let mut depth = 0;
    let mut rest = t;
    loop {
        if let Some(r) = rest.strip_prefix('>') {
            depth += 1;
            rest = r;
        } else if let Some(r) = rest
            .strip_prefix(' ')
            .filter(|r| depth > 0 && r.starts_with('>'))
        {
            rest = r;
        } else {
            break;
        }
    }
    match rest.chars().next() {
        _ if depth == 0 => None,
        None | Some(' ' | '\t' | '\r') => Some((depth, rest.trim())),
        Some(_) => None,
    }
}

/// The end of the run of [`quote_line`]s from the one at `start` (blank lines
/// between two of them belong to it; the end is just after the last one's `\n`)
/// and how many quote lines it has.
fn quote_run(text: &str, start: usize) -> (usize, usize) {
    let (mut end, mut lines) = (start, 0);
    let mut at = start;
    while at < text.len() {
        let (line, next) = line_at(text, at);
        let t = line.trim_start_matches([' ', '\t']);
        if quote_line(t).is_some() {
            lines += 1;
            end = next;
        } else if !t.trim_end().is_empty() {
            break;
        }
        at = next;
    }
    (end.min(text.len()), lines)
}

/// Whether `text` can hold quoted text at all: every marker needs a `>`, a colon
/// (ASCII or full-width `：`, whose last UTF-8 byte is 0x9A) or a `--`/`__` rule.
/// Most messages have none, and skip the line-by-line look.
fn may_quote(text: &str) -> bool {
    let bytes = text.as_bytes();
    if memchr::memchr3(b'>', b':', 0x9A, bytes).is_some() {
        return true;
    }
    let mut at = 0;
    while let Some(k) = bytes
        .get(at..)
        .and_then(|rest| memchr::memchr2(b'-', b'_', rest))
    {
        let i = at + k;
        if bytes.get(i + 1) == bytes.get(i) {
            return true;
        }
        at = i + 1;
    }
    false
}

/// `t` without trailing spaces and a trailing (full-width) colon.
fn strip_colon(t: &str) -> Option<&str> {
    let t = t.trim_end();
    let t = t.strip_suffix(':').or_else(|| t.strip_suffix('：'))?;
    Some(t.trim_end_matches(|c: char| c.is_whitespace()))
}

/// Whether `s`, lower-cased, is `lower` (which is lower-case).
fn eq_fold(s: &str, lower: &str) -> bool {
    s.chars().flat_map(char::to_lowercase).eq(lower.chars())
}

/// The longest attribution (both lines of a wrapped one), in bytes: clients write
/// a date, a name and an address, not a paragraph.
const MAX_ATTRIBUTION: usize = 300;

/// Whether `s` has what every mail client puts in an attribution: an e-mail
/// address (`@`), a year (four digits in a row) or a time (`9:00`, `9：00`). A
/// weekday or a day of the month alone (`On Monday I wrote:`, `11月3日に書きました：`)
/// is how buyers refer to their own earlier message.
fn dated_or_addressed(s: &str) -> bool {
    let b = s.as_bytes();
    if memchr::memchr(b'@', b).is_some() {
        return true;
    }
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let mut run = 0;
    for (i, &c) in b.iter().enumerate() {
        if c.is_ascii_digit() {
            run += 1;
            if run == 4 {
                return true;
            }
            continue;
        }
        if run > 0 {
            if c == b':' && digit(i + 1) && digit(i + 2) {
                return true;
            }
            if b.get(i..i + 3) == Some("：".as_bytes()) && digit(i + 3) && digit(i + 4) {
                return true;
            }
        }
        run = 0;
    }
    false
}

/// Whether `body` ends with the word `verb` (nothing but a space, `>` or `)`
/// before it, or the start).
fn ends_with_word(body: &str, verb: &str) -> bool {
    body.strip_suffix(verb).is_some_and(|head| {
        head.is_empty() || head.ends_with([' ', '\u{a0}', '>', ')', '"', '\'', ','])
    })
}

/// The last word of `s` (split at white space).
fn last_word(s: &str) -> &str {
    s.split_whitespace().next_back().unwrap_or("")
}

/// Whether line `t` (leading blanks trimmed), or it and the line after it
/// (`next_line`, when `t` opens an attribution and has no colon at its end), is a
/// reply attribution: `On <date>, <name> [<address>] wrote:` and its translations
/// (see [`attribution`]).
fn is_attribution<'a>(t: &str, next_line: impl FnOnce() -> &'a str) -> bool {
    let t = t.trim_end();
    if t.len() > MAX_ATTRIBUTION {
        return false;
    }
    if strip_colon(t).is_some() {
        return attribution(t, "");
    }
    let opens = ["On ", "Am ", "Le ", "El ", "Il ", "在"]
        .iter()
        .any(|o| t.starts_with(o))
        || t.ends_with('に');
    if !opens {
        return false;
    }
    let next = next_line().trim();
    t.len() + next.len() <= MAX_ATTRIBUTION && strip_colon(next).is_some() && attribution(t, next)
}

/// Whether `first` and `second` (empty, or the line `first` wraps onto, which
/// ends with a colon) are an attribution, read as one line that:
///
/// - starts the way the language's clients start it (`On `, `Am `, `Le `, `El `,
///   `Il `, `在`) and ends with its verb and a colon (`wrote:`, `schrieb …:`,
///   `a écrit :`, `escribió:`, `ha scritto:`, `写道：`/`寫道：`); Chinese clients
///   that put the name first (`Jane <x@y> 于…写道：`) need an address; Japanese ends
///   with `書きました：`, or is a dated header `2026年11月3日(月) 9:00 山田 <x@y>:` /
///   `2026/11/03 9:00、山田 <x@y> のメッセージ:` (a year first, a time, an address);
/// - is [`dated_or_addressed`];
/// - does not have the buyer in it (`I wrote:`, `schrieb ich`, `schrieb mir`,
///   `我写道`, `私が書きました`).
fn attribution(first: &str, second: &str) -> bool {
    let last = if second.is_empty() { first } else { second };
    let Some(body) = strip_colon(last) else {
        return false;
    };
    if !dated_or_addressed(first) && !dated_or_addressed(second) {
        return false;
    }
    let has = |s: &str| first.contains(s) || second.contains(s);
    let verb_at_end = |verbs: &[&str]| verbs.iter().any(|v| ends_with_word(body, v));
    if first.starts_with("On ") {
        let before = body.strip_suffix("wrote").unwrap_or("");
        let subject = last_word(before);
        return verb_at_end(&["wrote"])
            && !["i", "we"].iter().any(|p| subject.eq_ignore_ascii_case(p));
    }
    if first.starts_with("Am ") {
        let words = || {
            first
                .split_whitespace()
                .chain(second.split_whitespace())
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        };
        return words().any(|w| matches!(w, "schrieb" | "geschrieben"))
            && !words().any(|w| matches!(w, "ich" | "wir" | "mir" | "uns" | "Ich" | "Wir"));
    }
    if first.starts_with("Le ") {
        return verb_at_end(&["a écrit"]);
    }
    if first.starts_with("El ") {
        return verb_at_end(&["escribió"]);
    }
    if first.starts_with("Il ") {
        return verb_at_end(&["ha scritto"]);
    }
    let zh = ["写道", "寫道"].iter().any(|v| body.ends_with(v));
    if zh {
        return (first.starts_with('在') || has("@")) && !has("我");
    }
    let me = ["私", "わたし", "僕", "俺"].iter().any(|p| has(p));
    if body.ends_with("書きました") {
        return !me;
    }
    // A Japanese dated header: a year first, a time and an address.
    let year_first = first
        .as_bytes()
        .get(..4)
        .is_some_and(|y| y.iter().all(u8::is_ascii_digit))
        && first.get(4..).is_some_and(|r| r.starts_with(['年', '/']));
    year_first
        && has("@")
        && !me
        && (body.ends_with('>') || body.ends_with("のメッセージ") || body.ends_with("のメール"))
}

/// What a mail header line names: who sent it, who got it, or when and what
/// (the keys of Outlook-style header blocks, in every supported language).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeaderKey {
    From,
    To,
    SentOrSubject,
}

const HEADER_FROM: &[&str] = &[
    "from",
    "von",
    "de",
    "da",
    "发件人",
    "寄件者",
    "寄件人",
    "差出人",
];
const HEADER_TO: &[&str] = &[
    "to",
    "cc",
    "bcc",
    "an",
    "à",
    "a",
    "para",
    "收件人",
    "收件者",
    "抄送",
    "副本",
    "宛先",
];
const HEADER_SENT_OR_SUBJECT: &[&str] = &[
    "sent",
    "date",
    "subject",
    "gesendet",
    "datum",
    "betreff",
    "envoyé",
    "envoyé le",
    "objet",
    "enviado",
    "enviado el",
    "fecha",
    "asunto",
    "inviato",
    "data",
    "oggetto",
    "发送时间",
    "时间",
    "日期",
    "主题",
    "寄件日期",
    "傳送時間",
    "主旨",
    "送信日時",
    "日付",
    "件名",
];

/// The key of header line `t` (leading blanks trimmed): a known key (any case,
/// `*bold*` or not) then a colon (ASCII or full-width, spaces before it allowed, as
/// French puts one), near the start of the line.
fn header_key(t: &str) -> Option<HeaderKey> {
    let t = t.trim_start_matches('*');
    let (at, _) = t
        .char_indices()
        .take_while(|&(i, _)| i <= 24)
        .find(|&(_, c)| matches!(c, ':' | '：'))?;
    let key = t
        .get(..at)?
        .trim_end_matches([' ', '\t', '\u{a0}', '\u{202f}', '*']);
    let known = |keys: &[&str]| keys.iter().any(|k| eq_fold(key, k));
    if known(HEADER_FROM) {
        Some(HeaderKey::From)
    } else if known(HEADER_SENT_OR_SUBJECT) {
        Some(HeaderKey::SentOrSubject)
    } else if known(HEADER_TO) {
        Some(HeaderKey::To)
    } else {
        None
    }
}

/// How many lines after a header line the rest of its block may take (`To:` and
/// `Cc:` lists wrap).
const HEADER_WINDOW: usize = 5;

/// Whether line `t` (leading blanks trimmed; the next line of `text` starts at
/// `next`) begins a header block: it is a header line, and it and the
/// [`HEADER_WINDOW`] lines after it have a `From`-like line and a `Sent`, `Date` or
/// `Subject`-like one (`From:` and `To:` alone also describe a route).
fn is_header_block(text: &str, t: &str, next: usize) -> bool {
    let mut at = next;
    let Some(key) = header_key(t) else {
        return false;
    };
    let (mut from, mut sent) = (key == HeaderKey::From, key == HeaderKey::SentOrSubject);
    for _ in 0..HEADER_WINDOW {
        if (from && sent) || at >= text.len() {
            break;
        }
        let (line, next) = line_at(text, at);
        match header_key(line.trim_start()) {
            Some(HeaderKey::From) => from = true,
            Some(HeaderKey::SentOrSubject) => sent = true,
            _ => {}
        }
        at = next;
    }
    from && sent
}

/// The phrases of relay separators (`----- Original Message -----`), lower-case.
const RELAY_PHRASES: &[&str] = &[
    "original message",
    "forwarded message",
    "ursprüngliche nachricht",
    "weitergeleitete nachricht",
    "message d'origine",
    "message transféré",
    "mensaje original",
    "mensaje reenviado",
    "messaggio originale",
    "messaggio inoltrato",
    "原始邮件",
    "原始郵件",
    "转发邮件",
    "轉寄郵件",
    "元のメッセージ",
    "転送されたメッセージ",
];

/// Whether line `t` (leading blanks trimmed) is a relay separator: a rule of `-`
/// or `_` (two or more) and a known phrase, and nothing else on the line (so `I
/// sent the --original message-- again` is the buyer's words).
fn is_relay(t: &str) -> bool {
    if !t.starts_with("--") && !t.starts_with("__") {
        return false;
    }
    let phrase = t.trim_matches(|c: char| matches!(c, '-' | '_' | '\u{a0}') || c.is_whitespace());
    phrase.len() <= 48 && RELAY_PHRASES.iter().any(|p| eq_fold(phrase, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference normalisation: whole-text NFKC (ignorables removed first), lower-case
    /// (`İ` and `ı` as `i`, katakana as hiragana), separator folding. No quote
    /// handling.
    fn reference(text: &str) -> String {
        let cleaned: String = text.chars().filter(|c| !is_ignorable(*c)).collect();
        let mut out = String::new();
        let mut sep = false;
        let folded = cleaned.nfkc().flat_map(|c| match c {
            'İ' | 'ı' => 'i'.to_lowercase(),
            'ァ'..='ヶ' | 'ヽ' | 'ヾ' => {
                char::from_u32(c as u32 - 0x60).unwrap().to_lowercase()
            }
            _ => c.to_lowercase(),
        });
        for c in folded {
            if c.is_alphanumeric() || is_combining_mark(c) {
                if sep && !out.is_empty() {
                    out.push(' ');
                }
                sep = false;
                out.push(c);
            } else {
                sep = true;
            }
        }
        out
    }

    #[test]
    fn folds_what_buyers_type() {
        let table: &[(&str, &str, &str)] = &[
            ("ascii", "Hello, World!", "hello world"),
            ("full_width", "Ａ－ｔｏ－ｚ ｃｌａｉｍ", "a to z claim"),
            ("full_width_digits", "订单１２３", "订单123"),
            ("hyphen_2010", "A\u{2010}to\u{2010}z", "a to z"),
            ("nb_hyphen_2011", "A\u{2011}to\u{2011}z", "a to z"),
            ("figure_dash_2012", "A\u{2012}to\u{2012}z", "a to z"),
            ("en_dash_2013", "A\u{2013}z", "a z"),
            ("em_dash_2014", "A\u{2014}to\u{2014}z", "a to z"),
            ("bar_2015", "A\u{2015}to\u{2015}z", "a to z"),
            ("minus_2212", "A\u{2212}to\u{2212}z", "a to z"),
            ("zwsp", "da\u{200B}maged", "damaged"),
            ("zwnj", "da\u{200C}maged", "damaged"),
            ("zwj", "da\u{200D}maged", "damaged"),
            ("word_joiner", "da\u{2060}maged", "damaged"),
            ("bom", "\u{FEFF}damaged", "damaged"),
            (
                "curly_quotes",
                "didn\u{2019}t \u{201C}arrive\u{201D}",
                "didn t arrive",
            ),
            ("straight_quote", "didn't", "didn t"),
            ("runs", "  --a--  b--  ", "a b"),
            ("empty", "", ""),
            ("only_separators", " -- !! ", ""),
            ("cjk", "我的包裹没有收到。", "我的包裹没有收到"),
            ("cjk_e4", "一丁上下不了䶵", "一丁上下不了䶵"),
            ("hexagram", "a䷀b", "a b"),
            ("cjk_punct", "损坏，退款！", "损坏 退款"),
            ("long_vowel", "クレーム", "くれーむ"),
            ("half_width_kana", "ｸﾚｰﾑ", "くれーむ"),
            ("kana_voicing", "か\u{3099}", "が"),
            ("combining_acute", "cafe\u{301}", "café"),
            ("combining_after_zw", "cafe\u{200B}\u{301}", "café"),
            ("upper_accent", "ÉCHANGE", "échange"),
            ("german", "Straße KAPUTT", "straße kaputt"),
            (
                "long_ascii_then_non_ascii",
                "abcdefghijklmnoß xyz",
                "abcdefghijklmnoß xyz",
            ),
            (
                "long_ascii_then_punct",
                "abcdefgh ijklmnop, q",
                "abcdefgh ijklmnop q",
            ),
            ("ligature", "ﬁne", "fine"),
            ("nbsp", "a\u{A0}b", "a b"),
            ("ideographic_space", "退款\u{3000}退货", "退款 退货"),
            ("mixed", "我要A-to-Z claim退款", "我要a to z claim退款"),
            ("fullwidth_mark", "Ｅ\u{301}", "é"),
        ];
        for (name, input, want) in table {
            assert_eq!(normalize(input), *want, "{name}");
            assert_eq!(reference(input), *want, "{name} (reference)");
        }
    }

    #[test]
    fn drops_default_ignorable_code_points() {
        // (name, input, normalised): every range of Default_Ignorable_Code_Point.
        let table: &[(&str, &str, &str)] = &[
            ("soft_hyphen", "my law\u{AD}yer", "my lawyer"),
            ("soft_hyphens", "char\u{AD}ge\u{AD}back", "chargeback"),
            ("cgj", "re\u{34F}fund", "refund"),
            ("arabic_letter_mark", "re\u{61C}fund", "refund"),
            ("hangul_fillers", "re\u{115F}fu\u{1160}nd", "refund"),
            ("khmer_inherent", "re\u{17B4}fu\u{17B5}nd", "refund"),
            ("mongolian_fvs", "re\u{180B}fu\u{180E}nd\u{180F}", "refund"),
            ("lrm", "re\u{200E}fund", "refund"),
            ("rlm", "re\u{200F}fund", "refund"),
            ("bidi_embedding", "\u{202B}refund\u{202C} now", "refund now"),
            ("bidi_override", "re\u{202E}fund", "refund"),
            ("invisible_times", "re\u{2062}fund", "refund"),
            ("bidi_isolates", "\u{2066}refund\u{2069}", "refund"),
            ("nominal_digit_shapes", "re\u{206F}fund", "refund"),
            ("hangul_filler", "re\u{3164}fund", "refund"),
            ("vs16", "charge\u{FE0F}back", "chargeback"),
            ("vs1", "charge\u{FE00}back", "chargeback"),
            ("halfwidth_hangul_filler", "re\u{FFA0}fund", "refund"),
            ("reserved_fff0", "re\u{FFF0}fund", "refund"),
            ("shorthand_format", "re\u{1BCA0}fund", "refund"),
            ("musical_beam", "re\u{1D173}fund", "refund"),
            ("tags", "re\u{E0001}f\u{E0041}und\u{E007F}", "refund"),
            ("vs17", "charge\u{E0100}back", "chargeback"),
            ("reserved_e0fff", "re\u{E0FFF}fund", "refund"),
            ("between_cjk", "损\u{200E}坏", "损坏"),
            ("after_cjk_before_mark", "か\u{FE0F}\u{3099}", "が"),
            ("soft_hyphen_before_mark", "cafe\u{AD}\u{301}", "café"),
            ("between_full_width", "ｒｅ\u{AD}ｆｕｎｄ", "refund"),
            ("emoji_selector", "ok\u{2764}\u{FE0F}ok", "ok ok"),
            ("beside_separators", "a \u{200E} b", "a b"),
            ("only_ignorables", "\u{AD}\u{200E}\u{FE0F}", ""),
        ];
        for (name, input, want) in table {
            assert_eq!(normalize(input), *want, "{name}");
            assert_eq!(reference(input), *want, "{name} (reference)");
            assert_eq!(fed_exactly(input), Ok(()), "{name}");
        }
    }

    #[test]
    fn folds_turkish_keyboard_capitals() {
        // (name, input, normalised)
        let table: &[(&str, &str, &str)] = &[
            ("all_caps", "I WİLL FİLE A CLAİM", "i will file a claim"),
            ("dotless", "refund ıtem", "refund item"),
            (
                "dotless_caps_word",
                "THE ıTEM İS MİSSİNG",
                "the item is missing",
            ),
            ("word_start", "İADE", "iade"),
            ("word_end", "TAXİ", "taxi"),
            ("alone", "İ", "i"),
            ("decomposed_capital", "CLAI\u{307}M", "claim"),
            ("full_width_before", "ＣＬＡİＭ", "claim"),
            ("beside_cjk", "退款İ退货", "退款i退货"),
            ("accent_after", "İ\u{301}", "i\u{301}"),
            ("ignorable_inside", "Cİ\u{AD}TY", "city"),
            // Only these two: other dotted or dotless letters keep their marks.
            ("lower_dotted_kept", "i\u{307}", "i\u{307}"),
            ("dotless_j_kept", "\u{237}", "\u{237}"),
        ];
        for (name, input, want) in table {
            assert_eq!(normalize(input), *want, "{name}");
            assert_eq!(reference(input), *want, "{name} (reference)");
            assert_eq!(fed_exactly(input), Ok(()), "{name}");
        }
    }

    #[test]
    fn folds_katakana_to_hiragana() {
        // (name, input, normalised)
        let table: &[(&str, &str, &str)] = &[
            ("katakana", "チャージバック", "ちゃーじばっく"),
            ("hiragana_stays", "ちゃーじばっく", "ちゃーじばっく"),
            (
                "mixed_sentence",
                "カード会社にチャージバックを依頼",
                "かーど会社にちゃーじばっくを依頼",
            ),
            ("half_width", "ﾁｬｰｼﾞﾊﾞｯｸ", "ちゃーじばっく"),
            ("half_width_dakuten", "ﾀﾞﾒ", "だめ"),
            ("half_width_handakuten", "ﾊﾟｽ", "ぱす"),
            ("combining_voicing", "カ\u{3099}ード", "がーど"),
            ("combining_voicing_last", "ハ\u{309A}", "ぱ"),
            (
                "small_letters",
                "ァィゥェォッャュョヮ",
                "ぁぃぅぇぉっゃゅょゎ",
            ),
            ("vu_ka_ke", "ヴヵヶ", "ゔゕゖ"),
            ("iteration_marks", "ヽヾ", "ゝゞ"),
            ("prolonged_mark_stays", "ー", "ー"),
            ("no_hiragana_kept", "ヷヸヹヺ", "ヷヸヹヺ"),
            ("wa_voiced_composes", "ワ\u{3099}", "ヷ"),
            ("koto_digraph", "ヿ", "こと"),
            ("circled", "㋐", "あ"),
            ("squared_word", "㌀", "あぱーと"),
            ("middle_dot_separates", "クレーム・返品", "くれーむ 返品"),
            ("after_ascii", "Amazonマーケット", "amazonまーけっと"),
            ("after_separator", "返品、クレーム", "返品 くれーむ"),
            ("ignorable_inside", "クレ\u{200B}ーム", "くれーむ"),
        ];
        for (name, input, want) in table {
            assert_eq!(normalize(input), *want, "{name}");
            assert_eq!(reference(input), *want, "{name} (reference)");
            assert_eq!(fed_exactly(input), Ok(()), "{name}");
        }
    }

    #[test]
    fn fast_cjk_agrees_with_the_slow_path() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let one = c.to_string();
            if is_verbatim_cjk(c as u32) {
                assert_eq!(reference(&one), one, "U+{:04X}", c as u32);
            }
            if is_katakana(c as u32) {
                assert_eq!(
                    reference(&one),
                    hiragana(c).to_string(),
                    "U+{:04X}",
                    c as u32
                );
                assert_eq!(normalize(&one), reference(&one), "U+{:04X}", c as u32);
            }
            if is_fast_cjk(c as u32) {
                assert!(
                    !is_combining_mark(c) && !continues_group(c),
                    "U+{:04X}",
                    c as u32
                );
            }
        }
    }

    #[test]
    fn ignorables_are_neither_separators_nor_copied() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if is_ignorable(c) {
                assert!(
                    !is_fast_separator(c),
                    "U+{:04X} is a fast separator",
                    c as u32
                );
                assert!(!is_fast_cjk(c as u32), "U+{:04X} is fast CJK", c as u32);
                assert!(continues_group(c), "U+{:04X} ends a group", c as u32);
            }
        }
    }

    #[test]
    fn skips_quoted_text() {
        let table: &[(&str, &str, &str)] = &[
            (
                "gt_lines",
                "still broken\n> it arrived damaged\nplease help",
                "still broken please help",
            ),
            ("gt_indented", "ok\n   > refund\nthanks", "ok thanks"),
            (
                "on_wrote",
                "Where is it?\nOn Mon, 2 Nov 2026, Shop <s@x.com> wrote:\nwe refund you",
                "where is it",
            ),
            (
                "on_wrote_wrapped",
                "Where is it?\nOn Mon, 2 Nov 2026 at 10:00, Shop <\ns@x.com> wrote:\nrefund",
                "where is it",
            ),
            (
                "le_ecrit",
                "Merci\nLe 2 nov. 2026, Shop a écrit :\nremboursement",
                "merci",
            ),
            (
                "am_schrieb",
                "Danke\nAm 2. Nov. 2026 schrieb Shop <s@x.de>:\nkaputt",
                "danke",
            ),
            (
                "el_escribio",
                "Gracias\nEl lun, 2 nov 2026, Shop escribió:\nroto",
                "gracias",
            ),
            (
                "zai_xiedao",
                "谢谢\n在 2026年11月2日，Shop 写道：\n退款",
                "谢谢",
            ),
            ("relay", "Hi\n----- Original Message -----\nrefund", "hi"),
            ("outlook", "Hi\n-----Original Message-----\nrefund", "hi"),
            (
                "on_without_wrote",
                "On Monday it broke",
                "on monday it broke",
            ),
            ("gt_mid_line", "a > b", "a b"),
            (
                "kakimashita",
                "ありがとう\n2026年11月2日 Shop さんは書きました：\n返金",
                "ありがとう",
            ),
            (
                "underscore_relay",
                "Hi\n__ Original Message __\nrefund",
                "hi",
            ),
            ("single_dashes", "A-to-z claim - now", "a to z claim now"),
        ];
        for (name, input, want) in table {
            assert_eq!(normalize(input), *want, "{name}");
        }
    }

    #[test]
    fn skips_quoted_history_by_its_structure() {
        // (name, input, what is left: the buyer's new words)
        let table: &[(&str, &str, &str)] = &[
            (
                "en_header_block",
                "Cheers, sorted!\n\nFrom: Help Desk <help@shop.example>\nSent: Monday, \
                 November 2, 2026 9:14 AM\nTo: Sam\nSubject: RE: lamp\n\nSorry it came broken",
                "cheers sorted",
            ),
            (
                "en_header_bold_after_rule",
                "ok\n________________________________\n*From:* Help Desk\n*Date:* 2 Nov \
                 2026\n\nrefund issued",
                "ok",
            ),
            (
                "en_header_subject_first",
                "fine\nSubject: your refund\nDate: Tue, 3 Nov 2026\nFrom: Help Desk\n\nrefund",
                "fine",
            ),
            (
                "en_header_wrapped_cc",
                "ok\nFrom: Help Desk\nTo: Sam\nCc: Team A,\n Team B\nSubject: RE: x\n\nrefund",
                "ok",
            ),
            (
                "de_header_block",
                "Passt, danke\nVon: Kundenservice\nGesendet: Dienstag, 3. November 2026 \
                 08:30\nAn: Sam\nBetreff: AW: Lampe\n\nIhr Paket ist beschädigt",
                "passt danke",
            ),
            (
                "fr_header_block",
                "Parfait\nDe : Service client\nEnvoyé : mardi 3 novembre 2026 08:30\n\
                 À : Sam\nObjet : RE : lampe\n\nvotre colis est abîmé",
                "parfait",
            ),
            (
                "es_header_block",
                "Perfecto\nDe: Atención al cliente\nEnviado: martes, 3 de noviembre de \
                 2026\nPara: Sam\nAsunto: RE: lámpara\n\nsu paquete llegó roto",
                "perfecto",
            ),
            (
                "it_header_block",
                "Perfetto\nDa: Assistenza\nInviato: martedì 3 novembre 2026 08:30\nA: Sam\n\
                 Oggetto: R: lampada\n\nil pacco è rotto",
                "perfetto",
            ),
            (
                "zh_hans_header_block",
                "好的，解决了\n发件人: 客服\n发送时间: 2026年11月3日 8:30\n收件人: 买家\n\
                 主题: 回复: 台灯\n\n您的包裹损坏了",
                "好的 解决了",
            ),
            (
                "zh_hans_header_fullwidth_colon",
                "收到\n发件人：客服\n主题：退款\n\n退款已处理",
                "收到",
            ),
            (
                "zh_hant_header_block",
                "好的\n寄件者: 客服\n寄件日期: 2026年11月3日\n收件者: 買家\n主旨: 檯燈\n\n\
                 商品損壞",
                "好的",
            ),
            (
                "ja_header_block",
                "承知しました\n差出人: サポート\n送信日時: 2026年11月3日 8:30\n宛先: 山田\n\
                 件名: RE: ご注文\n\n商品が破損",
                "承知しました",
            ),
            (
                "de_wrapped_address",
                "Alles klar\nAm 03.11.2026 um 08:30 schrieb Kundenservice\n\
                 <hilfe@shop.example>:\n> kaputt",
                "alles klar",
            ),
            (
                "de_wrapped_verb",
                "Alles klar\nAm Di., 3. Nov. 2026 um 08:30 Uhr\nschrieb Kundenservice \
                 <hilfe@shop.example>:\nkaputt",
                "alles klar",
            ),
            (
                "fr_wrapped",
                "Merci\nLe mar. 3 nov. 2026 à 08:30, Service <aide@\nshop.example> a écrit :\n\
                 remboursement",
                "merci",
            ),
            (
                "es_wrapped",
                "Gracias\nEl mar, 3 nov 2026 a las 8:30, Soporte\n<ayuda@shop.example> \
                 escribió:\nroto",
                "gracias",
            ),
            (
                "it_wrapped",
                "Grazie\nIl giorno mar 3 nov 2026 alle ore 08:30 Assistenza\n\
                 <aiuto@shop.example> ha scritto:\nrotto",
                "grazie",
            ),
            (
                "zh_hans_wrapped",
                "谢谢\n在 2026年11月3日 8:30，客服\n<help@shop.example> 写道：\n退款",
                "谢谢",
            ),
            (
                "zh_hans_name_first",
                "收到了\n客服 <help@shop.example> 于2026年11月3日周二 8:30写道：\n退款",
                "收到了",
            ),
            (
                "zh_hant_name_first",
                "收到了\n客服 <help@shop.example> 於 2026年11月3日 週二 上午8:30 寫道：\n退款",
                "收到了",
            ),
            (
                "ja_wrapped",
                "了解です\n2026年11月3日 8:30 に\nサポート <help@shop.example> が書きました：\n\
                 返金",
                "了解です",
            ),
            (
                "ja_dated",
                "了解です\n2026年11月3日(火) 8:30 サポート <help@shop.example>:\n返金",
                "了解です",
            ),
            (
                "ja_dated_message",
                "了解です\n2026/11/03 8:30、サポート <help@shop.example> のメッセージ:\n返金",
                "了解です",
            ),
            (
                "en_apple_after_signature",
                "Sent from my phone\n\nOn Nov 3, 2026, at 09:14, Help <help@shop.example> \
                 wrote:\n\n> Hello,\n>\n> refund",
                "sent from my phone",
            ),
            (
                "es_gmail_parenthesised_address",
                "Vale\nEl mar, 3 nov 2026 a las 9:14, Soporte (<ayuda@shop.example>) escribió:\n\
                 roto",
                "vale",
            ),
            (
                "de_gmail_one_line",
                "Ok\nAm Di., 3. Nov. 2026 um 09:14 Uhr schrieb Hilfe <hilfe@shop.example>:\nkaputt",
                "ok",
            ),
            (
                "ja_apple_mail",
                "了解\n2026/11/03 9:14、サポート <help@shop.example>のメール:\n返金",
                "了解",
            ),
            (
                "zh_hant_no_space_before_verb",
                "收到\n客服 <help@shop.example> 於 2026年11月3日 週二 上午9:14寫道：\n退款",
                "收到",
            ),
            (
                "header_block_crlf",
                "ok\r\nFrom: Help\r\nSent: Tuesday\r\nTo: Sam\r\n\r\nrefund",
                "ok",
            ),
            (
                "gt_interleaved_answers",
                "Hi,\n> Did it arrive damaged?\nNo.\n> Do you want a refund?\nYes please",
                "hi no yes please",
            ),
            (
                "forwarded_relay",
                "fyi\n---------- Forwarded message ---------\nrefund",
                "fyi",
            ),
            (
                "zh_relay",
                "看下面\n------------------ 原始邮件 ------------------\n退款",
                "看下面",
            ),
            (
                "gt_run",
                "Still broken\n> Please send a photo\n> of the damage\nHere it is",
                "still broken here it is",
            ),
            (
                "gt_run_first",
                "> we shipped it\n> on Monday\nIt never came",
                "it never came",
            ),
            (
                "gt_run_blank_inside",
                "ok\n> refund\n\n> soon\nyes",
                "ok yes",
            ),
            ("gt_nested", "ok\n> > refund\n> sure\nthanks", "ok thanks"),
            ("gt_crlf", "ok\r\n> refund\r\n> soon\r\nyes", "ok yes"),
            (
                "gt_after_attribution",
                "ok\nOn Tue, 3 Nov 2026 at 08:30, Help <help@shop.example> wrote:\n\
                 > refund\n>> damaged",
                "ok",
            ),
        ];
        for (name, input, want) in table {
            assert_eq!(normalize(input), *want, "{name}");
            assert_eq!(fed_exactly(input), Ok(()), "{name}");
        }
    }

    #[test]
    fn keeps_the_buyers_own_words() {
        // (name, input, its normalisation: nothing skipped)
        let table: &[(&str, &str)] = &[
            ("gt_emoticon", ">:( still nothing"),
            ("gt_whole_message", "> 2 weeks late, I will file a claim"),
            ("gt_first_line", "> It arrived damaged\nplease help"),
            ("gt_digit_after_words", "Hello\n> 2 weeks late now"),
            ("gt_tight", "Hi\n>2 weeks and nothing"),
            ("gt_deep_lone", ">>> still waiting!!!"),
            (
                "gt_deep_lone_after_words",
                "Hello?\n>>> still waiting!!!\nanswer me",
            ),
            ("gt_run_broken_by_emoticon", "> one\n>:( two"),
            ("en_i_wrote", "On Monday I wrote:\nthe lamp is broken"),
            (
                "en_i_wrote_dated",
                "On 2 Nov 2026 I wrote:\nthe lamp is broken",
            ),
            (
                "en_you_wrote",
                "On Nov 3 you wrote:\nrefund in 2 days. Nothing yet",
            ),
            (
                "en_wrote_no_colon",
                "On 2 Nov 2026 at 9:00 Sam wrote that it broke",
            ),
            (
                "de_ich",
                "Am Montag schrieb ich Ihnen:\ndas Paket ist kaputt",
            ),
            ("de_ich_dated", "Am 02.11.2026 schrieb ich Ihnen:\nkaputt"),
            ("de_ich_before_colon", "Am 02.11.2026 schrieb ich:\nkaputt"),
            (
                "de_mir",
                "Am 02.11.2026 schrieb mir der Verkäufer:\nErstattung kommt. Nichts kam",
            ),
            (
                "de_no_date",
                "Am Montag schrieb der Verkäufer:\nnichts passiert",
            ),
            (
                "fr_jai_ecrit",
                "Le 2 novembre j'ai écrit :\nle colis est abîmé",
            ),
            ("fr_no_date", "Le vendeur a écrit :\nrien"),
            ("es_escribi", "El lunes le escribí:\nllegó roto"),
            ("es_no_date", "El vendedor escribió:\nnada"),
            ("it_ho_scritto", "Il 2 novembre ho scritto:\nè rotto"),
            ("it_no_date", "Il venditore ha scritto:\nniente"),
            ("zh_hans_me", "在11月2日我写道：\n东西坏了"),
            ("zh_hans_no_date", "在上周客服写道：\n会退款"),
            ("zh_hans_mail", "我在邮件里写道：\n东西坏了"),
            ("zh_hant_me", "在2026年11月2日我寫道：\n東西壞了"),
            ("zh_hant_no_address", "客服於週二寫道：\n會退款"),
            (
                "ja_no_date",
                "前回のメールにも書きました：\n商品が壊れています",
            ),
            ("ja_day_only", "11月2日にも書きました：\n返金してください"),
            ("ja_me", "2026年11月2日に私が書きました：\n返金してください"),
            (
                "relay_in_sentence",
                "I forwarded the --original message-- to you and still nothing",
            ),
            (
                "relay_with_words",
                "-- original message: see below, still nothing",
            ),
            (
                "de_relay_in_sentence",
                "-- Ursprüngliche Nachricht -- habe ich weitergeleitet",
            ),
            ("route", "From: Berlin\nTo: Munich\nit never arrived"),
            ("gt_face", "Hi\n>.< broken again"),
            ("gt_symbols_only", "Hi\n> _ <"),
            ("it_route", "Da: Roma\nA: Milano\nil pacco non è arrivato"),
            (
                "order_fields",
                "Order: 123-456\nStatus: not arrived\nDate: 3 Nov",
            ),
            ("signature_rule", "broken\n-- \nSam"),
            ("subject_alone", "Subject: broken lamp\nit never arrived"),
            ("de_route", "Von: Hamburg\nAn: Köln\nkam nie an"),
            ("zh_single_header", "发件人：我\n东西坏了"),
            ("header_far_apart", "From: me\na\nb\nc\nd\ne\nf\nSubject: x"),
        ];
        for (name, input) in table {
            assert_eq!(normalize(input), reference(input), "{name}");
            assert_eq!(fed_exactly(input), Ok(()), "{name}");
        }
    }

    #[test]
    fn may_quote_only_rules_out_texts_without_markers() {
        // (input, whether it may hold quoted text)
        let table: &[(&str, bool)] = &[
            ("", false),
            ("It came broken, where is my order?", false),
            ("A-to-z claim - now_please", false),
            ("包裹没有收到，请处理。", false),
            ("> quoted", true),
            ("Time: 10:00", true),
            ("谢谢：", true),
            ("line\n-- sig", true),
            ("a__b", true),
        ];
        for (input, want) in table {
            assert_eq!(may_quote(input), *want, "{input:?}");
        }
    }

    #[test]
    fn spans_map_back_to_typed_characters() {
        let table: &[(&str, &str, &str, Option<&str>)] = &[
            ("ascii", "It is DAMAGED!", "damaged", Some("DAMAGED")),
            (
                "full_width",
                "ｉｔ ＤＡＭＡＧＥＤ",
                "damaged",
                Some("ＤＡＭＡＧＥＤ"),
            ),
            (
                "dashes",
                "an A\u{2013}to\u{2013}Z claim",
                "a to z",
                Some("A\u{2013}to\u{2013}Z"),
            ),
            (
                "zero_width",
                "da\u{200B}maged box",
                "damaged",
                Some("da\u{200B}maged"),
            ),
            ("cjk", "收到的商品损坏了", "损坏", Some("损坏")),
            (
                "full_width_stride",
                "Ａ－ｔｏ－ｚ　ｃｌａｉｍ",
                "to z",
                Some("ｔｏ－ｚ"),
            ),
            ("three_ascii_separators", "a, -b", "a b", Some("a, -b")),
            (
                "soft_hyphen_inside",
                "my law\u{AD}yer",
                "lawyer",
                Some("law\u{AD}yer"),
            ),
            (
                "bidi_marks_inside_and_around",
                "\u{202B}re\u{200E}fund\u{202C}",
                "refund",
                Some("re\u{200E}fund"),
            ),
            (
                "selector_inside",
                "a charge\u{FE0F}back",
                "chargeback",
                Some("charge\u{FE0F}back"),
            ),
            (
                "tag_inside_cjk",
                "损\u{E0041}坏了",
                "损坏",
                Some("损\u{E0041}坏"),
            ),
            (
                "turkish_capitals",
                "I WİLL FİLE A CLAİM",
                "will file",
                Some("WİLL FİLE"),
            ),
            ("turkish_capital_last", "A CLAİ", "clai", Some("CLAİ")),
            ("turkish_capital_only", "İADE", "i", Some("İ")),
            ("dotless", "refund ıtem", "item", Some("ıtem")),
            (
                "decomposed_capital",
                "CLAI\u{307}M now",
                "claim",
                Some("CLAI\u{307}M"),
            ),
            (
                "katakana",
                "カードにチャージバック",
                "ちゃーじばっく",
                Some("チャージバック"),
            ),
            ("katakana_inside", "チャージバック", "じば", Some("ジバ")),
            (
                "half_width_kana",
                "ﾁｬｰｼﾞﾊﾞｯｸです",
                "ちゃーじばっく",
                Some("ﾁｬｰｼﾞﾊﾞｯｸ"),
            ),
            ("half_width_voiced", "ｼﾞ", "じ", Some("ｼﾞ")),
            (
                "kana_mixed",
                "返金してクダサイ",
                "してください",
                Some("してクダサイ"),
            ),
            (
                "combining_voicing",
                "カ\u{3099}ードです",
                "がーど",
                Some("カ\u{3099}ード"),
            ),
            ("ligature_whole", "ﬁne", "fine", Some("ﬁne")),
            ("ligature_inside", "ﬁne", "ine", None),
            ("combining", "cafe\u{301} x", "café", Some("cafe\u{301}")),
            (
                "quote_skipped",
                "refund\n> old\nnow",
                "refund now",
                Some("refund\n> old\nnow"),
            ),
        ];
        for (name, input, needle, want) in table {
            let n = Normalized::of(input);
            let at = n.as_str().find(needle).unwrap();
            let got = n.original_range(at..at + needle.len());
            assert_eq!(got.map(|r| &input[r]), *want, "{name}");
        }
    }

    /// Records what a normalisation feeds.
    #[derive(Default)]
    struct Recorder {
        bytes: Vec<u8>,
        ends: Vec<usize>,
    }

    /// Its state is the last byte fed, and every state is a match: it records
    /// each byte.
    impl Feed for Recorder {
        type State = u8;

        fn state(&self) -> u8 {
            0
        }

        fn set_state(&mut self, _state: u8) {}

        fn next(&self, _state: u8, byte: u8) -> u8 {
            byte
        }

        fn is_match(&self, _state: u8) -> bool {
            true
        }

        fn record(&mut self, byte: u8, end: usize) {
            self.bytes.push(byte);
            self.ends.push(end);
        }

        fn restart(&mut self) {
            self.bytes.clear();
            self.ends.clear();
        }
    }

    /// Normalises `text` feeding a recorder; checks that it saw exactly the
    /// normalised bytes, in order, each with the text's length after it.
    fn fed_exactly(text: &str) -> Result<(), String> {
        let mut n = Normalized::new();
        let mut rec = Recorder::default();
        n.normalize_feeding(text, &mut rec);
        if rec.bytes != n.as_str().as_bytes() {
            return Err(format!(
                "{text:?}: fed {:?}, text {:?}",
                rec.bytes,
                n.as_str()
            ));
        }
        let want: Vec<usize> = (1..=n.as_str().len()).collect();
        if rec.ends != want {
            return Err(format!("{text:?}: ends {:?}", rec.ends));
        }
        if n != Normalized::of(text) {
            return Err(format!("{text:?}: fed and plain normalisations differ"));
        }
        Ok(())
    }

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

    #[test]
    fn original_range_rejects_bad_ranges() {
        let n = Normalized::of("abc");
        assert_eq!(n.original_range(0..0), None);
        assert_eq!(n.original_range(2..9), None);
        assert_eq!(Normalized::of("").original_range(0..1), None);
    }

    #[test]
    fn huge_input_is_linear_and_exact() {
        let unit = "Ｍｙ parcel never arrived, 包裹没有收到！ ";
        let text = unit.repeat((1 << 20) / unit.len() + 1);
        assert!(text.len() >= 1 << 20);
        let n = Normalized::of(&text);
        assert_eq!(n.as_str(), reference(&text));
    }

    #[test]
    fn reuse_clears_previous_content() {
        let mut n = Normalized::new();
        n.normalize("Ｆｉｒｓｔ text");
        n.normalize("second");
        assert_eq!(n, Normalized::of("second"));
        assert_eq!(n.original_range(0..6), Some(0..6));
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn piece() -> impl Strategy<Value = String> {
            prop_oneof![
                "[a-zA-Z0-9 ,.!?'-]{1,6}",
                "[a-zA-Z0-9 ]{7,20}",
                Just("Ａ".to_string()),
                Just("ｃｌａｉｍ".to_string()),
                Just("\u{2013}".to_string()),
                Just("\u{2212}".to_string()),
                Just("\u{200B}".to_string()),
                Just("\u{FEFF}".to_string()),
                Just("\u{AD}".to_string()),
                Just("\u{200E}".to_string()),
                Just("\u{2066}".to_string()),
                Just("\u{FE0F}".to_string()),
                Just("\u{3164}".to_string()),
                Just("\u{E0041}".to_string()),
                Just("\u{301}".to_string()),
                Just("é".to_string()),
                Just("ﬁ".to_string()),
                Just("损坏".to_string()),
                Just("損壞".to_string()),
                Just("クレーム".to_string()),
                Just("くれーむ".to_string()),
                Just("ヴヽ".to_string()),
                Just("ワ\u{3099}".to_string()),
                Just("ｸﾚｰﾑ".to_string()),
                Just("ｶﾞ".to_string()),
                Just("ﾞ".to_string()),
                Just("か\u{3099}".to_string()),
                Just("\u{302A}".to_string()),
                Just("。".to_string()),
                Just("，".to_string()),
                Just("\u{3000}".to_string()),
                Just("’".to_string()),
                Just("ß".to_string()),
                Just("İ".to_string()),
                Just("ı".to_string()),
                Just("I\u{307}".to_string()),
                Just("CLAİM".to_string()),
                Just("½".to_string()),
                Just("⑴".to_string()),
            ]
        }

        /// Pieces of messages that quote: markers, line breaks, attributions.
        fn quoting_piece() -> impl Strategy<Value = String> {
            prop_oneof![
                3 => piece(),
                1 => prop_oneof![
                    Just("\n".to_string()),
                    Just("\n> ".to_string()),
                    Just(">".to_string()),
                    Just(" \t> old".to_string()),
                    Just(":".to_string()),
                    Just("：".to_string()),
                    Just(":\u{301}".to_string()),
                    Just("-".to_string()),
                    Just("--".to_string()),
                    Just("__".to_string()),
                    Just("\n-----Original Message-----\n".to_string()),
                    Just("\nOn Mon, 1 Jan wrote:\n".to_string()),
                    Just("\nOn Mon, 1 Jan\nJo wrote:".to_string()),
                    Just("\n在 2024年 写道：\n".to_string()),
                    Just("\nAm Montag schrieb Jo:\n".to_string()),
                    Just("\nAm 1.1.2024 schrieb Jo\n<j@x>:".to_string()),
                    Just("\nOn 1 Jan 2024 I wrote:\n".to_string()),
                    Just("\nFrom: Jo\nSent: 1 Jan\n".to_string()),
                    Just("\nDe : Jo\nObjet : x\n".to_string()),
                    Just("\n发件人：客服\n主题：x\n".to_string()),
                    Just("\n2024年1月1日 9:00 Jo <j@x>:\n".to_string()),
                    Just("\n-- original message --\n".to_string()),
                    Just(">:(".to_string()),
                    Just("\n>>> ".to_string()),
                    Just("\n> 2".to_string()),
                ],
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// The whole-text pass may skip the search for quoted lines only when
            /// there are none, and stopping at the first marker changes nothing:
            /// the result is the one of looking for quoted lines first.
            #[test]
            fn quoted_text_is_always_noticed(parts in proptest::collection::vec(quoting_piece(), 0..12)) {
                let text: String = parts.concat();
                let mut skips = Vec::new();
                let cut = quoted_ranges(&text, &mut skips);
                let quotes = cut < text.len() || !skips.is_empty();
                let n = Normalized::of(&text);
                prop_assert!(!quotes || n.quote_mark, "{:?}", text);
                let mut eager = Normalized::new();
                eager.push_unquoted(&text, &skips, cut, &mut ());
                prop_assert_eq!(n, eager);
            }

            #[test]
            fn feeds_exactly_what_quoting_texts_normalise_to(
                parts in proptest::collection::vec(quoting_piece(), 0..12),
            ) {
                let text: String = parts.concat();
                prop_assert_eq!(fed_exactly(&text), Ok(()));
            }

            #[test]
            fn agrees_with_whole_text_reference(parts in proptest::collection::vec(piece(), 0..12)) {
                let text: String = parts.concat();
                prop_assert_eq!(normalize(&text), reference(&text));
            }

            #[test]
            fn mapped_spans_renormalise_to_the_slice(
                parts in proptest::collection::vec(piece(), 1..10),
                a in 0usize..64,
                b in 0usize..64,
            ) {
                let text: String = parts.concat();
                let n = Normalized::of(&text);
                let len = n.as_str().len();
                let (s, e) = (a.min(b) % (len + 1), a.max(b) % (len + 1));
                if s < e && n.as_str().is_char_boundary(s) && n.as_str().is_char_boundary(e) {
                    let slice = &n.as_str()[s..e];
                    if !slice.starts_with(' ') && !slice.ends_with(' ') {
                        if let Some(r) = n.original_range(s..e) {
                            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                            prop_assert_eq!(normalize(&text[r]), slice);
                        }
                    }
                }
            }

            #[test]
            fn feeds_exactly_the_normalised_bytes(parts in proptest::collection::vec(piece(), 0..12)) {
                let text: String = parts.concat();
                prop_assert_eq!(fed_exactly(&text), Ok(()));
            }

            #[test]
            fn never_panics(text in "\\PC*") {
                let n = Normalized::of(&text);
                let _ = n.original_range(0..n.as_str().len());
            }
        }
    }
}
