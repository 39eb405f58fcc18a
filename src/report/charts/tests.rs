use super::*;
use crate::report::labels::{fmt_number, fmt_paths, fmt_percent, t, Key};

const LANGS: [Lang; 3] = [Lang::En, Lang::Ru, Lang::Ky];

fn meta(lang: Lang) -> ChartMeta {
    ChartMeta {
        lang,
        footer: "aimak 0.1.0 · Ala-Buka pilot · seed 2026 · 10000 paths · 2026-11-28".into(),
    }
}

fn band(year: i32, m: f64, spread: f64) -> Band {
    Band {
        year,
        mean: m * (1.0 + 0.1 * spread),
        p05: m * (1.0 - 0.6 * spread),
        p25: m * (1.0 - 0.25 * spread),
        p50: m,
        p75: m * (1.0 + 0.3 * spread),
        p95: m * (1.0 + 1.0 * spread),
    }
}

fn years() -> Vec<i32> {
    (2026..2046).collect()
}

fn revenue(i: usize) -> f64 {
    let ramp = (0.1 + 0.2 * i as f64).min(1.0);
    let decline = if i > 14 {
        1.0 - 0.12 * (i - 14) as f64
    } else {
        1.0
    };
    45e6 * ramp * decline
}

/// One chart of every kind with realistic money (1e6–1e8 som) over 2026–2045.
fn all_charts(lang: Lang) -> Vec<Chart> {
    let ys = years();
    let n = ys.len();
    let bands: Vec<Band> = ys
        .iter()
        .enumerate()
        .map(|(i, &y)| band(y, revenue(i), 0.5))
        .collect();
    let fan = FanChart {
        title: t(lang, Key::TitleRevenue).into(),
        unit: MoneyUnit::Som(Prices::Nominal),
        bands: bands.clone(),
    };
    let budget = BudgetChart {
        prices: Prices::Nominal,
        title: t(lang, Key::TitleBudget).into(),
        bands: ys
            .iter()
            .enumerate()
            .map(|(i, &y)| band(y, 40e6 + revenue(i) * 0.5, 0.2))
            .collect(),
        need: ys
            .iter()
            .enumerate()
            .map(|(i, &y)| (y, 55e6 * 1.04f64.powi(i as i32)))
            .collect(),
        p_shortfall: ys
            .iter()
            .enumerate()
            .map(|(i, &y)| (y, (0.9 - 0.05 * i as f64).abs().min(1.0)))
            .collect(),
    };
    let layer = |label: &str, off: bool, share: f64| Layer {
        label: label.into(),
        off_budget: off,
        values: (0..n).map(|i| revenue(i) * share + 2e6).collect(),
    };
    let composition = CompositionChart {
        prices: Prices::Nominal,
        heading: Key::LocalBudget,
        title: t(lang, Key::TitleComposition).into(),
        years: ys.clone(),
        layers: vec![
            layer("Жер салыгы", false, 0.1),
            layer("Social fund", true, 0.1),
            layer("Дүң кирешеге салык (айыл аймактын үлүшү)", false, 0.5),
            layer("Өнүктүрүү фонду", true, 0.2),
        ],
    };
    let names = [
        "Ала-Бука",
        "Кара-Жыгач айыл аймагы (Чаткал району, Жалал-Абад облусу)",
        "Sary-Bulak",
        "Жаңы-Базар",
    ];
    let npv = NpvComparison {
        prices: Prices::Nominal,
        what: Key::PresentValue,
        title: t(lang, Key::TitlePresentValue).into(),
        items: names
            .iter()
            .enumerate()
            .map(|(k, nm)| {
                let m = 20e6 * (k as f64 + 1.0).powi(2);
                NpvItem {
                    name: nm.to_string(),
                    p10: m * 0.6,
                    p50: m,
                    p90: m * 1.5,
                }
            })
            .collect(),
    };
    let heat = ShortfallHeatmap {
        title: t(lang, Key::TitleShortfall).into(),
        rows: names.iter().map(|s| s.to_string()).collect(),
        years: ys.clone(),
        values: (0..names.len())
            .map(|r| {
                (0..n)
                    .map(|i| ((r * 7 + i * 3) % 101) as f64 / 100.0)
                    .collect()
            })
            .collect(),
    };
    let diff = VariantDiffChart {
        prices: Prices::Nominal,
        title: t(lang, Key::TitleVariant).into(),
        variant_label: "роялти 5 %".into(),
        bands: ys
            .iter()
            .enumerate()
            .map(|(i, &y)| {
                let m = -3e6 + 0.5e6 * i as f64;
                Band {
                    year: y,
                    mean: m,
                    p05: m - 6e6,
                    p25: m - 2e6,
                    p50: m,
                    p75: m + 2e6,
                    p95: m + 6e6,
                }
            })
            .collect(),
        p_material: ys
            .iter()
            .enumerate()
            .map(|(i, &y)| (y, i as f64 / n as f64))
            .collect(),
    };
    let states = ProjectStatesChart {
        title: t(lang, Key::TitleProjectStates).into(),
        years: ys.clone(),
        p_planned: (0..n).map(|i| (1.0 - i as f64 / 5.0).max(0.0)).collect(),
        p_producing: (0..n)
            .map(|i| (i as f64 / 5.0).min(1.0) * (1.0 - i as f64 / 40.0) * 0.9)
            .collect(),
        p_suspended: (0..n)
            .map(|i| (i as f64 / 5.0).min(1.0) * (1.0 - i as f64 / 40.0) * 0.1)
            .collect(),
        p_closed: (0..n)
            .map(|i| i as f64 / 40.0 * (i as f64 / 5.0).min(1.0))
            .collect(),
    };
    let output = FanChart {
        title: t(lang, Key::TitleProjectOutput).into(),
        unit: MoneyUnit::Physical("oz".into()),
        bands: ys
            .iter()
            .enumerate()
            .map(|(i, &y)| band(y, revenue(i) / 400.0, 0.3))
            .collect(),
    };
    // Two laws: the one written, and a return of the 2013 rule growing more likely.
    let alt: Vec<f64> = (0..n)
        .map(|i| 0.5 * (1.0 - (-(i as f64) / 6.0).exp()))
        .collect();
    let laws = LawsChart {
        title: t(lang, Key::TitleLaws).into(),
        years: ys.clone(),
        laws: vec![
            ("Today's law".into(), alt.iter().map(|a| 1.0 - a).collect()),
            ("2% wholly to the host".into(), alt),
        ],
    };
    vec![
        Chart::Fan(fan),
        Chart::Budget(budget),
        Chart::Composition(composition),
        Chart::NpvComparison(npv),
        Chart::Heatmap(heat),
        Chart::VariantDiff(diff),
        Chart::ProjectStates(states),
        Chart::ProjectOutput(output),
        Chart::Laws(laws),
        Chart::Backtest(BacktestChart {
            fan: FanChart {
                title: "fund:issyk-kul-odf · inflow".into(),
                unit: MoneyUnit::Som(Prices::Nominal),
                bands: bands[..5].to_vec(),
            },
            actual_label: "published".into(),
            actuals: vec![(ys[1], revenue(1) * 0.6)],
        }),
        Chart::Pit(PitChart {
            title: "PIT".into(),
            caption: "PIT: share of simulated futures below the published amount".into(),
            bars_label: "published amounts".into(),
            uniform_label: "calibrated".into(),
            count_label: "number".into(),
            pits: vec![0.07, 0.17, 0.55, 0.3, 0.3, 0.3, 1.0],
            bins: 5,
        }),
        Chart::Solve(solve_chart(lang)),
    ]
}

