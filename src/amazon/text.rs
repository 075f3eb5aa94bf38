//! Bytes to text: gzip, byte-order marks and charsets.

use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use std::str::FromStr;

use encoding_rs::Encoding;

use super::{ReportError, ReportErrorKind, ReportOptions};
use crate::market::Marketplace;
use crate::risk::UnknownNameError;

/// A charset a report can come in (any WHATWG encoding label, plus Java's and
/// Microsoft's names Amazon uses: `Cp1252`, `Windows-31J`, `MS932`).
///
/// ```
/// use odr_guard::amazon::Charset;
///
/// assert_eq!(Charset::for_label("Cp1252"), Some(Charset::WINDOWS_1252));
/// assert_eq!(Charset::for_label("Windows-31J"), Some(Charset::SHIFT_JIS));
/// assert_eq!("utf-8".parse::<Charset>()?, Charset::UTF_8);
/// assert!(Charset::for_label("EBCDIC").is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Charset(&'static Encoding);

impl Charset {
    /// UTF-8.
    pub const UTF_8: Charset = Charset(encoding_rs::UTF_8);
    /// windows-1252 (Java's `Cp1252`; also what `ISO-8859-1` labels mean on the web).
    pub const WINDOWS_1252: Charset = Charset(encoding_rs::WINDOWS_1252);
    /// Shift_JIS as Windows extends it (`Windows-31J`, `MS932`): Amazon.co.jp.
    pub const SHIFT_JIS: Charset = Charset(encoding_rs::SHIFT_JIS);

    /// The charset for a label, case-insensitively; `None` if unknown.
    pub fn for_label(label: &str) -> Option<Charset> {
        let label = label.trim();
        if ["ms932", "cp932", "windows-932"]
            .iter()
            .any(|l| l.eq_ignore_ascii_case(label))
        {
            return Some(Charset::SHIFT_JIS);
        }
        Encoding::for_label_no_replacement(label.as_bytes()).map(Charset)
    }

    /// The canonical (WHATWG) name: `UTF-8`, `windows-1252`, `Shift_JIS`, ...
    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

impl fmt::Debug for Charset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Charset({})", self.name())
    }
}

impl fmt::Display for Charset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Charset {
    type Err = UnknownNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Charset::for_label(s).ok_or_else(|| UnknownNameError::new("charset", s))
    }
}

/// The most a gzip report may inflate to (4 GiB): a guard against gzip bombs.
const MAX_INFLATED: u64 = 4 << 30;

/// Decodes a report's bytes to text, and says in which charset it was.
///
/// 1. gzip (bytes starting `1f 8b`) is inflated, however the file is named;
/// 2. a byte-order mark wins over everything;
/// 3. then the charset of `options` (what the download declared);
/// 4. else UTF-8 if the bytes are valid UTF-8;
/// 5. else Shift_JIS for Amazon.co.jp (the marketplace of `options`, or
///    `Amazon.co.jp` in the bytes), windows-1252 otherwise.
///
/// UTF-8 input without gzip is borrowed, not copied.
///
/// ```
/// use odr_guard::amazon::{Charset, ReportOptions, decode_report};
///
/// let (text, charset) = decode_report("de.txt", b"M\xfcnchen", &ReportOptions::new())?;
/// assert_eq!((text.as_ref(), charset), ("München", Charset::WINDOWS_1252));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ReportErrorKind::Gzip`] for a truncated or corrupt gzip stream;
/// [`ReportErrorKind::Charset`] (with the line) for bytes invalid in the charset.
pub fn decode_report<'a>(
    file: &str,
    bytes: &'a [u8],
    options: &ReportOptions,
) -> Result<(Cow<'a, str>, Charset), ReportError> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut inflated = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes)
            .take(MAX_INFLATED)
            .read_to_end(&mut inflated)
            .map_err(|e| {
                // flate2 words truncation differently depending on where the
                // stream stops: one word for it.
                let text = e.to_string();
                let truncated =
                    e.kind() == std::io::ErrorKind::UnexpectedEof || text.contains("incomplete");
                let reason = if truncated {
                    "truncated".to_owned()
                } else {
                    text
                };
                ReportError::new(file, 0, None, ReportErrorKind::Gzip { reason })
            })?;
        let (text, charset) = decode_plain(file, &inflated, options)?;
        return Ok((Cow::Owned(text.into_owned()), charset));
    }
    decode_plain(file, bytes, options)
}

