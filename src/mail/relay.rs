//! Amazon's relay and notices: which sender is who, what a subject means, and the
//! boilerplate Amazon wraps around a buyer's words. Every rule is in a table here.
//!
//! Amazon's wording changes without notice: the tables below are modelled on the
//! relay's published shapes (the `...@marketplace.amazon.<tld>` addresses, the
//! `(Order: 111-2223334-5556667)` subject suffix, the `Begin message` / `End message`
//! wrapper) and list the footer and header lines seen in its relayed mail. Keep each
//! rule here, in one place.

use crate::market::Marketplace;

/// Amazon's top-level domains and their marketplaces, longest first so that
/// `com.mx` wins over `mx`.
const AMAZON_TLDS: [(&str, Marketplace); 23] = [
    ("com.mx", Marketplace::Mx),
    ("com.br", Marketplace::Br),
    ("com.be", Marketplace::Be),
    ("com.tr", Marketplace::Tr),
    ("com.au", Marketplace::Au),
    ("co.uk", Marketplace::Uk),
    ("co.jp", Marketplace::Jp),
    ("co.za", Marketplace::Za),
    ("com", Marketplace::Us),
    ("ca", Marketplace::Ca),
    ("ie", Marketplace::Ie),
    ("de", Marketplace::De),
    ("fr", Marketplace::Fr),
    ("it", Marketplace::It),
    ("es", Marketplace::Es),
    ("nl", Marketplace::Nl),
    ("se", Marketplace::Se),
    ("pl", Marketplace::Pl),
    ("in", Marketplace::In),
    ("sg", Marketplace::Sg),
    ("ae", Marketplace::Ae),
    ("sa", Marketplace::Sa),
    ("eg", Marketplace::Eg),
];

/// Who sent a message, as far as Amazon's addresses tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sender {
    /// A buyer writing through the relay (`...@marketplace.amazon.<tld>`).
    Relay(Marketplace),
    /// Amazon itself (`...@amazon.<tld>` or another subdomain): a notice.
    Amazon(Marketplace),
    /// Anyone else.
    Other,
}

/// Classifies a lower-case address.
pub(crate) fn sender(address: &str) -> Sender {
    let Some((_, domain)) = address.rsplit_once('@') else {
        return Sender::Other;
    };
    for (tld, m) in AMAZON_TLDS {
        let Some(rest) = domain
            .strip_suffix(tld)
            .and_then(|r| r.strip_suffix("amazon."))
        else {
            continue;
        };
        return match rest {
            "marketplace." => Sender::Relay(m),
            "" => Sender::Amazon(m),
            r if r.ends_with('.') => Sender::Amazon(m),
            _ => Sender::Other,
        };
    }
    Sender::Other
}

/// What an Amazon notice means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Notice {
    /// An A-to-z Guarantee claim was filed.
    Claim,
    /// A charge dispute (chargeback) inquiry.
    Chargeback,
    /// A return authorization request.
    Return,
    /// Any other notice (sales, shipping reminders...): no event.
    Other,
}

/// Sender local parts that fix a notice's meaning.
const NOTICE_SENDERS: [(&str, Notice); 4] = [
    ("atoz-guarantee-no-reply", Notice::Claim),
    ("cb-seller-notification", Notice::Chargeback),
    ("cb-seller-query", Notice::Chargeback),
    ("return-authorization", Notice::Return),
];

/// Subject phrases (lower case) of notices from other Amazon senders such as
/// `order-update@` or `seller-notification@`, checked in this order.
const NOTICE_SUBJECTS: [(&str, Notice); 16] = [
    ("claim received", Notice::Claim),
    ("a-to-z guarantee claim", Notice::Claim),
    ("a-bis-z-garantieantrag", Notice::Claim),
    ("garantie a à z", Notice::Claim),
    ("garantía de la a a la z", Notice::Claim),
    ("garanzia dalla a alla z", Notice::Claim),
    ("マーケットプレイス保証申請", Notice::Claim),
    ("charge dispute", Notice::Chargeback),
    ("chargeback", Notice::Chargeback),
    ("rückbuchung", Notice::Chargeback),
    ("チャージバック", Notice::Chargeback),
    ("return authorization", Notice::Return),
    ("return request", Notice::Return),
    ("rücksendeanfrage", Notice::Return),
    ("demande de retour", Notice::Return),
    ("返品リクエスト", Notice::Return),
];

