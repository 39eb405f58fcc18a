//! The sentences of a council sheet, written for each language as a whole (never glued from
//! words), with numbers in that language's conventions. A sentence is a list of runs, each
//! plain or bold, so that the figure a reader looks for stands out.

use super::facts::{Facts, Gain, Reason, SafeYear};
use crate::lang::Lang;
use crate::report::charts::Prices;
use crate::report::labels::{fmt_number, fmt_percent, money_decimals};
use crate::results::MATERIAL_GAIN;
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

/// How an amount's prices read in a sentence: nothing for nominal money (the sheet says it
/// once), ", at 2026 prices" for start-year money.
fn in_prices(lang: Lang, prices: Prices) -> String {
    match (prices, lang) {
        (Prices::Nominal, _) => String::new(),
        (Prices::StartYear(y), Lang::En) => format!(", at {y} prices"),
        (Prices::StartYear(y), Lang::Ru) => format!(", в ценах {y} года"),
        (Prices::StartYear(y), Lang::Ky) => format!(", {y}-жылдын баасында"),
    }
}

/// What a variant changes, as a paired difference on the same futures: the total over the
/// horizon, its 10th-90th percentile range, the present value, and the chance that the gain is
/// material.
pub fn gain(lang: Lang, g: &Gain, prices: Prices) -> Vec<Run> {
    let label = g.variant.name_in(lang.code()).to_string();
    let [a, m, b] = [g.total.p10, g.total.p50, g.total.p90].map(|x| millions(lang, x));
    let u = m_som(lang);
    let (y0, y1) = g.years;
    let at = in_prices(lang, prices);
    let p = fmt_percent(lang, g.p_material, 0);
    let share = fmt_percent(lang, MATERIAL_GAIN, 0);
    let pv = g.npv.map(|n| millions(lang, n.p50));
    match lang {
        Lang::En => {
            let mut out = vec![
                bold(label),
                plain(format!(": over {y0}–{y1} the project money changes by a total of ")),
                bold(format!("{m} {u}")),
                plain(format!(" (median{at}) against the baseline, comparing each future with itself; in 8 of 10 futures by between {a} and {b} {u}")),
            ];
            if let Some(pv) = pv {
                out.push(plain(format!("; present value {pv} {u}")));
            }
            out.extend([
                plain(format!(
                    ". Chance that the gain is more than {share} of what the baseline gives: "
                )),
                bold(p),
                plain("."),
            ]);
            out
        }
        Lang::Ru => {
            let mut out = vec![
                bold(label),
                plain(format!(": за {y0}–{y1} годы деньги от проектов меняются по сравнению с базовым сценарием в сумме на ")),
                bold(format!("{m} {u}")),
                plain(format!(" (медиана{at}; каждый вариант будущего сравнивается сам с собой); в 8 из 10 вариантов — на величину от {a} до {b} {u}")),
            ];
            if let Some(pv) = pv {
                out.push(plain(format!("; приведённая стоимость — {pv} {u}")));
            }
            out.extend([
                plain(format!(
                    ". Вероятность того, что прирост больше {share} от суммы базового сценария: "
                )),
                bold(p),
                plain("."),
            ]);
            out
        }
        Lang::Ky => {
            let mut out = vec![
                bold(label),
                plain(format!(": {y0}–{y1}-жылдары долбоор акчасы базалык сценарийге салыштырмалуу жалпысынан ")),
                bold(format!("{m} {u}")),
                plain(format!(" өзгөрөт (медиана{at}; ар бир келечек өзү менен салыштырылат); 10 келечектин 8инде {a} жана {b} {u} ортосунда")),
            ];
            if let Some(pv) = pv {
                out.push(plain(format!("; келтирилген нарк боюнча {pv} {u}")));
            }
            out.extend([
                plain(format!(
                    ". Өсүштүн базалык сценарийдин суммасынын {share} ашуу ыктымалдыгы: "
                )),
                bold(p),
                plain("."),
            ]);
            out
        }
    }
}

