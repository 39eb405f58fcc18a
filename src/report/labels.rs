//! Fixed chart texts in English, Russian and Kyrgyz, and number formatting.
//!
//! Charts are shown at council meetings, so every word on them comes from here: titles the
//! caller may use, axis labels, legend entries, state names and footer words. Money is shown
//! in millions of som; Russian and Kyrgyz use a decimal comma and a narrow no-break space
//! between thousands, English a decimal point and a comma.

use crate::lang::Lang;

/// Every fixed text that appears on a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    // Units and axes.
    MillionSom,
    Probability,
    MeanPerYear,
    // Statistics and bands.
    Median,
    Mean,
    P25P75,
    P5P95,
    P10P90,
    Chance50,
    Chance80,
    Chance90,
    // Budget.
    BudgetRevenue,
    SpendingNeed,
    ProbShortfall,
    // Composition.
    LocalBudget,
    Community,
    // Present value.
    PresentValue,
    // Variants.
    Variant,
    DiffVariantBaseline,
    PMaterialGain,
    NoDifference,
    AllZero,
    // Project states.
    Planned,
    Producing,
    Suspended,
    Closed,
    // Safe-to-budget line.
    Safe90,
    Safe75,
    TitleBudgetLine,
    // What drives the uncertainty.
    ShareOfVariance,
    StandardError,
    TitleTornado,
    TitleAttribution,
    GroupStart,
    GroupDisruptions,
    GroupVariability,
    GroupPayments,
    GroupAllocation,
    GroupGrowth,
    GroupLaw,
    TitleLaws,
    // Development funds, named by level when the scenario gives no name.
    DistrictFund,
    OblastFund,
    // Footer.
    Seed,
    Paths,
    // Default titles, one per chart kind.
    TitleRevenue,
    TitleBudget,
    TitleComposition,
    TitlePresentValue,
    TitleTotalGain,
    TitleRules,
    TitleReserve,
    TotalGain,
    TitleShortfall,
    TitleVariant,
    TitleProjectStates,
    TitleProjectOutput,
    // The national view.
    TitleRepublic,
    TitleOblastLevel,
    TitleByOblast,
    TitleFundInflows,
    TitleRankingLeast,
    TitleRankingMost,
    TitleConcentration,
    TitleShortfallByOblast,
    SafePerInhabitant,
    ActualSpread,
    EqualSpread,
    ShareOfMoney,
    ShareOfPlaces,
    DistrictFunds,
    OblastFunds,
    SafeIn9Of10,
    Oblasts,
    Funds,
    // The target solver.
    TitleSolve,
    SolveChance,
    SolveRequired,
    SolveAnswer,
    SolveCheck,
}

impl Key {
    /// All keys, for checks that every text has a glyph in the embedded font.
    #[cfg(test)]
    pub const ALL: [Key; 80] = [
        Key::MillionSom,
        Key::Probability,
        Key::MeanPerYear,
        Key::Median,
        Key::Mean,
        Key::P25P75,
        Key::P5P95,
        Key::P10P90,
        Key::Chance50,
        Key::Chance80,
        Key::Chance90,
        Key::BudgetRevenue,
        Key::SpendingNeed,
        Key::ProbShortfall,
        Key::LocalBudget,
        Key::Community,
        Key::PresentValue,
        Key::Variant,
        Key::DiffVariantBaseline,
        Key::PMaterialGain,
        Key::NoDifference,
        Key::AllZero,
        Key::Planned,
        Key::Producing,
        Key::Suspended,
        Key::Closed,
        Key::DistrictFund,
        Key::OblastFund,
        Key::Safe90,
        Key::Safe75,
        Key::TitleBudgetLine,
        Key::ShareOfVariance,
        Key::StandardError,
        Key::TitleTornado,
        Key::TitleAttribution,
        Key::GroupStart,
        Key::GroupDisruptions,
        Key::GroupVariability,
        Key::GroupPayments,
        Key::GroupAllocation,
        Key::GroupGrowth,
        Key::GroupLaw,
        Key::TitleLaws,
        Key::Seed,
        Key::Paths,
        Key::TitleRevenue,
        Key::TitleBudget,
        Key::TitleComposition,
        Key::TitlePresentValue,
        Key::TitleTotalGain,
        Key::TitleRules,
        Key::TitleReserve,
        Key::TotalGain,
        Key::TitleShortfall,
        Key::TitleVariant,
        Key::TitleProjectStates,
        Key::TitleProjectOutput,
        Key::TitleRepublic,
        Key::TitleOblastLevel,
        Key::TitleByOblast,
        Key::TitleFundInflows,
        Key::TitleRankingLeast,
        Key::TitleRankingMost,
        Key::TitleConcentration,
        Key::TitleShortfallByOblast,
        Key::SafePerInhabitant,
        Key::ActualSpread,
        Key::EqualSpread,
        Key::ShareOfMoney,
        Key::ShareOfPlaces,
        Key::DistrictFunds,
        Key::OblastFunds,
        Key::SafeIn9Of10,
        Key::Oblasts,
        Key::Funds,
        Key::TitleSolve,
        Key::SolveChance,
        Key::SolveRequired,
        Key::SolveAnswer,
        Key::SolveCheck,
    ];
}

