//! The summary printed after a run, in the run's language. It reads the same standings as
//! the overview page (`national::standings`), so the terminal and the page never disagree.
//!
//! A run of a few municipalities prints each of them; a national run prints the ones with
//! the most and the least project money, the oblast subtotals and the national total, and
//! points to the overview page and the exports for the rest.

use super::catalog::Catalog;
use super::figures::{strs, years, Tables};
use super::labels::{fmt_number, fmt_paths, fmt_percent, money_decimals};
use super::national::{self, Standing, Subtotal};
use super::schema::col;
use super::Provenance;
use crate::lang::Lang;
use crate::model::BASELINE;
use crate::results::{Share, MATERIAL_GAIN};
use polars::prelude::PolarsResult;
use std::fmt::Write;

/// Runs of at most this many municipalities print every one; larger runs print the
/// `EACH_END` with the most and the least, and the subtotals.
pub const ALL_UP_TO: usize = 25;
const EACH_END: usize = 10;

/// The summary of a finished run.
pub fn text(
    tables: &Tables,
    cat: &Catalog,
    prov: &Provenance,
    lang: Lang,
    out_dir: &std::path::Path,
) -> PolarsResult<String> {
    let w = words(lang);
    let mut o = String::new();
    let scenario = cat.scenario_names.get(lang.code()).unwrap_or(&cat.scenario);
    let (first, last) = horizon(tables, BASELINE)?;
    let _ = writeln!(
        o,
        "{scenario}: {}, {} {}, {first}–{last}.",
        fmt_paths(lang, prov.paths),
        w.seed,
        prov.seed
    );
    let pct = cat.discount_rate * 100.0;
    let rate = fmt_number(lang, pct, if pct.fract() == 0.0 { 0 } else { 1 });
    let _ = writeln!(o, "{}", (w.unit)(&rate));
    for line in [
        w.median_means,
        w.safe_means(first).as_str(),
        w.shortfall_means,
    ] {
        let _ = writeln!(o, "  {line}");
    }
    // The baseline's standings carry every variant's paired gain.
    let baseline = national::standings(tables, cat, lang, BASELINE)?;
    for variant in &cat.variants {
        let rows = if variant.id == BASELINE {
            baseline.clone()
        } else {
            national::standings(tables, cat, lang, &variant.id)?
        };
        if rows.iter().all(|r| r.npv_median.is_nan()) {
            continue;
        }
        let (vf, vl) = horizon(tables, &variant.id)?;
        let label = variant.name_in(lang.code());
        let _ = writeln!(o);
        if (vf, vl) == (first, last) {
            let _ = writeln!(o, "{label}");
        } else {
            let _ = writeln!(o, "{label} ({vf}–{vl})");
        }
        standings(&mut o, lang, &w, &rows, vf);
        if variant.id != BASELINE {
            gain(&mut o, lang, &w, &variant.id, label, &baseline);
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "{} {}", w.files, out_dir.display());
    Ok(o)
}

/// The first and last year a variant's tables cover.
fn horizon(tables: &Tables, variant: &str) -> PolarsResult<(i32, i32)> {
    let d = &tables.budget_line;
    let (v, y) = (strs(d, col::VARIANT)?, years(d)?);
    let ys = (0..d.height())
        .filter(|&i| v[i] == variant)
        .filter_map(|i| y[i]);
    let (lo, hi) = ys.fold((i32::MAX, i32::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
    Ok(if lo > hi { (0, 0) } else { (lo, hi) })
}

/// The standings of one variant: every municipality of a small run, or the two ends of a
/// large one with the oblast subtotals and the total.
fn standings(o: &mut String, lang: Lang, w: &Words, rows: &[Standing], first: i32) {
    let mut by_median: Vec<&Standing> = rows.iter().filter(|r| !r.npv_median.is_nan()).collect();
    by_median.sort_by(|a, b| {
        b.npv_median
            .total_cmp(&a.npv_median)
            .then_with(|| a.id.cmp(&b.id))
    });
    let safe_head = format!("{} {first}", w.safe);
    let head = [w.median, w.range, safe_head.as_str(), w.shortfall];
    if by_median.len() <= ALL_UP_TO {
        table(o, lang, w, &head, &by_median);
        if rows.len() > 1 {
            let (_, all) = national::subtotals(rows);
            subtotal_line(o, lang, w, w.total, &all);
        }
        return;
    }
    // Places that receive nothing in most futures are counted, not listed as "the least".
    let some = by_median.iter().filter(|r| r.npv_median > 0.0).count();
    let least = EACH_END.min(some.saturating_sub(EACH_END));
    let _ = writeln!(o, "  {}", w.most(EACH_END));
    table(o, lang, w, &head, &by_median[..EACH_END]);
    if least > 0 {
        let _ = writeln!(o, "  {}", w.least(least));
        table(o, lang, w, &head, &by_median[some - least..some]);
    }
    if some < by_median.len() {
        let _ = writeln!(o, "  {}", (w.nothing)(by_median.len() - some));
    }
    let _ = writeln!(o, "  {}", w.rest(by_median.len() - EACH_END - least));
    let (oblasts, all) = national::subtotals(rows);
    let _ = writeln!(o, "  {}", w.by_oblast);
    for s in &oblasts {
        subtotal_line(o, lang, w, &s.oblast, s);
    }
    subtotal_line(o, lang, w, w.total, &all);
}

/// A table of standings: the name column as wide as the longest name (names are never cut).
fn table(o: &mut String, lang: Lang, w: &Words, head: &[&str; 4], rows: &[&Standing]) {
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            [
                r.name.clone(),
                m(lang, r.npv_median),
                format!("{} – {}", m(lang, r.npv_safe), m(lang, r.npv_p90)),
                m(lang, r.first_safe_90),
                match (r.first_risky_year, r.has_need) {
                    (Some(y), _) => y.to_string(),
                    (None, true) => w.never.to_string(),
                    (None, false) => w.no_need.to_string(),
                },
            ]
        })
        .collect();
    let header = [w.name, head[0], head[1], head[2], head[3]];
    print_rows(o, &header, &cells);
}

/// Rows under a header, the first column left-aligned and the others right-aligned, each
/// as wide as its widest cell.
fn print_rows<const N: usize>(o: &mut String, header: &[&str; N], cells: &[[String; N]]) {
    let width = |k: usize| {
        cells
            .iter()
            .map(|c| c[k].chars().count())
            .chain([header[k].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..N).map(width).collect();
    let line = |cols: Vec<&str>| {
        let mut s = String::from("   ");
        for (k, c) in cols.iter().enumerate() {
            let pad = widths[k] - c.chars().count();
            if k == 0 {
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str("  ");
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            }
        }
        s.trim_end().to_string()
    };
    let _ = writeln!(o, "{}", line(header.to_vec()));
    for c in cells {
        let _ = writeln!(o, "{}", line(c.iter().map(String::as_str).collect()));
    }
}

fn subtotal_line(o: &mut String, lang: Lang, w: &Words, what: &str, s: &Subtotal) {
    let _ = writeln!(
        o,
        "   {what} {}",
        (w.subtotal)(s.municipalities, &m(lang, s.npv_mean))
    );
}

/// A variant's gain over the baseline, paired future by future, from the baseline's
/// standings.
fn gain(o: &mut String, lang: Lang, w: &Words, variant: &str, label: &str, rows: &[Standing]) {
    let material = fmt_percent(lang, MATERIAL_GAIN, 0);
    let mut with: Vec<(&Standing, &national::Gain)> = rows
        .iter()
        .filter_map(|r| Some((r, r.gains.iter().find(|g| g.variant == variant)?)))
        .collect();
    if with.is_empty() {
        return;
    }
    with.sort_by(|a, b| {
        b.1.npv_median
            .total_cmp(&a.1.npv_median)
            .then_with(|| a.0.id.cmp(&b.0.id))
    });
    let _ = writeln!(o);
    let _ = writeln!(o, "  {}", (w.gain_title)(label));
    let p_head = (w.p_material)(&material);
    let header = [w.name, w.median, w.range, w.total_gain, p_head.as_str()];
    let n = with.len();
    let shown: Vec<&(&Standing, &national::Gain)> = if n <= ALL_UP_TO {
        with.iter().collect()
    } else {
        with[..EACH_END]
            .iter()
            .chain(&with[n - EACH_END..])
            .collect()
    };
    let cells: Vec<[String; 5]> = shown
        .iter()
        .map(|(r, g)| {
            [
                r.name.clone(),
                m(lang, g.npv_median),
                format!("{} – {}", m(lang, g.npv_p10), m(lang, g.npv_p90)),
                m(lang, g.total_median),
                fmt_percent(lang, g.p_material, 0),
            ]
        })
        .collect();
    if n > ALL_UP_TO {
        let _ = writeln!(o, "  {}", (w.gain_ends)(EACH_END));
    }
    print_rows(o, &header, &cells);
    if n > 1 {
        let sum: f64 = with.iter().map(|(_, g)| g.npv_mean).sum();
        let _ = writeln!(o, "   {} {}", w.total, (w.mean_gain)(n, &m(lang, sum)));
    }
}

/// The line said before a run: paths, variants, statistics cells and memory. A run to a
/// precision says "at most" its paths.
pub fn outline(lang: Lang, o: &crate::sim::Outline, up_to: bool) -> String {
    let gb = o.bytes as f64 / 1e9;
    let (g, m) = match lang {
        Lang::En => ("GB", "MB"),
        Lang::Ru | Lang::Ky => ("ГБ", "МБ"),
    };
    let memory = if gb >= 0.1 {
        format!("{} {g}", fmt_number(lang, gb, 1))
    } else {
        format!(
            "{} {m}",
            fmt_number(lang, (o.bytes as f64 / 1e6).max(1.0), 0)
        )
    };
    let paths = fmt_paths(lang, o.paths);
    let cells = fmt_number(lang, o.cells as f64, 0);
    let n = o.variants;
    match lang {
        Lang::En => format!(
            "Simulating {}{paths} of {n} variant{} ({cells} statistics cells): about {memory} of memory.",
            if up_to { "at most " } else { "" },
            if n == 1 { "" } else { "s" }
        ),
        Lang::Ru => format!(
            "Моделирование: {}{paths}, вариантов сценария: {n} ({cells} ячеек статистики); нужно около {memory} памяти.",
            if up_to { "не более " } else { "" }
        ),
        Lang::Ky => format!(
            "Моделдөө: {}{paths}, сценарийдин варианттары: {n} ({cells} статистика уячасы); болжол менен {memory} эс тутум керек.",
            if up_to { "эң көп " } else { "" }
        ),
    }
}

/// The line that says which municipalities got charts of their own, when a large run
/// charted only some of them.
pub fn charted(lang: Lang, shown: usize, total: usize) -> String {
    let skipped = total - shown;
    match lang {
        Lang::En => format!("Charts of their own for the {shown} municipalities with the most project money (median present value); {skipped} others are not charted. Choose with --charts: all, an id, district:NAME, oblast:NAME. The overview page and the national charts cover all {total}.\n"),
        Lang::Ru => format!("Отдельные графики — для {shown} айыл аймаков с наибольшими доходами от проектов (медиана приведённой стоимости); ещё {skipped} без графиков. Выбрать другие: --charts all, id, district:НАЗВАНИЕ, oblast:НАЗВАНИЕ. Обзорная страница и графики по стране охватывают все {total}.\n"),
        Lang::Ky => format!("Өз графиктери долбоор кирешелери эң көп {shown} айыл аймакка гана (келтирилген нарктын медианасы); дагы {skipped} графиксиз. Башкаларды тандоо: --charts all, id, district:АТАЛЫШЫ, oblast:АТАЛЫШЫ. Сереп барагы жана өлкө боюнча графиктер бардык {total} айыл аймакты камтыйт.\n"),
    }
}

/// The line that says where the council sheets are.
pub fn sheets(lang: Lang, dir: &std::path::Path) -> String {
    format!("{} {}\n", words(lang).sheets, dir.display())
}

/// Som as millions, localized: "1,253.0" / "1 253,0".
fn m(lang: Lang, som: f64) -> String {
    let x = som / 1e6;
    fmt_number(lang, x, money_decimals(x))
}

/// The budget rules of the baseline, municipality by municipality, side by side with
/// spending as received (docs/model.md section 10): how much spending swings from year to
/// year, the chance that the reserve runs dry in some year, the present value of spending
/// (median and the amount reached in 9 futures of 10) and the reserve left at the end.
/// The law in force in the last year, per variant, when the scenario declares regimes
/// (docs/model.md section 11).
pub fn laws(results: &crate::results::Results, cat: &Catalog, lang: Lang) -> String {
    let mut o = String::new();
    for v in results.variants.iter().filter(|v| !v.laws.is_empty()) {
        let (Some(&year), t) = (v.years.last(), v.years.len() - 1) else {
            continue;
        };
        if o.is_empty() {
            let _ = writeln!(o, "{}", (words(lang).laws_title)(year));
        }
        let name = cat
            .variants
            .iter()
            .find(|e| e.id == v.name)
            .map_or(v.name.as_str(), |e| e.name_in(lang.code()));
        let shares: Vec<String> = v
            .laws
            .iter()
            .map(|l| {
                let label = cat
                    .regimes
                    .iter()
                    .find(|e| e.id == l.name)
                    .map_or(l.name.as_str(), |e| e.name_in(lang.code()));
                format!("{label} {}", fmt_percent(lang, l.in_force[t], 0))
            })
            .collect();
        let _ = writeln!(o, "  {name}: {}", shares.join(", "));
    }
    o
}

pub fn rules(results: &crate::results::Results, cat: &Catalog, lang: Lang) -> String {
    use crate::stats::quantile::Named;
    let Some(base) = results.variants.iter().find(|v| v.name == BASELINE) else {
        return String::new();
    };
    let w = words(lang);
    let mut o = String::new();
    let header = [
        w.rule,
        w.volatility,
        w.p_crunch,
        w.median,
        w.safe_pv,
        w.reserve_left,
    ];
    for mu in &cat.municipalities {
        let at: Vec<&crate::results::RuleResults> = base
            .rules
            .iter()
            .filter(|r| r.municipality == mu.id)
            .collect();
        // Only `as_received` there: no rule applies to this municipality.
        if at.len() < 2 {
            continue;
        }
        if o.is_empty() {
            let _ = writeln!(o, "{}", w.rules_title);
        }
        let _ = writeln!(o, "  {}", mu.name_in(lang.code()));
        // `whole`: npv_spending, final_reserve, volatility (crate::sim::rules::WHOLE_STREAMS).
        let cells: Vec<[String; 6]> = at
            .iter()
            .map(|r| {
                let [npv, reserve, volatility] = &r.whole;
                [
                    cat.rules
                        .iter()
                        .find(|e| e.id == r.rule)
                        .map_or(r.rule.clone(), |e| e.name_in(lang.code()).to_string()),
                    m(lang, volatility.mean),
                    fmt_percent(lang, r.p_any_crunch, 0),
                    m(lang, npv.q.p50()),
                    m(lang, npv.q.p10()),
                    m(lang, reserve.q.p50()),
                ]
            })
            .collect();
        print_rows(&mut o, &header, &cells);
    }
    o
}

/// Per municipality, the group of inputs with the largest share of the variance of the NPV
/// of project money.
pub fn drivers(shares: &[Share], cat: &Catalog, lang: Lang) -> String {
    let w = words(lang);
    let mut o = String::new();
    let _ = writeln!(o, "{}", w.drivers);
    let mut cells: Vec<[String; 2]> = Vec::new();
    for mu in &cat.municipalities {
        let best = shares
            .iter()
            .filter(|s| s.municipality == mu.id && s.year.is_none() && s.share.is_finite())
            .max_by(|a, b| a.share.total_cmp(&b.share));
        if let Some(b) = best {
            cells.push([
                mu.name_in(lang.code()).to_string(),
                format!(
                    "{} ({} ± {})",
                    b.group,
                    fmt_percent(lang, b.share, 0),
                    fmt_percent(lang, b.se, 0)
                ),
            ]);
        }
    }
    print_rows(&mut o, &[w.name, w.group], &cells);
    o
}

/// The words of the summary in one language (the shortfall sentences say 20%:
/// `national::RISKY`).
struct Words {
    seed: &'static str,
    unit: fn(&str) -> String,
    median_means: &'static str,
    safe_means_at: fn(i32) -> String,
    shortfall_means: &'static str,
    name: &'static str,
    median: &'static str,
    range: &'static str,
    safe: &'static str,
    shortfall: &'static str,
    never: &'static str,
    no_need: &'static str,
    most_n: fn(usize) -> String,
    least_n: fn(usize) -> String,
    rest_n: fn(usize) -> String,
    nothing: fn(usize) -> String,
    by_oblast: &'static str,
    total: &'static str,
    subtotal: fn(usize, &str) -> String,
    gain_title: fn(&str) -> String,
    gain_ends: fn(usize) -> String,
    total_gain: &'static str,
    p_material: fn(&str) -> String,
    mean_gain: fn(usize, &str) -> String,
    drivers: &'static str,
    group: &'static str,
    files: &'static str,
    sheets: &'static str,
    rules_title: &'static str,
    rule: &'static str,
    volatility: &'static str,
    p_crunch: &'static str,
    safe_pv: &'static str,
    reserve_left: &'static str,
    laws_title: fn(i32) -> String,
}

impl Words {
    fn safe_means(&self, first: i32) -> String {
        (self.safe_means_at)(first)
    }
    fn most(&self, n: usize) -> String {
        (self.most_n)(n)
    }
    fn least(&self, n: usize) -> String {
        (self.least_n)(n)
    }
    fn rest(&self, n: usize) -> String {
        (self.rest_n)(n)
    }
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            seed: "seed",
            unit: |r| format!("Project money of each municipality over the horizon, present value at {r}%, in million som (M KGS, nominal):"),
            median_means: "Median: half of the simulated futures give more. P10 – P90: 8 futures in 10 fall in this range.",
            safe_means_at: |y| format!("Safe {y}: the project money of {y} reached in 9 futures in 10 (M KGS), the amount to budget with."),
            shortfall_means: "Shortfall: the first year with more than a 20% chance that the budget falls short of its spending need.",
            name: "Municipality",
            median: "Median",
            range: "P10 – P90",
            safe: "Safe",
            shortfall: "Shortfall",
            never: "never",
            no_need: "no need given",
            most_n: |n| format!("The {n} with the most project money (median):"),
            least_n: |n| format!("The {n} with the least, of those that receive some:"),
            nothing: |n| format!("{n} receive nothing from the projects in half of the futures or more (median 0)."),
            rest_n: |n| format!("… and {n} more: every municipality is in overview.html (sortable) and in export/ (aimak export)."),
            by_oblast: "By oblast (sums of the means: means add up, medians do not):",
            total: "All",
            subtotal: |n, x| format!("({n} municipalities): expected present value {x} M KGS"),
            gain_title: |v| format!("{v}: gain over the baseline, compared future by future (not the difference of two medians), M KGS:"),
            gain_ends: |n| format!("The {n} that gain the most and the {n} that gain the least:"),
            total_gain: "Total gain (median)",
            p_material: |p| format!("P(gain > {p} of baseline)"),
            mean_gain: |n, x| format!("({n} municipalities): expected gain in present value {x} M KGS"),
            drivers: "What drives the uncertainty of project money (present value, first-order share of the variance):",
            group: "Largest share",
            files: "Tables, charts and the overview page:",
            sheets: "Council sheets (PDF, one per municipality):",
            rules_title: "Budget rules, baseline, M KGS (the present value at the scenario's rate; volatility: the standard deviation of the yearly change of spending; crunch: the reserve runs dry in some year):",
            rule: "Rule",
            volatility: "Volatility",
            p_crunch: "P(crunch)",
            safe_pv: "Safe (9 in 10)",
            reserve_left: "Reserve left",
            laws_title: |y| format!("Which law is in force in {y} (share of the simulated futures; regimes.parquet has every year):"),
        },
        Lang::Ru => Words {
            seed: "зерно",
            unit: |r| format!("Доходы каждого айыл аймака от проектов за период, приведённая стоимость при ставке {r} %, млн сом (в номинале):"),
            median_means: "Медиана: в половине смоделированных вариантов будущего больше. P10 – P90: 8 вариантов из 10 попадают в этот диапазон.",
            safe_means_at: |y| format!("Надёжно {y}: доходы от проектов в {y} году, достигаемые в 9 вариантах из 10 (млн сом), — сумма для бюджета."),
            shortfall_means: "Дефицит: первый год, когда вероятность того, что бюджету не хватит на необходимые расходы, выше 20 %.",
            name: "Айыл аймак",
            median: "Медиана",
            range: "P10 – P90",
            safe: "Надёжно",
            shortfall: "Дефицит",
            never: "никогда",
            no_need: "потребность не задана",
            most_n: |n| format!("{n} с наибольшими доходами от проектов (медиана):"),
            least_n: |n| format!("{n} с наименьшими из тех, кто что-то получает:"),
            nothing: |n| format!("Айыл аймаков, которые не получают от проектов ничего по меньшей мере в половине вариантов будущего (медиана 0): {n}."),
            rest_n: |n| format!("… и ещё {n}: все айыл аймаки — в overview.html (с сортировкой) и в export/ (aimak export)."),
            by_oblast: "По областям (суммы средних: средние складываются, медианы — нет):",
            total: "Всего",
            subtotal: |n, x| format!("(айыл аймаков: {n}): ожидаемая приведённая стоимость {x} млн сом"),
            gain_title: |v| format!("{v}: прирост к базовому сценарию, в каждом варианте будущего (а не разность двух медиан), млн сом:"),
            gain_ends: |n| format!("{n} с наибольшим приростом и {n} с наименьшим:"),
            total_gain: "Прирост за период (медиана)",
            p_material: |p| format!("P(прирост > {p} базового)"),
            mean_gain: |n, x| format!("(айыл аймаков: {n}): ожидаемый прирост приведённой стоимости {x} млн сом"),
            drivers: "Что определяет неопределённость доходов от проектов (приведённая стоимость, доля дисперсии первого порядка):",
            group: "Наибольшая доля",
            files: "Таблицы, графики и обзорная страница:",
            sheets: "Справки для кенеша (PDF, по одной на айыл аймак):",
            rules_title: "Бюджетные правила, базовый сценарий, млн сом (приведённая стоимость по ставке сценария; изменчивость — стандартное отклонение годового изменения расходов; срыв — резерв исчерпан в каком-либо году):",
            rule: "Правило",
            volatility: "Изменчивость",
            p_crunch: "P(срыв)",
            safe_pv: "Надёжно (9 из 10)",
            reserve_left: "Остаток резерва",
            laws_title: |y| format!("Какой закон действует в {y} году (доля смоделированных вариантов будущего; все годы — в regimes.parquet):"),
        },
        Lang::Ky => Words {
            seed: "үрөн",
            unit: |r| format!("Ар бир айыл аймактын мезгил ичиндеги долбоор кирешелери, {r} % ставкасы менен келтирилген нарк, млн сом (номиналдык):"),
            median_means: "Медиана: моделделген келечектердин жарымында көбүрөөк. P10 – P90: 10 келечектин 8и ушул аралыкка түшөт.",
            safe_means_at: |y| format!("Кепилденген {y}: {y}-жылдагы долбоор кирешелери, 10 келечектин 9унда жетишилет (млн сом), — бюджетке киргизе турган сумма."),
            shortfall_means: "Тартыштык: бюджет зарыл чыгашаларга жетпей калуу ыктымалдыгы 20 %дан ашкан биринчи жыл.",
            name: "Айыл аймак",
            median: "Медиана",
            range: "P10 – P90",
            safe: "Кепилденген",
            shortfall: "Тартыштык",
            never: "эч качан",
            no_need: "муктаждык берилген эмес",
            most_n: |n| format!("Долбоор кирешелери эң көп {n} (медиана):"),
            least_n: |n| format!("Бир нерсе алгандардын ичинен эң аз алган {n}:"),
            nothing: |n| format!("{n} айыл аймак келечектердин жок дегенде жарымында долбоорлордон эч нерсе албайт (медиана 0)."),
            rest_n: |n| format!("… жана дагы {n}: бардык айыл аймактар overview.html барагында (иреттөө менен) жана export/ папкасында (aimak export)."),
            by_oblast: "Облустар боюнча (орточолордун суммасы: орточолор кошулат, медианалар кошулбайт):",
            total: "Баары",
            subtotal: |n, x| format!("({n} айыл аймак): күтүлгөн келтирилген нарк {x} млн сом"),
            gain_title: |v| format!("{v}: базалык сценарийге карата өсүш, ар бир келечекте (эки медиананын айырмасы эмес), млн сом:"),
            gain_ends: |n| format!("Эң көп өскөн {n} жана эң аз өскөн {n}:"),
            total_gain: "Мезгил ичиндеги өсүш (медиана)",
            p_material: |p| format!("P(өсүш > базалыктын {p})"),
            mean_gain: |n, x| format!("({n} айыл аймак): келтирилген наркта күтүлгөн өсүш {x} млн сом"),
            drivers: "Долбоор кирешелеринин белгисиздигин эмне аныктайт (келтирилген нарк, биринчи тартиптеги дисперсиянын үлүшү):",
            group: "Эң чоң үлүш",
            files: "Таблицалар, графиктер жана сереп барагы:",
            sheets: "Кеңеш үчүн маалымкаттар (PDF, ар бир айыл аймакка бирден):",
            rules_title: "Бюджеттик эрежелер, базалык сценарий, млн сом (сценарийдин ставкасы менен келтирилген нарк; өзгөрмөлүүлүк — чыгашалардын жылдык өзгөрүүсүнүн стандарттык четтөөсү; үзгүлтүк — кайсы бир жылы резерв түгөнөт):",
            rule: "Эреже",
            volatility: "Өзгөрмөлүүлүк",
            p_crunch: "P(үзгүлтүк)",
            safe_pv: "Кепилденген (10дон 9)",
            reserve_left: "Калган резерв",
            laws_title: |y| format!("{y}-жылы кайсы мыйзам колдонулат (моделделген келечектердин үлүшү; бардык жылдар regimes.parquet файлында):"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_align_without_cutting_names() {
        let mut o = String::new();
        let cells = vec![
            [
                "Kara-Kulja (a long name)".to_string(),
                "1,253.0".to_string(),
            ],
            ["Ak-Tash".to_string(), "7.25".to_string()],
        ];
        print_rows(&mut o, &["Municipality", "Median"], &cells);
        let lines: Vec<&str> = o.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].contains("Kara-Kulja (a long name)"));
        // Right-aligned numbers end in the same column.
        assert_eq!(lines[1].chars().count(), lines[2].chars().count());
        assert!(lines[2].ends_with("   7.25"));
    }

    #[test]
    fn every_language_fills_every_sentence() {
        for lang in Lang::ALL {
            let w = words(lang);
            for s in [
                (w.unit)("10"),
                w.safe_means(2026),
                w.most(10),
                w.rest(430),
                (w.subtotal)(3, "1.0"),
                (w.gain_title)("partnership"),
                (w.p_material)("5%"),
            ] {
                assert!(!s.trim().is_empty(), "{lang:?}");
            }
            assert!(w.safe_means(2026).contains("2026"));
        }
    }
}
