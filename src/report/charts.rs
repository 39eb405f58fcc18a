//! Charts for council meetings: pure functions from plain data to PNG bytes or SVG text.
//!
//! Charts are projected in a room, so everything is large: a 1600x900 page, titles of about
//! 40 px, axis and legend text of about 25 px, thick lines, and colours whose lightness alone
//! tells them apart when printed in grey. Texts come from [`super::labels`] in English,
//! Russian or Kyrgyz. The font (DejaVu Sans, with Cyrillic) is embedded, so rendering needs
//! no system fonts. Nothing here touches files: the caller writes the bytes.
//!
//! Besides the renderers, the "data behind the chart" (band polygons, stacks, sort orders,
//! ticks, colours) is exposed as pure functions so that tests can check what is drawn.

mod canvas;
mod font;
mod png;
mod render;

use crate::lang::Lang;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};
use std::sync::OnceLock;

/// Page size of every chart, in pixels.
pub const WIDTH: u32 = 1600;
pub const HEIGHT: u32 = 900;

/// The PNG is drawn at this multiple of its size and averaged down, for smooth edges.
const SUPERSAMPLE: u32 = 2;

pub(crate) static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(crate) static DEJAVU_SANS_BOLD: &[u8] =
    include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("chart \"{0}\" has no data to draw")]
    NoData(String),
    #[error("chart \"{title}\": {problem}")]
    InvalidData { title: String, problem: String },
    #[error("the embedded font could not be loaded")]
    Font,
    #[error("drawing the chart failed: {0}")]
    Draw(String),
}

/// Which prices an amount of money is in; every money axis says it (docs/choices.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prices {
    /// Money of each year, as budgets are written.
    Nominal,
    /// Money of the given first year of the run: each path's amount divided by its cpi index.
    StartYear(i32),
}

/// The prices asked for on the command line (`--prices nominal|start-year`), before the run's
/// first year is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Basis {
    #[default]
    Nominal,
    StartYear,
}

impl Basis {
    /// These prices for a run whose first year is `start_year`.
    pub fn prices(self, start_year: i32) -> Prices {
        match self {
            Basis::Nominal => Prices::Nominal,
            Basis::StartYear => Prices::StartYear(start_year),
        }
    }
}

impl Prices {
    /// The unit of a money axis: "M KGS, nominal", "млн сом, в ценах 2026 г.".
    pub fn money(self, lang: Lang) -> String {
        super::labels::money(lang, self)
    }
}

/// What the values of a fan chart are.
#[derive(Debug, Clone, PartialEq)]
pub enum MoneyUnit {
    /// Som; shown in millions with the localized unit ("M KGS", "млн сом").
    Som(Prices),
    /// A physical quantity shown as is, with this unit label (e.g. "oz", "t").
    Physical(String),
}

#[derive(Debug, Clone)]
pub struct ChartMeta {
    pub lang: Lang,
    /// Small print at the bottom, e.g.
    /// "aimak 0.1.0 · Ala-Buka pilot · seed 2026 · 10000 paths · 2026-11-28".
    pub footer: String,
}

/// Quantiles and mean of one year.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub year: i32,
    pub mean: f64,
    pub p05: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

#[derive(Debug, Clone)]
pub struct FanChart {
    pub title: String,
    pub unit: MoneyUnit,
    pub bands: Vec<Band>,
}

#[derive(Debug, Clone)]
pub struct BudgetChart {
    pub title: String,
    pub prices: Prices,
    /// Total budget revenue.
    pub bands: Vec<Band>,
    /// Spending need by year, som.
    pub need: Vec<(i32, f64)>,
    /// Probability (0..1) that revenue falls short of the need, by year.
    pub p_shortfall: Vec<(i32, f64)>,
}

#[derive(Debug, Clone)]
pub struct Layer {
    pub label: String,
    /// Money paid to the community outside the local budget (e.g. a social fund).
    pub off_budget: bool,
    /// Mean per year, som, >= 0; one value per year of the chart.
    pub values: Vec<f64>,
}

#[derive(Debug, Clone)]
pub struct CompositionChart {
    pub title: String,
    pub prices: Prices,
    /// The legend's heading over the layers that are not off-budget: `Key::LocalBudget` for
    /// a municipality's money, the level of the places for a national total.
    pub heading: super::labels::Key,
    pub years: Vec<i32>,
    pub layers: Vec<Layer>,
}

