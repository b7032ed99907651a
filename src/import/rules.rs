//! The cue words of recognition, in one table a person can read and extend: which words give
//! a figure its kind, its basis, its qualifier, and which words make a number something other
//! than a figure (a share of a plan, a change, an ordinal, a document number). Also the
//! abbreviations bulletins use for indicator names and the words that name periods.
//!
//! Words are written as bulletins print them; they are compared with the text's words in
//! lower case (NFC), word by word, so "đạt" never matches "đất". To add a cue, add a row
//! and a line to the test of its effect below.

/// A figure's kind, a target's basis and a qualifier are the model's own.
pub use crate::model::{Basis, Kind, Qualifier};

/// What a cue does, and where it must stand relative to the figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Anywhere in the words before the figure in its clause, or in the sentence that leads
    /// the clause (a list's introduction): the figure's kind.
    Kind(Kind),
    /// Right after the figure ("507,8 tỷ đồng theo kế hoạch"): its kind.
    KindAfter(Kind),
    /// Near a target: where it comes from. Nearest wins; a cue right after the figure first.
    Basis(Basis),
    /// Immediately before the number: its qualifier.
    Qualifier(Qualifier),
    /// Immediately after the unit: its qualifier.
    QualifierAfter(Qualifier),
    /// Immediately before the number: the number is a share of something else
    /// ("bằng 108% …"), not a level.
    ShareBefore,
    /// Right after a percentage: what it is a share of ("100,73% kế hoạch"); not a figure.
    ShareAfter,
    /// Immediately before the number: a change ("tăng 9,12%", "giảm 128 hộ"), not a level;
    /// only an indicator that measures growth takes it.
    Change,
    /// After the figure: compared with something ("… so với năm 2022"): a change.
    ChangeAfter,
    /// Immediately before the number, after a change word: the level reached
    /// ("giảm xuống còn 1,12%"), so a figure after all.
    Level,
    /// Immediately before the number: not an amount (ordinals, document numbers, dates).
    NotAFigure,
    /// Immediately before the number, with a `ChangeTo` word right after its unit: the
    /// level a change starts from ("giảm từ 5,2% xuống còn 3,1%"), not the period's.
    ChangeFrom,
    /// Right after the unit of a `ChangeFrom` figure.
    ChangeTo,
    /// Before the figure in its clause: what follows is a result ("đã thu được 320 tỷ
    /// đồng"), whatever plan an earlier part of the sentence named.
    Done,
}

/// One cue: its words (as printed, matched in lower case) and what they do.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub words: &'static str,
    pub effect: Effect,
}

const fn r(words: &'static str, effect: Effect) -> Rule {
    Rule { words, effect }
}

use Effect::*;

