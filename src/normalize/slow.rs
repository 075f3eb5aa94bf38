//! The slow path: one base character and the combining marks after it, through
//! NFKC, lower-casing and separator folding (for what the [fast
//! paths](super::kernels) cannot copy or fold by themselves).

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::classes::{continues_group, hiragana, is_ignorable};
use super::{Feed, Normalized};

impl Normalized {
    /// Normalises the group of one base character at `at` plus its following
    /// combining marks (ignorable characters among them are dropped) with NFKC;
    /// returns the end of the group.
    pub(super) fn slow_group<F: Feed>(
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

#[cfg(test)]
mod tests {
    use crate::normalize::normalize;
    use crate::normalize::test_support::{fed_exactly, reference};

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
}
