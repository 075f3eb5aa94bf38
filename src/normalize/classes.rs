//! Character classes: which characters are kept, copied as they are, folded,
//! removed or read as separators, decided where possible without running NFKC
//! (the fast paths of [`kernels`](super::kernels) rely on them; the slow path
//! handles everything else).

use unicode_normalization::char::is_combining_mark;

pub(super) fn ascii_kept(b: u8) -> bool {
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
pub(super) const fn is_katakana(c: u32) -> bool {
    matches!(c, 0x30A1..=0x30FA)
}

/// The hiragana of katakana `c` (`ァ`..`ヶ` and the iteration marks `ヽ` `ヾ` are
/// the hiragana 0x60 code points lower, with the same UTF-8 length), else `c`:
/// the prolonged sound mark `ー`, used with both, and `ヷ`..`ヺ`, which have no
/// hiragana, stay.
pub(super) const fn hiragana(c: char) -> char {
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
pub(super) const fn is_fast_separator(c: char) -> bool {
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
pub(super) fn decode3(b: &[u8]) -> Option<u32> {
    match b {
        [x, y, z, ..] if (0xE0..0xF0).contains(x) => {
            Some((u32::from(x & 0x0F) << 12) | (u32::from(y & 0x3F) << 6) | u32::from(z & 0x3F))
        }
        _ => None,
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
pub(super) fn lower_kept(b: u8) -> u8 {
    #[allow(clippy::indexing_slicing)] // a `u8` index into 256 entries
    LOWER_KEPT[usize::from(b)]
}

/// Kept ASCII bytes lower-cased, ASCII separators as a space (non-ASCII bytes: 0).
static FOLD_ASCII: [u8; 256] = ascii_table(b' ');

/// The normalised form of an ASCII byte: lower-cased if kept, else a space.
#[inline(always)]
pub(super) fn fold_ascii(b: u8) -> u8 {
    #[allow(clippy::indexing_slicing)] // a `u8` index into 256 entries
    FOLD_ASCII[usize::from(b)]
}

/// The length of the verbatim character (kept ASCII or verbatim CJK) at `i`, or 0.
#[inline(always)]
pub(super) fn verbatim_len(bytes: &[u8], i: usize) -> usize {
    match bytes.get(i) {
        Some(&b) if b < 0x80 => usize::from(lower_kept(b) != 0),
        Some(_) if starts_verbatim_cjk(bytes, i) => 3,
        _ => 0,
    }
}

/// Whether a verbatim CJK character (ideograph, hiragana or `ー`, copied
/// verbatim) starts at `i`.
#[inline(always)]
pub(super) fn starts_verbatim_cjk(bytes: &[u8], i: usize) -> bool {
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
pub(super) fn followed_by_mark(chunk: &str, at: usize) -> bool {
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
pub(super) fn continues_group(c: char) -> bool {
    c >= '\u{AD}'
        && (is_ignorable(c)
            || (c >= '\u{300}'
                && (matches!(c, '\u{FF9E}' | '\u{FF9F}')
                    || (!is_fast_separator(c) && !is_fast_cjk(c as u32) && is_combining_mark(c)))))
}

/// The lower-case ASCII letter or digit of a full-width letter or digit.
pub(super) fn fullwidth_ascii_alnum(c: char) -> Option<u8> {
    if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        let a = u8::try_from(u32::from(c) - 0xFEE0).ok()?;
        return Some(a.to_ascii_lowercase()).filter(|a| a.is_ascii_alphanumeric());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;
    use crate::normalize::test_support::{fed_exactly, reference};

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
}
