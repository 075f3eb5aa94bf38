//! Splitting an mbox file's bytes into messages.

use std::borrow::Cow;

/// One message of an mbox file, with its position for error reports.
///
/// Made by [`split_mbox`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MboxEntry<'a> {
    /// Its number in the file, from 1.
    pub index: usize,
    /// The line of its `From ` separator, from 1.
    pub line: usize,
    /// The message, without the separator line and with mboxrd's `>From ` quoting
    /// undone.
    pub bytes: Cow<'a, [u8]>,
}

/// The messages of an mbox file (mboxo or mboxrd): each starts with a line beginning
/// `From ` at the start of the file or after a blank line. Bytes before the first
/// separator are not a message and are skipped; a file without separators has no
/// messages.
///
/// ```
/// use odr_guard::mail::split_mbox;
///
/// let mbox = b"From a@x Mon Nov  2 09:00:00 2026\nSubject: one\n\n>From here\n\n\
///              From b@x Mon Nov  2 10:00:00 2026\nSubject: two\n\nhi\n";
/// let entries: Vec<_> = split_mbox(mbox).collect();
/// assert_eq!(entries.len(), 2);
/// assert_eq!(entries[1].line, 6);
/// assert_eq!(&*entries[0].bytes, &b"Subject: one\n\nFrom here\n"[..]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn split_mbox(bytes: &[u8]) -> MboxIter<'_> {
    MboxIter {
        rest: bytes,
        line: 1,
        index: 0,
    }
}

/// The iterator of [`split_mbox`].
#[derive(Debug, Clone)]
pub struct MboxIter<'a> {
    rest: &'a [u8],
    line: usize,
    index: usize,
}

/// Splits off the first line (with its `\n`) of `bytes`.
fn first_line(bytes: &[u8]) -> (&[u8], &[u8]) {
    match memchr::memchr(b'\n', bytes) {
        Some(i) => bytes.split_at(i + 1),
        None => (bytes, &[]),
    }
}

fn is_blank(line: &[u8]) -> bool {
    line.iter()
        .all(|b| matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
}

impl<'a> Iterator for MboxIter<'a> {
    type Item = MboxEntry<'a>;

    fn next(&mut self) -> Option<MboxEntry<'a>> {
        // Find the next separator: a `From ` line at the start or after a blank line.
        let mut prev_blank = true;
        loop {
            if self.rest.is_empty() {
                return None;
            }
            let (line, rest) = first_line(self.rest);
            self.rest = rest;
            self.line += 1;
            if prev_blank && line.starts_with(b"From ") {
                break;
            }
            prev_blank = is_blank(line);
        }
        let start_line = self.line - 1;
        let body = self.rest;
        let mut len = 0;
        let mut prev_blank = false;
        let mut quoted = false;
        let mut scan = body;
        while !scan.is_empty() {
            let (line, rest) = first_line(scan);
            if prev_blank && line.starts_with(b"From ") {
                break;
            }
            quoted |= is_quoted_from(line);
            prev_blank = is_blank(line);
            len += line.len();
            self.line += 1;
            scan = rest;
        }
        let (message, rest) = body.split_at(len.min(body.len()));
        self.rest = rest;
        self.index += 1;
        // The blank line before the next separator belongs to the mbox, not the message.
        let message = match message {
            [m @ .., b'\n', b'\n'] | [m @ .., b'\n', b'\r', b'\n'] => {
                message.get(..m.len() + 1).unwrap_or(message)
            }
            _ => message,
        };
        let bytes = if quoted {
            Cow::Owned(unquote(message))
        } else {
            Cow::Borrowed(message)
        };
        Some(MboxEntry {
            index: self.index,
            line: start_line,
            bytes,
        })
    }
}

/// `>From `, `>>From `...: mboxrd's quoting of a `From ` line.
fn is_quoted_from(line: &[u8]) -> bool {
    let unquoted = line.iter().position(|&b| b != b'>').unwrap_or(line.len());
    unquoted > 0
        && line
            .get(unquoted..)
            .is_some_and(|l| l.starts_with(b"From "))
}

fn unquote(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len());
    let mut rest = message;
    while !rest.is_empty() {
        let (line, tail) = first_line(rest);
        out.extend_from_slice(if is_quoted_from(line) {
            line.get(1..).unwrap_or(line)
        } else {
            line
        });
        rest = tail;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An mbox file and its messages: (line of the separator, bytes).
    type Case = (&'static [u8], &'static [(usize, &'static [u8])]);

    #[test]
    fn splits_and_numbers_lines() {
        let table: [Case; 6] = [
            (b"", &[]),
            (b"no separator\n", &[]),
            (b"From a\nA\n", &[(1, b"A\n")]),
            (b"From a\nA\n\nFrom b\nB\n", &[(1, b"A\n"), (4, b"B\n")]),
            // A `From ` line inside a paragraph is not a separator.
            (b"From a\nA\nFrom b\n", &[(1, b"A\nFrom b\n")]),
            (b"junk\n\nFrom a\n>>From x\r\n", &[(3, b">From x\r\n")]),
        ];
        for (mbox, want) in table {
            let got: Vec<(usize, Vec<u8>)> = split_mbox(mbox)
                .map(|e| (e.line, e.bytes.into_owned()))
                .collect();
            let want: Vec<(usize, Vec<u8>)> = want.iter().map(|(l, b)| (*l, b.to_vec())).collect();
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(mbox));
        }
    }
}