#[test]
fn pit_values_fall_in_equal_bins_with_one_in_the_last() {
    assert_eq!(
        pit_counts(&[0.0, 0.19, 0.2, 0.5, 0.99, 1.0], 5),
        [2, 1, 1, 0, 2]
    );
    assert_eq!(pit_counts(&[], 3), [0, 0, 0]);
}

/// A solve of a rate on 0..0.05: a rising curve through the grid and a few bisection points.
fn solve_chart(lang: Lang) -> SolveChart {
    let p = |x: f64| (1.0 - (-60.0 * x).exp()).min(1.0);
    let grid: Vec<(f64, f64)> = (0..9)
        .map(|k| k as f64 * 0.05 / 8.0)
        .map(|x| (x, p(x)))
        .collect();
    let mut points = grid.clone();
    points.extend([0.025, 0.0265, 0.0268].map(|x| (x, p(x))));
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    SolveChart {
        title: t(lang, Key::TitleSolve).into(),
        key: "instrument.social_package.rate".into(),
        lo: 0.0,
        hi: 0.05,
        required: 0.8,
        answer: 0.0268,
        series: vec![SolveSeries {
            label: "kok-serek:social_package:2030>=5000000".into(),
            points,
            grid,
            check: (0.79, 0.782, 0.798),
        }],
    }
}

