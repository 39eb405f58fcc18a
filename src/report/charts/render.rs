//! One drawing function per chart kind, all on the shared page layout: title at the top, a
//! legend row under it (never over the data), the plot, years along the bottom, footer.

use super::canvas::{
    item, Align, Canvas, Frame, LegendItem, Lin, Res, Rgb, Swatch, AXIS, AXIS_SIZE, FOOTER_INK,
    FOOTER_SIZE, GRID, INK, INK_SOFT, LEGEND_SIZE, MARGIN_L, MARGIN_R, PAGE_H, PAGE_W, PAPER,
    SUBTITLE_SIZE, SWATCH_W, TITLE_SIZE,
};
use super::{
    band_polygons, heat_color, labelled_years, nice_ticks, sort_npv, stack, stack_order,
    state_stack, year_label_step, AttributionChart, Band, BudgetChart, BudgetLineChart, Chart,
    ChartError, ChartMeta, CompositionChart, FanChart, MoneyUnit, NpvComparison,
    ProjectStatesChart, ShortfallHeatmap, TornadoChart, VariantDiffChart,
};
use crate::lang::Lang;
use crate::report::labels::{band_legend, fmt_number, fmt_percent, money_decimals, t, Key};
use plotters::prelude::DrawingBackend;

// Blues of clearly different lightness: they stay apart when printed in grey.
const BAND_OUTER: Rgb = Rgb::hex(0xc6dbef);
const BAND_INNER: Rgb = Rgb::hex(0x6baed6);
const MEDIAN: Rgb = Rgb::hex(0x08306b);
const MEAN: Rgb = Rgb::hex(0x111111);
const NEED: Rgb = Rgb::hex(0xb2182b);
const SHORTFALL: Rgb = Rgb::hex(0xcb181d);
const BETTER: Rgb = Rgb::hex(0x238b45);
const ROW_SHADE: Rgb = Rgb::hex(0xf3f3f3);

const MEDIAN_W: f64 = 5.5;
const MEAN_W: f64 = 4.0;
const NEED_W: f64 = 5.0;
const MEAN_DASH: &[f64] = &[16.0, 10.0];
// Dash-dot: unlike the mean's even dashes even in grey.
const NEED_DASH: &[f64] = &[30.0, 9.0, 7.0, 9.0];
const REF_DASH: &[f64] = &[10.0, 8.0];

/// Bottom of the plot area when years are written below it.
const PLOT_BOTTOM: f64 = 808.0;
/// Height of a probability strip under a main plot, and the gap above it for its header.
const STRIP_H: f64 = 150.0;
const STRIP_GAP: f64 = 62.0;

pub(super) fn draw<DB: DrawingBackend>(c: &Canvas<DB>, chart: &Chart, meta: &ChartMeta) -> Res {
    c.clear()?;
    match chart {
        Chart::Fan(f) | Chart::ProjectOutput(f) => fan(c, f),
        Chart::Budget(b) => budget(c, b),
        Chart::Composition(k) => composition(c, k),
        Chart::NpvComparison(n) => npv(c, n),
        Chart::Heatmap(h) => heatmap(c, h),
        Chart::VariantDiff(d) => variant_diff(c, d),
        Chart::ProjectStates(s) => states(c, s),
        Chart::BudgetLine(b) => budget_line(c, b),
        Chart::Tornado(k) => tornado(c, k),
        Chart::Attribution(a) => attribution(c, a),
    }?;
    footer(c, &meta.footer)
}

// ---------------------------------------------------------------------------------------
// Page parts.

/// Title (shrunk, then wrapped to two lines if long) and an optional subtitle; returns the
/// y where the content below may start.
fn header<DB: DrawingBackend>(
    c: &Canvas<DB>,
    title: &str,
    subtitle: Option<&str>,
) -> Result<f64, ChartError> {
    let max_w = PAGE_W - MARGIN_L - MARGIN_R;
    let min_size = 36.0;
    let mut size = c.fit_size(title, max_w, TITLE_SIZE, min_size, true);
    let lines = if c.text_width(title, size, true) <= max_w {
        vec![title.to_string()]
    } else {
        size = min_size;
        c.wrap(title, max_w, size, true, 2)
    };
    let mut y = 20.0;
    for line in &lines {
        y += size * 0.86;
        c.text(line, MARGIN_L, y, size, true, INK, Align::Left)?;
        y += size * 0.24;
    }
    if lines.is_empty() {
        y += size * 1.1;
    }
    if let Some(sub) = subtitle.filter(|s| !s.is_empty()) {
        let s = c.fit_size(sub, max_w, SUBTITLE_SIZE, 20.0, false);
        let sub = c.ellipsize(sub, max_w, s, false);
        y += s * 0.95;
        c.text(&sub, MARGIN_L, y, s, false, INK_SOFT, Align::Left)?;
        y += s * 0.2;
    }
    Ok(y + 8.0)
}

fn footer<DB: DrawingBackend>(c: &Canvas<DB>, text: &str) -> Res {
    let max_w = PAGE_W - MARGIN_L - MARGIN_R;
    let size = c.fit_size(text, max_w, FOOTER_SIZE, 14.0, false);
    let text = c.ellipsize(text, max_w, size, false);
    c.text(
        &text,
        MARGIN_L,
        PAGE_H - 16.0,
        size,
        false,
        FOOTER_INK,
        Align::Left,
    )
}

/// The label above a y axis (its unit), left-aligned with the page margin.
fn axis_header<DB: DrawingBackend>(c: &Canvas<DB>, text: &str, plot_top: f64, max_w: f64) -> Res {
    let size = c.fit_size(text, max_w, AXIS_SIZE, 18.0, false);
    let text = c.ellipsize(text, max_w, size, false);
    c.text(
        &text,
        MARGIN_L,
        plot_top - 18.0,
        size,
        false,
        INK_SOFT,
        Align::Left,
    )
}

/// Ticks of a value axis and their labels.
struct Ticks {
    values: Vec<f64>,
    labels: Vec<String>,
}

impl Ticks {
    /// Round ticks for `lo..=hi`: of the tick sets for about `target` intervals, the one that
    /// wastes least of the axis beyond the data.
    fn new(lang: Lang, lo: f64, hi: f64, target: usize) -> Ticks {
        let span = (hi - lo).abs().max(f64::MIN_POSITIVE);
        let waste = |(v, _): &(Vec<f64>, usize)| {
            let (a, b) = (
                v.first().copied().unwrap_or(0.0),
                v.last().copied().unwrap_or(0.0),
            );
            (b - a) / span
        };
        let (values, decimals) = (target.saturating_sub(1).max(2)..=target + 2)
            .map(|n| nice_ticks(lo, hi, n))
            .filter(|c| c.0.len() <= target + 4)
            .min_by(|a, b| {
                // Equal waste: the tick count nearest the target.
                let off = |c: &(Vec<f64>, usize)| c.0.len().abs_diff(target + 1);
                let (wa, wb) = (waste(a), waste(b));
                if (wa - wb).abs() < 1e-9 {
                    off(a).cmp(&off(b))
                } else {
                    wa.total_cmp(&wb)
                }
            })
            .unwrap_or_else(|| nice_ticks(lo, hi, target));
        let labels = values
            .iter()
            .map(|v| fmt_number(lang, *v, decimals))
            .collect();
        Ticks { values, labels }
    }
    fn percent(lang: Lang, step: f64) -> Ticks {
        let n = (1.0 / step).round() as usize;
        let values: Vec<f64> = (0..=n).map(|k| k as f64 * step).collect();
        let labels = values.iter().map(|v| fmt_percent(lang, *v, 0)).collect();
        Ticks { values, labels }
    }
    fn lo(&self) -> f64 {
        self.values.first().copied().unwrap_or(0.0)
    }
    fn hi(&self) -> f64 {
        self.values.last().copied().unwrap_or(1.0)
    }
    fn width<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> f64 {
        self.labels
            .iter()
            .map(|l| c.text_width(l, AXIS_SIZE, false))
            .fold(0.0, f64::max)
    }
}

