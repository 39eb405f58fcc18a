//! The parts every page shares: title, footer, axis captions, value ticks, the plot frame
//! with years across, the axis of row charts, the probability strip and the name column.

use super::{PLOT_BOTTOM, REF_DASH, STRIP_GAP, STRIP_H};
use crate::lang::Lang;
use crate::report::charts::canvas::{
    Align, Canvas, Frame, LegendItem, Lin, Res, Rgb, AXIS, AXIS_SIZE, FOOTER_INK, FOOTER_SIZE,
    GRID, INK, INK_SOFT, MARGIN_L, MARGIN_R, PAGE_H, PAGE_W, SUBTITLE_SIZE, TITLE_SIZE,
};
use crate::report::charts::{labelled_years, nice_ticks, year_label_step, ChartError};
use crate::report::labels::{fmt_number, fmt_percent, t, Key};
use plotters::prelude::DrawingBackend;

/// Title (shrunk, then wrapped to two lines if long) and an optional subtitle; returns the
/// y where the content below may start.
/// A chart with nothing to draw: its title and, in the middle of the page, the reason.
pub(super) fn nothing<DB: DrawingBackend>(c: &Canvas<DB>, title: &str) -> Res {
    let top = header(c, title, None)?;
    let max_w = PAGE_W - MARGIN_L - MARGIN_R;
    let size = 40.0;
    let lines = c.wrap(t(c.lang, Key::AllZero), max_w * 0.8, size, false, 3);
    let mut y = (top + PLOT_BOTTOM) / 2.0 - lines.len() as f64 * size * 0.6;
    for line in &lines {
        c.text(line, PAGE_W / 2.0, y, size, false, INK_SOFT, Align::Center)?;
        y += size * 1.25;
    }
    Ok(())
}

pub(super) fn header<DB: DrawingBackend>(
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

pub(super) fn footer<DB: DrawingBackend>(c: &Canvas<DB>, text: &str) -> Res {
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
pub(super) fn axis_header<DB: DrawingBackend>(
    c: &Canvas<DB>,
    text: &str,
    plot_top: f64,
    max_w: f64,
) -> Res {
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

/// The legend row under the header, across the page; returns where the plot may start,
/// `gap` below it ([`super::CAPTION_GAP`] or [`super::ROWS_GAP`]).
pub(super) fn legend<DB: DrawingBackend>(
    c: &Canvas<DB>,
    items: &[LegendItem],
    top: f64,
    gap: f64,
) -> Result<f64, ChartError> {
    Ok(c.legend_rows(items, MARGIN_L, PAGE_W - MARGIN_R, top)? + gap)
}

/// Ticks of a value axis and their labels.
pub(super) struct Ticks {
    pub(super) values: Vec<f64>,
    pub(super) labels: Vec<String>,
}

impl Ticks {
    /// Round ticks for `lo..=hi`: of the tick sets for about `target` intervals, the one that
    /// wastes least of the axis beyond the data.
    pub(super) fn new(lang: Lang, lo: f64, hi: f64, target: usize) -> Ticks {
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
    pub(super) fn percent(lang: Lang, step: f64) -> Ticks {
        let n = (1.0 / step).round() as usize;
        let values: Vec<f64> = (0..=n).map(|k| k as f64 * step).collect();
        let labels = values.iter().map(|v| fmt_percent(lang, *v, 0)).collect();
        Ticks { values, labels }
    }
    pub(super) fn lo(&self) -> f64 {
        self.values.first().copied().unwrap_or(0.0)
    }
    pub(super) fn hi(&self) -> f64 {
        self.values.last().copied().unwrap_or(1.0)
    }
    /// The value axis running up a frame, from its bottom to its top.
    pub(super) fn vertical(&self, f: Frame) -> Lin {
        Lin {
            d0: self.lo(),
            d1: self.hi(),
            p0: f.b,
            p1: f.t,
        }
    }
    /// The value axis running across a frame, from its left to its right.
    pub(super) fn horizontal(&self, f: Frame) -> Lin {
        Lin {
            d0: self.lo(),
            d1: self.hi(),
            p0: f.l,
            p1: f.r,
        }
    }
    pub(super) fn width<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> f64 {
        self.labels
            .iter()
            .map(|l| c.text_width(l, AXIS_SIZE, false))
            .fold(0.0, f64::max)
    }
}

/// The plot area of a chart with years across, below `plot_top`: y ticks and grid, the
/// y-axis caption above it; returns the frame and both scales.
pub(super) fn year_plot<DB: DrawingBackend>(
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
    let y = ticks.vertical(f);
    y_grid(c, f, &y, ticks)?;
    Ok((f, x, y))
}

/// Horizontal grid lines with labels left of the plot.
pub(super) fn y_grid<DB: DrawingBackend>(c: &Canvas<DB>, f: Frame, y: &Lin, ticks: &Ticks) -> Res {
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

/// A darker line at zero when the axis spans negative and positive values.
pub(super) fn zero_line<DB: DrawingBackend>(
    c: &Canvas<DB>,
    f: Frame,
    y: &Lin,
    ticks: &Ticks,
) -> Res {
    if ticks.lo() < 0.0 && ticks.hi() > 0.0 {
        let py = y.map(0.0);
        c.line(&[(f.l, py), (f.r, py)], INK, 2.5)?;
    }
    Ok(())
}

/// Map of years to x, with `pad` years of room on either side.
pub(super) fn year_scale(years: &[i32], f: Frame, pad: f64) -> Lin {
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
pub(super) fn year_labels<DB: DrawingBackend>(
    c: &Canvas<DB>,
    f: Frame,
    x: &Lin,
    years: &[i32],
) -> Res {
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

/// The value axis under a chart of horizontal rows: line, ticks, labels and caption.
pub(super) fn bottom_axis<DB: DrawingBackend>(
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

/// The frames of a chart with a probability strip under its plot: the plot from `plot_top`,
/// then the strip at the bottom, with the same left edge (room for the labels of both axes).
pub(super) fn plot_and_strip<DB: DrawingBackend>(
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

/// What a probability strip shows: one probability a year, in `color`, under `title`, with
/// an optional dashed reference level.
pub(super) struct Strip<'a> {
    pub(super) values: &'a [(i32, f64)],
    pub(super) color: Rgb,
    pub(super) title: &'a str,
    pub(super) reference: Option<f64>,
}

/// A strip of probability bars (0–100%) under the main plot, sharing its years, with its
/// header above it and the percentage written over each bar when it fits.
pub(super) fn prob_strip<DB: DrawingBackend>(
    c: &Canvas<DB>,
    f: Frame,
    x: &Lin,
    strip: &Strip,
) -> Res {
    let Strip {
        values,
        color,
        title,
        reference,
    } = *strip;
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

/// Name column: lines per name, font size and width, for rows `row_h` high.
pub(super) fn name_column<DB: DrawingBackend>(
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

pub(super) fn draw_name<DB: DrawingBackend>(
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