fn decode_plain<'a>(
    file: &str,
    bytes: &'a [u8],
    options: &ReportOptions,
) -> Result<(Cow<'a, str>, Charset), ReportError> {
    let (encoding, body) = match Encoding::for_bom(bytes) {
        Some((enc, len)) => (enc, bytes.get(len..).unwrap_or_default()),
        None => {
            if options.charset.is_none() {
                if let Ok(s) = std::str::from_utf8(bytes) {
                    return Ok((Cow::Borrowed(s), Charset::UTF_8));
                }
            }
            (sniff(bytes, options), bytes)
        }
    };
    let charset = Charset(encoding);
    let bad_line = |text: &str, at: usize| {
        let before = text.get(..at).unwrap_or(text);
        let line = before.bytes().filter(|&b| b == b'\n').count() as u64 + 1;
        ReportError::new(
            file,
            line,
            None,
            ReportErrorKind::Charset {
                charset: charset.name(),
            },
        )
    };
    if encoding == encoding_rs::UTF_8 {
        return match std::str::from_utf8(body) {
            Ok(s) => Ok((Cow::Borrowed(s), charset)),
            Err(e) => {
                let ok = body.get(..e.valid_up_to()).unwrap_or_default();
                Err(bad_line(&String::from_utf8_lossy(ok), usize::MAX))
            }
        };
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        let at = text.find('\u{FFFD}').unwrap_or(0);
        return Err(bad_line(&text, at));
    }
    Ok((text, charset))
}

/// The charset to use without a byte-order mark, for bytes that are not UTF-8.
fn sniff(bytes: &[u8], options: &ReportOptions) -> &'static Encoding {
    if let Some(c) = options.charset {
        return c.0;
    }
    let japan = options.marketplace == Some(Marketplace::Jp)
        || memchr::memmem::find(bytes, b"Amazon.co.jp").is_some();
    if japan {
        encoding_rs::SHIFT_JIS
    } else {
        encoding_rs::WINDOWS_1252
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(name, bytes, options, Ok((text, charset)) or Err(message))`
    #[test]
    fn decoding_table() {
        let gz = |data: &[u8]| {
            use std::io::Write;
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(data).unwrap();
            enc.finish().unwrap()
        };
        let sjis = b"\x93\xfa\x96\x7b Amazon.co.jp".to_vec(); // 日本
        let full = gz("a\tb\nM\u{fc}nchen\n".as_bytes());
        let truncated = full.get(..full.len() - 6).unwrap().to_vec();
        let none = ReportOptions::new();
        type Case = (
            &'static str,
            Vec<u8>,
            ReportOptions,
            Result<(&'static str, Charset), &'static str>,
        );
        let cases: Vec<Case> = vec![
            (
                "utf8_010",
                b"abc".to_vec(),
                none,
                Ok(("abc", Charset::UTF_8)),
            ),
            (
                "utf8_bom_020",
                b"\xef\xbb\xbfabc".to_vec(),
                none,
                Ok(("abc", Charset::UTF_8)),
            ),
            (
                "cp1252_030",
                b"M\xfcnchen".to_vec(),
                none,
                Ok(("München", Charset::WINDOWS_1252)),
            ),
            (
                "sjis_sniffed_040",
                sjis.clone(),
                none,
                Ok(("日本 Amazon.co.jp", Charset::SHIFT_JIS)),
            ),
            (
                "sjis_by_marketplace_050",
                b"\x93\xfa\x96\x7b".to_vec(),
                none.marketplace(Marketplace::Jp),
                Ok(("日本", Charset::SHIFT_JIS)),
            ),
            (
                "declared_wins_060",
                "München".as_bytes().to_vec(),
                none.charset(Charset::WINDOWS_1252),
                Ok(("MÃ¼nchen", Charset::WINDOWS_1252)),
            ),
            (
                "declared_utf8_bad_070",
                b"ok\nM\xfcnchen".to_vec(),
                none.charset(Charset::UTF_8),
                Err("f:2: bytes that are not valid UTF-8"),
            ),
            (
                "declared_sjis_bad_080",
                b"ok\nok\n\x93".to_vec(),
                none.charset(Charset::SHIFT_JIS),
                Err("f:3: bytes that are not valid Shift_JIS"),
            ),
            (
                "gzip_090",
                full.clone(),
                none,
                Ok(("a\tb\nMünchen\n", Charset::UTF_8)),
            ),
            (
                "gzip_truncated_100",
                truncated,
                none,
                Err("f: not a complete gzip stream (truncated)"),
            ),
            (
                "gzip_header_only_110",
                vec![0x1f, 0x8b],
                none,
                Err("f: not a complete gzip stream (truncated)"),
            ),
        ];
        let mut names: Vec<&str> = cases.iter().map(|c| c.0).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), cases.len(), "test names are unique");
        for (name, bytes, options, want) in cases {
            let got = decode_report("f", &bytes, &options)
                .map(|(t, c)| (t.into_owned(), c))
                .map_err(|e| e.to_string());
            let want = want.map(|(t, c)| (t.to_owned(), c)).map_err(str::to_owned);
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn labels() {
        for (label, want) in [
            ("UTF-8", Some("UTF-8")),
            ("utf8", Some("UTF-8")),
            ("Cp1252", Some("windows-1252")),
            ("ISO-8859-1", Some("windows-1252")),
            ("Windows-31J", Some("Shift_JIS")),
            ("MS932", Some("Shift_JIS")),
            ("Shift_JIS", Some("Shift_JIS")),
            ("replacement", None),
            ("", None),
        ] {
            assert_eq!(
                Charset::for_label(label).map(Charset::name),
                want,
                "{label}"
            );
        }
    }
}
