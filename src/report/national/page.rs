//! `overview.html`: the national view of a run in one self-contained file (it works offline,
//! from a USB stick, with no server). A table of every municipality that sorts and filters in
//! the browser, the oblast subtotals, the national charts drawn inline as SVG, and a link to
//! each council sheet the run has. The fonts travel inside the file, so Kyrgyz and Russian
//! render on a machine without them.
//!
//! The table's state lives in the address: `overview.html#sort=-safe_pc&q=Naryn` opens it
//! sorted by safe money per inhabitant, largest first, showing the rows that mention Naryn,
//! so a view can be bookmarked or sent.

use super::charts::label;
use super::{subtotals, Standing};
use crate::lang::Lang;
use crate::report::charts::{
    render_svg, Chart, ChartError, ChartMeta, DEJAVU_SANS, DEJAVU_SANS_BOLD,
};
use crate::report::labels::{fmt_number, fmt_percent};
use crate::report::sheet::words::millions;
use std::fmt::Write;

/// The page's file name in a run folder.
pub const FILE: &str = "overview.html";

/// What the page shows.
pub struct Overview<'a> {
    /// The baseline's standings, with every variant's gain.
    pub rows: &'a [Standing],
    /// The scenario's name in the page's language.
    pub title: &'a str,
    /// The national charts (see `national::charts`).
    pub charts: &'a [(String, Chart)],
    /// The council sheets of the run, as `reports/<file>` names.
    pub sheets: &'a [String],
    pub meta: &'a ChartMeta,
}

/// The page as HTML.
pub fn html(o: &Overview) -> Result<String, ChartError> {
    let lang = o.meta.lang;
    let w = words(lang);
    let mut h = String::with_capacity(4 << 20);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} — {}</title>\n<style>\n{}\n{}</style>\n</head>\n<body>\n",
        lang.code(),
        esc(o.title),
        esc(w.overview),
        fonts(),
        STYLE
    );
    let _ = writeln!(
        h,
        "<header><h1>{}</h1><p class=\"sub\">{}</p>",
        esc(o.title),
        esc(w.overview)
    );
    let _ = writeln!(h, "<p class=\"how\">{}</p></header>", esc(w.how_to_read));
    table(&mut h, o, &w);
    oblast_table(&mut h, o, &w);
    let _ = writeln!(h, "<section id=\"charts\"><h2>{}</h2>", esc(w.charts));
    for (name, chart) in o.charts {
        let svg = render_svg(chart, o.meta)?;
        let svg = svg.find("<svg").map_or(svg.as_str(), |i| &svg[i..]);
        let _ = writeln!(h, "<figure data-chart=\"{}\">{svg}</figure>", esc(name));
    }
    let _ = writeln!(h, "</section>\n<footer>{}</footer>", esc(&o.meta.footer));
    let _ = writeln!(h, "<script>\n{SCRIPT}</script>\n</body>\n</html>");
    Ok(h)
}

/// Writes the page beside `dir/overview.html` and renames it into place, so that a reader
/// never opens half a page.
pub fn write(dir: &std::path::Path, html: &str) -> std::io::Result<()> {
    let part = dir.join(format!(".{FILE}.part"));
    std::fs::write(&part, html)?;
    std::fs::rename(&part, dir.join(FILE))
}