/// Horizontal grid lines with labels left of the plot; a darker line at zero when the axis
/// spans negative values.
/// The plot area of a chart with years across, below `plot_top`: y ticks and grid, the
/// y-axis caption above it; returns the frame and both scales.
fn year_plot<DB: DrawingBackend>(
    c: &Canvas<DB>,
    plot_top: f64,
    ticks: &Ticks,
    caption: &str,
    years: &[i32],
) -> Result<(Frame, Lin, Lin), ChartError> {
    let f = Frame {
        l: MARGIN_L + ticks.width(c) + 18.0,
        t: plot_top,
        r: PAGE_W - MARGIN_R,
        b: PLOT_BOTTOM,
    };
    axis_header(c, caption, plot_top, PAGE_W - MARGIN_L - MARGIN_R)?;
    let x = year_scale(years, f, 0.4);
    let y = Lin {
        d0: ticks.lo(),
        d1: ticks.hi(),
        p0: f.b,
        p1: f.t,
    };
    y_grid(c, f, &y, ticks)?;
    Ok((f, x, y))
}

fn y_grid<DB: DrawingBackend>(c: &Canvas<DB>, f: Frame, y: &Lin, ticks: &Ticks) -> Res {
    for (v, label) in ticks.values.iter().zip(&ticks.labels) {
        let py = y.map(*v);
        c.line(&[(f.l, py), (f.r, py)], GRID, 1.5)?;
        c.text(
            label,
            f.l - 14.0,
            py + AXIS_SIZE * 0.33,
            AXIS_SIZE,
            false,
            INK,
            Align::Right,
        )?;
    }
    Ok(())
}

fn zero_line<DB: DrawingBackend>(c: &Canvas<DB>, f: Frame, y: &Lin, ticks: &Ticks) -> Res {
    if ticks.lo() < 0.0 && ticks.hi() > 0.0 {
        let py = y.map(0.0);
        c.line(&[(f.l, py), (f.r, py)], INK, 2.5)?;
    }
    Ok(())
}

/// Map of years to x, with `pad` years of room on either side.
fn year_scale(years: &[i32], f: Frame, pad: f64) -> Lin {
    let first = *years.first().unwrap_or(&0) as f64;
    let last = *years.last().unwrap_or(&0) as f64;
    Lin {
        d0: first - pad,
        d1: last + pad,
        p0: f.l,
        p1: f.r,
    }
}

/// Year labels under the plot, thinned out so that they never overlap.
fn year_labels<DB: DrawingBackend>(c: &Canvas<DB>, f: Frame, x: &Lin, years: &[i32]) -> Res {
    let (Some(&first), Some(&last)) = (years.first(), years.last()) else {
        return Ok(());
    };
    let all: Vec<i32> = (first..=last).collect();
    let label_w = c.text_width("2026", AXIS_SIZE, false) + 20.0;
    let px_per_year = (x.map(1.0) - x.map(0.0)).abs();
    let step = year_label_step(px_per_year, label_w);
    c.line(&[(f.l, f.b), (f.r, f.b)], AXIS, 2.0)?;
    for yr in labelled_years(&all, step) {
        let px = x.map(yr as f64);
        c.line(&[(px, f.b), (px, f.b + 9.0)], AXIS, 2.0)?;
        c.text(
            &yr.to_string(),
            px,
            f.b + 38.0,
            AXIS_SIZE,
            false,
            INK,
            Align::Center,
        )?;
    }
    Ok(())
}

fn scaled_bands(bands: &[Band], k: f64) -> Vec<Band> {
    bands
        .iter()
        .map(|b| Band {
            year: b.year,
            mean: b.mean * k,
            p05: b.p05 * k,
            p25: b.p25 * k,
            p50: b.p50 * k,
            p75: b.p75 * k,
            p95: b.p95 * k,
        })
        .collect()
}

fn fan_legend(lang: Lang, median_label: String) -> Vec<LegendItem> {
    vec![
        item(
            Swatch::Fill(BAND_OUTER),
            band_legend(lang, Key::P5P95, Key::Chance90),
        ),
        item(
            Swatch::Fill(BAND_INNER),
            band_legend(lang, Key::P25P75, Key::Chance50),
        ),
        item(
            Swatch::Line {
                color: MEDIAN,
                width: MEDIAN_W,
                dash: None,
            },
            median_label,
        ),
        item(
            Swatch::Line {
                color: MEAN,
                width: MEAN_W,
                dash: Some(MEAN_DASH),
            },
            t(lang, Key::Mean),
        ),
    ]
}

/// The fan itself: P5–P95 and P25–P75 polygons, median and dashed mean.
fn draw_fan<DB: DrawingBackend>(c: &Canvas<DB>, x: &Lin, y: &Lin, bands: &[Band]) -> Res {
    // x of each band; a single year becomes a short flat stretch so that it stays visible.
    let (bands, xs): (Vec<Band>, Vec<f64>) = match bands {
        [only] => {
            let cx = x.map(only.year as f64);
            (vec![only.clone(), only.clone()], vec![cx - 30.0, cx + 30.0])
        }
        _ => (
            bands.to_vec(),
            bands.iter().map(|b| x.map(b.year as f64)).collect(),
        ),
    };
    let n = bands.len();
    // The polygons run along the lower edge, then back along the upper edge.
    let to_px = |pts: Vec<(f64, f64)>| -> Vec<(f64, f64)> {
        pts.into_iter()
            .enumerate()
            .map(|(i, (_, v))| (xs[if i < n { i } else { 2 * n - 1 - i }], y.map(v)))
            .collect()
    };
    let (outer, inner) = band_polygons(&bands);
    c.polygon(&to_px(outer), BAND_OUTER)?;
    c.polygon(&to_px(inner), BAND_INNER)?;
    let line = |f: fn(&Band) -> f64| -> Vec<(f64, f64)> {
        bands
            .iter()
            .zip(&xs)
            .map(|(b, px)| (*px, y.map(f(b))))
            .collect()
    };
    c.line(&line(|b| b.p50), MEDIAN, MEDIAN_W)?;
    c.dashed(&line(|b| b.mean), MEAN, MEAN_W, MEAN_DASH)
}

