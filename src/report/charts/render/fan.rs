//! Fan charts: the bands of a money (or output) series over the years, the safe-to-budget
//! lines, the budget against its spending need, and a variant minus the baseline.

use super::page::{
    axis_header, header, legend, plot_and_strip, prob_strip, y_grid, year_labels, year_plot,
    year_scale, zero_line, Strip, Ticks,
};
use super::{
    BAND_INNER, BAND_OUTER, BETTER, CAPTION_GAP, MEAN, MEAN_DASH, MEAN_W, MEDIAN, MEDIAN_W, NEED,
    NEED_DASH, NEED_W, SHORTFALL,
};
use crate::lang::Lang;
use crate::report::charts::canvas::{
    item, Canvas, Frame, LegendItem, Lin, Res, Rgb, Swatch, AXIS, INK, MARGIN_L, MARGIN_R, PAGE_W,
    PAPER,
};
use crate::report::charts::{
    band_polygons, BacktestChart, Band, BudgetChart, BudgetLineChart, FanChart, MoneyUnit,
    VariantDiffChart,
};
use crate::report::labels::{band_legend, t, Key};
use plotters::prelude::DrawingBackend;

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

/// The value range a fan needs: its P5–P95 and mean, further points, and zero.
fn band_range(bands: &[Band], extra: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let lo = bands
        .iter()
        .map(|b| b.p05.min(b.mean))
        .chain(extra.clone())
        .fold(0.0, f64::min);
    let hi = bands
        .iter()
        .map(|b| b.p95.max(b.mean))
        .chain(extra)
        .fold(0.0, f64::max);
    (lo, hi)
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
        MoneyUnit::Som(prices) => (1e-6, prices.money(lang)),
        MoneyUnit::Physical(u) => (1.0, u.clone()),
    }
}

// ---------------------------------------------------------------------------------------
// Fan chart (money or physical output).

pub(super) fn fan<DB: DrawingBackend>(c: &Canvas<DB>, ch: &FanChart) -> Res {
    let lang = c.lang;
    let (k, unit) = money_or_unit(lang, &ch.unit);
    let bands = scaled_bands(&ch.bands, k);
    let top = header(c, &ch.title, None)?;
    let items = fan_legend(lang, t(lang, Key::Median).to_string());
    let plot_top = legend(c, &items, top, CAPTION_GAP)?;

    let (lo, hi) = band_range(&bands, std::iter::empty());
    let ticks = Ticks::new(lang, lo, hi, 6);
    let years: Vec<i32> = bands.iter().map(|b| b.year).collect();
    let (f, x, y) = year_plot(c, plot_top, &ticks, &unit, &years)?;
    draw_fan(c, &x, &y, &bands)?;
    zero_line(c, f, &y, &ticks)?;
    year_labels(c, f, &x, &years)
}

// ---------------------------------------------------------------------------------------
// Fan with published amounts (aimak backtest).

/// Red, as the spending need: a value from outside the model.
const ACTUAL: Rgb = NEED;
const ACTUAL_R: f64 = 11.0;

pub(super) fn backtest<DB: DrawingBackend>(c: &Canvas<DB>, ch: &BacktestChart) -> Res {
    let lang = c.lang;
    let (k, unit) = money_or_unit(lang, &ch.fan.unit);
    let bands = scaled_bands(&ch.fan.bands, k);
    let actuals: Vec<(i32, f64)> = ch.actuals.iter().map(|&(yr, v)| (yr, v * k)).collect();
    let top = header(c, &ch.fan.title, None)?;
    let mut items = fan_legend(lang, t(lang, Key::Median).to_string());
    items.push(item(Swatch::Point(ACTUAL), ch.actual_label.clone()));
    let plot_top = legend(c, &items, top, CAPTION_GAP)?;
    let (lo, hi) = band_range(&bands, actuals.iter().map(|a| a.1));
    let ticks = Ticks::new(lang, lo, hi, 6);
    let years: Vec<i32> = bands.iter().map(|b| b.year).collect();
    let (f, x, y) = year_plot(c, plot_top, &ticks, &unit, &years)?;
    draw_fan(c, &x, &y, &bands)?;
    zero_line(c, f, &y, &ticks)?;
    for (yr, v) in &actuals {
        let (px, py) = (x.map(*yr as f64), y.map(*v));
        // A white ring keeps the dot visible on the dark inner band.
        c.circle(px, py, ACTUAL_R + 3.0, PAPER)?;
        c.circle(px, py, ACTUAL_R, ACTUAL)?;
    }
    year_labels(c, f, &x, &years)
}

// ---------------------------------------------------------------------------------------
// Safe-to-budget line: median, and the amounts exceeded with 75% and 90% probability.

const SAFE_90: Rgb = Rgb::hex(0x238b45);
const SAFE_90_W: f64 = 7.0;
const SAFE_75_DASH: &[f64] = &[22.0, 10.0];