#[derive(Debug, Clone)]
pub struct NpvItem {
    pub name: String,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

#[derive(Debug, Clone)]
pub struct NpvComparison {
    pub title: String,
    pub prices: Prices,
    /// What the amounts are: `Key::PresentValue`, or `Key::TotalGain` for a variant's
    /// paired gain summed over the horizon.
    pub what: super::labels::Key,
    pub items: Vec<NpvItem>,
}

#[derive(Debug, Clone)]
pub struct ShortfallHeatmap {
    pub title: String,
    /// Municipality names.
    pub rows: Vec<String>,
    pub years: Vec<i32>,
    /// Probability 0..1, rows x years.
    pub values: Vec<Vec<f64>>,
}

#[derive(Debug, Clone)]
pub struct VariantDiffChart {
    pub title: String,
    pub prices: Prices,
    pub variant_label: String,
    /// Bands of the paired difference variant − baseline, som; may be negative.
    pub bands: Vec<Band>,
    /// Probability (0..1) that the variant's gain is material, by year (`compare.parquet`'s
    /// `p_material`: more than 5% of the baseline's average year in the same future).
    pub p_material: Vec<(i32, f64)>,
}

#[derive(Debug, Clone)]
pub struct ProjectStatesChart {
    pub title: String,
    pub years: Vec<i32>,
    pub p_planned: Vec<f64>,
    pub p_producing: Vec<f64>,
    pub p_suspended: Vec<f64>,
    pub p_closed: Vec<f64>,
}

/// The probability of each law being in force, by year (docs/model.md section 11): `laws`
/// holds (label, probability per year), the law as written first.
#[derive(Debug, Clone)]
pub struct LawsChart {
    pub title: String,
    pub years: Vec<i32>,
    pub laws: Vec<(String, Vec<f64>)>,
}

/// What a council can count on: per year the median of project money and the amounts it
/// exceeds with 75% and 90% probability (the 25th and 10th percentiles).
#[derive(Debug, Clone)]
pub struct BudgetLineChart {
    pub title: String,
    pub prices: Prices,
    pub years: Vec<i32>,
    pub median: Vec<f64>,
    pub safe_75: Vec<f64>,
    pub safe_90: Vec<f64>,
}

/// Shares of variance by group of inputs, largest first (a tornado).
#[derive(Debug, Clone)]
pub struct TornadoChart {
    pub title: String,
    /// (group label, share 0..1, standard error)
    pub items: Vec<(String, f64, f64)>,
}

/// Places ranked by an amount that is safe to count on, drawn in the order given (the first
/// on top): a dark bar for the safe amount over a light one for the median.
#[derive(Debug, Clone)]
pub struct RankingChart {
    pub title: String,
    /// What the amounts are, with their unit: the caption under the axis.
    pub caption: String,
    /// (name, safe amount, median), in the caption's unit as printed (not in millions).
    pub items: Vec<(String, f64, f64)>,
}

/// How unequally an amount falls across places: the Lorenz curve of `values` (one value per
/// place, any order, each >= 0) and the share the top tenth receives.
#[derive(Debug, Clone)]
pub struct ConcentrationChart {
    pub title: String,
    pub values: Vec<f64>,
}

/// The Lorenz curve of `values`: points (share of places, share of the total) from (0, 0)
/// to (1, 1), the places sorted from the least to the most. `None` when the total is zero.
pub fn lorenz(values: &[f64]) -> Option<Vec<(f64, f64)>> {
    let mut v: Vec<f64> = values.iter().map(|x| x.max(0.0)).collect();
    v.sort_by(f64::total_cmp);
    let total: f64 = v.iter().sum();
    if v.is_empty() || total <= 0.0 {
        return None;
    }
    let n = v.len() as f64;
    let mut points = vec![(0.0, 0.0)];
    let mut sum = 0.0;
    for (k, x) in v.iter().enumerate() {
        sum += x;
        points.push(((k + 1) as f64 / n, sum / total));
    }
    Some(points)
}

/// The share of the total that the `fraction` of places with the most receive; the place on
/// the boundary counts in proportion (the top 10% of 25 places are 2.5 places). `None` when
/// the total is zero.
pub fn top_share(values: &[f64], fraction: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().map(|x| x.max(0.0)).collect();
    v.sort_by(|a, b| b.total_cmp(a));
    let total: f64 = v.iter().sum();
    if v.is_empty() || total <= 0.0 {
        return None;
    }
    let places = fraction.clamp(0.0, 1.0) * v.len() as f64;
    let whole = places.floor() as usize;
    let mut top: f64 = v[..whole].iter().sum();
    if whole < v.len() {
        top += v[whole] * (places - whole as f64);
    }
    Some(top / total)
}

/// Shares of variance of the largest groups, year by year.
#[derive(Debug, Clone)]
pub struct AttributionChart {
    pub title: String,
    pub years: Vec<i32>,
    /// (group label, share 0..1 per year)
    pub series: Vec<(String, Vec<f64>)>,
}

/// A fan with the published amounts marked on it (`aimak backtest`): the model's bands by
/// year and, as dots, what was published for some of those years.
#[derive(Debug, Clone)]
pub struct BacktestChart {
    pub fan: FanChart,
    /// The legend's word for the dots ("published").
    pub actual_label: String,
    /// (year, amount) of each published value, in the fan's unit.
    pub actuals: Vec<(i32, f64)>,
}

/// A histogram of PIT values (`aimak backtest`): where each published amount fell in the
/// model's distribution, 0 to 1, with the height a calibrated model would give.
#[derive(Debug, Clone)]
pub struct PitChart {
    pub title: String,
    /// Under the x axis.
    pub caption: String,
    /// The legend's words for the bars and for the calibrated height.
    pub bars_label: String,
    pub uniform_label: String,
    /// Over the y axis.
    pub count_label: String,
    pub pits: Vec<f64>,
    pub bins: usize,
}

/// The number of PIT values in each of `bins` equal bins of [0, 1] (1 falls in the last).
pub fn pit_counts(pits: &[f64], bins: usize) -> Vec<usize> {
    let bins = bins.max(1);
    let mut counts = vec![0; bins];
    for p in pits {
        let k = ((p * bins as f64).floor().max(0.0) as usize).min(bins - 1);
        counts[k] += 1;
    }
    counts
}

/// One target's probability across the solved key (`aimak solve`).
#[derive(Debug, Clone)]
pub struct SolveSeries {
    /// The target as written (`kok-tash:project_total:2030>=5000000`).
    pub label: String,
    /// (x, p) at every point of the search's seed, sorted by x.
    pub points: Vec<(f64, f64)>,
    /// (x, p) at the 9 grid points.
    pub grid: Vec<(f64, f64)>,
    /// At the answer on the check seed: p and its 95% interval.
    pub check: (f64, f64, f64),
}

/// `p(x)` of a solve: each target's probability, the required probability and the answer.
#[derive(Debug, Clone)]
pub struct SolveChart {
    pub title: String,
    /// The key path solved for, which names the x axis.
    pub key: String,
    pub lo: f64,
    pub hi: f64,
    pub required: f64,
    pub answer: f64,
    pub series: Vec<SolveSeries>,
}

#[derive(Debug, Clone)]
pub enum Chart {
    Fan(FanChart),
    Budget(BudgetChart),
    Composition(CompositionChart),
    NpvComparison(NpvComparison),
    Heatmap(ShortfallHeatmap),
    VariantDiff(VariantDiffChart),
    ProjectStates(ProjectStatesChart),
    /// The law in force, by year.
    Laws(LawsChart),
    /// Physical output of a project (its unit in `FanChart::unit`).
    ProjectOutput(FanChart),
    BudgetLine(BudgetLineChart),
    Tornado(TornadoChart),
    Attribution(AttributionChart),
    Ranking(RankingChart),
    Concentration(ConcentrationChart),
    Backtest(BacktestChart),
    Pit(PitChart),
    Solve(SolveChart),
}

impl Chart {
    /// The title of a chart whose every value is zero in every simulated future (a place that
    /// receives nothing, a variant that changes nothing): it is drawn as a notice that says
    /// so, not as a flat line on an invented axis.
    pub fn empty_title(&self) -> Option<&str> {
        let zero = |bands: &[Band]| {
            bands.iter().all(|b| {
                [b.mean, b.p05, b.p25, b.p50, b.p75, b.p95]
                    .iter()
                    .all(|v| *v == 0.0)
            })
        };
        let zeros = |v: &[f64]| v.iter().all(|x| *x == 0.0);
        match self {
            Chart::Fan(f) | Chart::ProjectOutput(f) if zero(&f.bands) => Some(&f.title),
            Chart::VariantDiff(d) if zero(&d.bands) => Some(&d.title),
            Chart::Ranking(r) if r.items.iter().all(|(_, a, b)| *a == 0.0 && *b == 0.0) => {
                Some(&r.title)
            }
            Chart::Concentration(k) if lorenz(&k.values).is_none() => Some(&k.title),
            Chart::BudgetLine(b) if zeros(&b.median) && zeros(&b.safe_75) && zeros(&b.safe_90) => {
                Some(&b.title)
            }
            _ => None,
        }
    }
}

/// Renders `chart` as a 1600x900 PNG.
pub fn render_png(chart: &Chart, meta: &ChartMeta) -> Result<Vec<u8>, ChartError> {
    let rgb = render_rgb(chart, meta)?;
    png::encode_rgb(WIDTH, HEIGHT, &rgb).map_err(|e| ChartError::Draw(e.to_string()))
}

/// Renders `chart` as a 1600x900 SVG document.
///
/// Texts are `<text>` elements whose font-family is "DejaVu Sans, sans-serif": a viewer
/// without DejaVu Sans falls back to its own sans-serif font, so line lengths may differ
/// slightly from the PNG.
pub fn render_svg(chart: &Chart, meta: &ChartMeta) -> Result<String, ChartError> {
    ensure_fonts()?;
    validate(chart)?;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        let canvas = canvas::Canvas::new(&root, 1.0, true, meta.lang);
        render::draw(&canvas, chart, meta)?;
        root.present()
            .map_err(|e| ChartError::Draw(e.to_string()))?;
    }
    Ok(out)
}

