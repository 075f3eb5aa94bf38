//! Reading buyer-message e-mail: every variant of the bundled mailbox, the bad
//! messages, threading into tickets, and no panic on arbitrary bytes.
#![cfg(feature = "mail")]

use chrono::{DateTime, TimeZone, Utc};
use odr_guard::mail::{split_mbox, Mail, MailError, MailKind, MailReader, MailThreads};
use odr_guard::ticket::MessageKind;
use odr_guard::{Channel, Engine, Marketplace, Policy, RiskCategory, Ticket};
use proptest::prelude::*;

const SELLER: &str = "support@brightline.example";

fn reader() -> MailReader {
    MailReader::new().seller_address(SELLER)
}

fn read_file(path: &str) -> Result<Mail, MailError> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    reader().read(&bytes)
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// One bundled message and what reading it must give.
struct Case {
    name: &'static str,
    kind: MailKind,
    at: &'static str,
    order: Option<&'static str>,
    marketplace: Option<Marketplace>,
    /// Text the body (or, when it starts with `subject:`, the subject) must contain.
    contains: &'static [&'static str],
    /// Text the body must not contain (Amazon's boilerplate).
    lacks: &'static [&'static str],
}

const MAILBOX: &[Case] = &[
    Case {
        name: "01_en_not_received",
        kind: MailKind::BuyerMessage,
        at: "2026-11-02T09:15:00Z",
        order: Some("113-7720134-2281904"),
        marketplace: Some(Marketplace::Us),
        contains: &["Where is my lamp?", "A-to-z claim. – Jordan"],
        lacks: &[
            "Begin message",
            "Order ID",
            "Was this email helpful",
            "Copyright",
        ],
    },
    Case {
        name: "02_en_seller_reply",
        kind: MailKind::AgentReply,
        at: "2026-11-02T10:05:00Z",
        order: Some("113-7720134-2281904"),
        marketplace: None,
        contains: &["opened a trace"],
        lacks: &[],
    },
    Case {
        name: "03_en_outlook_reply",
        kind: MailKind::BuyerMessage,
        at: "2026-11-03T10:40:00Z",
        // No space before `(` in this subject.
        order: Some("113-7720134-2281904"),
        marketplace: Some(Marketplace::Us),
        // Quoted history stays: the classifier skips it by structure.
        contains: &["just refund me now", "-----Original Message-----"],
        lacks: &["For Your Information", "Copyright"],
    },
    Case {
        name: "04_zh_gbk",
        kind: MailKind::BuyerMessage,
        at: "2026-11-02T07:30:00Z",
        order: Some("113-3349021-6610842"),
        marketplace: Some(Marketplace::Us),
        contains: &[
            "台灯坏了",
            "亚马逊商城交易保障索赔",
            "subject:来自亚马逊买家 李明",
        ],
        lacks: &["Begin message"],
    },
    Case {
        name: "05_zh_big5",
        kind: MailKind::BuyerMessage,
        at: "2026-11-02T13:10:00Z",
        order: Some("113-5580317-9023746"),
        marketplace: Some(Marketplace::Us),
        contains: &["已經損壞", "subject:退貨詢問"],
        lacks: &["End message"],
    },
    Case {
        name: "06_ja_iso2022jp",
        kind: MailKind::BuyerMessage,
        at: "2026-11-03T00:20:00Z",
        order: Some("250-4417723-0092815"),
        marketplace: Some(Marketplace::Jp),
        contains: &["マーケットプレイス保証申請", "subject:Amazonのお客様 佐藤"],
        lacks: &["\u{1b}"],
    },
    Case {
        name: "07_de_damaged",
        kind: MailKind::BuyerMessage,
        at: "2026-11-02T13:02:00Z",
        order: Some("302-8812045-3317290"),
        marketplace: Some(Marketplace::De),
        contains: &["beschädigt", "subject:Amazon-Kundin Sabine zur Rücksendung"],
        lacks: &["Bestellnummer", "Artikel:", "Um diesem Kunden", "©"],
    },
    Case {
        name: "08_auto_reply",
        kind: MailKind::AutoReply,
        at: "2026-11-02T13:03:00Z",
        order: Some("302-8812045-3317290"),
        marketplace: None,
        contains: &["innerhalb von 24 Stunden"],
        lacks: &[],
    },
    Case {
        name: "09_fr_not_as_described",
        kind: MailKind::BuyerMessage,
        at: "2026-11-02T15:45:00Z",
        order: Some("171-2039485-7712093"),
        marketplace: Some(Marketplace::Fr),
        contains: &["Garantie A à Z", "subject:Demande de renseignements"],
        lacks: &["Pour répondre"],
    },
    Case {
        name: "10_es_late",
        kind: MailKind::BuyerMessage,
        at: "2026-11-03T09:12:00Z",
        order: Some("402-6650912-4478301"),
        marketplace: Some(Marketplace::Es),
        contains: &[
            "¿Me pueden decir",
            "subject:Consulta del cliente de Amazon Lucía",
        ],
        lacks: &[],
    },
    Case {
        name: "11_it_defective",
        kind: MailKind::BuyerMessage,
        at: "2026-11-03T06:55:00Z",
        order: Some("405-9012736-1184520"),
        marketplace: Some(Marketplace::It),
        // text/plain wins over the HTML alternative; ISO-8859-15 has €.
        contains: &["è difettosa", "49 €", "dalla A alla Z"],
        lacks: &["<p>", "&egrave;"],
    },
    Case {
        name: "12_uk_html_only",
        kind: MailKind::BuyerMessage,
        at: "2026-11-02T18:20:00Z",
        order: Some("203-1187754-6620193"),
        marketplace: Some(Marketplace::Uk),
        contains: &["leaks from the base", "unsafe"],
        lacks: &["<b>", "color:", "To respond", "Begin message", "Order ID"],
    },
    Case {
        name: "13_uk_return_request",
        kind: MailKind::ReturnRequest,
        at: "2026-11-02T18:25:00Z",
        order: Some("203-1187754-6620193"),
        marketplace: Some(Marketplace::Uk),
        contains: &[],
        lacks: &[],
    },
    Case {
        name: "14_us_claim_notice",
        kind: MailKind::ClaimNotice,
        at: "2026-11-03T11:30:00Z",
        order: Some("113-7720134-2281904"),
        marketplace: Some(Marketplace::Us),
        contains: &[],
        lacks: &[],
    },
    Case {
        name: "15_jp_chargeback",
        kind: MailKind::ChargebackNotice,
        at: "2026-11-03T01:00:00Z",
        order: Some("250-4417723-0092815"),
        marketplace: Some(Marketplace::Jp),
        contains: &["subject:チャージバックのお知らせ"],
        lacks: &[],
    },
    Case {
        name: "16_email_question",
        kind: MailKind::BuyerMessage,
        at: "2026-11-02T12:00:00Z",
        order: None,
        marketplace: None,
        contains: &["110 V"],
        lacks: &[],
    },
    Case {
        name: "17_email_followup",
        kind: MailKind::BuyerMessage,
        at: "2026-11-03T09:00:00Z",
        order: None,
        marketplace: None,
        contains: &["Any news?", "> Hi, does the desk lamp"],
        lacks: &[],
    },
];