fn table(h: &mut String, o: &Overview, w: &Words) {
    let lang = o.meta.lang;
    let variants: Vec<(&str, &str)> = o
        .rows
        .first()
        .map(|r| {
            r.gains
                .iter()
                .map(|g| (g.variant.as_str(), g.label.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let _ = writeln!(
        h,
        "<section id=\"places\"><h2>{}</h2>\n<p class=\"filter\"><label>{} <input id=\"q\" type=\"search\" autocomplete=\"off\"></label> <span id=\"count\">{}</span> / {} {}</p>",
        esc(w.municipalities),
        esc(w.filter),
        o.rows.len(),
        o.rows.len(),
        esc(w.shown)
    );
    let _ = writeln!(h, "<div class=\"scroll\"><table id=\"table\"><thead><tr>");
    let mut head = |key: &str, text: &str, unit: &str, numeric: bool| {
        let _ = write!(
            h,
            "<th data-key=\"{key}\"{}><button type=\"button\">{}</button>{}</th>",
            if numeric { " class=\"num\"" } else { "" },
            esc(text),
            if unit.is_empty() {
                String::new()
            } else {
                format!("<small>{}</small>", esc(unit))
            }
        );
    };
    head("name", w.name, "", false);
    head("district", w.district, "", false);
    head("oblast", w.oblast, "", false);
    head("population", w.population, "", true);
    head("median", w.median, w.m_som_pv, true);
    head("safe", w.safe, w.m_som_pv, true);
    head("safe_pc", w.safe_pc, w.som_pc, true);
    head("first_safe", w.first_safe, w.m_som, true);
    head("shortfall", w.shortfall, w.worst_year, true);
    for (id, label) in &variants {
        head(
            &format!("gain_{id}"),
            &format!("{} {label}", w.gain),
            w.m_som_pv,
            true,
        );
        head(&format!("material_{id}"), w.material, label, true);
    }
    head("sheet", w.sheet, "", false);
    let _ = writeln!(h, "</tr></thead><tbody>");
    for (i, r) in o.rows.iter().enumerate() {
        let _ = write!(h, "<tr data-id=\"{}\" data-i=\"{i}\">", esc(&r.id));
        let text = |h: &mut String, s: &str| {
            let _ = write!(h, "<td>{}</td>", esc(s));
        };
        let num = |h: &mut String, v: f64, shown: String| {
            if v.is_finite() {
                let _ = write!(h, "<td class=\"num\" data-v=\"{v}\">{}</td>", esc(&shown));
            } else {
                let _ = write!(h, "<td class=\"num\" data-v=\"\">–</td>");
            }
        };
        text(h, &r.name);
        text(h, &r.district);
        text(h, &r.oblast);
        num(h, r.population, fmt_number(lang, r.population, 0));
        num(h, r.npv_median, millions(lang, r.npv_median));
        num(h, r.npv_safe, millions(lang, r.npv_safe));
        let pc = r.safe_per_inhabitant();
        num(h, pc, fmt_number(lang, pc, 0));
        num(h, r.first_safe_90, millions(lang, r.first_safe_90));
        let risk = match r.worst_year {
            Some(y) => format!("{} ({y})", fmt_percent(lang, r.worst_p_shortfall, 0)),
            None => String::new(),
        };
        num(h, r.worst_p_shortfall, risk);
        for (id, _) in &variants {
            match r.gains.iter().find(|g| g.variant == *id) {
                Some(g) => {
                    num(h, g.npv_median, millions(lang, g.npv_median));
                    num(h, g.p_material, fmt_percent(lang, g.p_material, 0));
                }
                None => {
                    num(h, f64::NAN, String::new());
                    num(h, f64::NAN, String::new());
                }
            }
        }
        match sheet_for(o.sheets, &r.id, lang) {
            Some(f) => {
                let _ = write!(h, "<td><a href=\"{}\">PDF</a></td>", esc(f));
            }
            None => text(h, ""),
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</tbody></table></div>\n<dl class=\"legend\">");
    for (term, text) in [
        (w.median, w.median_means),
        (w.safe, w.safe_means),
        (w.safe_pc, w.safe_pc_means),
        (w.first_safe, w.first_safe_means),
        (w.shortfall, w.shortfall_means),
        (w.material, w.material_means),
    ] {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", esc(term), esc(text));
    }
    let _ = writeln!(h, "</dl></section>");
}

/// The sheet of municipality `id`: in the page's language if there is one, else in any.
fn sheet_for<'s>(sheets: &'s [String], id: &str, lang: Lang) -> Option<&'s str> {
    let own = format!("reports/{id}.{}.pdf", lang.code());
    let any = format!("reports/{id}.");
    sheets
        .iter()
        .find(|s| **s == own)
        .or_else(|| {
            sheets
                .iter()
                .find(|s| s.starts_with(&any) && s.ends_with(".pdf"))
        })
        .map(String::as_str)
}

fn oblast_table(h: &mut String, o: &Overview, w: &Words) {
    let lang = o.meta.lang;
    let (by_oblast, all) = subtotals(o.rows);
    let _ = writeln!(
        h,
        "<section id=\"oblasts\"><h2>{}</h2>\n<table class=\"sums\"><thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}<small>{}</small></th><th class=\"num\">{}</th></tr></thead><tbody>",
        esc(w.by_oblast),
        esc(w.oblast),
        esc(w.count),
        esc(w.population),
        esc(w.expected),
        esc(w.m_som_pv),
        esc(w.share)
    );
    let row = |h: &mut String, name: &str, s: &super::Subtotal, tag: &str| {
        let share = if all.npv_mean > 0.0 {
            fmt_percent(lang, s.npv_mean / all.npv_mean, 0)
        } else {
            "–".into()
        };
        let _ = writeln!(
            h,
            "<tr{tag}><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(name),
            s.municipalities,
            fmt_number(lang, s.population, 0),
            millions(lang, s.npv_mean),
            share
        );
    };
    for s in &by_oblast {
        row(h, &s.oblast, s, "");
    }
    row(h, w.national, &all, " class=\"total\"");
    let _ = writeln!(
        h,
        "</tbody></table>\n<p class=\"note\">{}</p>",
        esc(w.means_add)
    );
    // The least and the most, in words, for a reader who prints the page.
    let ranked = super::by_safe_per_inhabitant(o.rows);
    if let (Some(lo), Some(hi)) = (
        ranked.first(),
        ranked
            .iter()
            .rev()
            .find(|r| r.safe_per_inhabitant().is_finite()),
    ) {
        let _ = writeln!(
            h,
            "<p class=\"note\">{}: {} — {} {}; {}: {} — {} {}.</p>",
            esc(w.least),
            esc(&label(lo)),
            fmt_number(lang, lo.safe_per_inhabitant(), 0),
            esc(w.som_pc),
            esc(w.most),
            esc(&label(hi)),
            fmt_number(lang, hi.safe_per_inhabitant(), 0),
            esc(w.som_pc)
        );
    }
    let _ = writeln!(h, "</section>");
}

/// The embedded fonts, under the family name the charts' SVG asks for.
fn fonts() -> String {
    format!(
        "@font-face{{font-family:\"DejaVu Sans\";font-weight:400;src:url(data:font/ttf;base64,{}) format(\"truetype\")}}\n@font-face{{font-family:\"DejaVu Sans\";font-weight:700;src:url(data:font/ttf;base64,{}) format(\"truetype\")}}\n",
        base64(DEJAVU_SANS),
        base64(DEJAVU_SANS_BOLD)
    )
}

/// Standard base64 with padding (RFC 4648).
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            if k <= c.len() {
                out.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Text for HTML: `&`, `<`, `>` and quotes escaped.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// The page's words in one language, each written for it.
struct Words {
    overview: &'static str,
    how_to_read: &'static str,
    municipalities: &'static str,
    filter: &'static str,
    shown: &'static str,
    name: &'static str,
    district: &'static str,
    oblast: &'static str,
    population: &'static str,
    median: &'static str,
    safe: &'static str,
    safe_pc: &'static str,
    first_safe: &'static str,
    shortfall: &'static str,
    worst_year: &'static str,
    gain: &'static str,
    material: &'static str,
    sheet: &'static str,
    m_som: &'static str,
    m_som_pv: &'static str,
    som_pc: &'static str,
    median_means: &'static str,
    safe_means: &'static str,
    safe_pc_means: &'static str,
    first_safe_means: &'static str,
    shortfall_means: &'static str,
    material_means: &'static str,
    by_oblast: &'static str,
    count: &'static str,
    expected: &'static str,
    share: &'static str,
    national: &'static str,
    means_add: &'static str,
    least: &'static str,
    most: &'static str,
    charts: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            overview: "National overview of project money",
            how_to_read: "Every municipality of the run, with what it can count on from the projects. Click a column's name to sort by it (again to reverse), type in the box to keep the rows that mention a name, district or oblast. The address keeps the view, so it can be bookmarked or sent.",
            municipalities: "Municipalities",
            filter: "Show the rows that mention",
            shown: "shown",
            name: "Municipality",
            district: "District",
            oblast: "Oblast",
            population: "Inhabitants",
            median: "Project money, median",
            safe: "Safe project money",
            safe_pc: "Safe per inhabitant",
            first_safe: "Safe in the first year",
            shortfall: "Highest shortfall risk",
            worst_year: "(year)",
            gain: "Gain:",
            material: "Chance of a material gain",
            sheet: "Council sheet",
            m_som: "M som",
            m_som_pv: "M som, present value",
            som_pc: "som per inhabitant",
            median_means: "the present value of all project money over the horizon that half of the simulated futures exceed.",
            safe_means: "the present value reached in 9 of 10 futures (the 10th percentile): the amount that is safe to plan with.",
            safe_pc_means: "the safe present value divided by the number of inhabitants.",
            first_safe_means: "the project money of the first simulated year reached in 9 of 10 futures, nominal.",
            shortfall_means: "the highest chance in any year that the budget falls short of the spending need, and that year.",
            material_means: "for each variant, the median paired gain over the baseline (present value, future by future) and the chance that the gain over the horizon exceeds 5% of the baseline's.",
            by_oblast: "By oblast",
            count: "Municipalities",
            expected: "Expected project money",
            share: "Share of the country",
            national: "Whole country",
            means_add: "Oblast and national figures add up the expected (mean) present values of the municipalities: means add up, medians and safe amounts do not.",
            least: "Least safe money per inhabitant",
            most: "most",
            charts: "National charts",
        },
        Lang::Ru => Words {
            overview: "Обзор доходов от проектов по стране",
            how_to_read: "Все айыл аймаки расчёта и то, на что они могут рассчитывать от проектов. Нажмите на название столбца, чтобы отсортировать по нему (ещё раз — в обратном порядке); введите в поле название, район или область, чтобы оставить только подходящие строки. Адрес страницы сохраняет вид: его можно добавить в закладки или отправить.",
            municipalities: "Айыл аймаки",
            filter: "Показать строки, где есть",
            shown: "показано",
            name: "Айыл аймак",
            district: "Район",
            oblast: "Область",
            population: "Жителей",
            median: "Доходы от проектов, медиана",
            safe: "Надёжные доходы от проектов",
            safe_pc: "Надёжно на жителя",
            first_safe: "Надёжно в первый год",
            shortfall: "Наибольший риск дефицита",
            worst_year: "(год)",
            gain: "Прирост:",
            material: "Вероятность существенного прироста",
            sheet: "Справка для кенеша",
            m_som: "млн сом",
            m_som_pv: "млн сом, приведённая стоимость",
            som_pc: "сом на жителя",
            median_means: "приведённая стоимость всех доходов от проектов за период, которую превышает половина смоделированных вариантов будущего.",
            safe_means: "приведённая стоимость, достигаемая в 9 из 10 вариантов будущего (10-й процентиль): сумма, на которую можно надёжно планировать.",
            safe_pc_means: "надёжная приведённая стоимость, делённая на число жителей.",
            first_safe_means: "доходы от проектов в первый моделируемый год, достигаемые в 9 из 10 вариантов, в номинале.",
            shortfall_means: "наибольшая за все годы вероятность того, что доходов бюджета не хватит на необходимые расходы, и этот год.",
            material_means: "для каждого варианта — медиана парного прироста к базовому сценарию (приведённая стоимость, в каждом варианте будущего) и вероятность того, что прирост за период превысит 5 % базового.",
            by_oblast: "По областям",
            count: "Айыл аймаков",
            expected: "Ожидаемые доходы от проектов",
            share: "Доля страны",
            national: "Вся страна",
            means_add: "Итоги по областям и стране складывают ожидаемые (средние) приведённые стоимости айыл аймаков: средние складываются, медианы и надёжные суммы — нет.",
            least: "Меньше всего надёжных доходов на жителя",
            most: "больше всего",
            charts: "Графики по стране",
        },
        Lang::Ky => Words {
            overview: "Өлкө боюнча долбоор кирешелеринин сереби",
            how_to_read: "Эсептөөдөгү бардык айыл аймактар жана алар долбоорлордон эмнеге ишене алары. Ошол мамыча боюнча иреттөө үчүн анын аталышын басыңыз (кайра басса — тескери тартипте); аталышы, району же облусу боюнча саптарды калтыруу үчүн талаага жазыңыз. Барактын дареги көрүнүштү сактайт: аны белгилеп коюуга же жөнөтүүгө болот.",
            municipalities: "Айыл аймактар",
            filter: "Төмөнкү сөз бар саптарды көрсөтүү",
            shown: "көрсөтүлдү",
            name: "Айыл аймак",
            district: "Район",
            oblast: "Облус",
            population: "Тургундар",
            median: "Долбоор кирешелери, медиана",
            safe: "Кепилденген долбоор кирешелери",
            safe_pc: "Бир тургунга кепилденген",
            first_safe: "Биринчи жылы кепилденген",
            shortfall: "Тартыштыктын эң жогорку тобокелдиги",
            worst_year: "(жыл)",
            gain: "Өсүш:",
            material: "Олуттуу өсүштүн ыктымалдыгы",
            sheet: "Кеңеш үчүн маалымкат",
            m_som: "млн сом",
            m_som_pv: "млн сом, келтирилген нарк",
            som_pc: "бир тургунга сом",
            median_means: "мезгил ичиндеги бардык долбоор кирешелеринин келтирилген наркы, аны моделделген келечектердин жарымы ашат.",
            safe_means: "10 келечектин 9унда жетишилген келтирилген нарк (10-процентиль): ишенимдүү пландай турган сумма.",
            safe_pc_means: "кепилденген келтирилген нарк тургундардын санына бөлүнгөн.",
            first_safe_means: "биринчи моделделген жылдагы долбоор кирешелери, 10 келечектин 9унда жетишилет, номиналдык.",
            shortfall_means: "бардык жылдардагы бюджет кирешеси зарыл чыгашаларга жетпей калуусунун эң жогорку ыктымалдыгы жана ошол жыл.",
            material_means: "ар бир вариант үчүн базалык сценарийге карата жуп өсүштүн медианасы (келтирилген нарк, ар бир келечекте) жана мезгил ичиндеги өсүш базалыктын 5 %ынан ашуу ыктымалдыгы.",
            by_oblast: "Облустар боюнча",
            count: "Айыл аймактар",
            expected: "Күтүлгөн долбоор кирешелери",
            share: "Өлкөдөгү үлүшү",
            national: "Бүт өлкө",
            means_add: "Облустар жана өлкө боюнча жыйынтыктар айыл аймактардын күтүлгөн (орточо) келтирилген нарктарын кошот: орточолор кошулат, медианалар жана кепилденген суммалар кошулбайт.",
            least: "Бир тургунга эң аз кепилденген киреше",
            most: "эң көп",
            charts: "Өлкө боюнча графиктер",
        },
    }
}

const STYLE: &str = r#"body{font-family:"DejaVu Sans",sans-serif;margin:0 auto;max-width:1500px;padding:0 24px 40px;color:#1a1a1a;font-size:15px}
h1{font-size:28px;margin:24px 0 4px}h2{font-size:21px;margin:28px 0 8px}
.sub{color:#4d4d4d;margin:0 0 8px;font-size:17px}.how,.note{color:#333;max-width:70em}
.filter input{font:inherit;padding:4px 8px;width:18em}
.scroll{overflow-x:auto;max-height:75vh;overflow-y:auto;border:1px solid #ddd}
table{border-collapse:collapse;width:100%}
th,td{padding:4px 8px;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:bottom}
thead th{position:sticky;top:0;background:#f0f4f8;z-index:1}
th button{font:inherit;font-weight:700;background:none;border:0;padding:0;cursor:pointer;text-align:inherit;color:#08306b}
th small{display:block;font-weight:400;color:#555}
th[aria-sort=ascending] button::after{content:" ▲"}th[aria-sort=descending] button::after{content:" ▼"}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tbody tr:nth-child(even){background:#f7f7f7}td{white-space:nowrap}
table.sums{width:auto}tr.total td{font-weight:700;border-top:2px solid #999}
dl.legend{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;color:#333}dt{font-weight:700}dd{margin:0}
figure{margin:16px 0}figure svg{width:100%;height:auto;max-width:1200px;display:block}
footer{color:#666;font-size:13px;margin-top:24px}
@media print{.scroll{max-height:none;overflow:visible}.filter{display:none}}
"#;

/// Sorting and filtering, with the state in the address (`#sort=-key&q=text`).
const SCRIPT: &str = r#"(function(){
var table=document.getElementById('table'),body=table.tBodies[0],input=document.getElementById('q'),count=document.getElementById('count');
var heads=Array.prototype.slice.call(table.tHead.rows[0].cells),lang=document.documentElement.lang;
function state(){var p=new URLSearchParams(location.hash.slice(1));return{sort:p.get('sort')||'',q:p.get('q')||''};}
function go(s){var p=new URLSearchParams();if(s.sort)p.set('sort',s.sort);if(s.q)p.set('q',s.q);history.replaceState(null,'','#'+p.toString());apply();}
function apply(){
var s=state(),rows=Array.prototype.slice.call(body.rows),desc=s.sort.charAt(0)==='-',key=desc?s.sort.slice(1):s.sort;
var col=-1;heads.forEach(function(h,i){h.removeAttribute('aria-sort');if(h.dataset.key===key){col=i;h.setAttribute('aria-sort',desc?'descending':'ascending');}});
if(col<0){rows.sort(function(a,b){return a.dataset.i-b.dataset.i;});}
else{var numeric=heads[col].classList.contains('num');rows.sort(function(a,b){
var x=a.cells[col],y=b.cells[col],c;
if(numeric){var vx=x.dataset.v===''?NaN:+x.dataset.v,vy=y.dataset.v===''?NaN:+y.dataset.v;
if(isNaN(vx)||isNaN(vy)){c=isNaN(vx)-isNaN(vy);return c||a.dataset.i-b.dataset.i;}c=vx-vy;}
else{c=x.textContent.localeCompare(y.textContent,lang);}
if(desc)c=-c;return c||a.dataset.i-b.dataset.i;});}
rows.forEach(function(r){body.appendChild(r);});
var q=s.q.toLocaleLowerCase(),shown=0;
rows.forEach(function(r){var hit=!q||r.textContent.toLocaleLowerCase().indexOf(q)>=0;r.hidden=!hit;if(hit)shown++;});
count.textContent=shown;if(input.value!==s.q)input.value=s.q;}
heads.forEach(function(h){var b=h.querySelector('button');b.addEventListener('click',function(){var s=state();s.sort=(s.sort===h.dataset.key)?'-'+h.dataset.key:h.dataset.key;go(s);});});
input.addEventListener('input',function(){var s=state();s.q=input.value;go(s);});
window.addEventListener('hashchange',apply);apply();})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_by_the_rfc_examples() {
        // RFC 4648, section 10.
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
    }

    #[test]
    fn names_are_escaped_and_sheets_found_in_the_page_s_language_first() {
        assert_eq!(
            esc("<Ак-Суу & \"Ош\">"),
            "&lt;Ак-Суу &amp; &quot;Ош&quot;&gt;"
        );
        let sheets = vec![
            "reports/x.en.pdf".to_string(),
            "reports/x.ky.pdf".to_string(),
        ];
        assert_eq!(sheet_for(&sheets, "x", Lang::Ky), Some("reports/x.ky.pdf"));
        assert_eq!(sheet_for(&sheets, "x", Lang::Ru), Some("reports/x.en.pdf"));
        assert_eq!(sheet_for(&sheets, "y", Lang::En), None);
    }
}