/// Every cue of recognition.
pub const RULES: &[Rule] = &[
    // Kind: targets.
    r("chỉ tiêu", Kind(self::Kind::Target)),
    r("kế hoạch", Kind(self::Kind::Target)),
    r("kh", Kind(self::Kind::Target)),
    r("phấn đấu", Kind(self::Kind::Target)),
    r("mục tiêu", Kind(self::Kind::Target)),
    r("dự kiến", Kind(self::Kind::Target)),
    r("đề ra", Kind(self::Kind::Target)),
    r("đặt ra", Kind(self::Kind::Target)),
    r("được giao", Kind(self::Kind::Target)),
    r("giao chỉ tiêu", Kind(self::Kind::Target)),
    r("dự toán", Kind(self::Kind::Target)),
    r("nghị quyết", Kind(self::Kind::Target)),
    r("định hướng", Kind(self::Kind::Target)),
    r("phải đạt", Kind(self::Kind::Target)),
    r("cần đạt", Kind(self::Kind::Target)),
    r("tối thiểu", Kind(self::Kind::Target)),
    // Kind: estimates.
    r("ước", Kind(self::Kind::Estimate)),
    r("ước đạt", Kind(self::Kind::Estimate)),
    r("ước thực hiện", Kind(self::Kind::Estimate)),
    r("ước tính", Kind(self::Kind::Estimate)),
    r("dự ước", Kind(self::Kind::Estimate)),
    // Kind: results (only where the period is past; see recognise.rs).
    r("đạt", Kind(self::Kind::Actual)),
    r("thực hiện", Kind(self::Kind::Actual)),
    r("còn", Kind(self::Kind::Actual)),
    r("là", Kind(self::Kind::Actual)),
    // A plan carried out, completed or exceeded: a result, and no target cue.
    r("thực hiện kế hoạch", Kind(self::Kind::Actual)),
    r("kết quả thực hiện", Kind(self::Kind::Actual)),
    r("kết quả thực hiện kế hoạch", Kind(self::Kind::Actual)),
    r("kết quả thực hiện nghị quyết", Kind(self::Kind::Actual)),
    r("kết quả thực hiện các chỉ tiêu", Kind(self::Kind::Actual)),
    r("thực hiện các chỉ tiêu", Kind(self::Kind::Actual)),
    r("thực hiện chỉ tiêu", Kind(self::Kind::Actual)),
    r("hoàn thành kế hoạch", Kind(self::Kind::Actual)),
    r("vượt kế hoạch", Kind(self::Kind::Actual)),
    r("so với kế hoạch", Kind(self::Kind::Actual)),
    r("thực hiện nghị quyết", Kind(self::Kind::Actual)),
    // Kind, right after the figure.
    r("theo kế hoạch", KindAfter(self::Kind::Target)),
    r("theo mục tiêu", KindAfter(self::Kind::Target)),
    r("theo chỉ tiêu", KindAfter(self::Kind::Target)),
    r("theo nghị quyết", KindAfter(self::Kind::Target)),
    r("theo dự toán", KindAfter(self::Kind::Target)),
    // Basis of a target.
    r("nghị quyết", Basis(self::Basis::Resolution)),
    r("nq", Basis(self::Basis::Resolution)),
    r("đại hội", Basis(self::Basis::Resolution)),
    r("điều chỉnh", Basis(self::Basis::Adjusted)),
    r("tỉnh giao", Basis(self::Basis::Assigned)),
    r("huyện giao", Basis(self::Basis::Assigned)),
    r("thành phố giao", Basis(self::Basis::Assigned)),
    r("thị xã giao", Basis(self::Basis::Assigned)),
    r("cấp trên giao", Basis(self::Basis::Assigned)),
    r("trung ương giao", Basis(self::Basis::Assigned)),
    r("kh tỉnh", Basis(self::Basis::Assigned)),
    r("kế hoạch tỉnh", Basis(self::Basis::Assigned)),
    r("kế hoạch", Basis(self::Basis::Plan)),
    r("kh", Basis(self::Basis::Plan)),
    r("dự toán", Basis(self::Basis::Plan)),
    // Qualifiers before the number.
    r("trên dưới", Qualifier(self::Qualifier::About)),
    r("không dưới", Qualifier(self::Qualifier::AtLeast)),
    r("không quá", Qualifier(self::Qualifier::AtMost)),
    r("không vượt quá", Qualifier(self::Qualifier::AtMost)),
    r("ít nhất", Qualifier(self::Qualifier::AtLeast)),
    r("tối thiểu", Qualifier(self::Qualifier::AtLeast)),
    r("tối đa", Qualifier(self::Qualifier::AtMost)),
    r("xấp xỉ", Qualifier(self::Qualifier::About)),
    r("khoảng", Qualifier(self::Qualifier::About)),
    r("gần", Qualifier(self::Qualifier::About)),
    r("trên", Qualifier(self::Qualifier::Over)),
    r("hơn", Qualifier(self::Qualifier::Over)),
    r("dưới", Qualifier(self::Qualifier::Under)),
    // Qualifiers after the unit.
    r("trở lên", QualifierAfter(self::Qualifier::AtLeast)),
    r("trở xuống", QualifierAfter(self::Qualifier::AtMost)),
    // Shares: not figures.
    r("bằng", ShareBefore),
    r("chiếm", ShareBefore),
    r("kế hoạch", ShareAfter),
    r("kh", ShareAfter),
    r("dự toán", ShareAfter),
    r("chỉ tiêu", ShareAfter),
    r("nghị quyết", ShareAfter),
    r("nq", ShareAfter),
    r("mục tiêu", ShareAfter),
    r("cùng kỳ", ShareAfter),
    r("so với", ShareAfter),
    r("so cùng kỳ", ShareAfter),
    r("tổng số", ShareAfter),
    r("tổng thu", ShareAfter),
    // Changes: not figures, unless an indicator measures growth.
    r("tăng", Change),
    r("giảm", Change),
    r("vượt", Change),
    r("tăng thêm", Change),
    r("thêm", Change),
    r("giảm thêm", Change),
    r("cao hơn", Change),
    r("thấp hơn", Change),
    r("nhiều hơn", Change),
    r("ít hơn", Change),
    r("so với", ChangeAfter),
    r("so cùng kỳ", ChangeAfter),
    r("so với cùng kỳ", ChangeAfter),
    // The level a change reaches: a figure.
    r("còn", Level),
    r("xuống còn", Level),
    r("lên", Level),
    r("đạt", Level),
    // The start of a change.
    r("từ", ChangeFrom),
    r("xuống", ChangeTo),
    r("xuống còn", ChangeTo),
    r("lên", ChangeTo),
    r("lên đến", ChangeTo),
    // A result, whatever the sentence planned before.
    r("đã", Done),
    r("đã đạt", Done),
    r("thu được", Done),
    // Not amounts.
    r("số", NotAFigure),
    r("thứ", NotAFigure),
    r("lần thứ", NotAFigure),
    r("khóa", NotAFigure),
    r("khoá", NotAFigure),
    r("ngày", NotAFigure),
    r("quý", NotAFigure),
    r("lúc", NotAFigure),
    r("top", NotAFigure),
    r("hạng", NotAFigure),
];