fn money_or_unit(lang: Lang, unit: &MoneyUnit) -> (f64, String) {
    match unit {
        MoneyUnit::Som => (1e-6, t(lang, Key::MillionSom).to_string()),
        MoneyUnit::Physical(u) => (1.0, u.clone()),
    }
}

// ---------------------------------------------------------------------------------------
// Fan chart (money or physical output).

fn fan<DB: DrawingBackend>(c: &Canvas<DB>, ch: &FanChart) -> Res {
    let lang = c.lang;
    let (k, unit) = money_or_unit(lang, &ch.unit);
    let bands = scaled_bands(&ch.bands, k);
    let top = header(c, &ch.title, None)?;
    let legend = fan_legend(lang, t(lang, Key::Median).to_string());
    let leg_bottom = c.legend_rows(&legend, MARGIN_L, PAGE_W - MARGIN_R, top)?;
    let plot_top = leg_bottom + 58.0;

    let lo = bands.iter().map(|b| b.p05.min(b.mean)).fold(0.0, f64::min);
    let hi = bands.iter().map(|b| b.p95.max(b.mean)).fold(0.0, f64::max);
    let ticks = Ticks::new(lang, lo, hi, 6);
    let years: Vec<i32> = bands.iter().map(|b| b.year).collect();
    let (f, x, y) = year_plot(c, plot_top, &ticks, &unit, &years)?;
    draw_fan(c, &x, &y, &bands)?;
    zero_line(c, f, &y, &ticks)?;
    year_labels(c, f, &x, &years)
}

// ---------------------------------------------------------------------------------------
// Safe-to-budget line: median, and the amounts exceeded with 75% and 90% probability.

const SAFE_90: Rgb = Rgb::hex(0x238b45);
const SAFE_90_W: f64 = 7.0;
const SAFE_75_DASH: &[f64] = &[22.0, 10.0];

fn budget_line<DB: DrawingBackend>(c: &Canvas<DB>, ch: &BudgetLineChart) -> Res {
    let lang = c.lang;
    let k = 1e-6;
    let top = header(c, &ch.title, None)?;
    let line_item = |color, width, dash, label: &str| {
        item(Swatch::Line { color, width, dash }, label.to_string())
    };
    let legend = vec![
        line_item(SAFE_90, SAFE_90_W, None, t(lang, Key::Safe90)),
        line_item(
            BAND_INNER,
            MEDIAN_W,
            Some(SAFE_75_DASH),
            t(lang, Key::Safe75),
        ),
        line_item(MEDIAN, MEAN_W, None, t(lang, Key::Median)),
    ];
    let leg_bottom = c.legend_rows(&legend, MARGIN_L, PAGE_W - MARGIN_R, top)?;
    let plot_top = leg_bottom + 58.0;
    let scaled = |v: &[f64]| v.iter().map(|x| x * k).collect::<Vec<f64>>();
    let (median, s75, s90) = (scaled(&ch.median), scaled(&ch.safe_75), scaled(&ch.safe_90));
    let all = median.iter().chain(&s75).chain(&s90);
    let lo = all.clone().copied().fold(0.0, f64::min);
    let hi = all.copied().fold(0.0, f64::max);
    let ticks = Ticks::new(lang, lo, hi, 6);
    let (f, x, y) = year_plot(c, plot_top, &ticks, t(lang, Key::MillionSom), &ch.years)?;
    let pts = |v: &[f64]| -> Vec<(f64, f64)> {
        ch.years
            .iter()
            .zip(v)
            .map(|(yr, val)| (x.map(*yr as f64), y.map(*val)))
            .collect()
    };
    c.line(&pts(&median), MEDIAN, MEAN_W)?;
    c.dashed(&pts(&s75), BAND_INNER, MEDIAN_W, SAFE_75_DASH)?;
    c.line(&pts(&s90), SAFE_90, SAFE_90_W)?;
    zero_line(c, f, &y, &ticks)?;
    year_labels(c, f, &x, &ch.years)
}

// ---------------------------------------------------------------------------------------
// What drives the uncertainty: a tornado of shares of variance, and shares over the years.

fn tornado<DB: DrawingBackend>(c: &Canvas<DB>, ch: &TornadoChart) -> Res {
    let lang = c.lang;
    let mut items = ch.items.clone();
    items.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let top = header(c, &ch.title, None)?;
    let legend = vec![
        item(Swatch::Fill(BAND_INNER), t(lang, Key::ShareOfVariance)),
        item(Swatch::Whisker(MEDIAN), t(lang, Key::StandardError)),
    ];
    let leg_bottom = c.legend_rows(&legend, MARGIN_L, PAGE_W - MARGIN_R, top)?;
    let plot_top = leg_bottom + 24.0;
    let plot_bottom = PLOT_BOTTOM - 34.0;
    let n = items.len();
    let row_h = ((plot_bottom - plot_top) / n as f64).min(90.0);
    let names: Vec<String> = items.iter().map(|i| i.0.clone()).collect();
    let (lines, name_size, name_w) = name_column(c, &names, row_h);
    let hi = items
        .iter()
        .map(|i| (i.1 + i.2) * 100.0)
        .fold(10.0, f64::max)
        .min(110.0);
    let ticks = Ticks::new(lang, 0.0, hi, 6);
    let f = Frame {
        l: MARGIN_L + name_w + 28.0,
        t: plot_top,
        r: PAGE_W - MARGIN_R - 90.0,
        b: plot_top + row_h * n as f64,
    };
    let x = Lin {
        d0: ticks.lo(),
        d1: ticks.hi(),
        p0: f.l,
        p1: f.r,
    };
    for v in &ticks.values {
        let px = x.map(*v);
        c.line(&[(px, f.t), (px, f.b)], GRID, 1.5)?;
    }
    let value_size = (row_h * 0.4).clamp(14.0, 24.0);
    for (k, (_, share, se)) in items.iter().enumerate() {
        let cy = f.t + (k as f64 + 0.5) * row_h;
        draw_name(c, &lines[k], f.l - 22.0, cy, name_size)?;
        let (s, e) = (share.max(0.0) * 100.0, se * 100.0);
        let h = row_h * 0.32;
        c.rect(x.map(0.0), cy - h, x.map(s), cy + h, BAND_INNER)?;
        let (a, b) = (x.map((s - e).max(0.0)), x.map(s + e));
        c.line(&[(a, cy), (b, cy)], MEDIAN, 3.0)?;
        c.line(&[(a, cy - h / 2.0), (a, cy + h / 2.0)], MEDIAN, 2.0)?;
        c.line(&[(b, cy - h / 2.0), (b, cy + h / 2.0)], MEDIAN, 2.0)?;
        c.text(
            &fmt_percent(lang, *share, 0),
            b + 14.0,
            cy + value_size * 0.33,
            value_size,
            true,
            MEDIAN,
            Align::Left,
        )?;
    }
    let caption = format!("{}, %", t(lang, Key::ShareOfVariance));
    bottom_axis(c, f, &x, &ticks, &caption)
}