/// A project's unit of output (`unit`) as written in `lang`: the common ones are translated
/// ("oz" is "унц." in Russian), any other is shown as the scenario gives it.
pub fn output_unit(lang: Lang, unit: &str) -> String {
    let [ru, ky] = match unit {
        "oz" => ["унц.", "унция"],
        "t" => ["т", "т"],
        "kg" => ["кг", "кг"],
        "l" => ["л", "л"],
        "m3" => ["м³", "м³"],
        "kWh" => ["кВт·ч", "кВт·с"],
        _ => return unit.to_string(),
    };
    match lang {
        Lang::En => unit.to_string(),
        Lang::Ru => ru.to_string(),
        Lang::Ky => ky.to_string(),
    }
}

/// The unit of a money axis in `lang`, with the prices it is in.
pub fn money(lang: Lang, prices: crate::report::charts::Prices) -> String {
    use crate::report::charts::Prices;
    let unit = t(lang, Key::MillionSom);
    match (prices, lang) {
        (Prices::Nominal, Lang::En) => format!("{unit}, nominal"),
        (Prices::Nominal, Lang::Ru) => format!("{unit}, номинал"),
        (Prices::Nominal, Lang::Ky) => format!("{unit}, номиналдык"),
        (Prices::StartYear(y), Lang::En) => format!("{unit}, {y} prices"),
        (Prices::StartYear(y), Lang::Ru) => format!("{unit}, в ценах {y} г."),
        (Prices::StartYear(y), Lang::Ky) => format!("{unit}, {y}-ж. баасында"),
    }
}

/// The text of `key` in `lang`.
pub fn t(lang: Lang, key: Key) -> &'static str {
    let [en, ru, ky] = texts(key);
    match lang {
        Lang::En => en,
        Lang::Ru => ru,
        Lang::Ky => ky,
    }
}

