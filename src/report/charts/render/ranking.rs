//! Places ranked by a safe amount: a dark bar for it over a light bar for the median, both
//! values at the end of the row.

use super::page::{bottom_axis, draw_name, header, legend, name_column, Ticks};
use super::{BAND_OUTER, MEDIAN, PLOT_BOTTOM, ROWS_GAP, ROW_SHADE};
use crate::report::charts::canvas::{
    item, Align, Canvas, Frame, Res, Swatch, GRID, INK, INK_SOFT, MARGIN_L, MARGIN_R, PAGE_W,
};
use crate::report::charts::RankingChart;
use crate::report::labels::{fmt_number, t, Key};
use plotters::prelude::DrawingBackend;

pub(super) fn ranking<DB: DrawingBackend>(c: &Canvas<DB>, ch: &RankingChart) -> Res {
    let lang = c.lang;
    let top = header(c, &ch.title, None)?;
    let keys = vec![
        item(Swatch::Fill(MEDIAN), t(lang, Key::SafeIn9Of10)),
        item(Swatch::Fill(BAND_OUTER), t(lang, Key::Median)),
    ];
    let plot_top = legend(c, &keys, top, ROWS_GAP)?;
    let plot_bottom = PLOT_BOTTOM - 34.0;
    let n = ch.items.len();
    let row_h = ((plot_bottom - plot_top) / n as f64).min(90.0);
    let names: Vec<String> = ch.items.iter().map(|(n, ..)| n.clone()).collect();
    let (lines, name_size, name_w) = name_column(c, &names, row_h);
    let hi = ch
        .items
        .iter()
        .map(|(_, a, b)| a.max(*b))
        .fold(0.0, f64::max);
    let lo = ch
        .items
        .iter()
        .map(|(_, a, b)| a.min(*b))
        .fold(0.0, f64::min);
    // Whole units for amounts of a hundred or more, else one decimal.
    let decimals = if hi.max(-lo) >= 100.0 { 0 } else { 1 };
    let value_size = (name_size * 0.92).clamp(13.0, 24.0);
    let values = |safe: f64, median: f64| {
        (
            fmt_number(lang, safe, decimals),
            format!("· {}", fmt_number(lang, median, decimals)),
        )
    };
    let longest = ch
        .items
        .iter()
        .map(|(_, a, b)| {
            let (s, m) = values(*a, *b);
            c.text_width(&s, value_size, true) + 10.0 + c.text_width(&m, value_size, false)
        })
        .fold(0.0, f64::max);
    let f = Frame {
        l: MARGIN_L + name_w + 28.0,
        t: plot_top,
        // Room for half of the last tick's label.
        r: PAGE_W - MARGIN_R - 70.0,
        b: plot_top + row_h * n as f64,
    };
    // Room right of the longest bar for its values.
    let span = (hi - lo).max(1e-9);
    let room = (longest + 24.0) / (f.w() - longest - 24.0).max(100.0) * span;
    let ticks = Ticks::new(lang, lo, hi + room, 6);
    let x = ticks.horizontal(f);
    for k in (0..n).step_by(2) {
        let y0 = f.t + k as f64 * row_h;
        c.rect(MARGIN_L - 10.0, y0, f.r, y0 + row_h, ROW_SHADE)?;
    }
    for v in &ticks.values {
        let px = x.map(*v);
        c.line(&[(px, f.t), (px, f.b)], GRID, 1.5)?;
    }
    let bar = (row_h * 0.62).min(44.0);
    let zero = x.map(0.0);
    for (k, (_, safe, median)) in ch.items.iter().enumerate() {
        let cy = f.t + (k as f64 + 0.5) * row_h;
        draw_name(c, &lines[k], f.l - 22.0, cy, name_size)?;
        let (m, s) = (x.map(*median), x.map(*safe));
        c.rect(
            zero.min(m),
            cy - bar / 2.0,
            zero.max(m),
            cy + bar / 2.0,
            BAND_OUTER,
        )?;
        let inner = bar * 0.6;
        c.rect(
            zero.min(s),
            cy - inner / 2.0,
            zero.max(s),
            cy + inner / 2.0,
            MEDIAN,
        )?;
        let (st, mt) = values(*safe, *median);
        let at = zero.max(m).max(s) + 12.0;
        let base = cy + value_size * 0.33;
        c.text(&st, at, base, value_size, true, INK, Align::Left)?;
        let after = at + c.text_width(&st, value_size, true) + 10.0;
        c.text(&mt, after, base, value_size, false, INK_SOFT, Align::Left)?;
    }
    bottom_axis(c, f, &x, &ticks, &ch.caption)
}