/// The value axis under a chart of horizontal rows: line, ticks, labels and caption.
fn bottom_axis<DB: DrawingBackend>(
    c: &Canvas<DB>,
    f: Frame,
    x: &Lin,
    ticks: &Ticks,
    caption: &str,
) -> Res {
    c.line(&[(f.l, f.b), (f.r, f.b)], AXIS, 2.0)?;
    for (v, label) in ticks.values.iter().zip(&ticks.labels) {
        let px = x.map(*v);
        c.line(&[(px, f.b), (px, f.b + 9.0)], AXIS, 2.0)?;
        c.text(label, px, f.b + 38.0, AXIS_SIZE, false, INK, Align::Center)?;
    }
    c.text(
        caption,
        (f.l + f.r) / 2.0,
        f.b + 76.0,
        AXIS_SIZE,
        false,
        INK_SOFT,
        Align::Center,
    )
}

/// Line colours that stay apart in grey: dark to light, with dashes for the lighter ones.
const SERIES: [(u32, Option<&[f64]>); 6] = [
    (0x08306b, None),
    (0x238b45, None),
    (0xcb181d, Some(&[22.0, 10.0])),
    (0x6a51a3, Some(&[8.0, 8.0])),
    (0xd94801, Some(&[30.0, 9.0, 7.0, 9.0])),
    (0x525252, Some(&[4.0, 6.0])),
];

fn attribution<DB: DrawingBackend>(c: &Canvas<DB>, ch: &AttributionChart) -> Res {
    let lang = c.lang;
    let top = header(c, &ch.title, None)?;
    let series: Vec<&(String, Vec<f64>)> = ch.series.iter().take(SERIES.len()).collect();
    let legend: Vec<LegendItem> = series
        .iter()
        .zip(SERIES)
        .map(|((name, _), (color, dash))| {
            item(
                Swatch::Line {
                    color: Rgb::hex(color),
                    width: MEAN_W,
                    dash,
                },
                name.clone(),
            )
        })
        .collect();
    let leg_bottom = c.legend_rows(&legend, MARGIN_L, PAGE_W - MARGIN_R, top)?;
    let plot_top = leg_bottom + 58.0;
    let ticks = Ticks::new(lang, 0.0, 100.0, 6);
    let caption = format!("{}, %", t(lang, Key::ShareOfVariance));
    let (f, x, y) = year_plot(c, plot_top, &ticks, &caption, &ch.years)?;
    for ((_, v), (color, dash)) in series.iter().zip(SERIES) {
        // Years without variance have no share: the line breaks there.
        let mut run: Vec<(f64, f64)> = Vec::new();
        let flush = |run: &mut Vec<(f64, f64)>| -> Res {
            if run.len() > 1 {
                match dash {
                    None => c.line(run, Rgb::hex(color), MEAN_W)?,
                    Some(d) => c.dashed(run, Rgb::hex(color), MEAN_W, d)?,
                }
            }
            run.clear();
            Ok(())
        };
        for (yr, s) in ch.years.iter().zip(v.iter()) {
            if s.is_finite() {
                run.push((x.map(*yr as f64), y.map((s * 100.0).clamp(0.0, 100.0))));
            } else {
                flush(&mut run)?;
            }
        }
        flush(&mut run)?;
    }
    zero_line(c, f, &y, &ticks)?;
    year_labels(c, f, &x, &ch.years)
}

// ---------------------------------------------------------------------------------------
// Budget with spending need and the probability of a shortfall.

fn budget<DB: DrawingBackend>(c: &Canvas<DB>, ch: &BudgetChart) -> Res {
    let lang = c.lang;
    let bands = scaled_bands(&ch.bands, 1e-6);
    let need: Vec<(i32, f64)> = ch.need.iter().map(|&(yr, v)| (yr, v * 1e-6)).collect();
    let top = header(c, &ch.title, None)?;
    let median_label = format!("{} ({})", t(lang, Key::BudgetRevenue), t(lang, Key::Median));
    let mut legend = fan_legend(lang, median_label);
    legend.push(item(
        Swatch::Line {
            color: NEED,
            width: NEED_W,
            dash: Some(NEED_DASH),
        },
        t(lang, Key::SpendingNeed),
    ));
    let leg_bottom = c.legend_rows(&legend, MARGIN_L, PAGE_W - MARGIN_R, top)?;
    let plot_top = leg_bottom + 58.0;

    let lo = bands
        .iter()
        .map(|b| b.p05.min(b.mean))
        .chain(need.iter().map(|n| n.1))
        .fold(0.0, f64::min);
    let hi = bands
        .iter()
        .map(|b| b.p95.max(b.mean))
        .chain(need.iter().map(|n| n.1))
        .fold(0.0, f64::max);
    let ticks = Ticks::new(lang, lo, hi, 5);
    let (f, strip) = plot_and_strip(c, lang, &ticks, plot_top);
    axis_header(
        c,
        t(lang, Key::MillionSom),
        plot_top,
        PAGE_W - MARGIN_L - MARGIN_R,
    )?;
    let mut years: Vec<i32> = bands.iter().map(|b| b.year).collect();
    years.extend(ch.p_shortfall.iter().map(|p| p.0));
    years.extend(need.iter().map(|p| p.0));
    years.sort_unstable();
    years.dedup();
    let x = year_scale(&years, f, 0.5);
    let y = Lin {
        d0: ticks.lo(),
        d1: ticks.hi(),
        p0: f.b,
        p1: f.t,
    };
    y_grid(c, f, &y, &ticks)?;
    draw_fan(c, &x, &y, &bands)?;
    zero_line(c, f, &y, &ticks)?;
    let need_px: Vec<(f64, f64)> = need
        .iter()
        .map(|&(yr, v)| (x.map(yr as f64), y.map(v)))
        .collect();
    if need_px.len() == 1 {
        c.line(
            &[
                (need_px[0].0 - 30.0, need_px[0].1),
                (need_px[0].0 + 30.0, need_px[0].1),
            ],
            NEED,
            NEED_W,
        )?;
    } else {
        c.dashed(&need_px, NEED, NEED_W, NEED_DASH)?;
    }
    c.line(&[(f.l, f.b), (f.r, f.b)], AXIS, 2.0)?;

    prob_strip(
        c,
        strip,
        &x,
        &ch.p_shortfall,
        SHORTFALL,
        t(lang, Key::ProbShortfall),
        None,
    )?;
    year_labels(c, strip, &x, &years)
}

/// The frames of a chart with a probability strip under its plot: the plot from `plot_top`,
/// then the strip at the bottom, with the same left edge (room for the labels of both axes).
fn plot_and_strip<DB: DrawingBackend>(
    c: &Canvas<DB>,
    lang: Lang,
    ticks: &Ticks,
    plot_top: f64,
) -> (Frame, Frame) {
    let pct = Ticks::percent(lang, 0.5);
    let l = MARGIN_L + ticks.width(c).max(pct.width(c)) + 18.0;
    let (r, strip_b) = (PAGE_W - MARGIN_R, PLOT_BOTTOM);
    let strip_t = strip_b - STRIP_H;
    let plot = Frame {
        l,
        t: plot_top,
        r,
        b: strip_t - STRIP_GAP,
    };
    let strip = Frame {
        l,
        t: strip_t,
        r,
        b: strip_b,
    };
    (plot, strip)
}