fn texts(key: Key) -> [&'static str; 3] {
    match key {
        Key::MillionSom => ["M KGS", "млн сом", "млн сом"],
        Key::AllZero => [
            "Zero in every simulated future: there is nothing to draw.",
            "Ноль во всех смоделированных вариантах будущего: показывать нечего.",
            "Бардык моделделген келечектерде нөл: көрсөтө турган эч нерсе жок.",
        ],
        Key::Probability => ["probability", "вероятность", "ыктымалдык"],
        Key::MeanPerYear => ["mean per year", "в среднем за год", "жылына орточо"],
        Key::Median => ["median", "медиана", "медиана"],
        Key::Mean => ["mean", "среднее", "орточо"],
        Key::P25P75 => ["P25–P75", "P25–P75", "P25–P75"],
        Key::P5P95 => ["P5–P95", "P5–P95", "P5–P95"],
        Key::P10P90 => ["P10–P90", "P10–P90", "P10–P90"],
        Key::Chance50 => [
            "50% chance",
            "вероятность 50\u{202F}%",
            "ыктымалдыгы 50\u{202F}%",
        ],
        Key::Chance80 => [
            "80% chance",
            "вероятность 80\u{202F}%",
            "ыктымалдыгы 80\u{202F}%",
        ],
        Key::Chance90 => [
            "90% chance",
            "вероятность 90\u{202F}%",
            "ыктымалдыгы 90\u{202F}%",
        ],
        Key::BudgetRevenue => ["budget revenue", "доходы бюджета", "бюджеттин кирешелери"],
        Key::SpendingNeed => [
            "spending need",
            "потребность в расходах",
            "чыгашаларга муктаждык",
        ],
        Key::ProbShortfall => [
            "probability of shortfall",
            "вероятность дефицита",
            "тартыштыктын ыктымалдыгы",
        ],
        Key::LocalBudget => ["Local budget", "Местный бюджет", "Жергиликтүү бюджет"],
        Key::Community => [
            "Community (off-budget)",
            "Сообщество (вне бюджета)",
            "Жамаат (бюджеттен тышкары)",
        ],
        Key::PresentValue => ["present value", "приведённая стоимость", "келтирилген нарк"],
        Key::TotalGain => [
            "total gain against the baseline",
            "суммарный прирост по сравнению с базовым сценарием",
            "базалык сценарийге салыштырмалуу жалпы өсүш",
        ],
        Key::Variant => ["variant", "вариант", "вариант"],
        Key::DiffVariantBaseline => [
            "difference variant − baseline",
            "разница: вариант − базовый",
            "айырма: вариант − базалык",
        ],
        Key::PMaterialGain => [
            "probability that the gain is more than 5% of an average year",
            "вероятность, что прирост больше 5 % от среднего года",
            "өсүштүн орточо жылдын 5 %нан ашуу ыктымалдыгы",
        ],
        Key::NoDifference => ["no difference", "нет разницы", "айырма жок"],
        Key::Planned => ["planned", "планируется", "пландалган"],
        Key::Producing => ["producing", "работает", "иштеп жатат"],
        Key::Suspended => ["suspended", "приостановлен", "убактылуу токтотулган"],
        Key::Closed => ["closed", "закрыт", "жабылган"],
        Key::Safe90 => [
            "safe to budget: received with 90% probability",
            "можно заложить в бюджет: поступит с вероятностью 90 %",
            "бюджетке киргизсе болот: 90 % ыктымалдык менен түшөт",
        ],
        Key::Safe75 => [
            "received with 75% probability",
            "поступит с вероятностью 75 %",
            "75 % ыктымалдык менен түшөт",
        ],
        Key::TitleBudgetLine => [
            "Project money the budget can count on",
            "На какие доходы от проекта бюджет может рассчитывать",
            "Бюджет долбоордон кандай кирешеге ишене алат",
        ],
        Key::ShareOfVariance => ["share of variance", "доля дисперсии", "дисперсиянын үлүшү"],
        Key::StandardError => [
            "± standard error",
            "± стандартная ошибка",
            "± стандарттык ката",
        ],
        Key::TitleTornado => [
            "What drives the uncertainty of project money",
            "От чего зависит неопределённость доходов от проекта",
            "Долбоордон түшүүлөрдүн белгисиздиги эмнеден көз каранды",
        ],
        Key::TitleAttribution => [
            "What drives the uncertainty, year by year",
            "Источники неопределённости по годам",
            "Белгисиздиктин булактары жылдар боюнча",
        ],
        Key::GroupStart => ["start", "начало работы", "ишке киришүү"],
        Key::GroupDisruptions => ["disruptions", "перебои", "үзгүлтүктөр"],
        Key::GroupVariability => [
            "output variability",
            "колебания выпуска",
            "өндүрүштүн өзгөрмөлүүлүгү",
        ],
        Key::GroupPayments => [
            "payments made or not",
            "выплаты (будут ли)",
            "төлөмдөр (болобу)",
        ],
        Key::GroupAllocation => [
            "fund allocation",
            "распределение фондов",
            "фонддорду бөлүштүрүү",
        ],
        Key::GroupGrowth => [
            "own-revenue growth",
            "рост собственных доходов",
            "өз кирешелеринин өсүшү",
        ],
        Key::GroupLaw => [
            "changes of the law",
            "изменения закона",
            "мыйзамдын өзгөрүшү",
        ],
        Key::TitleLaws => [
            "Which law is in force: probability by year",
            "Какой закон действует: вероятность по годам",
            "Кайсы мыйзам колдонулат: жылдар боюнча ыктымалдык",
        ],
        Key::DistrictFund => [
            "District development fund",
            "Районный фонд развития",
            "Райондук өнүктүрүү фонду",
        ],
        Key::OblastFund => [
            "Oblast development fund",
            "Областной фонд развития",
            "Облустук өнүктүрүү фонду",
        ],
        Key::Seed => ["seed", "начальное число", "баштапкы сан"],
        Key::Paths => ["paths", "траекторий", "траектория"],
        Key::TitleRevenue => [
            "Payments from the project to the local budget",
            "Поступления от проекта в местный бюджет",
            "Долбоордон жергиликтүү бюджетке түшүүлөр",
        ],
        Key::TitleBudget => [
            "Local budget and spending need",
            "Местный бюджет и потребность в расходах",
            "Жергиликтүү бюджет жана чыгашаларга муктаждык",
        ],
        Key::TitleComposition => [
            "Where the money comes from",
            "Откуда поступают деньги",
            "Акча кайдан түшөт",
        ],
        Key::TitlePresentValue => [
            "Present value of revenue by municipality",
            "Приведённая стоимость доходов по айыльным аймакам",
            "Айыл аймактар боюнча кирешелердин келтирилген наркы",
        ],
        Key::TitleTotalGain => [
            "Total gain over the horizon by municipality",
            "Суммарный прирост за весь период по айыльным аймакам",
            "Айыл аймактар боюнча бүт мезгилдеги жалпы өсүш",
        ],
        Key::TitleReserve => [
            "Reserve under the budget rule",
            "Резерв по бюджетному правилу",
            "Бюджеттик эреже боюнча резерв",
        ],
        Key::TitleRules => [
            "Present value of spending under each budget rule",
            "Приведённая стоимость расходов по каждому бюджетному правилу",
            "Ар бир бюджеттик эреже боюнча чыгашалардын келтирилген наркы",
        ],
        Key::TitleShortfall => [
            "Probability of a budget shortfall",
            "Вероятность дефицита бюджета",
            "Бюджеттин тартыштыгынын ыктымалдыгы",
        ],
        Key::TitleVariant => [
            "Variant compared with the baseline",
            "Вариант в сравнении с базовым сценарием",
            "Вариант базалык сценарий менен салыштырганда",
        ],
        Key::TitleProjectStates => [
            "Project status over time",
            "Состояние проекта по годам",
            "Долбоордун абалы жылдар боюнча",
        ],
        Key::TitleProjectOutput => ["Production", "Объём производства", "Өндүрүштүн көлөмү"],
        Key::TitleRepublic => [
            "Money to the republican budget",
            "Поступления в республиканский бюджет",
            "Республикалык бюджетке түшүүлөр",
        ],
        Key::TitleOblastLevel => [
            "Money routed to the oblast level, by oblast",
            "Поступления на уровень областей, по областям",
            "Облус деңгээлине түшүүлөр, облустар боюнча",
        ],
        Key::TitleByOblast => [
            "Project money of the municipalities, by oblast",
            "Доходы айыл аймаков от проектов, по областям",
            "Айыл аймактардын долбоорлордон кирешелери, облустар боюнча",
        ],
        Key::TitleFundInflows => [
            "Money into the development funds",
            "Поступления в фонды развития",
            "Өнүктүрүү фонддоруна түшүүлөр",
        ],
        Key::TitleRankingLeast => [
            "Least safe project money per inhabitant",
            "Меньше всего надёжных доходов от проектов на жителя",
            "Бир тургунга эң аз кепилденген долбоор кирешеси",
        ],
        Key::TitleRankingMost => [
            "Most safe project money per inhabitant",
            "Больше всего надёжных доходов от проектов на жителя",
            "Бир тургунга эң көп кепилденген долбоор кирешеси",
        ],
        Key::TitleConcentration => [
            "How the project money is spread across municipalities",
            "Как доходы от проектов распределены между айыл аймаками",
            "Долбоор кирешелери айыл аймактардын арасында кантип бөлүштүрүлөт",
        ],
        Key::TitleShortfallByOblast => [
            "Shortfall risk by oblast, average of its municipalities",
            "Риск дефицита по областям, в среднем по айыл аймакам",
            "Облустар боюнча тартыштык тобокелдиги, айыл аймактар боюнча орточо",
        ],
        Key::SafePerInhabitant => [
            "present value of project money, som per inhabitant, nominal",
            "приведённая стоимость доходов от проектов, сом на жителя, номинал",
            "долбоор кирешелеринин келтирилген наркы, бир тургунга сом, номиналдык",
        ],
        Key::ActualSpread => [
            "how the present value of project money is spread (expected)",
            "как распределена приведённая стоимость доходов от проектов (ожидаемая)",
            "долбоор кирешелеринин келтирилген наркы кантип бөлүштүрүлгөн (күтүлгөн)",
        ],
        Key::EqualSpread => [
            "if every municipality received the same",
            "если бы все айыл аймаки получали поровну",
            "бардык айыл аймактар бирдей алса",
        ],
        Key::ShareOfMoney => [
            "share of the project money, cumulative",
            "доля доходов от проектов, нарастающим итогом",
            "долбоор кирешелеринин үлүшү, топтолгон",
        ],
        Key::ShareOfPlaces => [
            "share of municipalities, from the least to the most money",
            "доля айыл аймаков, от получающих меньше всего к получающим больше всего",
            "айыл аймактардын үлүшү, эң аз алгандан эң көп алганга чейин",
        ],
        Key::DistrictFunds => [
            "District development funds",
            "Районные фонды развития",
            "Райондук өнүктүрүү фонддору",
        ],
        Key::Oblasts => ["Oblasts", "Области", "Облустар"],
        Key::Funds => ["Development funds", "Фонды развития", "Өнүктүрүү фонддору"],
        Key::TitleSolve => [
            "Chance that the target is met, by the value of one parameter",
            "Вероятность достичь цели в зависимости от значения параметра",
            "Максатка жетүү ыктымалдыгы, параметрдин маанисине жараша",
        ],
        Key::SolveChance => [
            "chance that the target is met",
            "вероятность достичь цели",
            "максатка жетүү ыктымалдыгы",
        ],
        Key::SolveRequired => [
            "required chance",
            "требуемая вероятность",
            "талап кылынган ыктымалдык",
        ],
        Key::SolveAnswer => ["answer", "ответ", "жооп"],
        Key::SolveCheck => [
            "check on another seed, 95% interval",
            "проверка с другим начальным числом, 95\u{202F}% интервал",
            "башка баштапкы сан менен текшерүү, 95\u{202F}% интервал",
        ],
        Key::SafeIn9Of10 => [
            "safe in 9 of 10 futures",
            "надёжно в 9 из 10 вариантов будущего",
            "10 келечектин 9унда кепилденген",
        ],
        Key::OblastFunds => [
            "Oblast development funds",
            "Областные фонды развития",
            "Облустук өнүктүрүү фонддору",
        ],
    }
}