/// The rules with one effect's kind (compared without the effect's payload).
pub fn rules_where(pred: impl Fn(Effect) -> bool) -> impl Iterator<Item = &'static Rule> {
    RULES.iter().filter(move |r| pred(r.effect))
}

/// Abbreviations of indicator names, expanded (in folded form) in both the catalogue's labels
/// and the bulletin's words before they are compared.
pub const ABBREVIATIONS: &[(&str, &str)] = &[
    ("ntm", "nong thon moi"),
    ("nsnn", "ngan sach nha nuoc"),
    ("ns", "ngan sach"),
    ("gtsx", "gia tri san xuat"),
    ("cn", "cong nghiep"),
    ("ttcn", "tieu thu cong nghiep"),
    ("bhyt", "bao hiem y te"),
    ("bhxh", "bao hiem xa hoi"),
    ("kt", "kinh te"),
    ("xh", "xa hoi"),
    ("vh", "van hoa"),
    ("gtnt", "giao thong nong thon"),
    ("tccs", "to chuc co so"),
    ("htt", "hoan thanh tot"),
    ("dn", "doanh nghiep"),
    ("grdp", "tong san pham tren dia ban"),
    ("tmdv", "thuong mai dich vu"),
];

/// Words of a catalogue label that bulletins add or drop freely; a label is matched on its
/// other words. Phrases first ("tỷ lệ", "trên địa bàn", folded), then single words ("số",
/// "tổng", "mức", "được", "mới", …). "tỷ", "lệ", "địa", "bàn" alone are not filler: "Bán lẻ
/// và dịch vụ" must keep "bán lẻ".
pub const LABEL_FILLER_PHRASES: &[&str] = &["ty le", "tren dia ban", "dia ban", "nha nuoc"];

/// Single filler words of a label (folded).
pub const LABEL_FILLER: &[&str] = &[
    "so", "tong", "muc", "duoc", "moi", "toan", "cua", "va", "cac", "nhung", "co", "la", "trong",
    "nam", "dat", "nguoi", "cho", "o", "voi",
];

/// Words that may stand between two figures of one indicator besides cue words ("… theo kế
/// hoạch và 850 tỷ đồng theo nghị quyết"), folded.
pub const INHERIT_FILLER: &[&str] = &[
    "va", "theo", "cua", "la", "con", "muc", "voi", "thi", "se", "nam",
];

/// Words of a growth indicator's name that a change ("tăng 9,12%") already says.
pub const GROWTH_WORDS: &[&str] = &["toc", "do", "tang", "truong", "vuot", "giam"];

/// Change words whose change an indicator (unit %) can measure, with the folded word its
/// name must hold: "tăng 9,12%" is the "Tốc độ tăng …", "vượt 5% dự toán" the "Mức thu
/// ngân sách vượt dự toán".
pub const CHANGE_VERBS: &[(&str, &str)] = &[("tăng", "tang"), ("vượt", "vuot"), ("giảm", "giam")];

/// Roman numerals of quarters ("quý III").
pub const QUARTERS: &[(&str, u8)] = &[
    ("i", 1),
    ("ii", 2),
    ("iii", 3),
    ("iv", 4),
    ("1", 1),
    ("2", 2),
    ("3", 3),
    ("4", 4),
];

/// Words before a year that make it a year compared with, not the figure's period
/// ("so với năm 2022", "cùng kỳ năm 2022"), or a term of office ("nhiệm kỳ 2015-2020").
pub const NOT_A_PERIOD_BEFORE: &[&str] = &[
    "so với",
    "so với năm",
    "cùng kỳ",
    "cùng kỳ năm",
    "so với cùng kỳ năm",
    "từ năm",
    "giá so sánh",
    "giá so sánh năm",
    "giá cố định",
    "giá cố định năm",
    "giá hiện hành năm",
];

