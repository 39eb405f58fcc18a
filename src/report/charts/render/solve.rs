//! `p(x)` of `aimak solve`: each target's probability across the solved key, the required
//! probability as a dashed line, the answer as a vertical line, and the answer checked on
//! another seed with its 95% interval.

use super::page::{axis_header, bottom_axis, header, legend, y_grid, Ticks};
use super::{
    BETTER, CAPTION_GAP, MEDIAN, MEDIAN_W, NEED, NEED_DASH, NEED_W, PLOT_BOTTOM, REF_DASH,
};
use crate::report::charts::canvas::{
    item, Align, Canvas, Frame, Res, Rgb, Swatch, INK, LEGEND_SIZE, MARGIN_L, MARGIN_R, PAGE_W,
};
use crate::report::charts::SolveChart;
use crate::report::labels::{fmt_number, fmt_percent, t, Key};
use plotters::prelude::DrawingBackend;

/// One colour per target, of clearly different lightness; more targets reuse them.
const SERIES: [Rgb; 4] = [MEDIAN, BETTER, Rgb::hex(0x9e9ac8), Rgb::hex(0xd94801)];

pub(super) fn solve<DB: DrawingBackend>(c: &Canvas<DB>, ch: &SolveChart) -> Res {
    let lang = c.lang;
    let subtitle = format!("x = {}", ch.key);
    let top = header(c, &ch.title, Some(&subtitle))?;
    let mut keys: Vec<_> = ch
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            item(
                Swatch::Line {
                    color: SERIES[i % SERIES.len()],
                    width: MEDIAN_W,
                    dash: None,
                },
                s.label.clone(),
            )
        })
        .collect();
    keys.push(item(
        Swatch::Line {
            color: NEED,
            width: NEED_W,
            dash: Some(NEED_DASH),
        },
        format!(
            "{} {}",
            t(lang, Key::SolveRequired),
            fmt_percent(lang, ch.required, 0)
        ),
    ));
    keys.push(item(Swatch::Whisker(INK), t(lang, Key::SolveCheck)));
    let plot_top = legend(c, &keys, top, CAPTION_GAP)?;
    let y_ticks = Ticks::percent(lang, 0.2);
    let x_ticks = Ticks::new(lang, ch.lo, ch.hi, 8);
    let f = Frame {
        l: MARGIN_L + y_ticks.width(c) + 18.0,
        t: plot_top,
        r: PAGE_W - MARGIN_R - 20.0,
        b: PLOT_BOTTOM - 40.0,
    };
    axis_header(c, t(lang, Key::SolveChance), plot_top, f.w())?;
    let (x, y) = (x_ticks.horizontal(f), y_ticks.vertical(f));
    y_grid(c, f, &y, &y_ticks)?;
    // The answer first, under the curves.
    let ax = x.map(ch.answer);
    c.dashed(&[(ax, f.t), (ax, f.b)], INK, 3.0, REF_DASH)?;
    let decimals = (-((ch.hi - ch.lo) / 1000.0).log10())
        .ceil()
        .clamp(0.0, 12.0) as usize;
    let label = format!(
        "{}: {}",
        t(lang, Key::SolveAnswer),
        fmt_number(lang, ch.answer, decimals)
    );
    // The label on the side of the line with more room.
    let (lx, align) = if ax - f.l > f.r - ax {
        (ax - 12.0, Align::Right)
    } else {
        (ax + 12.0, Align::Left)
    };
    // At the bottom of the plot, unless a curve passes low there: then at the top.
    let low = ch.series.iter().any(|s| at(&s.points, ch.answer) < 0.25);
    let ly = if low {
        f.t + LEGEND_SIZE
    } else {
        f.b - LEGEND_SIZE * 0.6
    };
    c.text(&label, lx, ly, LEGEND_SIZE, true, INK, align)?;
    let py = y.map(ch.required);
    c.dashed(&[(f.l, py), (f.r, py)], NEED, NEED_W, NEED_DASH)?;
    for (i, s) in ch.series.iter().enumerate() {
        let color = SERIES[i % SERIES.len()];
        let px: Vec<(f64, f64)> = s
            .points
            .iter()
            .map(|(a, b)| (x.map(*a), y.map(*b)))
            .collect();
        c.line(&px, color, MEDIAN_W)?;
        for (a, b) in &s.grid {
            c.circle(x.map(*a), y.map(*b), 8.0, color)?;
        }
        // The check: its interval as a whisker beside the answer, one per target.
        let cx = ax + 16.0 * (i as f64 + 1.0);
        let (p, lo, hi) = s.check;
        c.line(&[(cx, y.map(lo)), (cx, y.map(hi))], INK, 4.0)?;
        for v in [lo, hi] {
            c.line(&[(cx - 8.0, y.map(v)), (cx + 8.0, y.map(v))], INK, 3.0)?;
        }
        c.circle(cx, y.map(p), 6.0, color)?;
    }
    bottom_axis(c, f, &x, &x_ticks, &ch.key)?;
    Ok(())
}

/// The curve's value at `x`, by linear interpolation between its points.
fn at(points: &[(f64, f64)], x: f64) -> f64 {
    match points.iter().position(|(a, _)| *a >= x) {
        None => points.last().map_or(0.0, |p| p.1),
        Some(0) => points[0].1,
        Some(k) => {
            let ((x0, y0), (x1, y1)) = (points[k - 1], points[k]);
            y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        }
    }
}