// ---------------------------------------------------------------------------------------
// Data behind the charts.

#[test]
fn ordered_bands_give_nested_polygons() {
    let bands: Vec<Band> = years()
        .iter()
        .enumerate()
        .map(|(i, &y)| band(y, revenue(i), 0.5))
        .collect();
    let (outer, inner) = band_polygons(&bands);
    let n = bands.len();
    assert_eq!(outer.len(), 2 * n);
    assert_eq!(inner.len(), 2 * n);
    for (i, b) in bands.iter().enumerate() {
        let (lo_out, hi_out) = (outer[i], outer[2 * n - 1 - i]);
        let (lo_in, hi_in) = (inner[i], inner[2 * n - 1 - i]);
        for p in [lo_out, hi_out, lo_in, hi_in] {
            assert_eq!(p.0, b.year as f64);
        }
        assert_eq!((lo_out.1, hi_out.1), (b.p05, b.p95));
        assert_eq!((lo_in.1, hi_in.1), (b.p25, b.p75));
        // Inner band inside the outer one, median inside the inner band.
        assert!(lo_out.1 <= lo_in.1 && lo_in.1 <= b.p50 && b.p50 <= hi_in.1 && hi_in.1 <= hi_out.1);
    }
    // Lower edge left to right, upper edge right to left: a simple closed outline.
    assert!(outer[..n].windows(2).all(|w| w[0].0 < w[1].0));
    assert!(outer[n..].windows(2).all(|w| w[0].0 > w[1].0));
}

#[test]
#[allow(clippy::needless_range_loop)]
fn stacks_sum_to_the_total_with_community_money_on_top() {
    let Chart::Composition(c) = &all_charts(Lang::En)[2] else {
        panic!("composition expected");
    };
    let s = stack(&c.layers);
    let order = stack_order(&c.layers);
    assert_eq!(order, vec![0, 2, 1, 3]);
    for y in 0..c.years.len() {
        let total: f64 = c.layers.iter().map(|l| l.values[y]).sum();
        let top = s[*order.last().unwrap()][y].1;
        assert!(
            (top - total).abs() < 1e-6 * total,
            "year {y}: {top} vs {total}"
        );
        assert_eq!(s[order[0]][y].0, 0.0);
        for w in order.windows(2) {
            assert_eq!(s[w[0]][y].1, s[w[1]][y].0, "layers touch");
        }
        for (i, l) in c.layers.iter().enumerate() {
            assert!((s[i][y].1 - s[i][y].0 - l.values[y]).abs() < 1e-6);
        }
        let on_top = (0..c.layers.len())
            .filter(|&i| !c.layers[i].off_budget)
            .map(|i| s[i][y].1)
            .fold(0.0, f64::max);
        let off_bottom = (0..c.layers.len())
            .filter(|&i| c.layers[i].off_budget)
            .map(|i| s[i][y].0)
            .fold(f64::MAX, f64::min);
        assert!(on_top <= off_bottom);
    }
}

#[test]
#[allow(clippy::needless_range_loop)]
fn project_states_stack_to_one_hundred_percent() {
    let Chart::ProjectStates(mut c) = all_charts(Lang::En).swap_remove(6) else {
        panic!("states expected");
    };
    c.years.push(2046);
    for s in [
        &mut c.p_planned,
        &mut c.p_producing,
        &mut c.p_suspended,
        &mut c.p_closed,
    ] {
        s.push(0.0);
    }
    let st = state_stack(&c);
    for y in 0..c.years.len() {
        let top = st[3][y].1;
        if y + 1 == c.years.len() {
            assert_eq!(top, 0.0, "a year without data stays empty");
        } else {
            assert!((top - 100.0).abs() < 1e-9);
        }
        assert_eq!(st[0][y].0, 0.0);
        for k in 0..3 {
            assert_eq!(st[k][y].1, st[k + 1][y].0);
        }
    }
}