/// The meaning of a notice from Amazon's address `local@...`.
pub(crate) fn notice(local: &str, subject: &str) -> Notice {
    if let Some((_, n)) = NOTICE_SENDERS.iter().find(|(l, _)| *l == local) {
        return *n;
    }
    let subject = subject.to_lowercase();
    NOTICE_SUBJECTS
        .iter()
        .find(|(p, _)| subject.contains(p))
        .map_or(Notice::Other, |(_, n)| *n)
}

/// The first Amazon order id (`ddd-ddddddd-ddddddd`, not inside a longer run of
/// digits) in `text`.
pub(crate) fn order_id(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let digits = |from: usize, n: usize| {
        b.get(from..from + n)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    // Candidates start 3 bytes before a `-`.
    for dash in memchr::memchr_iter(b'-', b) {
        let Some(i) = dash.checked_sub(3) else {
            continue;
        };
        let starts = i == 0 || b.get(i - 1).is_some_and(|c| !c.is_ascii_digit());
        if starts
            && digits(i, 3)
            && digits(i + 4, 7)
            && b.get(i + 11) == Some(&b'-')
            && digits(i + 12, 7)
            && !b.get(i + 19).is_some_and(u8::is_ascii_digit)
        {
            return text.get(i..i + 19);
        }
    }
    None
}

/// The next `word` (lower-case ASCII; matched ignoring ASCII case) in `b` at or
/// after `from`.
fn find_ci(b: &[u8], word: &[u8], from: usize) -> Option<usize> {
    let first = *word.first()?;
    let mut at = from;
    while let Some(i) = b
        .get(at..)
        .and_then(|s| memchr::memchr2(first, first.to_ascii_uppercase(), s))
    {
        let start = at + i;
        if b.get(start..start + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
        {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

/// The next `word` (lower-case ASCII) in `text` from `from` on, ignoring ASCII case,
/// framed as Amazon frames its markers: dashes (or `=`) on both sides, or alone on
/// its line. Returns the byte range of the whole marker, frame included.
fn marker(text: &str, word: &str, from: usize) -> Option<(usize, usize)> {
    let frame = |c: u8| matches!(c, b'-' | b'=');
    let b = text.as_bytes();
    let mut at = from;
    while let Some(start) = find_ci(b, word.as_bytes(), at) {
        let end = start + word.len();
        // Skip blanks outwards, then look at what frames the word.
        let mut l = start;
        while l > 0 && b.get(l - 1).is_some_and(|c| *c == b' ' || *c == b'\t') {
            l -= 1;
        }
        let mut r = end;
        while b.get(r).is_some_and(|c| *c == b' ' || *c == b'\t') {
            r += 1;
        }
        let left = if l == 0 { None } else { b.get(l - 1).copied() };
        let right = b.get(r).copied();
        let dashed = left.is_some_and(frame) && right.is_some_and(frame);
        let alone =
            matches!(left, None | Some(b'\n')) && matches!(right, None | Some(b'\r' | b'\n'));
        if dashed || alone {
            while l > 0 && b.get(l - 1).is_some_and(|c| frame(*c) || *c == b' ') {
                l -= 1;
            }
            while b.get(r).is_some_and(|c| frame(*c) || *c == b' ') {
                r += 1;
            }
            return Some((l, r));
        }
        at = end;
    }
    None
}

/// Header lines Amazon puts above the buyer's words (lower-case prefixes).
const RELAY_HEADERS: [&str; 14] = [
    "order id:",
    "order id :",
    "order number:",
    "item:",
    "asin:",
    "quantity:",
    "bestellnummer:",
    "artikel:",
    "numéro de commande :",
    "numéro de commande:",
    "número de pedido:",
    "numero d'ordine:",
    "注文番号:",
    "订单编号:",
];

/// Lines at which Amazon's footer starts (lower-case prefixes): everything from the
/// first one on is Amazon's, not the buyer's.
const RELAY_FOOTERS: [&str; 16] = [
    "to respond to this customer",
    "to reply to this customer",
    "was this email helpful",
    "for your information:",
    "copyright ",
    "© ",
    "amazon.com, inc. or its affiliates",
    "um diesem kunden zu antworten",
    "war diese e-mail hilfreich",
    "pour répondre à ce client",
    "cet e-mail vous a-t-il été utile",
    "para responder a este cliente",
    "per rispondere a questo cliente",
    "このお客様に返信するには",
    "要回复此买家",
    "要回覆此買家",
];

/// The buyer's own words of a relayed message: between `Begin message` and
/// `End message` when the body has them, else without Amazon's header lines on top
/// and its footer below.
pub(crate) fn buyer_words(body: &str) -> &str {
    if let Some((_, b)) = marker(body, "begin message", 0) {
        let e = marker(body, "end message", b).map_or(body.len(), |(e, _)| e);
        return body.get(b..e).map_or("", str::trim);
    }
    let mut start = 0;
    let mut in_header = true;
    let mut offset = 0;
    let starts = |line: &str, p: &str| {
        line.as_bytes()
            .get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p.as_bytes()))
    };
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim();
        if in_header {
            if trimmed.is_empty() || RELAY_HEADERS.iter().any(|p| starts(trimmed, p)) {
                start = offset + line.len();
            } else {
                in_header = false;
            }
        }
        if !in_header && RELAY_FOOTERS.iter().any(|p| starts(trimmed, p)) {
            return body.get(start..offset).map_or("", str::trim);
        }
        offset += line.len();
    }
    body.get(start..).map_or("", str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn senders_by_domain() {
        let table = [
            ("abc@marketplace.amazon.com", Sender::Relay(Marketplace::Us)),
            ("x@marketplace.amazon.co.uk", Sender::Relay(Marketplace::Uk)),
            (
                "x@marketplace.amazon.com.mx",
                Sender::Relay(Marketplace::Mx),
            ),
            ("x@marketplace.amazon.co.jp", Sender::Relay(Marketplace::Jp)),
            ("x@marketplace.amazon.de", Sender::Relay(Marketplace::De)),
            ("x@marketplace.amazon.ca", Sender::Relay(Marketplace::Ca)),
            (
                "atoz-guarantee-no-reply@amazon.fr",
                Sender::Amazon(Marketplace::Fr),
            ),
            ("order-update@amazon.it", Sender::Amazon(Marketplace::It)),
            ("n@sellercentral.amazon.es", Sender::Amazon(Marketplace::Es)),
            ("x@notamazon.com", Sender::Other),
            ("x@amazon.example", Sender::Other),
            ("x@example.com", Sender::Other),
            ("no-at-sign", Sender::Other),
        ];
        for (address, want) in table {
            assert_eq!(sender(address), want, "{address}");
        }
    }

    #[test]
    fn order_ids_in_subjects() {
        let table = [
            (
                "Delivery inquiry from Amazon customer Ann (Order: 111-2223334-5556667)",
                Some("111-2223334-5556667"),
            ),
            (
                "Inquiry from Amazon customer Ann(Order: 302-1234567-7654321)",
                Some("302-1234567-7654321"),
            ),
            ("Order 1111-2223334-5556667", None),
            ("111-2223334-55566678", None),
            ("111-222333-5556667", None),
            ("", None),
        ];
        for (text, want) in table {
            assert_eq!(order_id(text), want, "{text}");
        }
    }

    #[test]
    fn buyer_words_without_boilerplate() {
        let table = [
            (
                "Order ID: 1\n\n------------- Begin message -------------\n\nWhere is it?\n\n------------- End message -------------\n\nFor Your Information: ...",
                "Where is it?",
            ),
            ("Begin message\nNo end marker", "No end marker"),
            (
                "Order ID: 111-2223334-5556667\nItem: Lamp\n\nIt broke.\n\nTo respond to this customer, reply.",
                "It broke.",
            ),
            ("Just words.", "Just words."),
            ("", ""),
        ];
        for (body, want) in table {
            assert_eq!(buyer_words(body), want, "{body:?}");
        }
    }

    #[test]
    fn notices_by_sender_then_subject() {
        assert_eq!(notice("atoz-guarantee-no-reply", ""), Notice::Claim);
        assert_eq!(
            notice("order-update", "Return authorization request for order 1"),
            Notice::Return
        );
        assert_eq!(
            notice("seller-notification", "Charge dispute inquiry"),
            Notice::Chargeback
        );
        assert_eq!(
            notice("seller-notification", "Sold, ship now"),
            Notice::Other
        );
    }
}
