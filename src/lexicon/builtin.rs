//! The built-in term lists.
//!
//! PLACEHOLDER: a small list so the machinery can be built and tested; the full
//! multilingual lists replace the contents of this file (the shape stays).

use crate::RiskCategory;

/// (category, language tag, terms)
pub(crate) const TERMS: &[(RiskCategory, &str, &[&str])] = &[
    (
        RiskCategory::AToZClaim,
        "en",
        &[
            "A-to-z claim",
            "A-to-z guarantee",
            "AtoZ claim",
            "A2Z claim",
            "A-Z claim",
            "guarantee claim",
        ],
    ),
    (
        RiskCategory::AToZClaim,
        "zh-Hans",
        &["亚马逊商城交易保障", "交易保障索赔"],
    ),
    (RiskCategory::AToZClaim, "de", &["A-bis-z-Garantie*"]),
    (RiskCategory::AToZClaim, "fr", &["garantie A à Z"]),
    (RiskCategory::AToZClaim, "ja", &["マーケットプレイス保証"]),
    (
        RiskCategory::Chargeback,
        "en",
        &["chargeback*", "charge back", "dispute the charge"],
    ),
    (RiskCategory::Chargeback, "zh-Hans", &["拒付"]),
    (RiskCategory::Chargeback, "de", &["Rückbuchung*"]),
    (
        RiskCategory::LegalThreat,
        "en",
        &[
            "lawyer*",
            "attorney*",
            "sue",
            "lawsuit",
            "small claims court",
        ],
    ),
    (RiskCategory::LegalThreat, "zh-Hans", &["律师", "起诉"]),
    (
        RiskCategory::NegativeFeedback,
        "en",
        &["negative feedback", "bad review", "1 star", "one star"],
    ),
    (RiskCategory::NegativeFeedback, "zh-Hans", &["差评"]),
    (
        RiskCategory::Damaged,
        "en",
        &["damaged", "broken", "defective", "cracked", "doesn't work"],
    ),
    (RiskCategory::Damaged, "zh-Hans", &["损坏", "破损"]),
    (
        RiskCategory::Damaged,
        "de",
        &["kaputt*", "beschädigt", "*schaden"],
    ),
    (RiskCategory::Damaged, "fr", &["endommagé*", "cassé*"]),
    (RiskCategory::Damaged, "es", &["roto", "dañado"]),
    (RiskCategory::Damaged, "it", &["danneggiato", "rotto"]),
    (RiskCategory::Damaged, "ja", &["壊れ", "破損"]),
    (
        RiskCategory::Lost,
        "en",
        &["never arrived", "didn't receive", "not received", "stolen"],
    ),
    (RiskCategory::Lost, "zh-Hans", &["没有收到", "没收到"]),
    (RiskCategory::Lost, "de", &["nicht angekommen"]),
    (RiskCategory::Lost, "ja", &["届いていません"]),
    (RiskCategory::WrongItem, "en", &["wrong item", "wrong size"]),
    (RiskCategory::WrongItem, "zh-Hans", &["发错"]),
    (
        RiskCategory::OrderStatus,
        "en",
        &["where is my order", "where is my package", "tracking"],
    ),
    (RiskCategory::OrderStatus, "zh-Hans", &["物流"]),
    (RiskCategory::OrderStatus, "de", &["wo ist mein paket"]),
    (RiskCategory::Refund, "en", &["refund*", "money back"]),
    (RiskCategory::Refund, "zh-Hans", &["退款"]),
    (
        RiskCategory::Refund,
        "de",
        &["Rückerstattung", "Geld zurück"],
    ),
    (RiskCategory::Refund, "fr", &["rembours*"]),
    (RiskCategory::Refund, "es", &["reembolso"]),
    (RiskCategory::Refund, "it", &["rimborso"]),
    (RiskCategory::Refund, "ja", &["返金"]),
    (RiskCategory::ReturnExchange, "en", &["return", "exchange"]),
    (RiskCategory::ReturnExchange, "zh-Hans", &["退货", "换货"]),
    (
        RiskCategory::ReturnExchange,
        "de",
        &["Rücksendung", "Umtausch*"],
    ),
];

/// Phrases that cancel any term hit they overlap (e.g. "undamaged", "non-refundable",
/// "lost my password", "return address", "防丢").
pub(crate) const SUPPRESSORS: &[&str] = &[
    "undamaged",
    "non-refundable",
    "lost my password",
    "return address",
    "防丢",
];

/// Negation cues ("not", "isn't", "no", "never", "没有", "沒有", "nicht", "pas", ...).
pub(crate) const NEGATIONS: &[&str] = &[
    "not", "isn't", "wasn't", "no", "never", "没有", "沒有", "nicht", "kein", "keine", "pas",
    "sin", "senza",
];

/// Traditional → Simplified Chinese pairs, used at lexicon build time to generate the
/// other script's variant of every CJK term (both directions).
pub(crate) const HANT_HANS: &[(char, char)] = &[
    ('損', '损'),
    ('壞', '坏'),
    ('貨', '货'),
    ('發', '发'),
    ('錯', '错'),
    ('沒', '没'),
    ('師', '师'),
    ('訴', '诉'),
    ('評', '评'),
    ('換', '换'),
    ('馬', '马'),
    ('遜', '逊'),
    ('場', '场'),
    ('賠', '赔'),
    ('護', '护'),
    ('丟', '丢'),
    ('亞', '亚'),
    ('書', '书'),
    ('買', '买'),
    ('賣', '卖'),
    ('這', '这'),
    ('們', '们'),
    ('個', '个'),
];