#[test]
fn npv_items_are_sorted_by_median_largest_first() {
    let Chart::NpvComparison(c) = &all_charts(Lang::En)[3] else {
        panic!("npv expected");
    };
    let sorted = sort_npv(&c.items);
    assert_eq!(sorted.len(), c.items.len());
    assert!(sorted.windows(2).all(|w| w[0].p50 >= w[1].p50));
    assert_eq!(sorted[0].name, "Жаңы-Базар");
}

#[test]
fn ticks_are_round_and_cover_the_data() {
    for (lo, hi) in [
        (0.0, 97.3),
        (-12.0, 31.0),
        (0.0, 0.37),
        (2.0, 2.0),
        (0.0, 183_000.0),
    ] {
        let (ticks, dec) = nice_ticks(lo, hi, 6);
        assert!(
            ticks.first().unwrap() <= &lo && ticks.last().unwrap() >= &hi,
            "{lo}..{hi}: {ticks:?}"
        );
        assert!((3..=12).contains(&ticks.len()), "{lo}..{hi}: {ticks:?}");
        let step = ticks[1] - ticks[0];
        assert!(ticks
            .windows(2)
            .all(|w| ((w[1] - w[0]) - step).abs() < 1e-9 * step.max(1.0)));
        // Labels are distinct at the chosen decimals.
        let labels: Vec<String> = ticks.iter().map(|v| format!("{v:.dec$}")).collect();
        let mut uniq = labels.clone();
        uniq.dedup();
        assert_eq!(labels, uniq);
    }
    assert_eq!(
        nice_ticks(0.0, 97.3, 6).0,
        vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    );
    assert_eq!(nice_ticks(0.0, 0.37, 6).1, 1);
    assert_eq!(nice_ticks(0.0, 0.12, 6).1, 2);
    assert_eq!(nice_ticks(-12.0, 31.0, 6).0[0], -20.0);
}

#[test]
fn year_labels_never_overlap() {
    let ys: Vec<i32> = (2026..=2075).collect();
    for px_per_year in [12.0, 30.0, 45.0, 70.0, 140.0] {
        let label_w = 62.0;
        let step = year_label_step(px_per_year, label_w);
        let shown = labelled_years(&ys, step);
        assert!(!shown.is_empty());
        for w in shown.windows(2) {
            assert!((w[1] - w[0]) as f64 * px_per_year >= label_w);
        }
    }
    assert_eq!(labelled_years(&[2026, 2027, 2028], 5), vec![2026]);
}

#[test]
fn heat_colours_darken_steadily() {
    let lum = |p: f64| {
        let (r, g, b) = heat_color(p);
        canvas::Rgb(r, g, b).luminance()
    };
    let mut prev = f64::MAX;
    for k in 0..=100 {
        let l = lum(k as f64 / 100.0);
        assert!(l < prev, "lightness must fall at {k}%");
        prev = l;
    }
    assert!(lum(0.0) > 0.9 && lum(1.0) < 0.05);
    assert_eq!(heat_color(f64::NAN), heat_color(0.0));
}

#[test]
fn dashes_follow_the_pattern() {
    let pts = [(0.0, 0.0), (100.0, 0.0), (100.0, 60.0)];
    let segs = canvas::dash_segments(&pts, &[10.0, 5.0]);
    let len = |s: &Vec<(f64, f64)>| {
        s.windows(2)
            .map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())
            .sum::<f64>()
    };
    let on: f64 = segs.iter().map(len).sum();
    assert!((on - 160.0 * 10.0 / 15.0).abs() < 10.0, "{on}");
    assert!(segs.iter().all(|s| len(s) <= 10.0 + 1e-9));
}

// ---------------------------------------------------------------------------------------
// Rendering.

#[test]
fn every_chart_renders_a_decodable_1600x900_png_in_every_language() {
    for lang in LANGS {
        for chart in all_charts(lang) {
            let bytes = render_png(&chart, &meta(lang)).unwrap();
            assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
            assert_eq!(&bytes[12..16], b"IHDR");
            assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), 1600);
            assert_eq!(u32::from_be_bytes(bytes[20..24].try_into().unwrap()), 900);
            let img = png::decode_rgb(&bytes).unwrap();
            assert_eq!((img.width, img.height), (WIDTH, HEIGHT));
            // Something besides the white page was drawn, and the page is mostly light.
            let dark = img
                .rgb
                .chunks(3)
                .filter(|p| p.iter().all(|&v| v < 100))
                .count();
            assert!(dark > 2_000, "{}: only {dark} dark pixels", title(&chart));
            assert!(bytes.len() < 600_000, "{} bytes", bytes.len());
        }
    }
}

