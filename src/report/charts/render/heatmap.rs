//! Heatmap of shortfall probability: municipalities x years.

use super::page::{draw_name, header, name_column};
use super::PLOT_BOTTOM;
use crate::report::charts::canvas::{
    Align, Canvas, Frame, Res, Rgb, AXIS, AXIS_SIZE, INK, LEGEND_SIZE, MARGIN_L, MARGIN_R, PAGE_W,
    PAPER,
};
use crate::report::charts::{heat_color, year_label_step, ShortfallHeatmap};
use crate::report::labels::{fmt_number, fmt_percent, t, Key};
use plotters::prelude::DrawingBackend;

pub(super) fn heatmap<DB: DrawingBackend>(c: &Canvas<DB>, ch: &ShortfallHeatmap) -> Res {
    let lang = c.lang;
    let top = header(c, &ch.title, None)?;
    let n_rows = ch.rows.len();
    let n_years = ch.years.len();

    // Grid geometry first: the cell format decides the key's caption.
    let key_y = top + 4.0;
    let grid_t = key_y + 92.0;
    let row_h = ((PLOT_BOTTOM - grid_t) / n_rows as f64).min(84.0);
    let (lines, name_size, name_w) = name_column(c, &ch.rows, row_h);
    let f = Frame {
        l: MARGIN_L + name_w + 22.0,
        t: grid_t,
        r: PAGE_W - MARGIN_R,
        b: grid_t + row_h * n_rows as f64,
    };
    let col_w = f.w() / n_years as f64;
    // One format for every cell: "45%", else "45" (the key then says "%"), else nothing.
    let base = (row_h * 0.42).clamp(12.0, 24.0).min(col_w * 0.42);
    let fits = |s: &str, size: f64| c.text_width(s, size, false) <= col_w - 8.0 && size >= 13.0;
    // A slightly smaller figure rather than no per cent sign (Russian and Kyrgyz put a space
    // before it, so "100 %" is wider).
    let full = fmt_percent(lang, 1.0, 0);
    let pct_size = c.fit_size(&full, col_w - 8.0, base, (base * 0.75).max(13.0), false);
    let with_pct = fits(&full, pct_size);
    let cell_size = if with_pct { pct_size } else { base };
    let bare = !with_pct && fits("100", base);

    // Colour key: caption, then a 0–100% bar.
    let mut caption = t(lang, Key::ProbShortfall).to_string();
    if bare {
        caption.push_str(", %");
    }
    let cap_w = c.text_width(&caption, LEGEND_SIZE, false);
    let cap_base = key_y + 21.0 + LEGEND_SIZE * 0.33;
    c.text(
        &caption,
        MARGIN_L,
        cap_base,
        LEGEND_SIZE,
        false,
        INK,
        Align::Left,
    )?;
    let bar_l = MARGIN_L + cap_w + 28.0;
    let bar_w = 420.0_f64.min(PAGE_W - MARGIN_R - bar_l - 30.0);
    let (bar_t, bar_b) = (key_y + 8.0, key_y + 34.0);
    let steps = 120;
    for s in 0..steps {
        let (r, g, b) = heat_color((s as f64 + 0.5) / steps as f64);
        let x0 = bar_l + bar_w * s as f64 / steps as f64;
        let x1 = bar_l + bar_w * (s + 1) as f64 / steps as f64;
        c.rect(x0, bar_t, x1 + 0.6, bar_b, Rgb(r, g, b))?;
    }
    let bar = Frame {
        l: bar_l,
        t: bar_t,
        r: bar_l + bar_w,
        b: bar_b,
    };
    c.rect_outline(bar, AXIS, 1.0)?;
    for k in 0..=4 {
        let p = k as f64 / 4.0;
        let px = bar_l + bar_w * p;
        c.line(&[(px, bar_b), (px, bar_b + 8.0)], AXIS, 2.0)?;
        let (align, lx) = match k {
            0 => (Align::Left, px - 2.0),
            4 => (Align::Right, px + 2.0),
            _ => (Align::Center, px),
        };
        c.text(
            &fmt_percent(lang, p, 0),
            lx,
            bar_b + 32.0,
            22.0,
            false,
            INK,
            align,
        )?;
    }

    for (ri, row) in ch.values.iter().enumerate() {
        let y0 = f.t + ri as f64 * row_h;
        draw_name(c, &lines[ri], f.l - 16.0, y0 + row_h / 2.0, name_size)?;
        for (ci, &p) in row.iter().enumerate() {
            let x0 = f.l + ci as f64 * col_w;
            let (r, g, b) = heat_color(p);
            let fill = Rgb(r, g, b);
            c.rect(x0 + 1.5, y0 + 1.5, x0 + col_w - 1.5, y0 + row_h - 1.5, fill)?;
            if with_pct || bare {
                let p = p.clamp(0.0, 1.0);
                let text = if with_pct {
                    fmt_percent(lang, p, 0)
                } else {
                    fmt_number(lang, p * 100.0, 0)
                };
                let ink = if fill.luminance() < 0.35 { PAPER } else { INK };
                let base = y0 + row_h / 2.0 + cell_size * 0.33;
                c.text(
                    &text,
                    x0 + col_w / 2.0,
                    base,
                    cell_size,
                    false,
                    ink,
                    Align::Center,
                )?;
            }
        }
    }
    let label_w = c.text_width("2026", AXIS_SIZE, false) + 20.0;
    let step = year_label_step(col_w, label_w);
    for (ci, yr) in ch.years.iter().enumerate() {
        if step > 1 && yr % step != 0 {
            continue;
        }
        let px = f.l + (ci as f64 + 0.5) * col_w;
        c.text(
            &yr.to_string(),
            px,
            f.b + 36.0,
            AXIS_SIZE,
            false,
            INK,
            Align::Center,
        )?;
    }
    Ok(())
}
