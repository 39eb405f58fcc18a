//! Composition: stacked bars, on-budget below, community (off-budget) hatched above.

use super::page::{axis_header, header, y_grid, year_labels, year_scale, Ticks};
use super::{CAPTION_GAP, PLOT_BOTTOM};
use crate::report::charts::canvas::{
    Align, Canvas, Frame, Res, Rgb, Swatch, AXIS, INK, LEGEND_SIZE, MARGIN_L, MARGIN_R, PAGE_W,
    PAPER, SWATCH_W,
};
use crate::report::charts::{stack, stack_order, ChartError, CompositionChart, Layer};
use crate::report::labels::{t, Key};
use plotters::prelude::DrawingBackend;

/// Blues from dark to light for budget layers; neighbours in a stack differ in lightness.
const ON_BUDGET: [u32; 7] = [
    0x08306b, 0x08519c, 0x2171b5, 0x4292c6, 0x6baed6, 0x9ecae1, 0xc6dbef,
];
/// Purples from dark to light for the budget layers beyond the blues, so that no two layers of
/// a stack share a colour up to 14 of them.
const MORE_ON_BUDGET: [u32; 7] = [
    0x3f007d, 0x54278f, 0x6a51a3, 0x807dba, 0x9e9ac8, 0xbcbddc, 0xdadaeb,
];
/// Oranges, each with darker hatching, for community layers.
const OFF_BUDGET: [(u32, u32); 4] = [
    (0xfdae6b, 0x8c2d04),
    (0xfee6ce, 0xd94801),
    (0xfd8d3c, 0x7f2704),
    (0xfdd0a2, 0xa63603),
];

/// Colour of the `rank`-th of `n` layers of a group, spread over the whole ramp.
fn layer_swatch(off_budget: bool, rank: usize, n: usize) -> Swatch {
    if off_budget {
        let (fill, line) = OFF_BUDGET[rank % OFF_BUDGET.len()];
        Swatch::Hatch(Rgb::hex(fill), Rgb::hex(line))
    } else if n <= ON_BUDGET.len() {
        let last = ON_BUDGET.len() - 1;
        let i = if n <= 1 {
            1
        } else {
            (rank * last + (n - 1) / 2) / (n - 1)
        };
        Swatch::Fill(Rgb::hex(ON_BUDGET[i.min(last)]))
    } else {
        let all = ON_BUDGET.len() + MORE_ON_BUDGET.len();
        let i = rank % all;
        Swatch::Fill(Rgb::hex(if i < ON_BUDGET.len() {
            ON_BUDGET[i]
        } else {
            MORE_ON_BUDGET[i - ON_BUDGET.len()]
        }))
    }
}

pub(super) fn composition<DB: DrawingBackend>(c: &Canvas<DB>, ch: &CompositionChart) -> Res {
    let lang = c.lang;
    let top = header(c, &ch.title, None)?;
    let order = stack_order(&ch.layers);
    // Colour rank within each group, in stacking order.
    let mut rank = vec![0usize; ch.layers.len()];
    let (mut n_on, mut n_off) = (0, 0);
    for &i in &order {
        if ch.layers[i].off_budget {
            rank[i] = n_off;
            n_off += 1;
        } else {
            rank[i] = n_on;
            n_on += 1;
        }
    }

    let group_n = |off: bool| if off { n_off } else { n_on };
    // Legend panel on the right, read top to bottom as the bars are stacked; its text
    // shrinks when many layers would run past the bottom of the plot.
    let plot_top = top + CAPTION_GAP;
    let legend = LayerLegend {
        layers: &ch.layers,
        order: &order,
        rank: &rank,
        n_on,
        n_off,
        heading: ch.heading,
    };
    let mut panel_size = LEGEND_SIZE - 2.0;
    while panel_size > 15.0 {
        let widest = legend.label_width(c, panel_size);
        if legend.draw(c, PAGE_W, plot_top - 10.0, widest, panel_size, false)? <= PLOT_BOTTOM + 40.0
        {
            break;
        }
        panel_size -= 1.0;
    }
    let widest = legend.label_width(c, panel_size);
    let panel_w = SWATCH_W + 12.0 + widest;
    let panel_l = PAGE_W - MARGIN_R - panel_w;

    let totals: Vec<f64> = (0..ch.years.len())
        .map(|y| ch.layers.iter().map(|l| l.values[y].max(0.0)).sum::<f64>() * 1e-6)
        .collect();
    let hi = totals.iter().copied().fold(0.0, f64::max);
    let ticks = Ticks::new(lang, 0.0, hi, 6);
    let f = Frame {
        l: MARGIN_L + ticks.width(c) + 18.0,
        t: plot_top,
        r: panel_l - 44.0,
        b: PLOT_BOTTOM,
    };
    let head = format!("{} ({})", ch.prices.money(lang), t(lang, Key::MeanPerYear));
    axis_header(c, &head, plot_top, f.r - MARGIN_L)?;
    let x = year_scale(&ch.years, f, 0.5);
    let y = ticks.vertical(f);
    y_grid(c, f, &y, &ticks)?;

    let px_per_year = (x.map(1.0) - x.map(0.0)).abs();
    let bar_w = (px_per_year * 0.72).min(90.0);
    let stacks = stack(&ch.layers);
    for (yi, yr) in ch.years.iter().enumerate() {
        let cx = x.map(*yr as f64);
        let (x0, x1) = (cx - bar_w / 2.0, cx + bar_w / 2.0);
        let mut on_top = None;
        for &i in &order {
            let (b, tp) = stacks[i][yi];
            let (yb, yt) = (y.map(b * 1e-6), y.map(tp * 1e-6));
            if yb - yt < 0.5 {
                continue;
            }
            match layer_swatch(
                ch.layers[i].off_budget,
                rank[i],
                group_n(ch.layers[i].off_budget),
            ) {
                Swatch::Fill(col) => {
                    c.rect(x0, yt, x1, yb, col)?;
                    on_top = Some(yt);
                }
                Swatch::Hatch(fill, line) => {
                    c.rect(x0, yt, x1, yb, fill)?;
                    c.hatch(x0, yt, x1, yb, 12.0, line, 3.0)?;
                }
                _ => {}
            }
        }
        // A white cut between the budget and the community money in each bar.
        if let (Some(yt), true) = (on_top, n_off > 0) {
            let has_off = order
                .iter()
                .any(|&i| ch.layers[i].off_budget && ch.layers[i].values[yi] > 0.0);
            if has_off {
                c.line(&[(x0, yt), (x1, yt)], PAPER, 4.0)?;
            }
        }
    }
    c.line(&[(f.l, f.b), (f.r, f.b)], AXIS, 2.0)?;
    year_labels(c, f, &x, &ch.years)?;

    legend.draw(c, panel_l, plot_top - 10.0, widest, panel_size, true)?;
    Ok(())
}

