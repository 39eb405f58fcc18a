//! What drives the uncertainty: a tornado of shares of variance, and shares over the years.

use super::page::{
    bottom_axis, draw_name, header, legend, name_column, year_labels, year_plot, zero_line, Ticks,
};
use super::{BAND_INNER, CAPTION_GAP, MEAN_W, MEDIAN, PLOT_BOTTOM, ROWS_GAP};
use crate::report::charts::canvas::{
    item, Align, Canvas, Frame, LegendItem, Res, Rgb, Swatch, GRID, MARGIN_L, MARGIN_R, PAGE_W,
};
use crate::report::charts::{AttributionChart, TornadoChart};
use crate::report::labels::{fmt_percent, t, Key};
use plotters::prelude::DrawingBackend;

pub(super) fn tornado<DB: DrawingBackend>(c: &Canvas<DB>, ch: &TornadoChart) -> Res {
    let lang = c.lang;
    let mut items = ch.items.clone();
    items.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let top = header(c, &ch.title, None)?;
    let keys = vec![
        item(Swatch::Fill(BAND_INNER), t(lang, Key::ShareOfVariance)),
        item(Swatch::Whisker(MEDIAN), t(lang, Key::StandardError)),
    ];
    let plot_top = legend(c, &keys, top, ROWS_GAP)?;
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
    let x = ticks.horizontal(f);
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
            // A small share keeps a decimal: a row of "0%" would say nothing.
            &fmt_percent(lang, *share, if *share < 0.01 { 1 } else { 0 }),
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

/// Line colours that stay apart in grey: dark to light, with dashes for the lighter ones.
const SERIES: [(u32, Option<&[f64]>); 6] = [
    (0x08306b, None),
    (0x238b45, None),
    (0xcb181d, Some(&[22.0, 10.0])),
    (0x6a51a3, Some(&[8.0, 8.0])),
    (0xd94801, Some(&[30.0, 9.0, 7.0, 9.0])),
    (0x525252, Some(&[4.0, 6.0])),
];

pub(super) fn attribution<DB: DrawingBackend>(c: &Canvas<DB>, ch: &AttributionChart) -> Res {
    let lang = c.lang;
    let top = header(c, &ch.title, None)?;
    let series: Vec<&(String, Vec<f64>)> = ch.series.iter().take(SERIES.len()).collect();
    let items: Vec<LegendItem> = series
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
    let plot_top = legend(c, &items, top, CAPTION_GAP)?;
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