/// The chart as 1600x900 RGB pixels, before PNG encoding.
fn render_rgb(chart: &Chart, meta: &ChartMeta) -> Result<Vec<u8>, ChartError> {
    ensure_fonts()?;
    validate(chart)?;
    let (w, h) = (WIDTH * SUPERSAMPLE, HEIGHT * SUPERSAMPLE);
    let mut big = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut big, (w, h)).into_drawing_area();
        let canvas = canvas::Canvas::new(&root, SUPERSAMPLE as f64, false, meta.lang);
        render::draw(&canvas, chart, meta)?;
        root.present()
            .map_err(|e| ChartError::Draw(e.to_string()))?;
    }
    Ok(downsample(
        &big,
        w as usize,
        h as usize,
        SUPERSAMPLE as usize,
    ))
}

/// Averages `k`x`k` blocks of an RGB image.
fn downsample(src: &[u8], w: usize, h: usize, k: usize) -> Vec<u8> {
    let (ow, oh) = (w / k, h / k);
    let mut out = vec![0u8; ow * oh * 3];
    let n = (k * k) as u32;
    for oy in 0..oh {
        for ox in 0..ow {
            for ch in 0..3 {
                let mut sum = 0u32;
                for dy in 0..k {
                    let row = (oy * k + dy) * w * 3;
                    for dx in 0..k {
                        sum += src[row + (ox * k + dx) * 3 + ch] as u32;
                    }
                }
                out[(oy * ow + ox) * 3 + ch] = ((sum + n / 2) / n) as u8;
            }
        }
    }
    out
}

