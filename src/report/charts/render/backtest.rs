//! The PIT histogram of a backtest: how many published amounts fell in each tenth (or fifth)
//! of the model's distribution, against the flat height of a calibrated model.

use super::page::{axis_header, header, legend, y_grid, Ticks};
use super::{BAND_INNER, CAPTION_GAP, MEAN, MEAN_W, PLOT_BOTTOM, REF_DASH};
use crate::report::charts::canvas::{
    item, Align, Canvas, Frame, Lin, Res, Swatch, AXIS, AXIS_SIZE, INK, INK_SOFT, MARGIN_L,
    MARGIN_R, PAGE_W,
};
use crate::report::charts::{pit_counts, PitChart};
use crate::report::labels::fmt_number;
use plotters::prelude::DrawingBackend;

pub(super) fn pit<DB: DrawingBackend>(c: &Canvas<DB>, ch: &PitChart) -> Res {
    let lang = c.lang;
    let counts = pit_counts(&ch.pits, ch.bins);
    let expected = ch.pits.len() as f64 / ch.bins as f64;
    let top = header(c, &ch.title, None)?;
    let items = vec![
        item(Swatch::Fill(BAND_INNER), ch.bars_label.clone()),
        item(
            Swatch::Line {
                color: MEAN,
                width: MEAN_W,
                dash: Some(REF_DASH),
            },
            ch.uniform_label.clone(),
        ),
    ];
    let plot_top = legend(c, &items, top, CAPTION_GAP)?;
    // Whole counts on the axis: a step of 1, 2, 5, 10, ... giving at most 6 intervals.
    let hi = counts
        .iter()
        .map(|&n| n as f64)
        .fold(expected, f64::max)
        .ceil()
        .max(1.0);
    let step = [1.0, 2.0, 5.0]
        .iter()
        .flat_map(|m| (0..9).map(move |e| m * 10f64.powi(e)))
        .find(|s| hi / s <= 6.0)
        .unwrap_or(hi);
    let top_tick = (hi / step).ceil() * step;
    let values: Vec<f64> = (0..=(top_tick / step) as usize)
        .map(|k| k as f64 * step)
        .collect();
    let ticks = Ticks {
        labels: values.iter().map(|v| fmt_number(lang, *v, 0)).collect(),
        values,
    };
    let f = Frame {
        l: MARGIN_L + ticks.width(c) + 18.0,
        t: plot_top,
        r: PAGE_W - MARGIN_R,
        b: PLOT_BOTTOM - 40.0,
    };
    axis_header(c, &ch.count_label, plot_top, PAGE_W - MARGIN_L - MARGIN_R)?;
    let y = ticks.vertical(f);
    y_grid(c, f, &y, &ticks)?;
    let x = Lin {
        d0: 0.0,
        d1: 1.0,
        p0: f.l,
        p1: f.r,
    };
    let w = 1.0 / ch.bins as f64;
    for (k, &n) in counts.iter().enumerate() {
        let (x0, x1) = (x.map(k as f64 * w) + 3.0, x.map((k + 1) as f64 * w) - 3.0);
        if n > 0 {
            c.rect(x0, y.map(n as f64), x1, y.map(0.0), BAND_INNER)?;
        }
    }
    c.dashed(
        &[(f.l, y.map(expected)), (f.r, y.map(expected))],
        MEAN,
        MEAN_W,
        REF_DASH,
    )?;
    c.line(&[(f.l, f.b), (f.r, f.b)], AXIS, 2.0)?;
    for k in 0..=ch.bins {
        let v = k as f64 * w;
        let px = x.map(v);
        c.line(&[(px, f.b), (px, f.b + 9.0)], AXIS, 2.0)?;
        c.text(
            &fmt_number(lang, v, 1),
            px,
            f.b + 38.0,
            AXIS_SIZE,
            false,
            INK,
            Align::Center,
        )?;
    }
    c.text(
        &ch.caption,
        (f.l + f.r) / 2.0,
        f.b + 76.0,
        AXIS_SIZE,
        false,
        INK_SOFT,
        Align::Center,
    )
}
