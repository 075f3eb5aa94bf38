//! Text normalisation: folds what buyers type into one searchable form, in one pass,
//! keeping a map back to the original bytes (see [`Normalized`] for the rules).
//!
//! The normaliser is split by concern: [`classes`] (what each character is),
//! [`kernels`] (the fast paths for ASCII, CJK, full-width and katakana runs),
//! [`slow`] (NFKC for everything else), [`offsets`] (the map back to the original
//! text) and [`quote`] (which lines are quoted history, not the buyer's words).

mod classes;
mod kernels;
mod offsets;
mod quote;
mod slow;
#[cfg(test)]
mod test_support;

use std::ops::Range;

pub(crate) use classes::is_cjk;
use quote::quoted_ranges;

/// Normalises `text` (see [`Normalized`] for the rules).
///
/// Use [`Normalized`] to also map positions back to the original text, or to reuse
/// buffers across calls.
///
/// ```
/// use odr_guard::text::{Normalized, normalize};
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
/// use odr_guard::text::Normalized;
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
    /// plain text rarely has (see [`quote_mark`](quote::quote_mark)), so the text is normalised
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::{fed_exactly, reference};

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
