//! The sentences of a council sheet, written for each language as a whole (never glued from
//! words), with numbers in that language's conventions. A sentence is a list of runs, each
//! plain or bold, so that the figure a reader looks for stands out.

use super::facts::{Facts, Gain, SafeYear};
use crate::lang::Lang;
use crate::report::labels::{fmt_number, fmt_percent, money_decimals};
use serde::Serialize;

/// A piece of a sentence and whether it is printed bold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run(pub String, pub bool);

fn plain(s: impl Into<String>) -> Run {
    Run(s.into(), false)
}

fn bold(s: impl Into<String>) -> Run {
    Run(s.into(), true)
}

/// Som in millions, with the decimals that suit its size: "82.1" / "82,1".
pub fn millions(lang: Lang, som: f64) -> String {
    let m = som / 1e6;
    fmt_number(lang, m, money_decimals(m))
}

/// "M som" in the language.
pub fn m_som(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "million som",
        Lang::Ru | Lang::Ky => "млн сом",
    }
}

/// The headline: what the municipality can count on in the first year.
pub fn headline(lang: Lang, name: &str, s: &SafeYear) -> Vec<Run> {
    let (x, y) = (
        format!("{} {}", millions(lang, s.safe_90), m_som(lang)),
        s.year.to_string(),
    );
    match lang {
        Lang::En => vec![
            plain("In 9 of 10 futures, "),
            plain(name),
            plain(" receives at least "),
            bold(x),
            plain(format!(" of project money in {y}.")),
        ],
        Lang::Ru => vec![
            plain("В 9 из 10 вариантов будущего "),
            plain(name),
            plain(" получит от проектов не менее "),
            bold(x),
            plain(format!(" в {y} году.")),
        ],
        Lang::Ky => vec![
            plain("10 келечектин 9унда "),
            plain(name),
            plain(format!(" {y}-жылы долбоорлордон кеминде ")),
            bold(x),
            plain(" алат."),
        ],
    }
}

/// How big the first year's safe amount is against the budget and per inhabitant.
pub fn scale(lang: Lang, s: &SafeYear, budget: Option<f64>, population: Option<f64>) -> Vec<Run> {
    let mut out = Vec::new();
    if let Some(b) = budget.filter(|b| *b > 0.0) {
        let share = fmt_percent(lang, s.safe_90 / b, 0);
        let b = format!("{} {}", millions(lang, b), m_som(lang));
        out.extend(match lang {
            Lang::En => vec![
                plain("That is "),
                bold(share),
                plain(format!(" of the whole budget in {} (median {b})", s.year)),
            ],
            Lang::Ru => vec![
                plain("Это "),
                bold(share),
                plain(format!(" всего бюджета {} года (медиана {b})", s.year)),
            ],
            Lang::Ky => vec![
                plain(format!(
                    "Бул {}-жылдагы бүт бюджеттеги (медиана {b}) үлүшү — ",
                    s.year
                )),
                bold(share),
            ],
        });
    }
    if let Some(p) = population.filter(|p| *p > 0.0) {
        let per = fmt_number(lang, (s.safe_90 / p).round(), 0);
        let first = out.is_empty();
        let lead = |start: &str| {
            if first {
                start.to_string()
            } else {
                "; ".to_string()
            }
        };
        out.extend(match lang {
            Lang::En => vec![
                plain(lead("That is ")),
                bold(format!("{per} som")),
                plain(" per inhabitant"),
            ],
            Lang::Ru => vec![
                plain(lead("Это ")),
                bold(format!("{per} сом")),
                plain(" на одного жителя"),
            ],
            Lang::Ky => vec![
                plain(format!("{}бир тургунга ", lead("Бул "))),
                bold(format!("{per} сом")),
            ],
        });
    }
    if !out.is_empty() {
        out.push(plain("."));
    }
    out
}