pub(super) fn budget_line<DB: DrawingBackend>(c: &Canvas<DB>, ch: &BudgetLineChart) -> Res {
    let lang = c.lang;
    let k = 1e-6;
    let top = header(c, &ch.title, None)?;
    let line_item = |color, width, dash, label: &str| {
        item(Swatch::Line { color, width, dash }, label.to_string())
    };
    let items = vec![
        line_item(SAFE_90, SAFE_90_W, None, t(lang, Key::Safe90)),
        line_item(
            BAND_INNER,
            MEDIAN_W,
            Some(SAFE_75_DASH),
            t(lang, Key::Safe75),
        ),
        line_item(MEDIAN, MEAN_W, None, t(lang, Key::Median)),
    ];
    let plot_top = legend(c, &items, top, CAPTION_GAP)?;
    let scaled = |v: &[f64]| v.iter().map(|x| x * k).collect::<Vec<f64>>();
    let (median, s75, s90) = (scaled(&ch.median), scaled(&ch.safe_75), scaled(&ch.safe_90));
    let all = median.iter().chain(&s75).chain(&s90);
    let lo = all.clone().copied().fold(0.0, f64::min);
    let hi = all.copied().fold(0.0, f64::max);
    let ticks = Ticks::new(lang, lo, hi, 6);
    let (f, x, y) = year_plot(c, plot_top, &ticks, &ch.prices.money(lang), &ch.years)?;
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
// Budget with spending need and the probability of a shortfall.

pub(super) fn budget<DB: DrawingBackend>(c: &Canvas<DB>, ch: &BudgetChart) -> Res {
    let lang = c.lang;
    let need: Vec<(i32, f64)> = ch.need.iter().map(|&(yr, v)| (yr, v * 1e-6)).collect();
    let need_item = item(
        Swatch::Line {
            color: NEED,
            width: NEED_W,
            dash: Some(NEED_DASH),
        },
        t(lang, Key::SpendingNeed),
    );
    let page = FanWithStrip {
        title: &ch.title,
        subtitle: None,
        bands: scaled_bands(&ch.bands, 1e-6),
        median_label: format!("{} ({})", t(lang, Key::BudgetRevenue), t(lang, Key::Median)),
        extra_item: need_item,
        extra: &need,
        caption: ch.prices.money(lang),
        strip: Strip {
            values: &ch.p_shortfall,
            color: SHORTFALL,
            title: t(lang, Key::ProbShortfall),
            reference: None,
        },
    };
    page.draw(c, |f, x, y, ticks| {
        zero_line(c, f, y, ticks)?;
        let need_px: Vec<(f64, f64)> = need
            .iter()
            .map(|&(yr, v)| (x.map(yr as f64), y.map(v)))
            .collect();
        if let [(px, py)] = need_px[..] {
            c.line(&[(px - 30.0, py), (px + 30.0, py)], NEED, NEED_W)
        } else {
            c.dashed(&need_px, NEED, NEED_W, NEED_DASH)
        }
    })
}

// ---------------------------------------------------------------------------------------
// Variant minus baseline.

pub(super) fn variant_diff<DB: DrawingBackend>(c: &Canvas<DB>, ch: &VariantDiffChart) -> Res {
    let lang = c.lang;
    let subtitle = format!("{}: {}", t(lang, Key::Variant), ch.variant_label);
    let zero_item = item(
        Swatch::Line {
            color: INK,
            width: 2.5,
            dash: None,
        },
        t(lang, Key::NoDifference),
    );
    let page = FanWithStrip {
        title: &ch.title,
        subtitle: Some(&subtitle),
        bands: scaled_bands(&ch.bands, 1e-6),
        median_label: t(lang, Key::Median).to_string(),
        extra_item: zero_item,
        extra: &[],
        caption: format!(
            "{}, {}",
            t(lang, Key::DiffVariantBaseline),
            ch.prices.money(lang)
        ),
        strip: Strip {
            values: &ch.p_material,
            color: BETTER,
            title: t(lang, Key::PMaterialGain),
            reference: Some(0.5),
        },
    };
    page.draw(c, |f, _, y, _| {
        // Zero is the reference of a difference: always drawn, on top of the fan.
        let py = y.map(0.0);
        c.line(&[(f.l, py), (f.r, py)], INK, 2.5)
    })
}

/// The page the budget and the variant charts share: a fan of money (million som) over
/// the years with one more legend item, a line of its own drawn over the fan, and a strip of
/// one probability a year under it.
struct FanWithStrip<'a> {
    title: &'a str,
    subtitle: Option<&'a str>,
    bands: Vec<Band>,
    median_label: String,
    extra_item: LegendItem,
    /// Points of the extra line, which the value axis and the years must include.
    extra: &'a [(i32, f64)],
    caption: String,
    strip: Strip<'a>,
}

impl FanWithStrip<'_> {
    /// Draws the page; `overlay(frame, x, y, ticks)` draws the extra line over the fan.
    fn draw<DB: DrawingBackend>(
        self,
        c: &Canvas<DB>,
        overlay: impl FnOnce(Frame, &Lin, &Lin, &Ticks) -> Res,
    ) -> Res {
        let lang = c.lang;
        let top = header(c, self.title, self.subtitle)?;
        let mut items = fan_legend(lang, self.median_label);
        items.push(self.extra_item);
        let plot_top = legend(c, &items, top, CAPTION_GAP)?;
        let extra = self.extra.iter().map(|p| p.1);
        let (lo, hi) = band_range(&self.bands, extra);
        let ticks = Ticks::new(lang, lo, hi, 5);
        let (f, strip) = plot_and_strip(c, lang, &ticks, plot_top);
        axis_header(c, &self.caption, plot_top, PAGE_W - MARGIN_L - MARGIN_R)?;
        let mut years: Vec<i32> = self.bands.iter().map(|b| b.year).collect();
        years.extend(self.strip.values.iter().map(|p| p.0));
        years.extend(self.extra.iter().map(|p| p.0));
        years.sort_unstable();
        years.dedup();
        let x = year_scale(&years, f, 0.5);
        let y = ticks.vertical(f);
        y_grid(c, f, &y, &ticks)?;
        draw_fan(c, &x, &y, &self.bands)?;
        overlay(f, &x, &y, &ticks)?;
        c.line(&[(f.l, f.b), (f.r, f.b)], AXIS, 2.0)?;
        prob_strip(c, strip, &x, &self.strip)?;
        year_labels(c, strip, &x, &years)
    }
}