/// A small well-formedness check: tags nest and close, attributes are quoted, text has no
/// raw markup characters.
fn check_xml(doc: &str) -> Result<usize, String> {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = doc.trim();
    let mut elements = 0;
    if !rest.starts_with("<svg") || !rest.ends_with("</svg>") {
        return Err("not an <svg> document".into());
    }
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        if text.contains('>')
            || text
                .replace("&amp;", "")
                .replace("&lt;", "")
                .replace("&gt;", "")
                .replace("&quot;", "")
                .replace("&apos;", "")
                .contains('&')
        {
            return Err(format!("raw markup in text {text:?}"));
        }
        let close = rest[open..].find('>').ok_or("unclosed tag")? + open;
        let tag = &rest[open + 1..close];
        if !tag.matches('"').count().is_multiple_of(2) {
            return Err(format!("unbalanced quotes in <{tag}>"));
        }
        if let Some(name) = tag.strip_prefix('/') {
            let top = stack.pop().ok_or("close without open")?;
            if top != name.trim() {
                return Err(format!("</{name}> closes <{top}>"));
            }
        } else if !tag.starts_with('?') && !tag.starts_with('!') {
            elements += 1;
            if !tag.ends_with('/') {
                stack.push(tag.split_whitespace().next().unwrap_or(""));
            }
        }
        rest = &rest[close + 1..];
    }
    if stack.is_empty() {
        Ok(elements)
    } else {
        Err(format!("unclosed {stack:?}"))
    }
}