/// The risk of a shortfall, at its worst year.
pub fn shortfall(lang: Lang, facts: &Facts) -> Vec<Run> {
    if facts.p_shortfall.is_empty() {
        return vec![plain(match lang {
            Lang::En => "The scenario gives no spending need, so no shortfall is computed.",
            Lang::Ru => "Сценарий не задаёт потребность в расходах, поэтому дефицит не считается.",
            Lang::Ky => {
                "Сценарийде чыгым муктаждыгы берилген эмес, ошондуктан тартыштык эсептелбейт."
            }
        })];
    }
    match facts.worst_shortfall() {
        None => vec![plain(match lang {
            Lang::En => "In no year and no simulated future does the budget fall short of the spending need.",
            Lang::Ru => "Ни в одном году и ни в одном варианте будущего бюджет не ниже потребности в расходах.",
            Lang::Ky => "Бир дагы жылда жана бир дагы келечекте бюджет чыгым муктаждыгынан аз болбойт.",
        })],
        Some((year, p)) => {
            let p = fmt_percent(lang, p, 0);
            match lang {
                Lang::En => vec![
                    plain("The budget falls short of the spending need with a probability of at most "),
                    bold(p),
                    plain(format!(" a year; the riskiest year is {year}.")),
                ],
                Lang::Ru => vec![
                    plain("Вероятность того, что бюджет окажется ниже потребности в расходах, не больше "),
                    bold(p),
                    plain(format!(" в год; самый рискованный год — {year}.")),
                ],
                Lang::Ky => vec![
                    plain("Бюджеттин чыгым муктаждыгынан аз болуу ыктымалдыгы жылына "),
                    bold(p),
                    plain(format!(" ашпайт; эң тобокелдүү жыл — {year}.")),
                ],
            }
        }
    }
}

/// The present value of the project money.
pub fn npv(lang: Lang, npv: [f64; 3], rate: f64) -> Vec<Run> {
    let [a, m, b] = npv.map(|x| millions(lang, x));
    let r = fmt_percent(lang, rate, 0);
    let u = m_som(lang);
    match lang {
        Lang::En => vec![
            plain(format!("Present value of all project money over the horizon (discounted at {r} a year): median ")),
            bold(format!("{m} {u}")),
            plain(format!("; in 8 of 10 futures between {a} and {b} {u}.")),
        ],
        Lang::Ru => vec![
            plain(format!("Приведённая стоимость всех денег от проектов за весь период (со ставкой дисконтирования {r} в год): медиана ")),
            bold(format!("{m} {u}")),
            plain(format!("; в 8 из 10 вариантов будущего — от {a} до {b} {u}.")),
        ],
        Lang::Ky => vec![
            plain(format!("Бүт мезгилдеги долбоор акчасынын келтирилген наркы (жылына {r} арзандатуу менен): медиана ")),
            bold(format!("{m} {u}")),
            plain(format!("; 10 келечектин 8инде {a} жана {b} {u} ортосунда.")),
        ],
    }
}

/// What a variant changes, as a paired difference on the same futures.
pub fn gain(lang: Lang, g: &Gain) -> Vec<Run> {
    let label = g.variant.name_in(lang.code()).to_string();
    let [a, m, b] = [g.p10, g.p50, g.p90].map(|x| millions(lang, x));
    let u = m_som(lang);
    match lang {
        Lang::En => vec![
            bold(label),
            plain(": the present value of project money changes by a median of "),
            bold(format!("{m} {u}")),
            plain(format!(" against the baseline, compared future by future; in 8 of 10 futures by between {a} and {b} {u}.")),
        ],
        Lang::Ru => vec![
            bold(label),
            plain(": приведённая стоимость денег от проектов меняется по сравнению с базовым сценарием в среднем (медиана) на "),
            bold(format!("{m} {u}")),
            plain(format!(", при сравнении на одних и тех же вариантах будущего; в 8 из 10 вариантов — на величину от {a} до {b} {u}.")),
        ],
        Lang::Ky => vec![
            bold(label),
            plain(": долбоор акчасынын келтирилген наркы базалык сценарийге салыштырмалуу медиана боюнча "),
            bold(format!("{m} {u}")),
            plain(format!(" өзгөрөт (ар бир келечек өзү менен салыштырылат); 10 келечектин 8инде {a} жана {b} {u} ортосунда.")),
        ],
    }
}

/// Fixed texts of the sheet.
pub struct Texts {
    pub subtitle: &'static str,
    pub table_year: &'static str,
    pub table_safe_90: &'static str,
    pub table_safe_75: &'static str,
    pub table_median: &'static str,
    pub table_unit: &'static str,
    pub risk: &'static str,
    pub variants: &'static str,
    pub sources: &'static str,
    pub nominal: &'static str,
    pub about: &'static str,
    pub prov_scenario: &'static str,
    pub prov_seed: &'static str,
    pub prov_paths: &'static str,
    pub prov_date: &'static str,
}