/// "P25–P75 (50% chance)": a band name with what it means in plain words.
pub fn band_legend(lang: Lang, band: Key, chance: Key) -> String {
    format!("{} ({})", t(lang, band), t(lang, chance))
}

/// Narrow no-break space: thousands separator and the space before "%" in ru/ky.
const NNBSP: char = '\u{202F}';
/// True minus sign, easier to read than a hyphen on a projected slide.
const MINUS: char = '\u{2212}';

/// `value` with `decimals` decimals, grouped in thousands, localized.
///
/// Russian and Kyrgyz group only numbers of five or more digits (2026, 1500, 12 500), as
/// their typography does; English groups from four digits on.
pub fn fmt_number(lang: Lang, value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let text = format!("{:.*}", decimals, value.abs());
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let (sep, dec, min_group) = match lang {
        Lang::En => (',', '.', 4),
        Lang::Ru | Lang::Ky => (NNBSP, ',', 5),
    };
    let mut out = String::new();
    // A value that rounds to zero gets no minus sign.
    let is_zero = text.chars().all(|c| c == '0' || c == '.');
    if value < 0.0 && !is_zero {
        out.push(MINUS);
    }
    let digits: Vec<char> = int_part.chars().collect();
    let group = digits.len() >= min_group;
    for (i, c) in digits.iter().enumerate() {
        if group && i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(*c);
    }
    if let Some(f) = frac_part {
        out.push(dec);
        out.push_str(f);
    }
    out
}