/// A strip of probability bars (0–100%) under the main plot, sharing its years, with its
/// header above it and the percentage written over each bar when it fits.
#[allow(clippy::too_many_arguments)]
fn prob_strip<DB: DrawingBackend>(
    c: &Canvas<DB>,
    f: Frame,
    x: &Lin,
    values: &[(i32, f64)],
    color: Rgb,
    title: &str,
    reference: Option<f64>,
) -> Res {
    let lang = c.lang;
    let head_size = c.fit_size(title, f.w(), AXIS_SIZE, 18.0, true);
    c.text(
        title,
        MARGIN_L,
        f.t - 22.0,
        head_size,
        true,
        color,
        Align::Left,
    )?;
    // Room above a full bar for its label.
    let label_room = 32.0;
    let y = Lin {
        d0: 0.0,
        d1: 1.0,
        p0: f.b,
        p1: f.t + label_room,
    };
    let ticks = Ticks::percent(lang, 0.5);
    y_grid(c, f, &y, &ticks)?;
    if let Some(r) = reference {
        let py = y.map(r);
        c.dashed(&[(f.l, py), (f.r, py)], INK_SOFT, 2.5, REF_DASH)?;
    }
    let px_per_year = (x.map(1.0) - x.map(0.0)).abs();
    let bar_w = (px_per_year * 0.62).min(70.0);
    let full = fmt_percent(lang, 1.0, 0);
    let label_size = c.fit_size(&full, px_per_year - 6.0, 22.0, 15.0, false);
    let labels_fit = c.text_width(&full, label_size, false) <= px_per_year - 6.0;
    for &(yr, p) in values {
        let p = p.clamp(0.0, 1.0);
        let cx = x.map(yr as f64);
        let top = y.map(p);
        c.rect(cx - bar_w / 2.0, top, cx + bar_w / 2.0, f.b, color)?;
        let label = fmt_percent(lang, p, 0);
        // Zero is the usual case in good years: leave it unwritten to keep the strip calm.
        if labels_fit && (p * 100.0).round() >= 1.0 {
            c.text(&label, cx, top - 8.0, label_size, false, INK, Align::Center)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Variant minus baseline.

fn variant_diff<DB: DrawingBackend>(c: &Canvas<DB>, ch: &VariantDiffChart) -> Res {
    let lang = c.lang;
    let bands = scaled_bands(&ch.bands, 1e-6);
    let subtitle = format!("{}: {}", t(lang, Key::Variant), ch.variant_label);
    let top = header(c, &ch.title, Some(&subtitle))?;
    let mut legend = fan_legend(lang, t(lang, Key::Median).to_string());
    legend.push(item(
        Swatch::Line {
            color: INK,
            width: 2.5,
            dash: None,
        },
        t(lang, Key::NoDifference),
    ));
    let leg_bottom = c.legend_rows(&legend, MARGIN_L, PAGE_W - MARGIN_R, top)?;
    let plot_top = leg_bottom + 58.0;

    let lo = bands.iter().map(|b| b.p05.min(b.mean)).fold(0.0, f64::min);
    let hi = bands.iter().map(|b| b.p95.max(b.mean)).fold(0.0, f64::max);
    let ticks = Ticks::new(lang, lo, hi, 5);
    let (f, strip) = plot_and_strip(c, lang, &ticks, plot_top);
    let head = format!(
        "{}, {}",
        t(lang, Key::DiffVariantBaseline),
        t(lang, Key::MillionSom)
    );
    axis_header(c, &head, plot_top, PAGE_W - MARGIN_L - MARGIN_R)?;
    let mut years: Vec<i32> = bands.iter().map(|b| b.year).collect();
    years.extend(ch.p_better.iter().map(|p| p.0));
    years.sort_unstable();
    years.dedup();
    let x = year_scale(&years, f, 0.5);
    let y = Lin {
        d0: ticks.lo(),
        d1: ticks.hi(),
        p0: f.b,
        p1: f.t,
    };
    y_grid(c, f, &y, &ticks)?;
    draw_fan(c, &x, &y, &bands)?;
    // Zero is the reference of a difference: always drawn, on top of the fan.
    let py = y.map(0.0);
    c.line(&[(f.l, py), (f.r, py)], INK, 2.5)?;
    c.line(&[(f.l, f.b), (f.r, f.b)], AXIS, 2.0)?;

    prob_strip(
        c,
        strip,
        &x,
        &ch.p_better,
        BETTER,
        t(lang, Key::PVariantBetterLong),
        Some(0.5),
    )?;
    year_labels(c, strip, &x, &years)
}

// ---------------------------------------------------------------------------------------
// Composition: stacked bars, on-budget below, community (off-budget) hatched above.

/// Blues from dark to light for budget layers; neighbours in a stack differ in lightness.
const ON_BUDGET: [u32; 7] = [
    0x08306b, 0x08519c, 0x2171b5, 0x4292c6, 0x6baed6, 0x9ecae1, 0xc6dbef,
];
/// Oranges, each with darker hatching, for community layers.
const OFF_BUDGET: [(u32, u32); 4] = [
    (0xfdae6b, 0x8c2d04),
    (0xfee6ce, 0xd94801),
    (0xfd8d3c, 0x7f2704),
    (0xfdd0a2, 0xa63603),
];

/// Colour of the `rank`-th of `n` layers of a group, spread over the whole ramp.
fn layer_swatch(off_budget: bool, rank: usize, n: usize) -> Swatch {
    if off_budget {
        let (fill, line) = OFF_BUDGET[rank % OFF_BUDGET.len()];
        Swatch::Hatch(Rgb::hex(fill), Rgb::hex(line))
    } else if n <= ON_BUDGET.len() {
        let last = ON_BUDGET.len() - 1;
        let i = if n <= 1 {
            1
        } else {
            (rank * last + (n - 1) / 2) / (n - 1)
        };
        Swatch::Fill(Rgb::hex(ON_BUDGET[i.min(last)]))
    } else {
        Swatch::Fill(Rgb::hex(ON_BUDGET[rank % ON_BUDGET.len()]))
    }
}

fn composition<DB: DrawingBackend>(c: &Canvas<DB>, ch: &CompositionChart) -> Res {
    let lang = c.lang;
    let top = header(c, &ch.title, None)?;
    let order = stack_order(&ch.layers);
    // Colour rank within each group, in stacking order.
    let mut rank = vec![0usize; ch.layers.len()];
    let (mut n_on, mut n_off) = (0, 0);
    for &i in &order {
        if ch.layers[i].off_budget {
            rank[i] = n_off;
            n_off += 1;
        } else {
            rank[i] = n_on;
            n_on += 1;
        }
    }

    let group_n = |off: bool| if off { n_off } else { n_on };
    // Legend panel on the right, read top to bottom as the bars are stacked; its text
    // shrinks when many layers would run past the bottom of the plot.
    let plot_top = top + 58.0;
    let legend = LayerLegend {
        layers: &ch.layers,
        order: &order,
        rank: &rank,
        n_on,
        n_off,
    };
    let mut panel_size = LEGEND_SIZE - 2.0;
    while panel_size > 15.0 {
        let widest = legend.label_width(c, panel_size);
        if legend.draw(c, PAGE_W, plot_top - 10.0, widest, panel_size, false)? <= PLOT_BOTTOM + 40.0
        {
            break;
        }
        panel_size -= 1.0;
    }
    let widest = legend.label_width(c, panel_size);
    let panel_w = SWATCH_W + 12.0 + widest;
    let panel_l = PAGE_W - MARGIN_R - panel_w;

    let totals: Vec<f64> = (0..ch.years.len())
        .map(|y| ch.layers.iter().map(|l| l.values[y].max(0.0)).sum::<f64>() * 1e-6)
        .collect();
    let hi = totals.iter().copied().fold(0.0, f64::max);
    let ticks = Ticks::new(lang, 0.0, hi, 6);
    let f = Frame {
        l: MARGIN_L + ticks.width(c) + 18.0,
        t: plot_top,
        r: panel_l - 44.0,
        b: PLOT_BOTTOM,
    };
    let head = format!(
        "{} ({})",
        t(lang, Key::MillionSom),
        t(lang, Key::MeanPerYear)
    );
    axis_header(c, &head, plot_top, f.r - MARGIN_L)?;
    let x = year_scale(&ch.years, f, 0.5);
    let y = Lin {
        d0: ticks.lo(),
        d1: ticks.hi(),
        p0: f.b,
        p1: f.t,
    };
    y_grid(c, f, &y, &ticks)?;

    let px_per_year = (x.map(1.0) - x.map(0.0)).abs();
    let bar_w = (px_per_year * 0.72).min(90.0);
    let stacks = stack(&ch.layers);
    for (yi, yr) in ch.years.iter().enumerate() {
        let cx = x.map(*yr as f64);
        let (x0, x1) = (cx - bar_w / 2.0, cx + bar_w / 2.0);
        let mut on_top = None;
        for &i in &order {
            let (b, tp) = stacks[i][yi];
            let (yb, yt) = (y.map(b * 1e-6), y.map(tp * 1e-6));
            if yb - yt < 0.5 {
                continue;
            }
            match layer_swatch(
                ch.layers[i].off_budget,
                rank[i],
                group_n(ch.layers[i].off_budget),
            ) {
                Swatch::Fill(col) => {
                    c.rect(x0, yt, x1, yb, col)?;
                    on_top = Some(yt);
                }
                Swatch::Hatch(fill, line) => {
                    c.rect(x0, yt, x1, yb, fill)?;
                    c.hatch(x0, yt, x1, yb, 12.0, line, 3.0)?;
                }
                _ => {}
            }
        }
        // A white cut between the budget and the community money in each bar.
        if let (Some(yt), true) = (on_top, n_off > 0) {
            let has_off = order
                .iter()
                .any(|&i| ch.layers[i].off_budget && ch.layers[i].values[yi] > 0.0);
            if has_off {
                c.line(&[(x0, yt), (x1, yt)], PAPER, 4.0)?;
            }
        }
    }
    c.line(&[(f.l, f.b), (f.r, f.b)], AXIS, 2.0)?;
    year_labels(c, f, &x, &ch.years)?;

    legend.draw(c, panel_l, plot_top - 10.0, widest, panel_size, true)?;
    Ok(())
}

/// The composition legend: a group header for community and for budget money, each with
/// its layers, top of the stack first.
struct LayerLegend<'a> {
    layers: &'a [super::Layer],
    order: &'a [usize],
    rank: &'a [usize],
    n_on: usize,
    n_off: usize,
}

impl LayerLegend<'_> {
    const LABEL_MAX: f64 = 400.0;

    fn label_width<DB: DrawingBackend>(&self, c: &Canvas<DB>, size: f64) -> f64 {
        let header = |k: Key| c.text_width(t(c.lang, k), size, true) - SWATCH_W - 12.0;
        self.layers
            .iter()
            .map(|l| c.text_width(&l.label, size, false))
            .chain([header(Key::LocalBudget), header(Key::Community)])
            .fold(0.0, f64::max)
            .min(Self::LABEL_MAX)
    }

    /// Draws (or only measures) the legend from `top`; returns its bottom.
    fn draw<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        left: f64,
        top: f64,
        widest: f64,
        size: f64,
        draw: bool,
    ) -> Result<f64, ChartError> {
        let panel_w = SWATCH_W + 12.0 + widest;
        let line_h = size * 1.18;
        let swatch_h = (size * 1.26).max(30.0);
        let mut ly = top;
        for (off, key) in [(true, Key::Community), (false, Key::LocalBudget)] {
            let members: Vec<usize> = self
                .order
                .iter()
                .rev()
                .copied()
                .filter(|&i| self.layers[i].off_budget == off)
                .collect();
            if members.is_empty() {
                continue;
            }
            let n = if off { self.n_off } else { self.n_on };
            for (k, line) in c
                .wrap(t(c.lang, key), panel_w, size, true, 2)
                .iter()
                .enumerate()
            {
                if k > 0 {
                    ly += line_h;
                }
                if draw {
                    c.text(line, left, ly + size * 0.8, size, true, INK, Align::Left)?;
                }
            }
            ly += size * 1.5;
            for i in members {
                let lines = c.wrap(&self.layers[i].label, widest, size, false, 2);
                let block_h = (lines.len().max(1) as f64 - 1.0) * line_h + swatch_h;
                let cy = ly + swatch_h / 2.0;
                if draw {
                    c.swatch(&layer_swatch(off, self.rank[i], n), left, cy)?;
                    for (k, line) in lines.iter().enumerate() {
                        let base = cy + size * 0.33 + k as f64 * line_h;
                        let x = left + SWATCH_W + 12.0;
                        c.text(line, x, base, size, false, INK, Align::Left)?;
                    }
                }
                ly += block_h + size * 0.4;
            }
            ly += 18.0;
        }
        Ok(ly)
    }
}

