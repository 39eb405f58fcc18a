//! One drawing function per chart kind, all on the shared page layout of [`page`]: title at
//! the top, a legend row under it (never over the data), the plot, years along the bottom,
//! footer. The palette below is shared, so that a colour means the same on every chart.

mod backtest;
mod composition;
mod concentration;
mod fan;
mod heatmap;
mod npv;
mod page;
mod ranking;
mod solve;
mod states;
mod variance;

use super::canvas::{Canvas, Res, Rgb};
use super::{Chart, ChartMeta};
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
/// Room between the legend and a plot with years across: the y-axis caption sits in it.
const CAPTION_GAP: f64 = 58.0;
/// Room between the legend and a chart of rows, which has its caption below.
const ROWS_GAP: f64 = 24.0;
/// Height of a probability strip under a main plot, and the gap above it for its header.
const STRIP_H: f64 = 150.0;
const STRIP_GAP: f64 = 62.0;

pub(super) fn draw<DB: DrawingBackend>(c: &Canvas<DB>, chart: &Chart, meta: &ChartMeta) -> Res {
    c.clear()?;
    if let Some(title) = chart.empty_title() {
        page::nothing(c, title)?;
        return page::footer(c, &meta.footer);
    }
    match chart {
        Chart::Fan(f) | Chart::ProjectOutput(f) => fan::fan(c, f),
        Chart::Budget(b) => fan::budget(c, b),
        Chart::Composition(k) => composition::composition(c, k),
        Chart::NpvComparison(n) => npv::npv(c, n),
        Chart::Heatmap(h) => heatmap::heatmap(c, h),
        Chart::VariantDiff(d) => fan::variant_diff(c, d),
        Chart::ProjectStates(s) => states::states(c, s),
        Chart::Laws(l) => states::laws(c, l),
        Chart::BudgetLine(b) => fan::budget_line(c, b),
        Chart::Tornado(k) => variance::tornado(c, k),
        Chart::Attribution(a) => variance::attribution(c, a),
        Chart::Ranking(r) => ranking::ranking(c, r),
        Chart::Concentration(k) => concentration::concentration(c, k),
        Chart::Backtest(b) => fan::backtest(c, b),
        Chart::Pit(p) => backtest::pit(c, p),
        Chart::Solve(s) => solve::solve(c, s),
    }?;
    page::footer(c, &meta.footer)
}
