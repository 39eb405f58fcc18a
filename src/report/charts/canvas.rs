//! Drawing primitives and layout helpers shared by all charts.
//!
//! Every chart is laid out in logical pixels of a 1600x900 page. The PNG is drawn at twice
//! that size and averaged down, which smooths lines and polygon edges (plotters' bitmap
//! backend does not anti-alias shapes); the SVG is drawn at 1x. Text is placed by its
//! baseline, because the bitmap and SVG backends put a top-anchored text at different
//! heights.

use super::font::{self, Metrics};
use super::{ChartError, HEIGHT, WIDTH};
use crate::lang::Lang;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle};

/// The family that the embedded DejaVu Sans is registered under. The SVG backend writes this
/// name as the font-family of every text, so it lists a generic family after DejaVu Sans for
/// viewers that do not have it.
pub(super) const FAMILY: &str = "DejaVu Sans, sans-serif";

pub(super) type Res = Result<(), ChartError>;

/// Logical page size.
pub(super) const PAGE_W: f64 = WIDTH as f64;
pub(super) const PAGE_H: f64 = HEIGHT as f64;
/// Outer margins of the page.
pub(super) const MARGIN_L: f64 = 40.0;
pub(super) const MARGIN_R: f64 = 50.0;

/// Font sizes (plotters' size, about 1.16 times the em size of DejaVu Sans).
pub(super) const TITLE_SIZE: f64 = 46.0;
pub(super) const SUBTITLE_SIZE: f64 = 28.0;
pub(super) const AXIS_SIZE: f64 = 28.0;
pub(super) const LEGEND_SIZE: f64 = 27.0;
pub(super) const FOOTER_SIZE: f64 = 20.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub(super) const fn hex(v: u32) -> Rgb {
        Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8)
    }
    fn color(self) -> RGBColor {
        RGBColor(self.0, self.1, self.2)
    }
    /// Relative luminance 0..1, to choose dark or light text on a fill.
    pub(super) fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = c as f64 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }
    pub(super) fn mix(self, other: Rgb, t: f64) -> Rgb {
        let m = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
        Rgb(m(self.0, other.0), m(self.1, other.1), m(self.2, other.2))
    }
}

pub(super) const PAPER: Rgb = Rgb(255, 255, 255);
pub(super) const INK: Rgb = Rgb::hex(0x1a1a1a);
pub(super) const INK_SOFT: Rgb = Rgb::hex(0x4d4d4d);
pub(super) const FOOTER_INK: Rgb = Rgb::hex(0x666666);
pub(super) const GRID: Rgb = Rgb::hex(0xdcdcdc);
pub(super) const AXIS: Rgb = Rgb::hex(0x555555);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Align {
    Left,
    Center,
    Right,
}

/// A rectangle in logical pixels.
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    pub l: f64,
    pub t: f64,
    pub r: f64,
    pub b: f64,
}

impl Frame {
    pub(super) fn w(&self) -> f64 {
        self.r - self.l
    }
}

/// A linear map from data values to pixels.
#[derive(Debug, Clone, Copy)]
pub(super) struct Lin {
    pub d0: f64,
    pub d1: f64,
    pub p0: f64,
    pub p1: f64,
}

impl Lin {
    pub(super) fn map(&self, v: f64) -> f64 {
        if self.d1 == self.d0 {
            return (self.p0 + self.p1) / 2.0;
        }
        self.p0 + (v - self.d0) / (self.d1 - self.d0) * (self.p1 - self.p0)
    }
}

/// How a legend entry is drawn.
#[derive(Debug, Clone)]
pub(super) enum Swatch {
    Fill(Rgb),
    /// Fill with diagonal lines of the second colour: off-budget money.
    Hatch(Rgb, Rgb),
    Line {
        color: Rgb,
        width: f64,
        dash: Option<&'static [f64]>,
    },
    /// A dot on a whisker: median with its P10–P90 range.
    Dot(Rgb),
    Whisker(Rgb),
    /// A dot alone: one observed value.
    Point(Rgb),
}

#[derive(Debug, Clone)]
pub(super) struct LegendItem {
    pub swatch: Swatch,
    pub label: String,
}