// ---------------------------------------------------------------------------------------
// Present value by municipality: median dots with P10–P90 whiskers, largest on top.

/// Name column: lines per name, font size and width, for rows `row_h` high.
fn name_column<DB: DrawingBackend>(
    c: &Canvas<DB>,
    names: &[String],
    row_h: f64,
) -> (Vec<Vec<String>>, f64, f64) {
    let max_w = PAGE_W * 0.3;
    let mut size = (row_h * 0.42).clamp(12.0, AXIS_SIZE);
    let one_line = (row_h / 1.25).clamp(12.0, AXIS_SIZE);
    // Prefer one line at a slightly smaller size over two lines.
    if names
        .iter()
        .all(|n| c.text_width(n, one_line.min(size * 1.3), false) <= max_w)
    {
        size = one_line.min(size.max(one_line));
    }
    let max_lines = if row_h >= size * 2.3 { 2 } else { 1 };
    let lines: Vec<Vec<String>> = names
        .iter()
        .map(|n| c.wrap(n, max_w, size, false, max_lines))
        .collect();
    let width = lines
        .iter()
        .flatten()
        .map(|l| c.text_width(l, size, false))
        .fold(0.0, f64::max);
    (lines, size, width)
}

fn draw_name<DB: DrawingBackend>(
    c: &Canvas<DB>,
    lines: &[String],
    x: f64,
    cy: f64,
    size: f64,
) -> Res {
    let lh = size * 1.15;
    let first = cy - (lines.len() as f64 - 1.0) * lh / 2.0 + size * 0.33;
    for (k, l) in lines.iter().enumerate() {
        c.text(l, x, first + k as f64 * lh, size, false, INK, Align::Right)?;
    }
    Ok(())
}