/// Registers the embedded DejaVu Sans with plotters, once per process.
fn ensure_fonts() -> Result<(), ChartError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        [canvas::FAMILY, "sans-serif"].iter().all(|name| {
            register_font(name, FontStyle::Normal, DEJAVU_SANS).is_ok()
                && register_font(name, FontStyle::Bold, DEJAVU_SANS_BOLD).is_ok()
        })
    });
    if ok && font::regular().is_some() && font::bold().is_some() {
        Ok(())
    } else {
        Err(ChartError::Font)
    }
}

// ---------------------------------------------------------------------------------------
// Data behind the charts.

/// A closed outline of (year, value) points.
pub type Outline = Vec<(f64, f64)>;

/// Polygons of the P5–P95 and P25–P75 bands of a fan chart, as (year, value) points: the
/// lower edge left to right, then the upper edge right to left.
pub fn band_polygons(bands: &[Band]) -> (Outline, Outline) {
    let edge = |lo: fn(&Band) -> f64, hi: fn(&Band) -> f64| -> Vec<(f64, f64)> {
        let mut pts: Vec<(f64, f64)> = bands.iter().map(|b| (b.year as f64, lo(b))).collect();
        pts.extend(bands.iter().rev().map(|b| (b.year as f64, hi(b))));
        pts
    };
    (edge(|b| b.p05, |b| b.p95), edge(|b| b.p25, |b| b.p75))
}