#[test]
fn every_bundled_message_reads_as_expected() {
    for case in MAILBOX {
        let path = format!("examples/data/mail/{}.eml", case.name);
        let mail = read_file(&path).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(mail.kind, case.kind, "{}", case.name);
        assert_eq!(mail.at, utc(case.at), "{}", case.name);
        assert_eq!(mail.order_id.as_deref(), case.order, "{}", case.name);
        assert_eq!(mail.marketplace, case.marketplace, "{}", case.name);
        for want in case.contains {
            match want.strip_prefix("subject:") {
                Some(s) => assert!(
                    mail.subject.as_deref().unwrap_or("").contains(s),
                    "{}: subject {:?} lacks {s:?}",
                    case.name,
                    mail.subject
                ),
                None => assert!(
                    mail.body.contains(want),
                    "{}: body {:?} lacks {want:?}",
                    case.name,
                    mail.body
                ),
            }
        }
        for unwanted in case.lacks {
            assert!(
                !mail.body.contains(unwanted),
                "{}: body {:?} has {unwanted:?}",
                case.name,
                mail.body
            );
        }
    }
}

#[test]
fn names_of_the_mailbox_table_are_unique_and_cover_the_directory() {
    let mut names: Vec<&str> = MAILBOX.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), MAILBOX.len());
    let mut files: Vec<String> = std::fs::read_dir("examples/data/mail")
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".eml").map(str::to_owned)
        })
        .collect();
    files.sort_unstable();
    assert_eq!(files, names);
}