/// Why the riskiest year is risky, in a sentence (empty when the tables do not show it).
pub fn reason(lang: Lang, facts: &Facts) -> Vec<Run> {
    let (Some(r), Some((year, _))) = (&facts.reason, facts.worst_shortfall()) else {
        return Vec::new();
    };
    let code = lang.code();
    let closing = match r {
        Reason::Clawback { closing } | Reason::Closure { closing } => closing,
    };
    let names: Vec<&str> = closing.iter().map(|c| c.project.name_in(code)).collect();
    let always = closing.iter().all(|c| c.always);
    let and = match lang {
        Lang::En => " and ",
        Lang::Ru => " и ",
        Lang::Ky => " жана ",
    };
    let who = names.join(and);
    let (prev, next) = (year - 1, year + 1);
    // What happens to the project money that year.
    let stops = match (lang, names.is_empty(), always) {
        (Lang::En, true, _) => {
            "the project money falls to less than half of the year before".to_string()
        }
        (Lang::En, false, true) => {
            format!("{who} closes at the end of its life and its money stops")
        }
        (Lang::En, false, false) => format!("{who} closes in most futures and its money stops"),
        (Lang::Ru, true, _) => {
            "деньги от проектов падают более чем вдвое по сравнению с прошлым годом".to_string()
        }
        (Lang::Ru, false, true) => {
            format!("{who} закрывается в конце срока работы, и деньги от него прекращаются")
        }
        (Lang::Ru, false, false) => format!(
            "в большинстве вариантов будущего {who} закрывается, и деньги от него прекращаются"
        ),
        (Lang::Ky, true, _) => {
            "долбоор акчасы өткөн жылга караганда эки эседен ашык азаят".to_string()
        }
        (Lang::Ky, false, true) => {
            format!("{who} иштөө мөөнөтү бүткөндө жабылат да, андан түшкөн акча токтойт")
        }
        (Lang::Ky, false, false) => {
            format!("көпчүлүк келечектерде {who} жабылат да, андан түшкөн акча токтойт")
        }
    };
    let text = match (r, lang) {
        (Reason::Clawback { .. }, Lang::En) => format!(
            "Why {year}: {stops}, but the equalisation grant is still cut for the project money of {prev} (the grant is reduced by last year's project revenue) and recovers only in {next}."
        ),
        (Reason::Clawback { .. }, Lang::Ru) => format!(
            "Почему {year}: {stops}, а выравнивающий грант ещё уменьшен из-за денег от проектов {prev} года (грант уменьшается на доходы от проектов прошлого года) и восстанавливается только в {next} году."
        ),
        (Reason::Clawback { .. }, Lang::Ky) => format!(
            "Эмне үчүн {year}: {stops}, бирок теңдөөчү грант {prev}-жылдагы долбоор акчасы үчүн дагы эле кыскартылган (грант өткөн жылдагы долбоор кирешесине жараша азайтылат) жана {next}-жылы гана калыбына келет."
        ),
        (Reason::Closure { .. }, Lang::En) => format!("Why {year}: {stops}."),
        (Reason::Closure { .. }, Lang::Ru) => format!("Почему {year}: {stops}."),
        (Reason::Closure { .. }, Lang::Ky) => format!("Эмне үчүн {year}: {stops}."),
    };
    vec![plain(text)]
}

/// The unit under the table of the first page.
pub fn table_unit(lang: Lang, prices: Prices) -> String {
    match (prices, lang) {
        (Prices::Nominal, Lang::En) => "million som a year, nominal".into(),
        (Prices::Nominal, Lang::Ru) => "млн сом в год, в номинальных ценах".into(),
        (Prices::Nominal, Lang::Ky) => "жылына млн сом, номиналдык баада".into(),
        (Prices::StartYear(y), Lang::En) => format!("million som a year, at {y} prices"),
        (Prices::StartYear(y), Lang::Ru) => format!("млн сом в год, в ценах {y} года"),
        (Prices::StartYear(y), Lang::Ky) => format!("жылына млн сом, {y}-жылдын баасында"),
    }
}

