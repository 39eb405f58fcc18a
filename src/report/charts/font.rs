//! Horizontal metrics of the embedded fonts, read from their TrueType tables.
//!
//! plotters' ab_glyph text drawing places each glyph's ink box at the pen position and so
//! drops the glyph's left side bearing: letters drift by a pixel or two and words look
//! unevenly spaced. The PNG renderer therefore draws text glyph by glyph at positions
//! computed here (advance, kerning, and the outline's left edge), with the same scale that
//! ab_glyph uses (font size over ascent − descent). The same metrics measure text for layout.

use std::sync::OnceLock;

fn u16_at(d: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*d.get(o)?, *d.get(o + 1)?]))
}

fn i16_at(d: &[u8], o: usize) -> Option<i16> {
    u16_at(d, o).map(|v| v as i16)
}

fn u32_at(d: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *d.get(o)?,
        *d.get(o + 1)?,
        *d.get(o + 2)?,
        *d.get(o + 3)?,
    ]))
}

pub(super) struct Metrics {
    data: &'static [u8],
    /// Ascent − descent in font units: a size of `s` pixels scales units by `s / height`.
    height: f64,
    units_per_em: f64,
    num_glyphs: u16,
    n_hmetrics: u16,
    hmtx: usize,
    loca: usize,
    long_loca: bool,
    glyf: usize,
    /// Offset of the cmap format 4 subtable.
    cmap4: usize,
    /// Offset and count of the kerning pairs of a format-0 'kern' subtable.
    kern: Option<(usize, usize)>,
}

impl Metrics {
    pub(super) fn parse(data: &'static [u8]) -> Option<Metrics> {
        let n_tables = u16_at(data, 4)? as usize;
        let table = |tag: &[u8; 4]| -> Option<usize> {
            (0..n_tables).find_map(|i| {
                let rec = 12 + 16 * i;
                (data.get(rec..rec + 4)? == tag)
                    .then(|| u32_at(data, rec + 8).map(|o| o as usize))?
            })
        };
        let head = table(b"head")?;
        let hhea = table(b"hhea")?;
        let maxp = table(b"maxp")?;
        let cmap = table(b"cmap")?;

        // ttf-parser (under ab_glyph) takes the typographic metrics when OS/2 asks for them.
        let (mut ascent, mut descent) = (i16_at(data, hhea + 4)?, i16_at(data, hhea + 6)?);
        if let Some(os2) = table(b"OS/2") {
            let fs_selection = u16_at(data, os2 + 62)?;
            if fs_selection & (1 << 7) != 0 {
                ascent = i16_at(data, os2 + 68)?;
                descent = i16_at(data, os2 + 70)?;
            }
        }

        let n_sub = u16_at(data, cmap + 2)? as usize;
        let cmap4 = (0..n_sub).find_map(|i| {
            let rec = cmap + 4 + 8 * i;
            let (platform, encoding) = (u16_at(data, rec)?, u16_at(data, rec + 2)?);
            let off = cmap + u32_at(data, rec + 4)? as usize;
            let unicode = platform == 0 || (platform == 3 && encoding == 1);
            (unicode && u16_at(data, off)? == 4).then_some(off)
        })?;

        let kern = table(b"kern").and_then(|k| {
            let n = u16_at(data, k + 2)? as usize;
            let mut st = k + 4;
            for _ in 0..n {
                let len = u16_at(data, st + 2)? as usize;
                let coverage = u16_at(data, st + 4)?;
                // Format 0, horizontal, not minimum values nor cross-stream.
                if coverage >> 8 == 0 && coverage & 0b111 == 1 {
                    return Some((st + 14, u16_at(data, st + 6)? as usize));
                }
                st += len;
            }
            None
        });

        Some(Metrics {
            data,
            height: (ascent as f64 - descent as f64).max(1.0),
            units_per_em: u16_at(data, head + 18)?.max(1) as f64,
            num_glyphs: u16_at(data, maxp + 4)?,
            n_hmetrics: u16_at(data, hhea + 34)?,
            hmtx: table(b"hmtx")?,
            loca: table(b"loca")?,
            long_loca: i16_at(data, head + 50)? == 1,
            glyf: table(b"glyf")?,
            cmap4,
            kern,
        })
    }

