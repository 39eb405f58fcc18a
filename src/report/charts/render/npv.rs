//! Present value by municipality: median dots with P10–P90 whiskers, largest on top.

use super::page::{bottom_axis, draw_name, header, legend, name_column, Ticks};
use super::{BAND_INNER, MEDIAN, PLOT_BOTTOM, ROWS_GAP, ROW_SHADE};
use crate::report::charts::canvas::{
    item, Align, Canvas, Frame, Res, Swatch, GRID, INK, MARGIN_L, MARGIN_R, PAGE_W, PAPER,
};
use crate::report::charts::{sort_npv, NpvComparison};
use crate::report::labels::{band_legend, fmt_number, money_decimals, t, Key};
use plotters::prelude::DrawingBackend;

pub(super) fn npv<DB: DrawingBackend>(c: &Canvas<DB>, ch: &NpvComparison) -> Res {
    let lang = c.lang;
    let items = sort_npv(&ch.items);
    let top = header(c, &ch.title, None)?;
    let keys = vec![
        item(Swatch::Dot(MEDIAN), t(lang, Key::Median)),
        item(
            Swatch::Whisker(BAND_INNER),
            band_legend(lang, Key::P10P90, Key::Chance80),
        ),
    ];
    let plot_top = legend(c, &keys, top, ROWS_GAP)?;
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
    let x = ticks.horizontal(f);
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
    let caption = format!("{}, {}", t(lang, ch.what), ch.prices.money(lang));
    bottom_axis(c, f, &x, &ticks, &caption)
}