/// What prices the sheet's amounts are in.
/// The law risk in one sentence: how likely the law as written still holds in the last year.
pub fn laws(lang: Lang, year: i32, p: f64) -> Vec<Run> {
    let share = fmt_percent(lang, p, 0);
    match lang {
        Lang::En => vec![
            plain(format!("The law on where the money goes may change. In {year}, today's law still holds in ")),
            bold(format!("{share} of the simulated futures")),
            plain("; the chart shows which law is in force, year by year. Every figure of this sheet already mixes the laws as they fall in each future.".to_string()),
        ],
        Lang::Ru => vec![
            plain(format!("Закон о распределении этих денег может измениться. В {year} году нынешний закон ещё действует в ")),
            bold(format!("{share} смоделированных вариантов будущего")),
            plain("; график показывает, какой закон действует в каждом году. Все цифры этого листа уже учитывают законы так, как они выпадают в каждом варианте будущего.".to_string()),
        ],
        Lang::Ky => vec![
            plain(format!("Бул акчанын бөлүштүрүлүшү жөнүндөгү мыйзам өзгөрүшү мүмкүн. {year}-жылы азыркы мыйзам ")),
            bold(format!("моделделген келечектердин {share} бөлүгүндө")),
            plain(" дагы эле колдонулат; график ар бир жылы кайсы мыйзам колдонуларын көрсөтөт. Бул барактагы бардык сандар мыйзамдарды ар бир келечекте кандай түшсө, ошондой эске алат.".to_string()),
        ],
    }
}

pub fn prices_note(lang: Lang, prices: Prices) -> String {
    match (prices, lang) {
        (Prices::Nominal, Lang::En) => "All amounts are in current (nominal) som of each year: prices rise over the years, so part of any growth is inflation. `aimak report --prices start-year` gives the same sheet in prices of the first year.".into(),
        (Prices::Nominal, Lang::Ru) => "Все суммы — в текущих (номинальных) сомах каждого года: цены со временем растут, поэтому часть роста — это инфляция. Команда `aimak report --prices start-year` даёт тот же лист в ценах первого года.".into(),
        (Prices::Nominal, Lang::Ky) => "Бардык суммалар ар бир жылдын учурдагы (номиналдык) сому менен: баалар жыл сайын өсөт, ошондуктан өсүштүн бир бөлүгү — инфляция. `aimak report --prices start-year` буйругу ошол эле баракты биринчи жылдын баасында берет.".into(),
        (Prices::StartYear(y), Lang::En) => format!("Amounts are in som at {y} prices: each future's money is divided by that future's price index, so growth is real growth. Present values and the budget chart are nominal, as budgets are written."),
        (Prices::StartYear(y), Lang::Ru) => format!("Суммы — в сомах в ценах {y} года: деньги каждого варианта будущего разделены на индекс цен этого варианта, поэтому рост — это реальный рост. Приведённая стоимость и график бюджета — в номинальных сомах, как пишется бюджет."),
        (Prices::StartYear(y), Lang::Ky) => format!("Суммалар {y}-жылдын баасындагы сом менен: ар бир келечектин акчасы ошол келечектин баа индексине бөлүнгөн, ошондуктан өсүш — чыныгы өсүш. Келтирилген нарк жана бюджет графиги бюджет жазылгандай номиналдык сом менен."),
    }
}

