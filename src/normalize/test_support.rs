//! Test helpers shared by the normaliser's tests: the whole-text reference
//! normaliser and a feed that records every byte.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::classes::is_ignorable;
use super::{Feed, Normalized};

/// Reference normalisation: whole-text NFKC (ignorables removed first), lower-case
/// (`İ` and `ı` as `i`, katakana as hiragana), separator folding. No quote
/// handling.
pub(crate) fn reference(text: &str) -> String {
    let cleaned: String = text.chars().filter(|c| !is_ignorable(*c)).collect();
    let mut out = String::new();
    let mut sep = false;
    let folded = cleaned.nfkc().flat_map(|c| match c {
        'İ' | 'ı' => 'i'.to_lowercase(),
        'ァ'..='ヶ' | 'ヽ' | 'ヾ' => char::from_u32(c as u32 - 0x60).unwrap().to_lowercase(),
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
pub(crate) fn fed_exactly(text: &str) -> Result<(), String> {
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