pub(super) fn item(swatch: Swatch, label: impl Into<String>) -> LegendItem {
    LegendItem {
        swatch,
        label: label.into(),
    }
}

pub(super) const SWATCH_W: f64 = 52.0;

pub(super) struct Canvas<'a, DB: DrawingBackend> {
    area: &'a DrawingArea<DB, Shift>,
    /// Device pixels per logical pixel.
    s: f64,
    /// Distance from a top-anchored text position down to its baseline, in font sizes.
    top_to_baseline: f64,
    /// SVG leaves text layout to the viewer; the bitmap gets glyph-by-glyph placement.
    svg: bool,
    pub lang: Lang,
}

fn draw_err<E: std::error::Error + Send + Sync>(
    e: plotters::drawing::DrawingAreaErrorKind<E>,
) -> ChartError {
    ChartError::Draw(e.to_string())
}

impl<'a, DB: DrawingBackend> Canvas<'a, DB> {
    pub(super) fn new(area: &'a DrawingArea<DB, Shift>, scale: f64, svg: bool, lang: Lang) -> Self {
        // plotters' ab_glyph text puts the baseline half a font size below the anchor; its SVG
        // backend shifts a top-anchored text by 0.76em with em = size / 1.24.
        let top_to_baseline = if svg { 0.76 / 1.24 } else { 0.5 };
        Canvas {
            area,
            s: scale,
            top_to_baseline,
            svg,
            lang,
        }
    }

    fn px(&self, v: f64) -> i32 {
        (v * self.s).round() as i32
    }

    fn pt(&self, (x, y): (f64, f64)) -> (i32, i32) {
        (self.px(x), self.px(y))
    }

    fn stroke(&self, width: f64) -> u32 {
        (width * self.s).round().max(1.0) as u32
    }