/// The order layers are stacked in, bottom first: on-budget layers in their given order,
/// then off-budget (community) layers above them.
pub fn stack_order(layers: &[Layer]) -> Vec<usize> {
    let on = (0..layers.len()).filter(|&i| !layers[i].off_budget);
    let off = (0..layers.len()).filter(|&i| layers[i].off_budget);
    on.chain(off).collect()
}

/// Stacked extents, per layer (in the input order) and per year: (bottom, top). Layers are
/// stacked in [`stack_order`]; negative values count as zero.
pub fn stack(layers: &[Layer]) -> Vec<Vec<(f64, f64)>> {
    let n_years = layers.iter().map(|l| l.values.len()).max().unwrap_or(0);
    let mut level = vec![0.0; n_years];
    let mut out = vec![Vec::new(); layers.len()];
    for i in stack_order(layers) {
        out[i] = (0..n_years)
            .map(|y| {
                let v = layers[i].values.get(y).copied().unwrap_or(0.0).max(0.0);
                let bottom = level[y];
                level[y] += v;
                (bottom, level[y])
            })
            .collect();
    }
    out
}

/// Items sorted by median, largest first (drawn top to bottom); ties keep their order.
pub fn sort_npv(items: &[NpvItem]) -> Vec<NpvItem> {
    let mut v = items.to_vec();
    v.sort_by(|a, b| b.p50.total_cmp(&a.p50));
    v
}

/// Project states stacked as percentages 0..100, bottom first: producing, suspended, closed,
/// planned. Each year is normalised to sum to 100 (a year with all zeros stays at zero).
/// Returns, per state in that order, (bottom, top) per year.
pub fn state_stack(chart: &ProjectStatesChart) -> [Vec<(f64, f64)>; 4] {
    let series = [
        chart.p_producing.as_slice(),
        &chart.p_suspended,
        &chart.p_closed,
        &chart.p_planned,
    ];
    let mut out = share_stack(&series, chart.years.len()).into_iter();
    std::array::from_fn(|_| out.next().unwrap_or_default())
}

/// Shares of exclusive states stacked as percentages 0..100 in the order given, each year
/// normalised to sum to 100 (a year with all zeros stays at zero). Returns, per series,
/// (bottom, top) for each of the `n` years.
pub fn share_stack(series: &[&[f64]], n: usize) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::with_capacity(n); series.len()];
    for y in 0..n {
        let vals: Vec<f64> = series
            .iter()
            .map(|s| s.get(y).copied().unwrap_or(0.0).max(0.0))
            .collect();
        let total: f64 = vals.iter().sum();
        let scale = if total > 0.0 { 100.0 / total } else { 0.0 };
        let mut level = 0.0;
        for (k, v) in vals.iter().enumerate() {
            let bottom = level;
            level += v * scale;
            out[k].push((bottom, level));
        }
    }
    out
}