fn npv<DB: DrawingBackend>(c: &Canvas<DB>, ch: &NpvComparison) -> Res {
    let lang = c.lang;
    let items = sort_npv(&ch.items);
    let top = header(c, &ch.title, None)?;
    let legend = vec![
        item(Swatch::Dot(MEDIAN), t(lang, Key::Median)),
        item(
            Swatch::Whisker(BAND_INNER),
            band_legend(lang, Key::P10P90, Key::Chance80),
        ),
    ];
    let leg_bottom = c.legend_rows(&legend, MARGIN_L, PAGE_W - MARGIN_R, top)?;
    let plot_top = leg_bottom + 24.0;
    let plot_bottom = PLOT_BOTTOM - 34.0;
    let n = items.len();
    let row_h = ((plot_bottom - plot_top) / n as f64).min(110.0);
    let names: Vec<String> = items.iter().map(|i| i.name.clone()).collect();
    let (lines, name_size, name_w) = name_column(c, &names, row_h);

    let scale = 1e-6;
    let lo = items.iter().map(|i| i.p10 * scale).fold(0.0, f64::min);
    let hi = items.iter().map(|i| i.p90 * scale).fold(0.0, f64::max);
    // Room right of the longest whisker for the median's value.
    let value_size = (row_h * 0.4).clamp(14.0, 24.0);
    let f0 = Frame {
        l: MARGIN_L + name_w + 28.0,
        t: plot_top,
        r: PAGE_W - MARGIN_R,
        b: plot_top + row_h * n as f64,
    };
    let longest_value = items
        .iter()
        .map(|i| {
            let m = i.p50 * scale;
            c.text_width(&fmt_number(lang, m, 2), value_size, true)
        })
        .fold(0.0, f64::max);
    let span = (hi - lo).max(1e-9);
    let room = (longest_value + 24.0) / (f0.w() - longest_value - 24.0).max(100.0) * span;
    let ticks = Ticks::new(lang, lo, hi + room, 6);
    let f = f0;
    let x = Lin {
        d0: ticks.lo(),
        d1: ticks.hi(),
        p0: f.l,
        p1: f.r,
    };
    for k in 0..n {
        if k % 2 == 0 {
            let y0 = f.t + k as f64 * row_h;
            c.rect(MARGIN_L - 10.0, y0, f.r, y0 + row_h, ROW_SHADE)?;
        }
    }
    for v in &ticks.values {
        let px = x.map(*v);
        let color = if *v == 0.0 && ticks.lo() < 0.0 {
            INK
        } else {
            GRID
        };
        c.line(
            &[(px, f.t), (px, f.b)],
            color,
            if *v == 0.0 { 2.5 } else { 1.5 },
        )?;
    }
    let cap = (row_h * 0.36).min(26.0);
    let dot = (row_h * 0.22).clamp(5.0, 12.0);
    let whisker = (row_h * 0.09).clamp(3.0, 8.0);
    // One number of decimals for all values, so that they compare at a glance.
    let decimals = money_decimals(
        items
            .iter()
            .map(|i| (i.p50 * scale).abs())
            .fold(0.0, f64::max),
    );
    for (k, it) in items.iter().enumerate() {
        let cy = f.t + (k as f64 + 0.5) * row_h;
        draw_name(c, &lines[k], f.l - 22.0, cy, name_size)?;
        let (a, m, b) = (
            x.map(it.p10 * scale),
            x.map(it.p50 * scale),
            x.map(it.p90 * scale),
        );
        c.line(&[(a, cy), (b, cy)], BAND_INNER, whisker)?;
        c.line(
            &[(a, cy - cap / 2.0), (a, cy + cap / 2.0)],
            BAND_INNER,
            whisker * 0.6,
        )?;
        c.line(
            &[(b, cy - cap / 2.0), (b, cy + cap / 2.0)],
            BAND_INNER,
            whisker * 0.6,
        )?;
        c.circle(m, cy, dot + 2.5, PAPER)?;
        c.circle(m, cy, dot, MEDIAN)?;
        c.text(
            &fmt_number(lang, it.p50 * scale, decimals),
            b + 14.0,
            cy + value_size * 0.33,
            value_size,
            true,
            MEDIAN,
            Align::Left,
        )?;
    }
    let caption = format!(
        "{}, {}",
        t(lang, Key::PresentValue),
        t(lang, Key::MillionSom)
    );
    bottom_axis(c, f, &x, &ticks, &caption)
}

// ---------------------------------------------------------------------------------------
// Heatmap of shortfall probability: municipalities x years.