#[test]
fn every_chart_renders_a_well_formed_svg_in_every_language() {
    for lang in LANGS {
        for chart in all_charts(lang) {
            let svg = render_svg(&chart, &meta(lang)).unwrap();
            let n = check_xml(&svg).unwrap_or_else(|e| panic!("{}: {e}", title(&chart)));
            assert!(n > 20);
            assert!(svg.contains(r#"width="1600" height="900""#));
            assert!(svg.contains(r#"font-family="DejaVu Sans, sans-serif""#));
            assert!(svg.contains(title(&chart)), "title written as text");
        }
    }
    assert!(check_xml("<svg><a></b></svg>").is_err());
    assert!(check_xml("<svg><text>a < b</text></svg>").is_err());
}

#[test]
fn svg_texts_are_localized() {
    let Chart::Budget(b) = all_charts(Lang::Ky).swap_remove(1) else {
        panic!("budget expected");
    };
    let svg = render_svg(&Chart::Budget(b), &meta(Lang::Ky)).unwrap();
    for key in [
        Key::MillionSom,
        Key::SpendingNeed,
        Key::ProbShortfall,
        Key::Mean,
    ] {
        assert!(svg.contains(t(Lang::Ky, key)), "{key:?}");
    }
    assert!(svg.contains("100\u{202F}%"), "Kyrgyz percentages");
}

fn title_band(chart: &Chart, lang: Lang) -> Vec<u8> {
    let img = png::decode_rgb(&render_png(chart, &meta(lang)).unwrap()).unwrap();
    // Rows 20..80 hold the title.
    img.rgb[20 * 1600 * 3..80 * 1600 * 3].to_vec()
}

#[test]
fn cyrillic_titles_render_real_glyphs() {
    let fan = |title: &str| {
        Chart::Fan(FanChart {
            title: title.into(),
            unit: MoneyUnit::Som(Prices::Nominal),
            bands: vec![band(2026, 5e6, 0.3), band(2027, 8e6, 0.3)],
        })
    };
    let empty = title_band(&fan(""), Lang::Ky);
    let ky = title_band(&fan("Жергиликтүү бюджеттин кирешелери"), Lang::Ky);
    let ky2 = title_band(&fan("Өндүрүштүн көлөмү жана үлүшү"), Lang::Ky);
    assert!(
        empty.iter().all(|&v| v == 255),
        "empty title leaves the band white"
    );
    let inked = ky.chunks(3).filter(|p| p[0] < 128).count();
    assert!(inked > 3_000, "{inked} inked pixels");
    assert_ne!(ky, ky2, "different Cyrillic texts draw different glyphs");
}

#[test]
fn every_text_has_glyphs_in_the_embedded_fonts() {
    let (reg, bold) = (font::regular().unwrap(), font::bold().unwrap());
    let mut texts: Vec<String> = Vec::new();
    for lang in LANGS {
        texts.extend(Key::ALL.iter().map(|&k| t(lang, k).to_string()));
        texts.push(format!(
            "{} {}",
            fmt_number(lang, -1_234.57, 1),
            t(lang, Key::MillionSom)
        ));
        texts.push(fmt_percent(lang, 0.5, 0));
        texts.push(fmt_paths(lang, 10_000));
        texts.push(fmt_number(lang, 12_345.6, 1));
    }
    texts.push("…·—–−ӨөҮүҢң".into());
    for s in &texts {
        for c in s.chars().filter(|c| !c.is_whitespace() || *c == '\u{202F}') {
            assert_ne!(reg.glyph(c), 0, "no glyph for {c:?} in {s:?}");
            assert_ne!(bold.glyph(c), 0, "no bold glyph for {c:?} in {s:?}");
        }
    }
    assert_eq!(reg.glyph('\u{E000}'), 0);
}

#[test]
fn text_measure_matches_plotters_layout() {
    ensure_fonts().unwrap();
    for (text, bold) in [
        ("Жергиликтүү бюджет 2026", false),
        ("P25–P75 (50% chance)", true),
    ] {
        let style = if bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        let font = plotters::style::FontDesc::new(
            plotters::style::FontFamily::Name(canvas::FAMILY),
            200.0,
            style,
        );
        let (w, _) = font.box_size(text).unwrap();
        let m = if bold { font::bold() } else { font::regular() }.unwrap();
        let ours = m.width(text, 200.0);
        assert!((ours - w as f64).abs() <= 2.0, "{text}: {ours} vs {w}");
    }
}

#[test]
fn bad_data_is_refused_with_the_chart_named() {
    let m = meta(Lang::En);
    let mut b = band(2026, 5e6, 0.3);
    b.p25 = b.p75 + 1e6;
    let fan = Chart::Fan(FanChart {
        title: "Broken".into(),
        unit: MoneyUnit::Som(Prices::Nominal),
        bands: vec![b],
    });
    let err = render_png(&fan, &m).unwrap_err();
    assert!(matches!(err, ChartError::InvalidData { .. }));
    assert!(err.to_string().contains("Broken"));

    let empty = Chart::Fan(FanChart {
        title: "Empty".into(),
        unit: MoneyUnit::Som(Prices::Nominal),
        bands: vec![],
    });
    assert!(matches!(render_svg(&empty, &m), Err(ChartError::NoData(_))));

    let heat = Chart::Heatmap(ShortfallHeatmap {
        title: "H".into(),
        rows: vec!["a".into()],
        years: vec![2026, 2027],
        values: vec![vec![0.5]],
    });
    assert!(render_png(&heat, &m).is_err());

    let comp = Chart::Composition(CompositionChart {
        prices: Prices::Nominal,
        heading: Key::LocalBudget,
        title: "C".into(),
        years: vec![2026],
        layers: vec![Layer {
            label: "x".into(),
            off_budget: false,
            values: vec![f64::NAN],
        }],
    });
    assert!(render_png(&comp, &m).is_err());
}

#[test]
fn small_and_odd_inputs_still_render() {
    let m = meta(Lang::Ru);
    let one_year = Chart::Budget(BudgetChart {
        prices: Prices::Nominal,
        title: "Один год".into(),
        bands: vec![band(2030, 50e6, 0.3)],
        need: vec![(2030, 60e6)],
        p_shortfall: vec![(2030, 0.7)],
    });
    let all_zero = Chart::Composition(CompositionChart {
        prices: Prices::Nominal,
        heading: Key::LocalBudget,
        title: "Нули".into(),
        years: vec![2026, 2027],
        layers: vec![Layer {
            label: "налог".into(),
            off_budget: true,
            values: vec![0.0, 0.0],
        }],
    });
    let long = "Очень длинное название графика, которое не помещается в одну строку и должно быть перенесено или сокращено, чтобы не выйти за край";
    let long_title = Chart::NpvComparison(NpvComparison {
        prices: Prices::Nominal,
        what: Key::PresentValue,
        title: long.into(),
        items: (0..30)
            .map(|k| NpvItem {
                name: format!("Айыльный аймак номер {k} с длинным названием"),
                p10: -5e6,
                p50: k as f64 * 1e6,
                p90: 40e6,
            })
            .collect(),
    });
    let many_years = Chart::Heatmap(ShortfallHeatmap {
        title: "50 лет".into(),
        rows: vec!["А".into()],
        years: (2026..2076).collect(),
        values: vec![vec![0.3; 50]],
    });
    for chart in [one_year, all_zero, long_title, many_years] {
        render_png(&chart, &m).unwrap();
        check_xml(&render_svg(&chart, &m).unwrap()).unwrap();
    }
}

#[test]
fn rendering_is_deterministic() {
    let chart = &all_charts(Lang::Ru)[0];
    let m = meta(Lang::Ru);
    assert_eq!(
        render_png(chart, &m).unwrap(),
        render_png(chart, &m).unwrap()
    );
    assert_eq!(
        render_svg(chart, &m).unwrap(),
        render_svg(chart, &m).unwrap()
    );
}

#[test]
fn ticks_stay_few_for_any_finite_range() {
    let cases = [
        (0.0, 1e-320),
        (1e-320, 1e-320),
        (-1e-310, 1e-310),
        (0.0, 0.0),
        (0.0, 1e300),
        (1e300, 1e300),
        (-1e308, 1e308),
        (-f64::MAX, f64::MAX),
        (f64::MAX, f64::MAX),
        (1e15, 1e15 + 1.0),
        (0.0, f64::NAN),
        (f64::NEG_INFINITY, 1.0),
    ];
    for (lo, hi) in cases {
        for target in [0, 1, 2, 6, 8] {
            let (ticks, dec) = nice_ticks(lo, hi, target);
            assert!(
                (2..=target.max(1) + 3).contains(&ticks.len()),
                "{lo}..{hi} / {target}: {ticks:?}"
            );
            assert!(ticks.iter().all(|v| v.is_finite()), "{lo}..{hi}: {ticks:?}");
            assert!(
                ticks.windows(2).all(|w| w[0] <= w[1]),
                "{lo}..{hi}: {ticks:?}"
            );
            assert!(dec <= 6);
        }
    }
}

/// Charts of a scenario whose values are subnormal, huge or all alike draw without a panic.
#[test]
fn extreme_values_render() {
    let ys: Vec<i32> = (2026..2031).collect();
    for v in [1e-320, -1e-310, 0.0, 1e300, -1e300, f64::MAX] {
        let line = Chart::BudgetLine(BudgetLineChart {
            prices: Prices::Nominal,
            title: "Budget line".into(),
            years: ys.clone(),
            median: vec![v; ys.len()],
            safe_75: vec![v; ys.len()],
            safe_90: vec![0.0; ys.len()],
        });
        let bands: Vec<Band> = ys.iter().map(|&y| band(y, v, 0.0)).collect();
        let diff = Chart::VariantDiff(VariantDiffChart {
            prices: Prices::Nominal,
            title: "Difference".into(),
            variant_label: "variant".into(),
            bands: bands.clone(),
            p_material: ys.iter().map(|&y| (y, 0.5)).collect(),
        });
        let fan = Chart::Fan(FanChart {
            title: "Fan".into(),
            unit: MoneyUnit::Som(Prices::Nominal),
            bands,
        });
        for chart in [line, diff, fan] {
            render_svg(&chart, &meta(Lang::En)).expect("svg");
            render_png(&chart, &meta(Lang::En)).expect("png");
        }
    }
}

/// Fitting, wrapping and ellipsizing measure each glyph a bounded number of times: a
/// 10,000-character title (words, or one word) lays out at once.
#[test]
fn long_texts_lay_out_in_linear_time() {
    ensure_fonts().unwrap();
    let words = "Ала-Бука aiyl okmotu ".repeat(500);
    let one_word = "x".repeat(10_000);
    let mut out = String::new();
    let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
    let c = canvas::Canvas::new(&root, 1.0, true, Lang::En);
    let max_w = 1500.0;
    for text in [&words, &one_word] {
        assert!(text.chars().count() >= 10_000);
        let t0 = std::time::Instant::now();
        let size = c.fit_size(text, max_w, 46.0, 36.0, true);
        let lines = c.wrap(text, max_w, size, true, 2);
        let short = c.ellipsize(text, max_w, size, false);
        let elapsed = t0.elapsed();
        assert!(elapsed.as_secs_f64() < 0.5, "took {elapsed:?}");
        assert!(!lines.is_empty() && lines.len() <= 2);
        for l in lines.iter().chain([&short]) {
            assert!(
                c.text_width(l, size, true)
                    .min(c.text_width(l, size, false))
                    <= max_w
            );
        }
        assert!(short.ends_with('…'));
        // The longest prefix that fits: one more character would not.
        if !text.contains(' ') {
            let n = short.chars().count() - 1;
            let longer: String = text.chars().take(n + 1).collect::<String>() + "…";
            assert!(c.text_width(&longer, size, false) > max_w);
        }
    }
    let t0 = std::time::Instant::now();
    let chart = Chart::Fan(FanChart {
        title: words.clone(),
        unit: MoneyUnit::Som(Prices::Nominal),
        bands: years().iter().map(|&y| band(y, 1e6, 0.3)).collect(),
    });
    render_svg(&chart, &meta(Lang::En)).unwrap();
    assert!(t0.elapsed().as_secs_f64() < 1.0, "took {:?}", t0.elapsed());
}

/// The title a chart carries, whatever its kind.
fn title(chart: &Chart) -> &str {
    match chart {
        Chart::Fan(c) | Chart::ProjectOutput(c) => &c.title,
        Chart::Budget(c) => &c.title,
        Chart::Composition(c) => &c.title,
        Chart::NpvComparison(c) => &c.title,
        Chart::Heatmap(c) => &c.title,
        Chart::VariantDiff(c) => &c.title,
        Chart::ProjectStates(c) => &c.title,
        Chart::Laws(c) => &c.title,
        Chart::BudgetLine(c) => &c.title,
        Chart::Tornado(c) => &c.title,
        Chart::Attribution(c) => &c.title,
        Chart::Ranking(c) => &c.title,
        Chart::Concentration(c) => &c.title,
        Chart::Backtest(c) => &c.fan.title,
        Chart::Pit(c) => &c.title,
        Chart::Solve(c) => &c.title,
    }
}

#[test]
fn the_lorenz_curve_and_the_top_share_by_hand() {
    // 4 places receiving 1, 2, 3, 4 (total 10), given out of order.
    let v = [3.0, 1.0, 4.0, 2.0];
    let l = lorenz(&v).unwrap();
    let want = [(0.0, 0.0), (0.25, 0.1), (0.5, 0.3), (0.75, 0.6), (1.0, 1.0)];
    assert_eq!(l.len(), want.len());
    for ((x, y), (wx, wy)) in l.iter().zip(want) {
        assert!((x - wx).abs() < 1e-12 && (y - wy).abs() < 1e-12, "{l:?}");
    }
    // The top 10% of 4 places is 0.4 of the largest: 0.4 * 4 / 10.
    assert!((top_share(&v, 0.1).unwrap() - 0.16).abs() < 1e-12);
    // The top half: (4 + 3) / 10.
    assert!((top_share(&v, 0.5).unwrap() - 0.7).abs() < 1e-12);
    assert!((top_share(&v, 1.0).unwrap() - 1.0).abs() < 1e-12);
    // Equal amounts: the top 10% receive 10%.
    assert!((top_share(&[5.0; 20], 0.1).unwrap() - 0.1).abs() < 1e-12);
    assert!(lorenz(&[0.0, 0.0]).is_none() && top_share(&[], 0.1).is_none());
}

#[test]
fn rankings_and_concentration_draw_in_every_language() {
    for lang in LANGS {
        let items: Vec<(String, f64, f64)> = (0..20)
            .map(|k| {
                let safe = 150.0 * k as f64;
                (
                    format!("Айыл аймак {k} (Ала-Бука району)"),
                    safe,
                    2.0 * safe + 900.0,
                )
            })
            .collect();
        let ranking = Chart::Ranking(RankingChart {
            title: "Least money per inhabitant".into(),
            caption: "som per inhabitant".into(),
            items,
        });
        let lorenz = Chart::Concentration(ConcentrationChart {
            title: "How the money is spread".into(),
            values: (0..450).map(|k| (k * k) as f64).collect(),
        });
        for chart in [ranking, lorenz] {
            let svg = render_svg(&chart, &meta(lang)).unwrap();
            assert!(svg.contains(title(&chart)));
            assert!(!render_png(&chart, &meta(lang)).unwrap().is_empty());
        }
    }
}