pub fn texts(lang: Lang) -> Texts {
    match lang {
        Lang::En => Texts {
            subtitle: "What the projects bring into the local budget, and how sure it is",
            table_year: "Year",
            table_safe_90: "Safe (9 in 10)",
            table_safe_75: "Likely (3 in 4)",
            table_median: "Median",
            table_unit: "million som a year",
            risk: "Risk to the budget",
            variants: "What the policy variants change",
            sources: "Where the numbers come from",
            nominal: "All amounts are in current (nominal) som of each year: prices rise over the years, so part of any growth is inflation.",
            about: "The figures come from many simulated futures of prices, exchange rates, production and disruptions, with the fiscal rules of the scenario applied to each. \"In 9 of 10 futures\" means that 90% of the simulated futures give at least that amount.",
            prov_scenario: "Scenario",
            prov_seed: "Seed",
            prov_paths: "Simulated futures",
            prov_date: "Date of the run",
        },
        Lang::Ru => Texts {
            subtitle: "Что проекты приносят в местный бюджет и насколько это надёжно",
            table_year: "Год",
            table_safe_90: "Надёжно (9 из 10)",
            table_safe_75: "Вероятно (3 из 4)",
            table_median: "Медиана",
            table_unit: "млн сом в год",
            risk: "Риск для бюджета",
            variants: "Что меняют варианты политики",
            sources: "Откуда взяты цифры",
            nominal: "Все суммы — в текущих (номинальных) сомах каждого года: цены со временем растут, поэтому часть роста — это инфляция.",
            about: "Цифры получены из множества смоделированных вариантов будущего (цены, курс валют, добыча, перебои), к каждому из которых применены фискальные правила сценария. «В 9 из 10 вариантов» означает, что 90 % смоделированных вариантов дают не меньше этой суммы.",
            prov_scenario: "Сценарий",
            prov_seed: "Начальное число (seed)",
            prov_paths: "Смоделировано вариантов будущего",
            prov_date: "Дата расчёта",
        },
        Lang::Ky => Texts {
            subtitle: "Долбоорлор жергиликтүү бюджетке эмне алып келет жана бул канчалык ишенимдүү",
            table_year: "Жыл",
            table_safe_90: "Ишенимдүү (10дон 9)",
            table_safe_75: "Ыктымал (4төн 3)",
            table_median: "Медиана",
            table_unit: "жылына млн сом",
            risk: "Бюджет үчүн тобокел",
            variants: "Саясат варианттары эмнени өзгөртөт",
            sources: "Сандар кайдан алынган",
            nominal: "Бардык суммалар ар бир жылдын учурдагы (номиналдык) сому менен: баалар жыл сайын өсөт, ошондуктан өсүштүн бир бөлүгү — инфляция.",
            about: "Сандар баалардын, валюта курсунун, өндүрүштүн жана үзгүлтүктөрдүн көптөгөн моделделген келечектеринен алынган; ар бирине сценарийдин фискалдык эрежелери колдонулган. «10 келечектин 9унда» деген моделделген келечектердин 90 % кеминде ушул сумманы берет дегенди билдирет.",
            prov_scenario: "Сценарий",
            prov_seed: "Баштапкы сан (seed)",
            prov_paths: "Моделделген келечектер",
            prov_date: "Эсептөө күнү",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(runs: &[Run]) -> String {
        runs.iter().map(|r| r.0.as_str()).collect()
    }

    const YEAR: SafeYear = SafeYear {
        year: 2026,
        safe_90: 82_140_000.0,
        safe_75: 90_000_000.0,
        median: 97_500_000.0,
    };

    #[test]
    fn the_headline_prints_the_safe_amount_in_each_language() {
        assert_eq!(
            text(&headline(Lang::En, "Kok-Serek", &YEAR)),
            "In 9 of 10 futures, Kok-Serek receives at least 82.1 million som of project money in 2026."
        );
        assert_eq!(
            text(&headline(Lang::Ru, "Кок-Серек", &YEAR)),
            "В 9 из 10 вариантов будущего Кок-Серек получит от проектов не менее 82,1 млн сом в 2026 году."
        );
        assert_eq!(
            text(&headline(Lang::Ky, "Көк-Серек", &YEAR)),
            "10 келечектин 9унда Көк-Серек 2026-жылы долбоорлордон кеминде 82,1 млн сом алат."
        );
    }

    #[test]
    fn the_scale_is_a_share_of_the_budget_and_an_amount_per_inhabitant() {
        // 82.14 M of 410.7 M is 20%; 82.14 M over 12,000 inhabitants is 6,845 som.
        let s = scale(Lang::En, &YEAR, Some(410_700_000.0), Some(12_000.0));
        assert_eq!(
            text(&s),
            "That is 20% of the whole budget in 2026 (median 410.7 million som); 6,845 som per inhabitant."
        );
        assert!(scale(Lang::Ru, &YEAR, None, None).is_empty());
        assert_eq!(
            text(&scale(Lang::Ky, &YEAR, None, Some(12_000.0))),
            "Бул бир тургунга 6845 сом."
        );
    }
}
