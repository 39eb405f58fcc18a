//! How unequally money falls across places: the Lorenz curve against the line of equal
//! shares, and the share of the top tenth written on the chart.

use super::page::{axis_header, bottom_axis, header, legend, y_grid, Ticks};
use super::{CAPTION_GAP, MEDIAN, MEDIAN_W, PLOT_BOTTOM, REF_DASH};
use crate::report::charts::canvas::{
    item, Align, Canvas, Frame, Res, Swatch, INK, INK_SOFT, LEGEND_SIZE, MARGIN_L, MARGIN_R, PAGE_W,
};
use crate::report::charts::{lorenz, top_share, ConcentrationChart};
use crate::report::labels::{t, top_tenth, Key};
use plotters::prelude::DrawingBackend;

pub(super) fn concentration<DB: DrawingBackend>(c: &Canvas<DB>, ch: &ConcentrationChart) -> Res {
    let lang = c.lang;
    let top = header(c, &ch.title, None)?;
    let keys = vec![
        item(
            Swatch::Line {
                color: MEDIAN,
                width: MEDIAN_W,
                dash: None,
            },
            t(lang, Key::ActualSpread),
        ),
        item(
            Swatch::Line {
                color: INK_SOFT,
                width: 3.0,
                dash: Some(REF_DASH),
            },
            t(lang, Key::EqualSpread),
        ),
    ];
    let plot_top = legend(c, &keys, top, CAPTION_GAP)?;
    let ticks = Ticks::percent(lang, 0.2);
    // A square-ish plot keeps the diagonal at 45 degrees' worth of meaning; the room to its
    // right holds the top-tenth sentence.
    let side = PLOT_BOTTOM - 40.0 - plot_top;
    let f = Frame {
        l: MARGIN_L + ticks.width(c) + 18.0,
        t: plot_top,
        r: (MARGIN_L + ticks.width(c) + 18.0 + side * 1.5).min(PAGE_W - MARGIN_R - 420.0),
        b: PLOT_BOTTOM - 40.0,
    };
    axis_header(c, t(lang, Key::ShareOfMoney), plot_top, f.w())?;
    let (x, y) = (ticks.horizontal(f), ticks.vertical(f));
    y_grid(c, f, &y, &ticks)?;
    c.dashed(
        &[(x.map(0.0), y.map(0.0)), (x.map(1.0), y.map(1.0))],
        INK_SOFT,
        3.0,
        REF_DASH,
    )?;
    let Some(points) = lorenz(&ch.values) else {
        return Ok(());
    };
    let px: Vec<(f64, f64)> = points.iter().map(|(a, b)| (x.map(*a), y.map(*b))).collect();
    c.line(&px, MEDIAN, MEDIAN_W)?;
    bottom_axis(c, f, &x, &ticks, t(lang, Key::ShareOfPlaces))?;
    // The sentence a reader quotes, beside the plot.
    let share = top_share(&ch.values, 0.1).unwrap_or(0.0);
    let text_l = f.r + 48.0;
    let max_w = PAGE_W - MARGIN_R - text_l;
    let lines = c.wrap(&top_tenth(lang, share), max_w, LEGEND_SIZE * 1.2, false, 5);
    let mut ty = f.t + 60.0;
    for l in lines {
        c.text(&l, text_l, ty, LEGEND_SIZE * 1.2, false, INK, Align::Left)?;
        ty += LEGEND_SIZE * 1.5;
    }
    Ok(())
}