/// Round tick values covering `min..=max` with about `target` intervals, and the decimals
/// their labels need. Any input gives at most `target + 3` ticks (a scenario can produce
/// subnormal or huge values, and ticks are allocated by their count).
pub fn nice_ticks(min: f64, max: f64, target: usize) -> (Vec<f64>, usize) {
    let (mut lo, mut hi) = (min.min(max), min.max(max));
    if !lo.is_finite() || !hi.is_finite() {
        return (vec![0.0, 1.0], 0);
    }
    if hi - lo < 1e-12 {
        if hi == 0.0 || lo.abs().max(hi.abs()) < 1e-12 {
            // Nothing but zeros (or amounts far below any label's precision, whose steps
            // would underflow): a 0..1 axis rather than one centred on zero.
            lo = 0.0;
            hi = 1.0;
        } else {
            let pad = hi.abs() * 0.1;
            lo = (lo - pad).max(f64::MIN);
            hi = (hi + pad).min(f64::MAX);
        }
    }
    let target = target.max(1);
    // Halves first, so that a span beyond f64::MAX stays finite.
    let raw = (hi / 2.0 - lo / 2.0) / target as f64 * 2.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw * 0.999)
        .unwrap_or(10.0 * mag);
    let start = (lo / step + 1e-9).floor();
    let end = (hi / step - 1e-9).ceil();
    // A step of at least a target-th of the span gives target + 1 ticks, one more at each end
    // for rounding; anything else (an overflowing step or span) gets evenly spaced ticks.
    let count = end - start;
    let fits = step.is_finite()
        && step > 0.0
        && count.is_finite()
        && count <= (target + 2) as f64
        && (start * step).is_finite()
        && (end * step).is_finite();
    if !fits {
        return (even_ticks(lo, hi, target), 0);
    }
    let ticks: Vec<f64> = (start as i64..=end as i64)
        .map(|k| {
            let v = k as f64 * step;
            if v.abs() < step * 1e-9 {
                0.0
            } else {
                v
            }
        })
        .collect();
    let decimals = (0..=6)
        .find(|&d| {
            let f = step * 10f64.powi(d);
            (f - f.round()).abs() < 1e-6 * f.max(1.0)
        })
        .unwrap_or(6) as usize;
    (ticks, decimals)
}

/// `target + 1` ticks from `lo` to `hi`, for ranges whose round steps do not exist in f64.
fn even_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let n = target as f64;
    (0..=target)
        .map(|k| {
            let t = k as f64 / n;
            // Weighted, so that neither the span nor a tick overflows.
            (lo * (1.0 - t) + hi * t).clamp(lo, hi)
        })
        .collect()
}

/// Label every `step`-th year so that labels `label_w` wide keep a gap at `px_per_year`.
pub fn year_label_step(px_per_year: f64, label_w: f64) -> i32 {
    [1, 2, 5, 10, 20, 50]
        .into_iter()
        .find(|&s| s as f64 * px_per_year >= label_w)
        .unwrap_or(100)
}

/// The years to label: all of them, or those divisible by the step (the first year if none).
pub fn labelled_years(years: &[i32], step: i32) -> Vec<i32> {
    if step <= 1 {
        return years.to_vec();
    }
    let v: Vec<i32> = years.iter().copied().filter(|y| y % step == 0).collect();
    if v.is_empty() {
        years.first().copied().into_iter().collect()
    } else {
        v
    }
}