#[test]
fn bad_messages_fail_with_what_and_where() {
    let some = |s: &str| Some(s.to_owned());
    let table: &[(&str, MailError, &str)] = &[
        (
            "truncated_mime",
            MailError::Malformed {
                message_id: some("trunc-1@example"),
                part: 1,
            },
            "message <trunc-1@example>: part 1 is truncated or its transfer encoding is broken",
        ),
        (
            "unknown_charset",
            MailError::UnknownCharset {
                message_id: some("cs-1@example"),
                part: 0,
                charset: "x-klingon-7".to_owned(),
            },
            "message <cs-1@example>: part 0: unknown charset `x-klingon-7`",
        ),
        (
            "no_date",
            MailError::MissingDate {
                message_id: some("nodate-1@example"),
            },
            "message <nodate-1@example>: no `Date:` header",
        ),
        (
            "bad_date",
            MailError::BadDate {
                message_id: some("baddate-1@example"),
                value: "yesterday afternoon".to_owned(),
            },
            "message <baddate-1@example>: `Date:` value `yesterday afternoon` is not an RFC 5322 date",
        ),
        (
            "no_body",
            MailError::NoBody {
                message_id: some("nobody-1@example"),
            },
            "message <nobody-1@example>: no body: it ends inside its header",
        ),
        (
            "not_a_message",
            MailError::NotAMessage,
            "not an e-mail message: no header fields",
        ),
    ];
    for (name, want, message) in table {
        let got = read_file(&format!("tests/data/mail/{name}.eml"));
        assert_eq!(got.as_ref().err(), Some(want), "{name}");
        assert_eq!(got.err().map(|e| e.to_string()).as_deref(), Some(*message));
    }
}

#[test]
fn inline_variants() {
    let head = "From: a@marketplace.amazon.com\nDate: Mon, 2 Nov 2026 09:00:00 +0000\n";
    let table: &[(&str, &str, (MailKind, &str))] = &[
        ("empty body: the subject still speaks", "Subject: Where is it?\n\n", (MailKind::BuyerMessage, "")),
        ("crlf", "Subject: x\r\n\r\nHello\r\n", (MailKind::BuyerMessage, "Hello")),
        ("auto-submitted no is human", "Auto-Submitted: no\n\nHi", (MailKind::BuyerMessage, "Hi")),
        ("auto-generated", "Auto-Submitted: auto-generated\n\nHi", (MailKind::AutoReply, "Hi")),
        ("precedence", "Precedence: auto_reply\n\nHi", (MailKind::AutoReply, "Hi")),
        ("x-autoreply", "X-Autoreply: yes\n\nHi", (MailKind::AutoReply, "Hi")),
        ("precedence bulk is not automatic", "Precedence: bulk\n\nHi", (MailKind::BuyerMessage, "Hi")),
        (
            "encoded-word utf-8 body base64",
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nSMOkbGxv\n",
            (MailKind::BuyerMessage, "Hällo"),
        ),
        (
            "euc-jp",
            "Content-Type: text/plain; charset=EUC-JP\nContent-Transfer-Encoding: base64\n\npM+kyg==\n",
            (MailKind::BuyerMessage, "はな"),
        ),
        (
            "gb18030",
            "Content-Type: text/plain; charset=GB18030\nContent-Transfer-Encoding: base64\n\nu7XByw==\n",
            (MailKind::BuyerMessage, "坏了"),
        ),
        (
            "windows-1250 qp",
            "Content-Type: text/plain; charset=windows-1250\nContent-Transfer-Encoding: quoted-printable\n\nDzi=EAkuj=EA\n",
            (MailKind::BuyerMessage, "Dziękuję"),
        ),
        (
            "nested multipart never closed: its text part is still read",
            "Content-Type: multipart/mixed; boundary=\"b0\"\n\n--b0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain\n\nI will file an A-to-z claim.\n",
            (MailKind::BuyerMessage, "I will file an A-to-z claim."),
        ),
    ];
    for (name, rest, want) in table {
        let raw = format!("{head}{rest}");
        let got = reader()
            .read(raw.as_bytes())
            .map(|m| (m.kind, m.body))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got, (want.0, want.1.to_owned()), "{name}");
    }
}