/// The composition legend: a group header for community and for budget money, each with
/// its layers, top of the stack first.
struct LayerLegend<'a> {
    layers: &'a [Layer],
    order: &'a [usize],
    rank: &'a [usize],
    n_on: usize,
    n_off: usize,
    heading: Key,
}

impl LayerLegend<'_> {
    const LABEL_MAX: f64 = 400.0;

    fn label_width<DB: DrawingBackend>(&self, c: &Canvas<DB>, size: f64) -> f64 {
        let header = |k: Key| c.text_width(t(c.lang, k), size, true) - SWATCH_W - 12.0;
        self.layers
            .iter()
            .map(|l| c.text_width(&l.label, size, false))
            .chain([header(self.heading), header(Key::Community)])
            .fold(0.0, f64::max)
            .min(Self::LABEL_MAX)
    }

    /// Draws (or only measures) the legend from `top`; returns its bottom.
    fn draw<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        left: f64,
        top: f64,
        widest: f64,
        size: f64,
        draw: bool,
    ) -> Result<f64, ChartError> {
        let panel_w = SWATCH_W + 12.0 + widest;
        let line_h = size * 1.18;
        let swatch_h = (size * 1.26).max(30.0);
        let mut ly = top;
        for (off, key) in [(true, Key::Community), (false, self.heading)] {
            let members: Vec<usize> = self
                .order
                .iter()
                .rev()
                .copied()
                .filter(|&i| self.layers[i].off_budget == off)
                .collect();
            if members.is_empty() {
                continue;
            }
            let n = if off { self.n_off } else { self.n_on };
            for (k, line) in c
                .wrap(t(c.lang, key), panel_w, size, true, 2)
                .iter()
                .enumerate()
            {
                if k > 0 {
                    ly += line_h;
                }
                if draw {
                    c.text(line, left, ly + size * 0.8, size, true, INK, Align::Left)?;
                }
            }
            ly += size * 1.5;
            for i in members {
                let lines = c.wrap(&self.layers[i].label, widest, size, false, 4);
                let block_h = (lines.len().max(1) as f64 - 1.0) * line_h + swatch_h;
                let cy = ly + swatch_h / 2.0;
                if draw {
                    c.swatch(&layer_swatch(off, self.rank[i], n), left, cy)?;
                    for (k, line) in lines.iter().enumerate() {
                        let base = cy + size * 0.33 + k as f64 * line_h;
                        let x = left + SWATCH_W + 12.0;
                        c.text(line, x, base, size, false, INK, Align::Left)?;
                    }
                }
                ly += block_h + size * 0.4;
            }
            ly += 18.0;
        }
        Ok(ly)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A municipality with many streams (nine on its budget in the national file) gets a
    /// colour of its own for each, up to fourteen.
    #[test]
    fn budget_layers_of_a_stack_differ_in_colour() {
        for n in 1..=14 {
            let colours: Vec<String> = (0..n)
                .map(|r| format!("{:?}", layer_swatch(false, r, n)))
                .collect();
            let mut distinct = colours.clone();
            distinct.sort();
            distinct.dedup();
            assert_eq!(distinct.len(), n, "{n} layers: {colours:?}");
        }
    }
}