/// Heatmap colour of a probability 0..1: a light-to-dark red scale (ColorBrewer "Reds"),
/// whose lightness falls steadily so it reads in grey too.
pub fn heat_color(p: f64) -> (u8, u8, u8) {
    const STOPS: [u32; 9] = [
        0xfff5f0, 0xfee0d2, 0xfcbba1, 0xfc9272, 0xfb6a4a, 0xef3b2c, 0xcb181d, 0xa50f15, 0x67000d,
    ];
    let p = if p.is_finite() {
        p.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = p * (STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let c = canvas::Rgb::hex(STOPS[i]).mix(canvas::Rgb::hex(STOPS[i + 1]), x - i as f64);
    (c.0, c.1, c.2)
}

// ---------------------------------------------------------------------------------------
// Validation: refuse what cannot be drawn honestly, with a message that names the chart.

const TOL: f64 = 1e-6;

fn invalid(title: &str, problem: impl Into<String>) -> ChartError {
    ChartError::InvalidData {
        title: title.to_string(),
        problem: problem.into(),
    }
}

fn check_bands(title: &str, bands: &[Band]) -> Result<(), ChartError> {
    if bands.is_empty() {
        return Err(ChartError::NoData(title.to_string()));
    }
    for w in bands.windows(2) {
        if w[1].year <= w[0].year {
            return Err(invalid(title, "band years must increase"));
        }
    }
    for b in bands {
        let q = [b.p05, b.p25, b.p50, b.p75, b.p95];
        if q.iter().chain([&b.mean]).any(|v| !v.is_finite()) {
            return Err(invalid(title, format!("non-finite value in {}", b.year)));
        }
        let scale = q.iter().fold(1.0f64, |m, v| m.max(v.abs()));
        if q.windows(2).any(|w| w[1] < w[0] - TOL * scale) {
            return Err(invalid(
                title,
                format!("quantiles of {} are not in order p05 <= ... <= p95", b.year),
            ));
        }
    }
    Ok(())
}

fn check_pairs(
    title: &str,
    what: &str,
    pairs: &[(i32, f64)],
    prob: bool,
) -> Result<(), ChartError> {
    for &(y, v) in pairs {
        if !v.is_finite() || (prob && !(-TOL..=1.0 + TOL).contains(&v)) {
            return Err(invalid(title, format!("{what} of {y} is {v}")));
        }
    }
    Ok(())
}

fn check_years(title: &str, years: &[i32]) -> Result<(), ChartError> {
    if years.is_empty() {
        return Err(ChartError::NoData(title.to_string()));
    }
    if years.windows(2).any(|w| w[1] <= w[0]) {
        return Err(invalid(title, "years must increase"));
    }
    Ok(())
}

fn validate(chart: &Chart) -> Result<(), ChartError> {
    match chart {
        Chart::Tornado(c) => {
            if c.items.is_empty() {
                return Err(ChartError::NoData(c.title.clone()));
            }
            if c.items
                .iter()
                .any(|(_, s, e)| !s.is_finite() || !e.is_finite())
            {
                return Err(invalid(&c.title, "a share or its error is not finite"));
            }
            Ok(())
        }
        Chart::Attribution(c) => {
            check_years(&c.title, &c.years)?;
            if c.series.is_empty() {
                return Err(ChartError::NoData(c.title.clone()));
            }
            for (name, v) in &c.series {
                if v.len() != c.years.len() {
                    return Err(invalid(
                        &c.title,
                        format!("\"{name}\" needs one value per year"),
                    ));
                }
            }
            Ok(())
        }
        Chart::BudgetLine(c) => {
            check_years(&c.title, &c.years)?;
            for (name, v) in [
                ("median", &c.median),
                ("75% line", &c.safe_75),
                ("90% line", &c.safe_90),
            ] {
                if v.len() != c.years.len() || v.iter().any(|x| !x.is_finite()) {
                    return Err(invalid(
                        &c.title,
                        format!("the {name} needs one finite value per year"),
                    ));
                }
            }
            Ok(())
        }
        Chart::Fan(c) | Chart::ProjectOutput(c) => check_bands(&c.title, &c.bands),
        Chart::Budget(c) => {
            check_bands(&c.title, &c.bands)?;
            check_pairs(&c.title, "spending need", &c.need, false)?;
            check_pairs(&c.title, "shortfall probability", &c.p_shortfall, true)
        }
        Chart::VariantDiff(c) => {
            check_bands(&c.title, &c.bands)?;
            check_pairs(&c.title, "P(material gain)", &c.p_material, true)
        }
        Chart::Composition(c) => {
            check_years(&c.title, &c.years)?;
            if c.layers.is_empty() {
                return Err(ChartError::NoData(c.title.clone()));
            }
            for l in &c.layers {
                if l.values.len() != c.years.len() {
                    return Err(invalid(
                        &c.title,
                        format!(
                            "layer \"{}\" has {} values for {} years",
                            l.label,
                            l.values.len(),
                            c.years.len()
                        ),
                    ));
                }
                if l.values.iter().any(|v| !v.is_finite() || *v < -TOL) {
                    return Err(invalid(
                        &c.title,
                        format!("layer \"{}\" has a negative or non-finite value", l.label),
                    ));
                }
            }
            Ok(())
        }
        Chart::NpvComparison(c) => {
            if c.items.is_empty() {
                return Err(ChartError::NoData(c.title.clone()));
            }
            for it in &c.items {
                let q = [it.p10, it.p50, it.p90];
                if q.iter().any(|v| !v.is_finite()) {
                    return Err(invalid(
                        &c.title,
                        format!("non-finite value for \"{}\"", it.name),
                    ));
                }
                let scale = q.iter().fold(1.0f64, |m, v| m.max(v.abs()));
                if it.p50 < it.p10 - TOL * scale || it.p90 < it.p50 - TOL * scale {
                    return Err(invalid(
                        &c.title,
                        format!("quantiles of \"{}\" are not in order", it.name),
                    ));
                }
            }
            Ok(())
        }
        Chart::Ranking(c) => {
            if c.items.is_empty() {
                return Err(ChartError::NoData(c.title.clone()));
            }
            if let Some((name, ..)) = c
                .items
                .iter()
                .find(|(_, a, b)| !a.is_finite() || !b.is_finite())
            {
                return Err(invalid(
                    &c.title,
                    format!("\"{name}\" has a value that is not finite"),
                ));
            }
            Ok(())
        }
        Chart::Backtest(c) => {
            check_bands(&c.fan.title, &c.fan.bands)?;
            check_pairs(&c.fan.title, "published amount", &c.actuals, false)
        }
        Chart::Pit(c) => {
            if c.pits.is_empty() || c.bins == 0 {
                return Err(ChartError::NoData(c.title.clone()));
            }
            if c.pits.iter().any(|p| !(0.0..=1.0).contains(p)) {
                return Err(invalid(&c.title, "PIT values must be within 0..1"));
            }
            Ok(())
        }
        Chart::Solve(c) => {
            if c.series.is_empty() || c.series.iter().any(|s| s.points.is_empty()) {
                return Err(ChartError::NoData(c.title.clone()));
            }
            if !(c.lo.is_finite() && c.hi.is_finite() && c.lo < c.hi && c.answer.is_finite()) {
                return Err(invalid(&c.title, "the range must be finite and not empty"));
            }
            let p_ok = |p: f64| p.is_finite() && (-TOL..=1.0 + TOL).contains(&p);
            let bad = c.series.iter().any(|s| {
                s.points
                    .iter()
                    .chain(&s.grid)
                    .any(|(x, p)| !x.is_finite() || !p_ok(*p))
                    || !p_ok(s.check.0)
                    || !p_ok(s.check.1)
                    || !p_ok(s.check.2)
            });
            if bad || !p_ok(c.required) {
                return Err(invalid(&c.title, "probabilities must be within 0..1"));
            }
            Ok(())
        }
        Chart::Concentration(c) => {
            if c.values.iter().any(|v| !v.is_finite() || *v < 0.0) {
                return Err(invalid(&c.title, "amounts must be finite and not negative"));
            }
            Ok(())
        }
        Chart::Heatmap(c) => {
            check_years(&c.title, &c.years)?;
            if c.rows.is_empty() {
                return Err(ChartError::NoData(c.title.clone()));
            }
            if c.values.len() != c.rows.len() || c.values.iter().any(|r| r.len() != c.years.len()) {
                return Err(invalid(&c.title, "values must be rows x years"));
            }
            if c.values
                .iter()
                .flatten()
                .any(|v| !v.is_finite() || !(-TOL..=1.0 + TOL).contains(v))
            {
                return Err(invalid(&c.title, "probabilities must be within 0..1"));
            }
            Ok(())
        }
        Chart::Laws(c) => {
            check_years(&c.title, &c.years)?;
            if c.laws.is_empty() {
                return Err(ChartError::NoData(c.title.clone()));
            }
            probabilities(&c.title, &c.years, c.laws.iter().map(|(_, p)| p))
        }
        Chart::ProjectStates(c) => {
            check_years(&c.title, &c.years)?;
            probabilities(
                &c.title,
                &c.years,
                [&c.p_planned, &c.p_producing, &c.p_suspended, &c.p_closed],
            )
        }
    }
}

/// Checks series of probabilities: one per year, each within 0..1.
fn probabilities<'a>(
    title: &str,
    years: &[i32],
    series: impl IntoIterator<Item = &'a Vec<f64>>,
) -> Result<(), ChartError> {
    for s in series {
        if s.len() != years.len() {
            return Err(invalid(title, "every state needs one probability per year"));
        }
        if s.iter()
            .any(|v| !v.is_finite() || !(-TOL..=1.0 + TOL).contains(v))
        {
            return Err(invalid(title, "probabilities must be within 0..1"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
