//! Horizontal metrics of the embedded fonts.
//!
//! plotters' ab_glyph text drawing places each glyph's ink box at the pen position and so
//! drops the glyph's left side bearing: letters drift by a pixel or two and words look
//! unevenly spaced. The PNG renderer therefore draws text glyph by glyph at positions
//! computed here (advance, kerning, and the outline's left edge), with the same scale that
//! ab_glyph uses (font size over ascent − descent). The same metrics measure text for layout.

use ab_glyph::{Font, FontRef, GlyphId};
use std::sync::OnceLock;

pub(super) struct Metrics {
    font: FontRef<'static>,
    /// Ascent − descent in font units: a size of `s` pixels scales units by `s / height`.
    height: f64,
    units_per_em: f64,
}

impl Metrics {
    pub(super) fn parse(data: &'static [u8]) -> Option<Metrics> {
        let font = FontRef::try_from_slice(data).ok()?;
        Some(Metrics {
            height: (font.height_unscaled() as f64).max(1.0),
            units_per_em: font.units_per_em()?.max(1.0) as f64,
            font,
        })
    }

    /// Glyph of `c`; 0 (the "missing" box) when the font has none. Tests use it to check
    /// that every text has glyphs.
    #[cfg(test)]
    pub(super) fn glyph(&self, c: char) -> u16 {
        self.font.glyph_id(c).0
    }

    /// Left edge of the glyph's ink, in font units; `None` for a glyph with no outline.
    /// plotters positions a glyph by this same outline box, so this is what must be undone.
    fn x_min_units(&self, g: GlyphId) -> Option<f64> {
        self.font.outline(g).map(|o| o.bounds.min.x as f64)
    }

    /// Pen positions of the glyphs of `text` at `size` (as plotters' size), the ink offset of
    /// each glyph from its pen position, and the total advance.
    pub(super) fn layout(&self, text: &str, size: f64) -> (Vec<(char, f64, Option<f64>)>, f64) {
        let k = size / self.height;
        let mut pen = 0.0;
        let mut prev: Option<GlyphId> = None;
        let mut out = Vec::with_capacity(text.len());
        for c in text.chars() {
            let g = self.font.glyph_id(c);
            if let Some(p) = prev {
                pen += self.font.kern_unscaled(p, g) as f64 * k;
            }
            out.push((c, pen, self.x_min_units(g).map(|x| x * k)));
            pen += self.font.h_advance_unscaled(g) as f64 * k;
            prev = Some(g);
        }
        (out, pen)
    }

    /// Em size of a text drawn at plotters' `size`.
    pub(super) fn em(&self, size: f64) -> f64 {
        size * self.units_per_em / self.height
    }

    #[cfg(test)]
    pub(super) fn width(&self, text: &str, size: f64) -> f64 {
        self.layout(text, size).1
    }

    /// A pen at the start of a line at `size`, to measure text as it grows one piece at a
    /// time: each glyph is measured once, however often the line so far is asked for its
    /// width (a 10,000-character name laid out by re-measuring took minutes).
    pub(super) fn pen(&self, size: f64) -> Pen<'_> {
        Pen {
            m: self,
            k: size / self.height,
            pen: 0.0,
            prev: None,
        }
    }
}

/// The advance of a text so far, as [`Metrics::layout`] adds it up (the same additions in the
/// same order, so the same bits).
#[derive(Clone, Copy)]
pub(super) struct Pen<'a> {
    m: &'a Metrics,
    k: f64,
    pen: f64,
    prev: Option<GlyphId>,
}

impl Pen<'_> {
    pub(super) fn push(&mut self, c: char) {
        let g = self.m.font.glyph_id(c);
        if let Some(p) = self.prev {
            self.pen += self.m.font.kern_unscaled(p, g) as f64 * self.k;
        }
        self.pen += self.m.font.h_advance_unscaled(g) as f64 * self.k;
        self.prev = Some(g);
    }

    pub(super) fn width(&self) -> f64 {
        self.pen
    }
}

pub(super) fn regular() -> Option<&'static Metrics> {
    static M: OnceLock<Option<Metrics>> = OnceLock::new();
    M.get_or_init(|| Metrics::parse(super::DEJAVU_SANS))
        .as_ref()
}

pub(super) fn bold() -> Option<&'static Metrics> {
    static M: OnceLock<Option<Metrics>> = OnceLock::new();
    M.get_or_init(|| Metrics::parse(super::DEJAVU_SANS_BOLD))
        .as_ref()
}