    fn font(size: f64, bold: bool) -> FontDesc<'static> {
        let style = if bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        FontDesc::new(FontFamily::Name(FAMILY), size, style)
    }

    fn metrics(bold: bool) -> Option<&'static Metrics> {
        if bold {
            font::bold()
        } else {
            font::regular()
        }
    }

    /// Width of `text` in logical pixels.
    pub(super) fn text_width(&self, text: &str, size: f64, bold: bool) -> f64 {
        self.measure(size, bold).extend(text).width()
    }

    /// A measure of a line that grows a character at a time, from empty.
    pub(super) fn measure(&self, size: f64, bold: bool) -> Measure<'static> {
        match Self::metrics(bold) {
            Some(m) => Measure::Font(m.pen(size)),
            None => Measure::Guess { size, w: 0.0 },
        }
    }

    pub(super) fn clear(&self) -> Res {
        self.area.fill(&WHITE).map_err(draw_err)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn text(
        &self,
        text: &str,
        x: f64,
        baseline: f64,
        size: f64,
        bold: bool,
        color: Rgb,
        align: Align,
    ) -> Res {
        if text.is_empty() {
            return Ok(());
        }
        let c = color.color();
        let y = self.px(baseline - self.top_to_baseline * size);
        let metrics = Self::metrics(bold);
        if let (false, Some(m)) = (self.svg, metrics) {
            // Glyph by glyph, each at its own pen position (see `font`).
            let size_dev = size * self.s;
            let (glyphs, width) = m.layout(text, size_dev);
            let x0 = x * self.s
                - match align {
                    Align::Left => 0.0,
                    Align::Center => width / 2.0,
                    Align::Right => width,
                };
            let style = TextStyle::from(Self::font(size_dev, bold))
                .color(&c)
                .pos(Pos::new(HPos::Left, VPos::Top));
            let mut buf = [0u8; 4];
            // Glyphs that start past the page's right edge draw nothing (a long text is
            // ellipsized first, but a label need not be).
            let right = PAGE_W * self.s + size_dev;
            for (ch, pen, x_min) in glyphs {
                if x0 + pen > right {
                    break;
                }
                let Some(x_min) = x_min else { continue };
                let gx = (x0 + pen).round() as i32 + x_min.floor() as i32;
                self.area
                    .draw_text(ch.encode_utf8(&mut buf), &style, (gx, y))
                    .map_err(draw_err)?;
            }
            return Ok(());
        }
        let h = match align {
            Align::Left => HPos::Left,
            Align::Center => HPos::Center,
            Align::Right => HPos::Right,
        };
        // plotters writes font-size = size / 1.24; ask for the em size the PNG gets, so that
        // texts measured for the layout are as wide in the SVG.
        let size = match metrics {
            Some(m) => m.em(size) * 1.24,
            None => size,
        };
        let y = self.px(baseline - self.top_to_baseline * size);
        let style = TextStyle::from(Self::font(size * self.s, bold))
            .color(&c)
            .pos(Pos::new(h, VPos::Top));
        self.area
            .draw_text(text, &style, (self.px(x), y))
            .map_err(draw_err)
    }

    pub(super) fn rect(&self, x0: f64, y0: f64, x1: f64, y1: f64, fill: Rgb) -> Res {
        let (a, b) = (
            self.pt((x0.min(x1), y0.min(y1))),
            self.pt((x0.max(x1), y0.max(y1))),
        );
        if a.0 == b.0 || a.1 == b.1 {
            return Ok(());
        }
        // plotters fills both corner pixels; stop one short so adjacent rectangles do not
        // overlap.
        let b = (b.0 - 1, b.1 - 1);
        self.area
            .draw(&Rectangle::new([a, b], fill.color().filled()))
            .map_err(draw_err)
    }

    pub(super) fn rect_outline(&self, f: Frame, color: Rgb, width: f64) -> Res {
        let pts = [(f.l, f.t), (f.r, f.t), (f.r, f.b), (f.l, f.b), (f.l, f.t)];
        self.line(&pts, color, width)
    }

    pub(super) fn polygon(&self, pts: &[(f64, f64)], fill: Rgb) -> Res {
        if pts.len() < 3 {
            return Ok(());
        }
        let v: Vec<(i32, i32)> = pts.iter().map(|&p| self.pt(p)).collect();
        self.area
            .draw(&Polygon::new(v, fill.color().filled()))
            .map_err(draw_err)
    }

    pub(super) fn line(&self, pts: &[(f64, f64)], color: Rgb, width: f64) -> Res {
        if pts.len() < 2 {
            return Ok(());
        }
        let v: Vec<(i32, i32)> = pts.iter().map(|&p| self.pt(p)).collect();
        let style = ShapeStyle {
            color: color.color().to_rgba(),
            filled: false,
            stroke_width: self.stroke(width),
        };
        self.area
            .draw(&PathElement::new(v, style))
            .map_err(draw_err)
    }

    /// A polyline drawn with a repeating on/off `pattern` (logical pixels).
    pub(super) fn dashed(
        &self,
        pts: &[(f64, f64)],
        color: Rgb,
        width: f64,
        pattern: &[f64],
    ) -> Res {
        for seg in dash_segments(pts, pattern) {
            self.line(&seg, color, width)?;
        }
        Ok(())
    }

    pub(super) fn circle(&self, x: f64, y: f64, r: f64, fill: Rgb) -> Res {
        let style = fill.color().filled();
        self.area
            .draw(&Circle::new(self.pt((x, y)), self.stroke(r), style))
            .map_err(draw_err)
    }

    /// Diagonal lines across a rectangle, on a page-wide grid so that neighbouring
    /// rectangles continue each other's stripes.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn hatch(
        &self,
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        spacing: f64,
        color: Rgb,
        width: f64,
    ) -> Res {
        let (x0, x1) = (x0.min(x1), x0.max(x1));
        let (y0, y1) = (y0.min(y1), y0.max(y1));
        if x1 - x0 < 1.0 || y1 - y0 < 1.0 {
            return Ok(());
        }
        // Lines x + y = k, rising to the right on screen.
        let inset = width / 2.0;
        let (x0, x1, y0, y1) = (x0 + inset, x1 - inset, y0 + inset, y1 - inset);
        if x1 <= x0 || y1 <= y0 {
            return Ok(());
        }
        let mut k = ((x0 + y0) / spacing).ceil() * spacing;
        while k <= x1 + y1 {
            let xa = x0.max(k - y1);
            let xb = x1.min(k - y0);
            if xb > xa {
                self.line(&[(xa, k - xa), (xb, k - xb)], color, width)?;
            }
            k += spacing;
        }
        Ok(())
    }

    /// A legend sample centred vertically on `cy`, starting at `x`.
    pub(super) fn swatch(&self, sw: &Swatch, x: f64, cy: f64) -> Res {
        let (w, h) = (SWATCH_W, 26.0);
        match *sw {
            Swatch::Fill(c) => self.rect(x, cy - h / 2.0, x + w, cy + h / 2.0, c),
            Swatch::Hatch(fill, line) => {
                self.rect(x, cy - h / 2.0, x + w, cy + h / 2.0, fill)?;
                self.hatch(x, cy - h / 2.0, x + w, cy + h / 2.0, 11.0, line, 3.0)
            }
            Swatch::Line { color, width, dash } => {
                let pts = [(x, cy), (x + w, cy)];
                match dash {
                    Some(p) => self.dashed(&pts, color, width, p),
                    None => self.line(&pts, color, width),
                }
            }
            Swatch::Dot(c) => {
                self.line(&[(x + 2.0, cy), (x + w - 2.0, cy)], c.mix(PAPER, 0.55), 7.0)?;
                self.circle(x + w / 2.0, cy, 10.0, c)
            }
            Swatch::Point(c) => self.circle(x + w / 2.0, cy, 11.0, c),
            Swatch::Whisker(c) => {
                self.line(&[(x + 3.0, cy), (x + w - 3.0, cy)], c, 7.0)?;
                self.line(&[(x + 3.0, cy - 11.0), (x + 3.0, cy + 11.0)], c, 4.0)?;
                self.line(
                    &[(x + w - 3.0, cy - 11.0), (x + w - 3.0, cy + 11.0)],
                    c,
                    4.0,
                )
            }
        }
    }

    /// Legend entries in rows from `x0` to `x1`, starting at `top`; returns the bottom.
    pub(super) fn legend_rows(
        &self,
        items: &[LegendItem],
        x0: f64,
        x1: f64,
        top: f64,
    ) -> Result<f64, ChartError> {
        let row_h = 40.0;
        let gap_after = 40.0;
        let mut x = x0;
        let mut cy = top + row_h / 2.0;
        for it in items {
            let w = SWATCH_W + 12.0 + self.text_width(&it.label, LEGEND_SIZE, false);
            if x > x0 && x + w > x1 {
                x = x0;
                cy += row_h;
            }
            self.swatch(&it.swatch, x, cy)?;
            self.text(
                &it.label,
                x + SWATCH_W + 12.0,
                cy + LEGEND_SIZE * 0.33,
                LEGEND_SIZE,
                false,
                INK,
                Align::Left,
            )?;
            x += w + gap_after;
        }
        Ok(cy + row_h / 2.0)
    }

    /// Splits `text` into at most `max_lines` lines no wider than `max_w`, ending the last
    /// line with "…" when the text does not fit. Linear in the length of `text`: a line's
    /// width grows with each word instead of being measured again.
    pub(super) fn wrap(
        &self,
        text: &str,
        max_w: f64,
        size: f64,
        bold: bool,
        max_lines: usize,
    ) -> Vec<String> {
        let empty = self.measure(size, bold);
        let mut lines: Vec<String> = Vec::new();
        let mut cur = String::new();
        let mut cur_w = empty;
        for word in text.split_whitespace() {
            let cand = if cur.is_empty() {
                empty.extend(word)
            } else {
                let mut m = cur_w;
                m.push(' ');
                m.extend(word)
            };
            if cur.is_empty() || cand.width() <= max_w {
                if !cur.is_empty() {
                    cur.push(' ');
                }
                cur.push_str(word);
                cur_w = cand;
            } else {
                lines.push(std::mem::take(&mut cur));
                cur.push_str(word);
                cur_w = empty.extend(word);
            }
        }
        if !cur.is_empty() {
            lines.push(cur);
        }
        if lines.len() > max_lines {
            let rest = lines.split_off(max_lines - 1).join(" ");
            lines.push(rest);
        }
        if let Some(last) = lines.last_mut() {
            if self.text_width(last, size, bold) > max_w {
                *last = self.ellipsize(last, max_w, size, bold);
            }
        }
        for l in lines.iter_mut().take(max_lines.saturating_sub(1)) {
            if self.text_width(l, size, bold) > max_w {
                *l = self.ellipsize(l, max_w, size, bold);
            }
        }
        lines
    }

    /// The longest start of `text` (trailing spaces trimmed) that fits in `max_w` with "…"
    /// after it; `text` itself if it fits. Every prefix is measured from the one before, so
    /// this is linear in the length of `text`.
    pub(super) fn ellipsize(&self, text: &str, max_w: f64, size: f64, bold: bool) -> String {
        if self.text_width(text, size, bold) <= max_w {
            return text.to_string();
        }
        let chars: Vec<char> = text.chars().collect();
        // prefix[n]: the measure of the first n characters.
        let mut prefix = Vec::with_capacity(chars.len() + 1);
        let mut m = self.measure(size, bold);
        prefix.push(m);
        for &ch in &chars {
            m.push(ch);
            prefix.push(m);
        }
        // trimmed[n]: the length of the first n characters without trailing whitespace.
        let mut trimmed = Vec::with_capacity(chars.len() + 1);
        trimmed.push(0);
        for (i, ch) in chars.iter().enumerate() {
            let t = if ch.is_whitespace() {
                trimmed[i]
            } else {
                i + 1
            };
            trimmed.push(t);
        }
        for n in (1..=chars.len()).rev() {
            let k = trimmed[n];
            let mut m = prefix[k];
            m.push('…');
            if m.width() <= max_w {
                return chars[..k].iter().collect::<String>() + "…";
            }
        }
        "…".to_string()
    }

    /// The largest size from `max` down to `min` at which `text` fits in `max_w`.
    pub(super) fn fit_size(&self, text: &str, max_w: f64, max: f64, min: f64, bold: bool) -> f64 {
        let mut size = max;
        while size > min && self.text_width(text, size, bold) > max_w {
            size -= 1.0;
        }
        size
    }
}