#[test]
fn seller_domain_and_other_amazon_notices() {
    let r = MailReader::new().seller_address("@Brightline.example");
    let raw =
        b"From: Kim <kim@brightline.example>\nDate: Mon, 2 Nov 2026 09:00:00 +0000\n\nDone.\n";
    assert_eq!(r.read(raw).unwrap().kind, MailKind::AgentReply);
    let raw = b"From: seller-notification@amazon.de\nDate: Mon, 2 Nov 2026 09:00:00 +0000\n\
        Subject: Verkauft, jetzt versenden: 302-1234567-7654321\n\nBitte versenden.\n";
    let mail = r.read(raw).unwrap();
    assert_eq!(mail.kind, MailKind::OtherNotice);
    assert_eq!(mail.to_message(), None);
    let tickets = MailThreads::from_iter([mail]).tickets();
    assert!(tickets.is_empty());
}

fn bundled() -> Vec<Mail> {
    let mut mails: Vec<Mail> = MAILBOX
        .iter()
        .map(|c| read_file(&format!("examples/data/mail/{}.eml", c.name)).unwrap())
        .collect();
    let mbox = std::fs::read("examples/data/mail/archive.mbox").unwrap();
    mails.extend(split_mbox(&mbox).map(|e| reader().read(&e.bytes).unwrap()));
    mails
}

fn find<'a>(tickets: &'a [Ticket], id: &str) -> &'a Ticket {
    tickets
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no ticket {id}"))
}

#[test]
fn threads_by_order_then_by_references() {
    let mut mails = bundled();
    // Any input order gives the same tickets.
    mails.reverse();
    let tickets = MailThreads::from_iter(mails).tickets();
    let us = find(&tickets, "113-7720134-2281904");
    let kinds: Vec<MessageKind> = us.messages.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        [
            MessageKind::BuyerMessage,
            MessageKind::AgentReply,
            MessageKind::BuyerMessage,
            MessageKind::ClaimFiled,
        ]
    );
    assert_eq!(us.channel, Channel::amazon(Marketplace::Us));
    assert_eq!(us.order_id.as_deref(), Some("113-7720134-2281904"));
    assert!(us.messages.windows(2).all(|w| w[0].at <= w[1].at));

    let de = find(&tickets, "302-8812045-3317290");
    let kinds: Vec<MessageKind> = de.messages.iter().map(|m| m.kind).collect();
    assert_eq!(kinds, [MessageKind::BuyerMessage, MessageKind::AutoReply]);

    let uk = find(&tickets, "203-1187754-6620193");
    assert_eq!(uk.messages.len(), 1);
    assert_eq!(
        uk.order.as_ref().and_then(|o| o.return_requested_at),
        Some(utc("2026-11-02T18:25:00Z"))
    );

    let jp = find(&tickets, "250-4417723-0092815");
    let kinds: Vec<MessageKind> = jp.messages.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        [MessageKind::BuyerMessage, MessageKind::ChargebackFiled]
    );

    // Plain e-mail threads by References; the id is the thread's first Message-ID.
    let email = find(&tickets, "q-20931@mail.example");
    assert_eq!(email.messages.len(), 2);
    assert_eq!(email.channel.name(), "email");
    assert_eq!(email.order_id, None);

    // 17 files and 2 mbox messages: the seller reply, auto-reply, claim, chargeback,
    // return request and follow-ups join other tickets.
    let mut got = ids(&tickets);
    got.sort_unstable();
    assert_eq!(
        got,
        [
            "113-3349021-6610842",
            "113-5580317-9023746",
            "113-7720134-2281904",
            "113-9903712-4410276",
            "171-2039485-7712093",
            "203-1187754-6620193",
            "249-7730021-6615508",
            "250-4417723-0092815",
            "302-8812045-3317290",
            "402-6650912-4478301",
            "405-9012736-1184520",
            "q-20931@mail.example",
        ]
    );
}

fn ids(tickets: &[Ticket]) -> Vec<&str> {
    tickets.iter().map(|t| t.id.as_str()).collect()
}

