//! Project states: stacked areas of probability, 0–100%.

use super::page::{axis_header, header, legend, year_labels, year_scale, Ticks};
use super::{CAPTION_GAP, PLOT_BOTTOM};
use crate::report::charts::canvas::{
    item, Align, Canvas, Frame, LegendItem, Lin, Res, Rgb, Swatch, AXIS_SIZE, INK, LEGEND_SIZE,
    MARGIN_L, MARGIN_R, PAGE_W, PAPER,
};
use crate::report::charts::{state_stack, ProjectStatesChart};
use crate::report::labels::{t, Key};
use plotters::prelude::DrawingBackend;

const STATE_COLORS: [u32; 4] = [0x2171b5, 0xfdae6b, 0x252525, 0xdeebf7];
const STATE_KEYS: [Key; 4] = [Key::Producing, Key::Suspended, Key::Closed, Key::Planned];

pub(super) fn states<DB: DrawingBackend>(c: &Canvas<DB>, ch: &ProjectStatesChart) -> Res {
    let lang = c.lang;
    let top = header(c, &ch.title, None)?;
    let stacks = state_stack(ch);
    // Legend in the order of a project's life (the stack puts "producing" on the axis), of
    // the states the project is ever in: an operating mine is never "planned".
    let ever = |k: usize| stacks[k].iter().any(|(lo, hi)| hi - lo > 1e-9);
    let items: Vec<LegendItem> = [3usize, 0, 1, 2]
        .iter()
        .filter(|&&k| ever(k))
        .map(|&k| {
            item(
                Swatch::Fill(Rgb::hex(STATE_COLORS[k])),
                t(lang, STATE_KEYS[k]),
            )
        })
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
    let x = year_scale(&ch.years, f, 0.4);
    let y = Lin {
        d0: 0.0,
        d1: 100.0,
        p0: f.b,
        p1: f.t,
    };
    // A state holds for a whole year: each year is a step as wide as the year, so that a
    // closure shows as a cliff in the year it happens, not as a slope from the year before.
    let (xs, at): (Vec<f64>, Vec<usize>) = if ch.years.len() == 1 {
        (vec![f.l + f.w() * 0.3, f.r - f.w() * 0.3], vec![0, 0])
    } else {
        let half = (x.map(ch.years[1] as f64) - x.map(ch.years[0] as f64)) / 2.0;
        ch.years
            .iter()
            .enumerate()
            .flat_map(|(i, yr)| {
                let px = x.map(*yr as f64);
                [((px - half).max(f.l), i), ((px + half).min(f.r), i)]
            })
            .unzip()
    };
    let pick = |v: &Vec<(f64, f64)>, j: usize| v[at[j].min(v.len() - 1)];
    for (k, s) in stacks.iter().enumerate() {
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
        c.polygon(&poly, Rgb::hex(STATE_COLORS[k]))?;
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
    for (k, s) in stacks.iter().enumerate().filter(|(k, _)| ever(*k)) {
        let label = t(lang, STATE_KEYS[k]);
        let w = c.text_width(label, size, true) + 16.0;
        let fill = Rgb::hex(STATE_COLORS[k]);
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
    year_labels(c, f, &x, &ch.years)
}