fn heatmap<DB: DrawingBackend>(c: &Canvas<DB>, ch: &ShortfallHeatmap) -> Res {
    let lang = c.lang;
    let top = header(c, &ch.title, None)?;
    let n_rows = ch.rows.len();
    let n_years = ch.years.len();

    // Grid geometry first: the cell format decides the key's caption.
    let key_y = top + 4.0;
    let grid_t = key_y + 92.0;
    let row_h = ((PLOT_BOTTOM - grid_t) / n_rows as f64).min(84.0);
    let (lines, name_size, name_w) = name_column(c, &ch.rows, row_h);
    let f = Frame {
        l: MARGIN_L + name_w + 22.0,
        t: grid_t,
        r: PAGE_W - MARGIN_R,
        b: grid_t + row_h * n_rows as f64,
    };
    let col_w = f.w() / n_years as f64;
    // One format for every cell: "45%", else "45" (the key then says "%"), else nothing.
    let cell_size = (row_h * 0.42).clamp(12.0, 24.0).min(col_w * 0.42);
    let fits = |s: &str| c.text_width(s, cell_size, false) <= col_w - 8.0 && cell_size >= 13.0;
    let with_pct = fits(&fmt_percent(lang, 1.0, 0));
    let bare = !with_pct && fits("100");

    // Colour key: caption, then a 0–100% bar.
    let mut caption = t(lang, Key::ProbShortfall).to_string();
    if bare {
        caption.push_str(", %");
    }
    let cap_w = c.text_width(&caption, LEGEND_SIZE, false);
    let cap_base = key_y + 21.0 + LEGEND_SIZE * 0.33;
    c.text(
        &caption,
        MARGIN_L,
        cap_base,
        LEGEND_SIZE,
        false,
        INK,
        Align::Left,
    )?;
    let bar_l = MARGIN_L + cap_w + 28.0;
    let bar_w = 420.0_f64.min(PAGE_W - MARGIN_R - bar_l - 30.0);
    let (bar_t, bar_b) = (key_y + 8.0, key_y + 34.0);
    let steps = 120;
    for s in 0..steps {
        let (r, g, b) = heat_color((s as f64 + 0.5) / steps as f64);
        let x0 = bar_l + bar_w * s as f64 / steps as f64;
        let x1 = bar_l + bar_w * (s + 1) as f64 / steps as f64;
        c.rect(x0, bar_t, x1 + 0.6, bar_b, Rgb(r, g, b))?;
    }
    let bar = Frame {
        l: bar_l,
        t: bar_t,
        r: bar_l + bar_w,
        b: bar_b,
    };
    c.rect_outline(bar, AXIS, 1.0)?;
    for k in 0..=4 {
        let p = k as f64 / 4.0;
        let px = bar_l + bar_w * p;
        c.line(&[(px, bar_b), (px, bar_b + 8.0)], AXIS, 2.0)?;
        let (align, lx) = match k {
            0 => (Align::Left, px - 2.0),
            4 => (Align::Right, px + 2.0),
            _ => (Align::Center, px),
        };
        c.text(
            &fmt_percent(lang, p, 0),
            lx,
            bar_b + 32.0,
            22.0,
            false,
            INK,
            align,
        )?;
    }

    for (ri, row) in ch.values.iter().enumerate() {
        let y0 = f.t + ri as f64 * row_h;
        draw_name(c, &lines[ri], f.l - 16.0, y0 + row_h / 2.0, name_size)?;
        for (ci, &p) in row.iter().enumerate() {
            let x0 = f.l + ci as f64 * col_w;
            let (r, g, b) = heat_color(p);
            let fill = Rgb(r, g, b);
            c.rect(x0 + 1.5, y0 + 1.5, x0 + col_w - 1.5, y0 + row_h - 1.5, fill)?;
            if with_pct || bare {
                let p = p.clamp(0.0, 1.0);
                let text = if with_pct {
                    fmt_percent(lang, p, 0)
                } else {
                    fmt_number(lang, p * 100.0, 0)
                };
                let ink = if fill.luminance() < 0.35 { PAPER } else { INK };
                let base = y0 + row_h / 2.0 + cell_size * 0.33;
                c.text(
                    &text,
                    x0 + col_w / 2.0,
                    base,
                    cell_size,
                    false,
                    ink,
                    Align::Center,
                )?;
            }
        }
    }
    let label_w = c.text_width("2026", AXIS_SIZE, false) + 20.0;
    let step = year_label_step(col_w, label_w);
    for (ci, yr) in ch.years.iter().enumerate() {
        if step > 1 && yr % step != 0 {
            continue;
        }
        let px = f.l + (ci as f64 + 0.5) * col_w;
        c.text(
            &yr.to_string(),
            px,
            f.b + 36.0,
            AXIS_SIZE,
            false,
            INK,
            Align::Center,
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Project states: stacked areas of probability, 0–100%.

const STATE_COLORS: [u32; 4] = [0x2171b5, 0xfdae6b, 0x252525, 0xdeebf7];
const STATE_KEYS: [Key; 4] = [Key::Producing, Key::Suspended, Key::Closed, Key::Planned];

fn states<DB: DrawingBackend>(c: &Canvas<DB>, ch: &ProjectStatesChart) -> Res {
    let lang = c.lang;
    let top = header(c, &ch.title, None)?;
    // Legend in the order of a project's life; the stack puts "producing" on the axis.
    let legend: Vec<LegendItem> = [3usize, 0, 1, 2]
        .iter()
        .map(|&k| {
            item(
                Swatch::Fill(Rgb::hex(STATE_COLORS[k])),
                t(lang, STATE_KEYS[k]),
            )
        })
        .collect();
    let leg_bottom = c.legend_rows(&legend, MARGIN_L, PAGE_W - MARGIN_R, top)?;
    let plot_top = leg_bottom + 58.0;
    let ticks = Ticks::percent(lang, 0.25);
    let f = Frame {
        l: MARGIN_L + ticks.width(c) + 18.0,
        t: plot_top,
        r: PAGE_W - MARGIN_R,
        b: PLOT_BOTTOM,
    };
    axis_header(
        c,
        t(lang, Key::Probability),
        plot_top,
        PAGE_W - MARGIN_L - MARGIN_R,
    )?;
    let x = year_scale(&ch.years, f, 0.4);
    let y = Lin {
        d0: 0.0,
        d1: 100.0,
        p0: f.b,
        p1: f.t,
    };
    let stacks = state_stack(ch);
    let xs: Vec<f64> = if ch.years.len() == 1 {
        vec![f.l + f.w() * 0.3, f.r - f.w() * 0.3]
    } else {
        ch.years.iter().map(|yr| x.map(*yr as f64)).collect()
    };
    let pick = |v: &Vec<(f64, f64)>, i: usize| v[i.min(v.len() - 1)];
    for (k, s) in stacks.iter().enumerate() {
        let mut poly: Vec<(f64, f64)> = xs
            .iter()
            .enumerate()
            .map(|(i, px)| (*px, y.map(pick(s, i).0)))
            .collect();
        poly.extend(
            xs.iter()
                .enumerate()
                .rev()
                .map(|(i, px)| (*px, y.map(pick(s, i).1))),
        );
        c.polygon(&poly, Rgb::hex(STATE_COLORS[k]))?;
    }
    // Grid on top of the areas, light enough not to compete with them.
    for (v, label) in ticks.values.iter().zip(&ticks.labels) {
        let py = y.map(v * 100.0);
        c.line(&[(f.l, py), (f.r, py)], Rgb(255, 255, 255), 1.0)?;
        c.text(
            label,
            f.l - 14.0,
            py + AXIS_SIZE * 0.33,
            AXIS_SIZE,
            false,
            INK,
            Align::Right,
        )?;
    }
    // Names written inside the areas where there is room for them.
    let size = LEGEND_SIZE;
    for (k, s) in stacks.iter().enumerate() {
        let label = t(lang, STATE_KEYS[k]);
        let w = c.text_width(label, size, true) + 16.0;
        let fill = Rgb::hex(STATE_COLORS[k]);
        let ink = if fill.luminance() < 0.35 { PAPER } else { INK };
        let mut best: Option<(f64, f64, f64)> = None;
        let (x_lo, x_hi) = (xs[0], xs[xs.len() - 1]);
        if x_hi - x_lo < w {
            continue;
        }
        for px in &xs {
            // Keep the whole label over the area, which ends at the first and last year.
            let cx = px.clamp(x_lo + w / 2.0, x_hi - w / 2.0);
            // The thinnest part of the area under the whole label.
            let mut lo_top = f64::MIN;
            let mut hi_bottom = f64::MAX;
            for (j, qx) in xs.iter().enumerate() {
                if (qx - cx).abs() <= w / 2.0 + 20.0 {
                    let (b, tp) = pick(s, j);
                    lo_top = lo_top.max(y.map(tp));
                    hi_bottom = hi_bottom.min(y.map(b));
                }
            }
            let room = hi_bottom - lo_top;
            if room >= size * 1.8 && best.is_none_or(|b| room > b.0) {
                best = Some((room, cx, (lo_top + hi_bottom) / 2.0));
            }
        }
        if let Some((_, cx, cy)) = best {
            c.text(label, cx, cy + size * 0.33, size, true, ink, Align::Center)?;
        }
    }
    year_labels(c, f, &x, &ch.years)
}
