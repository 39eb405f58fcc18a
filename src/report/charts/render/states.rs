//! Shares of exclusive states, stacked as areas of probability 0–100%: a project's states,
//! the law in force.

use super::page::{axis_header, header, legend, year_labels, year_scale, Ticks};
use super::{CAPTION_GAP, PLOT_BOTTOM};
use crate::report::charts::canvas::{
    item, Align, Canvas, Frame, LegendItem, Lin, Res, Rgb, Swatch, AXIS_SIZE, INK, LEGEND_SIZE,
    MARGIN_L, MARGIN_R, PAGE_W, PAPER,
};
use crate::report::charts::{share_stack, state_stack, LawsChart, ProjectStatesChart};
use crate::report::labels::{t, Key};
use plotters::prelude::DrawingBackend;

const STATE_COLORS: [u32; 4] = [0x2171b5, 0xfdae6b, 0x252525, 0xdeebf7];
const STATE_KEYS: [Key; 4] = [Key::Producing, Key::Suspended, Key::Closed, Key::Planned];

pub(super) fn states<DB: DrawingBackend>(c: &Canvas<DB>, ch: &ProjectStatesChart) -> Res {
    let layers: Vec<Layer> = state_stack(ch)
        .into_iter()
        .enumerate()
        .map(|(k, stack)| Layer {
            label: t(c.lang, STATE_KEYS[k]),
            fill: Rgb::hex(STATE_COLORS[k]),
            stack,
        })
        .collect();
    // Legend in the order of a project's life (the stack puts "producing" on the axis).
    shares(c, &ch.title, &ch.years, &layers, &[3, 0, 1, 2])
}

/// Fills of the laws in force, the law as written first: blues for it, then colours that
/// stay apart in grey.
const LAW_COLORS: [u32; 6] = [0x6baed6, 0xfd8d3c, 0x252525, 0x9e9ac8, 0xfdd0a2, 0x74c476];

pub(super) fn laws<DB: DrawingBackend>(c: &Canvas<DB>, ch: &LawsChart) -> Res {
    let series: Vec<&[f64]> = ch.laws.iter().map(|(_, p)| p.as_slice()).collect();
    let layers: Vec<Layer> = share_stack(&series, ch.years.len())
        .into_iter()
        .zip(&ch.laws)
        .enumerate()
        .map(|(k, (stack, (label, _)))| Layer {
            label,
            fill: Rgb::hex(LAW_COLORS[k % LAW_COLORS.len()]),
            stack,
        })
        .collect();
    let order: Vec<usize> = (0..layers.len()).collect();
    shares(c, &ch.title, &ch.years, &layers, &order)
}

/// One state of a stacked chart: its name, fill and (bottom, top) percentage per year.
struct Layer<'a> {
    label: &'a str,
    fill: Rgb,
    stack: Vec<(f64, f64)>,
}

/// Stacked shares, bottom layer first; the legend lists the layers ever present in
/// `legend_order`.
fn shares<DB: DrawingBackend>(
    c: &Canvas<DB>,
    title: &str,
    years: &[i32],
    layers: &[Layer],
    legend_order: &[usize],
) -> Res {
    let lang = c.lang;
    let top = header(c, title, None)?;
    // Only the states ever held: an operating mine is never "planned".
    let ever = |k: usize| layers[k].stack.iter().any(|(lo, hi)| hi - lo > 1e-9);
    let items: Vec<LegendItem> = legend_order
        .iter()
        .filter(|&&k| ever(k))
        .map(|&k| item(Swatch::Fill(layers[k].fill), layers[k].label))
        .collect();
    let plot_top = legend(c, &items, top, CAPTION_GAP)?;
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
    let x = year_scale(years, f, 0.4);
    let y = Lin {
        d0: 0.0,
        d1: 100.0,
        p0: f.b,
        p1: f.t,
    };
    // A state holds for a whole year: each year is a step as wide as the year, so that a
    // closure shows as a cliff in the year it happens, not as a slope from the year before.
    let (xs, at): (Vec<f64>, Vec<usize>) = if years.len() == 1 {
        (vec![f.l + f.w() * 0.3, f.r - f.w() * 0.3], vec![0, 0])
    } else {
        let half = (x.map(years[1] as f64) - x.map(years[0] as f64)) / 2.0;
        years
            .iter()
            .enumerate()
            .flat_map(|(i, yr)| {
                let px = x.map(*yr as f64);
                [((px - half).max(f.l), i), ((px + half).min(f.r), i)]
            })
            .unzip()
    };
    let pick = |v: &Vec<(f64, f64)>, j: usize| v[at[j].min(v.len() - 1)];
    for layer in layers {
        let s = &layer.stack;
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
        c.polygon(&poly, layer.fill)?;
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
    for (_, layer) in layers.iter().enumerate().filter(|(k, _)| ever(*k)) {
        let (label, s, fill) = (layer.label, &layer.stack, layer.fill);
        let w = c.text_width(label, size, true) + 16.0;
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
    year_labels(c, f, &x, years)
}