/// The width of a line as it grows: the font's own advances, or an estimate without the font.
#[derive(Clone, Copy)]
pub(super) enum Measure<'a> {
    Font(font::Pen<'a>),
    Guess { size: f64, w: f64 },
}

impl Measure<'_> {
    pub(super) fn push(&mut self, c: char) {
        match self {
            Measure::Font(p) => p.push(c),
            Measure::Guess { size, w } => *w += *size * 0.6,
        }
    }

    pub(super) fn extend(mut self, text: &str) -> Self {
        text.chars().for_each(|c| self.push(c));
        self
    }

    pub(super) fn width(&self) -> f64 {
        match self {
            Measure::Font(p) => p.width(),
            Measure::Guess { w, .. } => *w,
        }
    }
}

/// Splits a polyline into the "on" pieces of a dash pattern; the pattern runs on across
/// vertices so that a curve keeps an even rhythm.
pub(super) fn dash_segments(pts: &[(f64, f64)], pattern: &[f64]) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    if pts.len() < 2 || pattern.is_empty() || pattern.iter().any(|&p| p <= 0.0) {
        if pts.len() >= 2 {
            out.push(pts.to_vec());
        }
        return out;
    }
    let mut idx = 0;
    let mut left = pattern[0];
    let mut on = true;
    let mut cur: Vec<(f64, f64)> = vec![pts[0]];
    for w in pts.windows(2) {
        let (mut a, b) = (w[0], w[1]);
        let mut seg = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        while seg > 0.0 {
            if seg <= left {
                left -= seg;
                seg = 0.0;
                if on {
                    cur.push(b);
                }
            } else {
                let t = left / seg;
                let p = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
                seg -= left;
                a = p;
                if on {
                    cur.push(p);
                    out.push(std::mem::take(&mut cur));
                } else {
                    cur = vec![p];
                }
                on = !on;
                idx = (idx + 1) % pattern.len();
                left = pattern[idx];
            }
        }
    }
    if on && cur.len() >= 2 {
        out.push(cur);
    }
    out
}
