//! Writing normalised text, and the offset map from normalised bytes back to
//! the original ones ([`Segment`]s), with the lookup of original ranges.

use std::ops::Range;

use super::{Feed, Normalized, Segment};

impl Normalized {
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
    pub(super) fn emit<F: Feed>(&mut self, s: &str, feed: &mut F) {
        let mut end = self.text.len();
        self.text.push_str(s);
        for &b in s.as_bytes() {
            end += 1;
            feed.feed(b, end);
        }
    }

    /// Writes the pending separator run (if any, and not at the start) as one space.
    pub(super) fn flush_pending<F: Feed>(
        &mut self,
        pending: &mut Option<usize>,
        now: usize,
        feed: &mut F,
    ) {
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
    pub(super) fn map_strided(&mut self, orig: usize, norm: usize, len: usize, stride: u8) {
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
    pub(super) fn push_strided<F: Feed>(&mut self, orig: usize, s: &str, stride: u8, feed: &mut F) {
        self.map_strided(orig, self.text.len(), s.len(), stride);
        self.emit(s, feed);
    }

    pub(super) fn push_opaque_start(&mut self, orig: usize, orig_end: usize) {
        self.segs.push(Segment {
            norm: self.text.len(),
            orig,
            orig_end,
            stride: 0,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn original_range_rejects_bad_ranges() {
        let n = Normalized::of("abc");
        assert_eq!(n.original_range(0..0), None);
        assert_eq!(n.original_range(2..9), None);
        assert_eq!(Normalized::of("").original_range(0..1), None);
    }
}