/// Decimals for an amount in millions: two below ten million, one above.
pub fn money_decimals(millions: f64) -> usize {
    if millions.abs() < 10.0 {
        2
    } else {
        1
    }
}

/// A probability in 0..=1 as a percentage: "45%" (en) or "45 %" (ru, ky).
pub fn fmt_percent(lang: Lang, p: f64, decimals: usize) -> String {
    let n = fmt_number(lang, p * 100.0, decimals);
    match lang {
        Lang::En => format!("{n}%"),
        Lang::Ru | Lang::Ky => format!("{n}{NNBSP}%"),
    }
}

/// The sentence of a concentration chart: what the tenth of municipalities with the most
/// project money receives of it.
pub fn top_tenth(lang: Lang, share: f64) -> String {
    let p = fmt_percent(lang, share, 0);
    match lang {
        Lang::En => format!("The 10% of municipalities with the most receive {p} of the money."),
        Lang::Ru => {
            format!("10{NNBSP}% айыл аймаков с наибольшими доходами получают {p} всех денег.")
        }
        Lang::Ky => format!("Эң көп алган 10{NNBSP}% айыл аймак бардык акчанын {p}ын алат."),
    }
}

/// "10,000 paths" / "10 000 траекторий" / "10 000 траектория".
pub fn fmt_paths(lang: Lang, n: u64) -> String {
    let count = fmt_number(lang, n as f64, 0);
    let word = match lang {
        Lang::En if n == 1 => "path",
        Lang::Ru => match (n % 10, n % 100) {
            (1, r) if r != 11 => "траектория",
            (2..=4, r) if !(12..=14).contains(&r) => "траектории",
            _ => "траекторий",
        },
        // Kyrgyz nouns stay singular after a numeral.
        _ => t(lang, Key::Paths),
    };
    format!("{count} {word}")
}