/// Words before a year or span that make it a period no value can have: a term of office,
/// a school or crop year. The figure is then a doubt.
pub const UNCLEAR_PERIOD_BEFORE: &[&str] = &[
    "nhiệm kỳ",
    "khóa",
    "khoá",
    "năm học",
    "niên vụ",
    "niên khóa",
];

/// Words of a title or first paragraph that make a bulletin a review of a past period
/// ("tổng kết năm 2023"): its figures without a cue are then not the year's targets.
pub const REVIEW: &[&str] = &[
    "tổng kết",
    "sơ kết",
    "đánh giá kết quả",
    "kết quả thực hiện",
    "nhìn lại",
];

/// Kinds of unit that, followed by a capitalised name, name a unit ("xã Hòa Tiến"): a
/// figure whose words name another unit than the bulletin's is a doubt.
pub const UNIT_KINDS: &[&str] = &[
    "xã",
    "phường",
    "thị trấn",
    "huyện",
    "thị xã",
    "thành phố",
    "tp",
    "tỉnh",
    "quận",
    "thôn",
    "bản",
    "tổ dân phố",
    "khu phố",
];

/// Phrases that say "so far this year" without saying how far: a doubt, not the year.
pub const SO_FAR: &[&str] = &["từ đầu năm", "đến nay", "lũy kế", "luỹ kế", "tính đến nay"];

#[cfg(test)]
mod tests {
    use super::*;

    fn has(words: &str, effect: Effect) -> bool {
        RULES.iter().any(|r| r.words == words && r.effect == effect)
    }

    #[test]
    fn kind_rules() {
        for w in [
            "chỉ tiêu",
            "kế hoạch",
            "phấn đấu",
            "mục tiêu",
            "dự kiến",
            "đề ra",
            "được giao",
            "dự toán",
        ] {
            assert!(has(w, Kind(self::Kind::Target)), "{w}");
        }
        for w in ["ước", "ước đạt", "ước thực hiện", "dự ước"] {
            assert!(has(w, Kind(self::Kind::Estimate)), "{w}");
        }
        for w in [
            "đạt",
            "thực hiện",
            "còn",
            "là",
            "thực hiện kế hoạch",
            "vượt kế hoạch",
        ] {
            assert!(has(w, Kind(self::Kind::Actual)), "{w}");
        }
        assert!(has("theo kế hoạch", KindAfter(self::Kind::Target)));
    }

    #[test]
    fn basis_rules() {
        assert!(has("nghị quyết", Basis(self::Basis::Resolution)));
        assert!(has("tỉnh giao", Basis(self::Basis::Assigned)));
        assert!(has("điều chỉnh", Basis(self::Basis::Adjusted)));
        assert!(has("kế hoạch", Basis(self::Basis::Plan)));
    }

    #[test]
    fn qualifier_rules() {
        assert!(has("trên", Qualifier(self::Qualifier::Over)));
        assert!(has("khoảng", Qualifier(self::Qualifier::About)));
        assert!(has("ít nhất", Qualifier(self::Qualifier::AtLeast)));
        assert!(has("tối đa", Qualifier(self::Qualifier::AtMost)));
        assert!(has("dưới", Qualifier(self::Qualifier::Under)));
        assert!(has("trở lên", QualifierAfter(self::Qualifier::AtLeast)));
    }

    #[test]
    fn not_a_figure_rules() {
        assert!(has("bằng", ShareBefore));
        assert!(has("kế hoạch", ShareAfter));
        assert!(has("so với", ShareAfter));
        assert!(has("tăng", Change));
        assert!(has("giảm", Change));
        assert!(has("vượt", Change));
        assert!(has("so với", ChangeAfter));
        assert!(has("xuống còn", Level));
        assert!(has("số", NotAFigure));
        assert!(has("từ", ChangeFrom));
        assert!(has("xuống còn", ChangeTo));
        assert!(has("đã", Done));
        assert!(has("lần thứ", NotAFigure));
    }

    #[test]
    fn every_cue_is_lower_case_nfc() {
        for r in RULES {
            assert_eq!(r.words, r.words.to_lowercase(), "{}", r.words);
            assert_eq!(r.words, crate::vi::nfc(r.words), "{}", r.words);
        }
    }
}