/// Fixed texts of the sheet.
pub struct Texts {
    pub subtitle: &'static str,
    pub table_year: &'static str,
    pub table_safe_90: &'static str,
    pub table_safe_75: &'static str,
    pub table_median: &'static str,
    pub risk: &'static str,
    pub projects: &'static str,
    pub variants: &'static str,
    pub sources: &'static str,
    pub drivers: &'static str,
    pub judgements: &'static str,
    pub leaves_out_title: &'static str,
    pub leaves_out: &'static str,
    /// `leaves_out` for a scenario whose law can change (`[[regime]]`).
    pub leaves_out_with_laws: &'static str,
    pub rules: &'static str,
    pub rules_text: &'static str,
    pub laws: &'static str,
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
            risk: "Risk to the budget",
            projects: "The projects it hosts and their risks",
            variants: "What the policy variants change",
            sources: "Where the numbers come from",
            drivers: "What drives the uncertainty",
            judgements: "Judgement calls: values the scenario marks [U] because no source gives them (as the scenario writes them)",
            leaves_out_title: "What the model leaves out",
            leaves_out: "The fiscal rules are those of the scenario in every year: a change of law is not foreseen. Only the projects the scenario lists bring money, and only through the instruments it lists. Risks beyond those it gives (a sale of the mine, a renegotiated agreement, money that arrives late or is diverted) are not in the figures, nor is how the village spends the money.",
            leaves_out_with_laws: "The fiscal rules are the scenario's, and change only as its law changes do: to the alternative laws it lists, with the yearly chance it gives. Only the projects the scenario lists bring money, and only through the instruments it lists. Risks beyond those it gives (a sale of the mine, a renegotiated agreement, money that arrives late or is diverted) are not in the figures, nor is how the village spends the money.",
            rules: "Budget rules: spending the money over time",
            rules_text: "Each rule turns the project money that arrives into spending through a reserve of the village's own, on the same simulated futures as spending it as it arrives. The first chart compares what each rule lets the village spend over the horizon (present value; the left end of each bar is what 9 futures in 10 exceed); the others show how large each rule's reserve grows.",
            laws: "Changes of the law",
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
            risk: "Риск для бюджета",
            projects: "Проекты на его территории и их риски",
            variants: "Что меняют варианты политики",
            sources: "Откуда взяты цифры",
            drivers: "От чего зависит неопределённость",
            judgements: "Экспертные допущения: значения, которые сценарий помечает [U], потому что их не даёт ни один источник (как они записаны в сценарии)",
            leaves_out_title: "Что модель не учитывает",
            leaves_out: "Фискальные правила — те, что заданы в сценарии, во все годы: изменение законодательства не предусмотрено. Деньги приносят только проекты, перечисленные в сценарии, и только через перечисленные в нём платежи. Риски сверх заданных (продажа рудника, пересмотр соглашения, задержка или нецелевое использование денег) в цифрах не учтены, как и то, на что айыл аймак тратит деньги.",
            leaves_out_with_laws: "Фискальные правила — те, что заданы в сценарии, и меняются только так, как в нём может измениться закон: на перечисленные в нём альтернативные законы, с заданной вероятностью в год. Деньги приносят только проекты, перечисленные в сценарии, и только через перечисленные в нём платежи. Риски сверх заданных (продажа рудника, пересмотр соглашения, задержка или нецелевое использование денег) в цифрах не учтены, как и то, на что айыл аймак тратит деньги.",
            rules: "Бюджетные правила: как расходовать деньги во времени",
            rules_text: "Каждое правило превращает поступающие от проектов деньги в расходы через собственный резерв айыл аймака, на тех же смоделированных вариантах будущего, что и расходование по мере поступления. Первый график сравнивает, сколько каждое правило позволяет потратить за весь период (приведённая стоимость; левый край полосы — сумма, которую превышают 9 вариантов из 10); остальные показывают, как растёт резерв при каждом правиле.",
            laws: "Изменения закона",
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
            risk: "Бюджет үчүн тобокел",
            projects: "Анын аймагындагы долбоорлор жана алардын тобокелдери",
            variants: "Саясат варианттары эмнени өзгөртөт",
            sources: "Сандар кайдан алынган",
            drivers: "Белгисиздик эмнеден көз каранды",
            judgements: "Эксперттик божомолдор: эч бир булак бербегендиктен сценарий [U] деп белгилеген маанилер (сценарийде жазылгандай)",
            leaves_out_title: "Модель эмнени эске албайт",
            leaves_out: "Фискалдык эрежелер бардык жылдарда сценарийде берилгендей: мыйзамдын өзгөрүшү каралган эмес. Акчаны сценарийде саналган долбоорлор гана жана анда саналган төлөмдөр аркылуу гана алып келет. Берилгенден тышкаркы тобокелдер (кендин сатылышы, келишимдин кайра каралышы, акчанын кечигиши же максатсыз колдонулушу) сандарда эске алынган эмес, айыл аймактын акчаны эмнеге жумшаганы да эске алынган эмес.",
            leaves_out_with_laws: "Фискалдык эрежелер сценарийде берилгендей жана мыйзам анда өзгөрө алгандай гана өзгөрөт: анда саналган альтернативдүү мыйзамдарга, жылына берилген ыктымалдык менен. Акчаны сценарийде саналган долбоорлор гана жана анда саналган төлөмдөр аркылуу гана алып келет. Берилгенден тышкаркы тобокелдер (кендин сатылышы, келишимдин кайра каралышы, акчанын кечигиши же максатсыз колдонулушу) сандарда эске алынган эмес, айыл аймактын акчаны эмнеге жумшаганы да эске алынган эмес.",
            rules: "Бюджеттик эрежелер: акчаны убакыт боюнча коротуу",
            rules_text: "Ар бир эреже долбоорлордон келген акчаны айыл аймактын өз резерви аркылуу чыгашага айлантат, келген боюнча коротуу менен бирдей моделделген келечектерде. Биринчи график ар бир эреже бүт мезгилде канча коротууга мүмкүндүк берерин салыштырат (келтирилген нарк; тилкенин сол учу — 10 келечектин 9у ашкан сумма); калгандары ар бир эреже боюнча резерв канчалык өсөрүн көрсөтөт.",
            laws: "Мыйзамдын өзгөрүшү",
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