    /// Glyph of `c`; 0 (the "missing" box) when the font has none.
    pub(super) fn glyph(&self, c: char) -> u16 {
        self.glyph_opt(c as u32).unwrap_or(0)
    }

    fn glyph_opt(&self, cp: u32) -> Option<u16> {
        if cp > 0xFFFF {
            return Some(0);
        }
        let (d, t) = (self.data, self.cmap4);
        let seg_x2 = u16_at(d, t + 6)? as usize;
        let ends = t + 14;
        let starts = ends + seg_x2 + 2;
        let deltas = starts + seg_x2;
        let ranges = deltas + seg_x2;
        for i in (0..seg_x2).step_by(2) {
            let end = u16_at(d, ends + i)? as u32;
            if cp > end {
                continue;
            }
            let start = u16_at(d, starts + i)? as u32;
            if cp < start {
                return Some(0);
            }
            let delta = u16_at(d, deltas + i)?;
            let range = u16_at(d, ranges + i)? as usize;
            if range == 0 {
                return Some((cp as u16).wrapping_add(delta));
            }
            let at = ranges + i + range + 2 * (cp - start) as usize;
            let g = u16_at(d, at)?;
            return Some(if g == 0 { 0 } else { g.wrapping_add(delta) });
        }
        Some(0)
    }

    fn advance_units(&self, g: u16) -> f64 {
        let i = g.min(self.n_hmetrics.saturating_sub(1)) as usize;
        u16_at(self.data, self.hmtx + 4 * i).unwrap_or(0) as f64
    }

    /// Left edge of the glyph's outline, in font units; `None` for an empty glyph.
    fn x_min_units(&self, g: u16) -> Option<f64> {
        if g >= self.num_glyphs {
            return None;
        }
        let (d, g) = (self.data, g as usize);
        let (start, end) = if self.long_loca {
            (
                u32_at(d, self.loca + 4 * g)? as usize,
                u32_at(d, self.loca + 4 * g + 4)? as usize,
            )
        } else {
            (
                u16_at(d, self.loca + 2 * g)? as usize * 2,
                u16_at(d, self.loca + 2 * g + 2)? as usize * 2,
            )
        };
        if end <= start {
            return None;
        }
        i16_at(d, self.glyf + start + 2).map(|v| v as f64)
    }

    fn kern_units(&self, left: u16, right: u16) -> f64 {
        let Some((pairs, n)) = self.kern else {
            return 0.0;
        };
        let key = (left as u32) << 16 | right as u32;
        let (mut lo, mut hi) = (0usize, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let at = pairs + 6 * mid;
            let Some(k) = u32_at(self.data, at) else {
                return 0.0;
            };
            match k.cmp(&key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    return i16_at(self.data, at + 4).unwrap_or(0) as f64;
                }
            }
        }
        0.0
    }

    /// Pen positions of the glyphs of `text` at `size` (as plotters' size), the ink offset of
    /// each glyph from its pen position, and the total advance.
    pub(super) fn layout(&self, text: &str, size: f64) -> (Vec<(char, f64, Option<f64>)>, f64) {
        let k = size / self.height;
        let mut pen = 0.0;
        let mut prev: Option<u16> = None;
        let mut out = Vec::with_capacity(text.len());
        for c in text.chars() {
            let g = self.glyph(c);
            if let Some(p) = prev {
                pen += self.kern_units(p, g) * k;
            }
            out.push((c, pen, self.x_min_units(g).map(|x| x * k)));
            pen += self.advance_units(g) * k;
            prev = Some(g);
        }
        (out, pen)
    }

    /// Em size of a text drawn at plotters' `size`.
    pub(super) fn em(&self, size: f64) -> f64 {
        size * self.units_per_em / self.height
    }

    pub(super) fn width(&self, text: &str, size: f64) -> f64 {
        self.layout(text, size).1
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
