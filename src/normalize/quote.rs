//! Quoted-history detection: `>` blocks, reply attributions, Outlook-style
//! header blocks and relay separators, found by their structure so that the
//! buyer's own words (`> 2 weeks late`, `On Monday I wrote:`) stay.

use std::ops::Range;

/// Whether byte `b` of a separator may belong to a quote marker: `>`, a colon
/// (ASCII, or the last byte of the full-width `：`), or a `-` or `_` of a rule
/// (`--`, `__`). Every marker of [`quoted_ranges`] has one; a text whose
/// separators have none skips the search for quoted lines. All of them are ASCII
/// or fast separators, so the separator runs of the fast paths are where they
/// are noticed (NFKC groups never start with one).
#[inline(always)]
pub(super) fn quote_mark(b: u8) -> bool {
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
pub(super) fn quoted_ranges(text: &str, out: &mut Vec<Range<usize>>) -> usize {
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
    use crate::normalize::normalize;
    use crate::normalize::test_support::{fed_exactly, reference};

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
}