    fn entry(id: &str, name: &str, ru: &str) -> crate::report::catalog::Entry {
        crate::report::catalog::Entry {
            id: id.into(),
            name: name.into(),
            names: [("ru".to_string(), ru.to_string())].into(),
            population: None,
            district: None,
            oblast: None,
            reference: None,
            grant_offset: None,
            hosts: vec![],
            unit: None,
        }
    }

    #[test]
    fn a_variant_is_told_by_its_total_its_range_its_present_value_and_a_material_chance() {
        let g = Gain {
            variant: entry("p", "Partnership", "Партнёрство"),
            total: super::super::facts::Span {
                p10: 36.0e6,
                p50: 150.84e6,
                p90: 582.8e6,
            },
            p_material: 0.56,
            npv: Some(super::super::facts::Span {
                p10: 0.0,
                p50: 82.7e6,
                p90: 0.0,
            }),
            years: (2026, 2045),
        };
        assert_eq!(
            text(&gain(Lang::En, &g, Prices::Nominal)),
            "Partnership: over 2026–2045 the project money changes by a total of 150.8 million som (median) against the baseline, comparing each future with itself; in 8 of 10 futures by between 36.0 and 582.8 million som; present value 82.7 million som. Chance that the gain is more than 5% of what the baseline gives: 56%."
        );
        let ru = text(&gain(Lang::Ru, &g, Prices::StartYear(2026)));
        assert!(ru.starts_with("Партнёрство: за 2026–2045 годы"), "{ru}");
        assert!(
            ru.contains("150,8 млн сом (медиана, в ценах 2026 года;"),
            "{ru}"
        );
        let p = fmt_percent(Lang::Ru, 0.56, 0);
        assert!(
            ru.ends_with(&format!("от суммы базового сценария: {p}.")),
            "{ru}"
        );
    }

    #[test]
    fn the_reason_names_the_closing_mine_and_the_lagged_clawback() {
        use super::super::facts::{Closing, Reason};
        let mine = entry("m", "Bozymchak mine", "Рудник Бозымчак");
        let mut f = Facts::for_test(vec![(2040, 0.0), (2041, 0.13), (2042, 0.02)]);
        f.reason = Some(Reason::Clawback {
            closing: vec![Closing {
                project: mine.clone(),
                always: true,
            }],
        });
        assert_eq!(
            text(&reason(Lang::En, &f)),
            "Why 2041: Bozymchak mine closes at the end of its life and its money stops, but the equalisation grant is still cut for the project money of 2040 (the grant is reduced by last year's project revenue) and recovers only in 2042."
        );
        f.reason = Some(Reason::Closure {
            closing: vec![Closing {
                project: mine,
                always: false,
            }],
        });
        assert_eq!(
            text(&reason(Lang::Ru, &f)),
            "Почему 2041: в большинстве вариантов будущего Рудник Бозымчак закрывается, и деньги от него прекращаются."
        );
        f.reason = None;
        assert!(reason(Lang::Ky, &f).is_empty());
    }
}