/// The usual chart footer: "aimak 0.1.0 · Ala-Buka pilot · seed 2026 · 10,000 paths · 2026-11-28".
pub fn footer(
    lang: Lang,
    version: &str,
    scenario: &str,
    seed: u64,
    paths: u64,
    date: &str,
) -> String {
    format!(
        "aimak {version} · {scenario} · {} {seed} · {} · {date}",
        t(lang, Key::Seed),
        fmt_paths(lang, paths)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const LANGS: [Lang; 3] = [Lang::En, Lang::Ru, Lang::Ky];

    #[test]
    fn every_key_has_text_in_every_language() {
        for lang in LANGS {
            for key in Key::ALL {
                assert!(!t(lang, key).trim().is_empty(), "{key:?} {lang:?}");
            }
        }
        assert_eq!(t(Lang::Ru, Key::MillionSom), "млн сом");
        assert_eq!(t(Lang::Ky, Key::MillionSom), "млн сом");
        assert_eq!(t(Lang::En, Key::MillionSom), "M KGS");
    }

    #[test]
    fn russian_and_kyrgyz_texts_are_cyrillic() {
        // A Latin letter that slipped in (e.g. a Latin "o" or "c") looks right but is wrong.
        let allowed_latin = ["P25–P75", "P5–P95", "P10–P90", "P(", "%"];
        for lang in [Lang::Ru, Lang::Ky] {
            for key in Key::ALL {
                let mut s = t(lang, key).to_string();
                for a in allowed_latin {
                    s = s.replace(a, "");
                }
                assert!(
                    !s.chars().any(|c| c.is_ascii_alphabetic()),
                    "Latin letter in {key:?} {lang:?}: {}",
                    t(lang, key)
                );
            }
        }
    }

    #[test]
    fn numbers_use_local_separators() {
        assert_eq!(fmt_number(Lang::En, 1234567.891, 2), "1,234,567.89");
        assert_eq!(
            fmt_number(Lang::Ru, 1234567.891, 2),
            "1\u{202F}234\u{202F}567,89"
        );
        assert_eq!(fmt_number(Lang::Ky, 12.345, 1), "12,3");
        assert_eq!(fmt_number(Lang::Ru, 2026.0, 0), "2026");
        assert_eq!(fmt_number(Lang::En, 2026.0, 0), "2,026");
        assert_eq!(fmt_number(Lang::Ru, 12500.0, 0), "12\u{202F}500");
        assert_eq!(fmt_number(Lang::En, -3.5, 1), "\u{2212}3.5");
        assert_eq!(fmt_number(Lang::En, -0.001, 1), "0.0");
        assert_eq!(fmt_number(Lang::En, 999.96, 1), "1,000.0");
    }

    #[test]
    fn percentages_and_plurals() {
        assert_eq!(fmt_percent(Lang::En, 0.456, 0), "46%");
        assert_eq!(fmt_percent(Lang::Ru, 0.456, 0), "46\u{202F}%");
        assert_eq!(fmt_paths(Lang::En, 10_000), "10,000 paths");
        assert_eq!(fmt_paths(Lang::Ru, 10_000), "10\u{202F}000 траекторий");
        assert_eq!(fmt_paths(Lang::Ru, 21), "21 траектория");
        assert_eq!(fmt_paths(Lang::Ru, 1002), "1002 траектории");
        assert_eq!(fmt_paths(Lang::Ru, 12), "12 траекторий");
        assert_eq!(fmt_paths(Lang::Ky, 5000), "5000 траектория");
        assert_eq!(
            footer(
                Lang::En,
                "0.1.0",
                "Ala-Buka pilot",
                2026,
                10_000,
                "2026-11-28"
            ),
            "aimak 0.1.0 · Ala-Buka pilot · seed 2026 · 10,000 paths · 2026-11-28"
        );
    }
}