#[test]
fn a_reply_without_its_original_threads_under_the_root() {
    let raw = |id: &str, refs: &str, hour: u32| {
        format!(
            "From: b@mail.example\nDate: Mon, 2 Nov 2026 {hour:02}:00:00 +0000\nMessage-ID: <{id}>\n{refs}\nhi\n"
        )
    };
    let r = reader();
    let late = r
        .read(raw("c@x", "In-Reply-To: <b@x>\nReferences: <a@x> <b@x>\n", 11).as_bytes())
        .unwrap();
    let mid = r
        .read(raw("b@x", "In-Reply-To: <a@x>\nReferences: <a@x>\n", 10).as_bytes())
        .unwrap();
    let other = r.read(raw("z@x", "", 9).as_bytes()).unwrap();
    let tickets = MailThreads::from_iter([late, other, mid]).tickets();
    assert_eq!(ids(&tickets), ["z@x", "a@x"]);
    assert_eq!(tickets[1].messages.len(), 2);
}

#[test]
fn mail_tickets_classify_the_buyers_words_only() {
    let tickets = MailThreads::from_iter(bundled()).tickets();
    let engine = Engine::new(Policy::default());
    let now = Utc.with_ymd_and_hms(2026, 11, 3, 12, 0, 0).unwrap();
    let cats = |id: &str| {
        engine
            .evaluate(find(&tickets, id), now)
            .unwrap()
            .assessment
            .categories()
    };
    assert!(cats("113-3349021-6610842").contains(RiskCategory::AToZClaim));
    assert!(cats("250-4417723-0092815").contains(RiskCategory::AToZClaim));
    // The Outlook reply quotes "A-to-z claim" from the seller: only the quoted
    // history says it, so the buyer's words alone set the categories.
    let us = find(&tickets, "113-7720134-2281904");
    let only_last = Ticket::new("x", us.channel.clone()).with_message(us.messages[2].clone());
    let last = engine.evaluate(&only_last, now).unwrap().assessment;
    assert!(
        !last.categories().contains(RiskCategory::AToZClaim),
        "{last:?}"
    );
}

#[test]
fn public_mail_types_are_send_sync_and_clone() {
    fn assert_all<T: Send + Sync + Clone + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
    assert_all::<MailReader>();
    assert_all::<Mail>();
    assert_all::<MailKind>();
    assert_all::<MailError>();
    assert_all::<MailThreads>();
    assert_all::<odr_guard::mail::MboxEntry<'static>>();
    assert_all::<odr_guard::mail::MboxIter<'static>>();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Reading never panics, whatever the bytes.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = reader().read(&bytes);
        for e in split_mbox(&bytes) {
            prop_assert!(e.index >= 1 && e.line >= 1);
            let _ = reader().read(&e.bytes);
        }
    }

    /// Nor does mail that looks almost right: a header, MIME pieces and noise.
    #[test]
    fn mail_like_bytes_never_panic(
        header in proptest::sample::select(vec![
            "From: a@marketplace.amazon.de\nDate: Mon, 2 Nov 2026 09:00:00 +0000\n",
            "From: atoz-guarantee-no-reply@amazon.com\nDate: Tue, 3 Nov 2026 1:0:0 -1200\n",
            "Content-Type: multipart/mixed; boundary=b\nDate: 1 Jan 1900 00:00 +2400\n",
            "Subject: =?ISO-2022-JP?B?GyRC?= =?GBK?Q?=C0=EE?=\nDate: Mon, 2 Nov 2026 09:00 GMT\n",
        ]),
        parts in proptest::collection::vec(proptest::sample::select(vec![
            "\n", "--b\n", "--b--\n", "Content-Type: text/html; charset=big5\n",
            "Content-Transfer-Encoding: base64\n", "Content-Transfer-Encoding: quoted-printable\n",
            "=E4=\n", "<p>Begin message</p>", "------ End message ------\n", "SGVsbG8=\n",
            "\u{feff}", "From x\n", "\r\n\r\n",
        ]), 0..24),
    ) {
        let raw = format!("{header}{}", parts.concat());
        let _ = reader().read(raw.as_bytes()).map(|m| MailThreads::from_iter([m]).tickets());
    }
}
