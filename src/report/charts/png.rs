//! A small PNG encoder for 8-bit RGB images.
//!
//! plotters can only write PNG files to a path; charts must come back as bytes and the crate
//! takes no image library at run time, so the few hundred lines of PNG and DEFLATE
//! (LZ77 with the fixed Huffman code) live here. Charts are mostly flat colour, which the
//! row filters turn into long runs of zeros that LZ77 compresses well.

/// Encodes `rgb` (row-major, 3 bytes a pixel) as a PNG file.
pub(crate) fn encode_rgb(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
    let stride = width as usize * 3;
    debug_assert_eq!(rgb.len(), stride * height as usize);
    let filtered = filter_rows(rgb, stride);

    let mut out = Vec::with_capacity(filtered.len() / 8 + 1024);
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    // Bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace.
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    write_chunk(&mut out, b"IHDR", &ihdr);
    write_chunk(&mut out, b"IDAT", &zlib_compress(&filtered));
    write_chunk(&mut out, b"IEND", &[]);
    out
}

fn write_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

pub(crate) fn crc32(data: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (n, slot) in t.iter_mut().enumerate() {
            let mut c = n as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *slot = c;
        }
        t
    });
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c = table[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8);
    }
    c ^ 0xFFFF_FFFF
}

pub(crate) fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 is the largest block whose sums cannot overflow u32 before the modulo.
    for block in data.chunks(5552) {
        for &x in block {
            a += x as u32;
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

/// Prefixes each row with the filter (None, Sub, Up or Paeth) that gives the smallest sum of
/// absolute residuals, the usual heuristic.
fn filter_rows(rgb: &[u8], stride: usize) -> Vec<u8> {
    const BPP: usize = 3;
    let rows = rgb.len() / stride.max(1);
    let mut out = Vec::with_capacity(rows * (stride + 1));
    let zero = vec![0u8; stride];
    let mut candidates = [vec![0u8; stride], vec![0u8; stride], vec![0u8; stride]];
    for r in 0..rows {
        let cur = &rgb[r * stride..(r + 1) * stride];
        let prev = if r == 0 {
            &zero[..]
        } else {
            &rgb[(r - 1) * stride..r * stride]
        };
        for i in 0..stride {
            let a = if i >= BPP { cur[i - BPP] } else { 0 };
            let b = prev[i];
            let c = if i >= BPP { prev[i - BPP] } else { 0 };
            candidates[0][i] = cur[i].wrapping_sub(a);
            candidates[1][i] = cur[i].wrapping_sub(b);
            candidates[2][i] = cur[i].wrapping_sub(paeth(a, b, c));
        }
        let cost =
            |row: &[u8]| -> u64 { row.iter().map(|&v| (v as i8).unsigned_abs() as u64).sum() };
        let mut best = (cost(cur), 0u8, cur);
        for (k, cand) in candidates.iter().enumerate() {
            let c = cost(cand);
            if c < best.0 {
                best = (c, [1u8, 2, 4][k], &cand[..]);
            }
        }
        out.push(best.1);
        out.extend_from_slice(best.2);
    }
    out
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = a as i16 + b as i16 - c as i16;
    let pa = (p - a as i16).abs();
    let pb = (p - b as i16).abs();
    let pc = (p - c as i16).abs();
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl BitWriter {
    fn put(&mut self, value: u32, bits: u32) {
        self.acc |= (value as u64) << self.n;
        self.n += bits;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// Huffman codes go into the stream most significant bit first.
    fn put_code(&mut self, code: u32, len: u32) {
        let rev = code.reverse_bits() >> (32 - len);
        self.put(rev, len);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

fn put_literal(w: &mut BitWriter, sym: u32) {
    match sym {
        0..=143 => w.put_code(0x30 + sym, 8),
        144..=255 => w.put_code(0x190 + sym - 144, 9),
        256..=279 => w.put_code(sym - 256, 7),
        _ => w.put_code(0xC0 + sym - 280, 8),
    }
}

fn put_match(w: &mut BitWriter, len: usize, dist: usize) {
    let li = LEN_BASE.partition_point(|&b| b as usize <= len) - 1;
    put_literal(w, 257 + li as u32);
    w.put((len - LEN_BASE[li] as usize) as u32, LEN_EXTRA[li] as u32);
    let di = DIST_BASE.partition_point(|&b| b as usize <= dist) - 1;
    w.put_code(di as u32, 5);
    w.put(
        (dist - DIST_BASE[di] as usize) as u32,
        DIST_EXTRA[di] as u32,
    );
}

/// zlib stream: one DEFLATE block with the fixed Huffman code, greedy LZ77 over hash chains.
fn zlib_compress(data: &[u8]) -> Vec<u8> {
    const WINDOW: usize = 32 * 1024;
    const HASH_BITS: u32 = 15;
    const MAX_CHAIN: usize = 24;
    const MAX_LEN: usize = 258;
    const NONE: u32 = u32::MAX;

    let mut w = BitWriter {
        out: Vec::with_capacity(data.len() / 8 + 64),
        acc: 0,
        n: 0,
    };
    // CMF/FLG: deflate with a 32 KiB window, default level, check bits valid.
    w.out.extend_from_slice(&[0x78, 0x9C]);
    w.put(1, 1); // final block
    w.put(1, 2); // fixed Huffman

    let hash = |i: usize| -> usize {
        let v = (data[i] as u32) | (data[i + 1] as u32) << 8 | (data[i + 2] as u32) << 16;
        (v.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize
    };
    let mut head = vec![NONE; 1 << HASH_BITS];
    let mut prev = vec![NONE; WINDOW];
    let insert = |i: usize, head: &mut [u32], prev: &mut [u32]| {
        if i + 2 < data.len() {
            let h = hash(i);
            prev[i % WINDOW] = head[h];
            head[h] = i as u32;
        }
    };

    let mut i = 0;
    while i < data.len() {
        let mut best_len = 0;
        let mut best_dist = 0;
        if i + 2 < data.len() {
            let max_len = MAX_LEN.min(data.len() - i);
            let mut cand = head[hash(i)];
            let mut chain = 0;
            while cand != NONE && chain < MAX_CHAIN {
                let c = cand as usize;
                if i - c > WINDOW - 1 {
                    break;
                }
                if data[c + best_len.min(max_len - 1)] == data[i + best_len.min(max_len - 1)] {
                    let mut l = 0;
                    while l < max_len && data[c + l] == data[i + l] {
                        l += 1;
                    }
                    if l > best_len {
                        best_len = l;
                        best_dist = i - c;
                        if l == max_len {
                            break;
                        }
                    }
                }
                let next = prev[c % WINDOW];
                if next != NONE && next as usize >= c {
                    break;
                }
                cand = next;
                chain += 1;
            }
        }
        if best_len >= 3 {
            put_match(&mut w, best_len, best_dist);
            for k in i..i + best_len {
                insert(k, &mut head, &mut prev);
            }
            i += best_len;
        } else {
            put_literal(&mut w, data[i] as u32);
            insert(i, &mut head, &mut prev);
            i += 1;
        }
    }
    put_literal(&mut w, 256);
    let mut out = w.finish();
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

#[cfg(test)]
pub(crate) mod decode {
    //! A test-only PNG reader for what [`super::encode_rgb`] writes (stored and fixed-Huffman
    //! DEFLATE blocks), so tests can check the pixels without an image library.

    use super::{adler32, crc32, DIST_BASE, DIST_EXTRA, LEN_BASE, LEN_EXTRA};

    pub(crate) struct Decoded {
        pub width: u32,
        pub height: u32,
        pub rgb: Vec<u8>,
    }

    pub(crate) fn decode_rgb(png: &[u8]) -> Result<Decoded, String> {
        if png.get(..8) != Some(b"\x89PNG\r\n\x1a\n".as_slice()) {
            return Err("no PNG signature".into());
        }
        let mut pos = 8;
        let mut idat = Vec::new();
        let mut size = None;
        let mut seen_end = false;
        while pos + 12 <= png.len() {
            let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
            let body = png
                .get(pos + 4..pos + 8 + len)
                .ok_or("chunk runs past the end")?;
            let crc = u32::from_be_bytes(
                png.get(pos + 8 + len..pos + 12 + len)
                    .ok_or("missing CRC")?
                    .try_into()
                    .unwrap(),
            );
            if crc32(body) != crc {
                return Err("bad chunk CRC".into());
            }
            let data = &body[4..];
            match &body[..4] {
                b"IHDR" => {
                    let w = u32::from_be_bytes(data[0..4].try_into().unwrap());
                    let h = u32::from_be_bytes(data[4..8].try_into().unwrap());
                    if data[8..13] != [8, 2, 0, 0, 0] {
                        return Err("unexpected IHDR format".into());
                    }
                    size = Some((w, h));
                }
                b"IDAT" => idat.extend_from_slice(data),
                b"IEND" => seen_end = true,
                _ => {}
            }
            pos += 12 + len;
        }
        let (width, height) = size.ok_or("no IHDR")?;
        if !seen_end {
            return Err("no IEND".into());
        }
        if idat.len() < 6 || (idat[0] as u32 * 256 + idat[1] as u32) % 31 != 0 {
            return Err("bad zlib header".into());
        }
        let raw = inflate(&idat[2..idat.len() - 4])?;
        let adler = u32::from_be_bytes(idat[idat.len() - 4..].try_into().unwrap());
        if adler32(&raw) != adler {
            return Err("bad Adler-32".into());
        }
        let stride = width as usize * 3;
        if raw.len() != (stride + 1) * height as usize {
            return Err(format!("{} bytes of scanlines", raw.len()));
        }
        let mut rgb = vec![0u8; stride * height as usize];
        for r in 0..height as usize {
            let f = raw[r * (stride + 1)];
            let line = &raw[r * (stride + 1) + 1..(r + 1) * (stride + 1)];
            for i in 0..stride {
                let a = if i >= 3 { rgb[r * stride + i - 3] } else { 0 };
                let b = if r > 0 { rgb[(r - 1) * stride + i] } else { 0 };
                let c = if r > 0 && i >= 3 {
                    rgb[(r - 1) * stride + i - 3]
                } else {
                    0
                };
                let pred = match f {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => ((a as u16 + b as u16) / 2) as u8,
                    4 => super::paeth(a, b, c),
                    _ => return Err("bad filter type".into()),
                };
                rgb[r * stride + i] = line[i].wrapping_add(pred);
            }
        }
        Ok(Decoded { width, height, rgb })
    }

    struct Bits<'a> {
        data: &'a [u8],
        pos: usize,
    }

    impl Bits<'_> {
        fn bit(&mut self) -> Result<u32, String> {
            let byte = *self
                .data
                .get(self.pos / 8)
                .ok_or("deflate stream ends early")?;
            let b = (byte >> (self.pos % 8)) & 1;
            self.pos += 1;
            Ok(b as u32)
        }
        fn bits(&mut self, n: u32) -> Result<u32, String> {
            let mut v = 0;
            for k in 0..n {
                v |= self.bit()? << k;
            }
            Ok(v)
        }
        fn code(&mut self, n: u32) -> Result<u32, String> {
            let mut v = 0;
            for _ in 0..n {
                v = (v << 1) | self.bit()?;
            }
            Ok(v)
        }
    }

    fn fixed_symbol(b: &mut Bits) -> Result<u32, String> {
        let c7 = b.code(7)?;
        if c7 <= 0x17 {
            return Ok(256 + c7);
        }
        let c8 = (c7 << 1) | b.bit()?;
        if (0x30..=0xBF).contains(&c8) {
            return Ok(c8 - 0x30);
        }
        if (0xC0..=0xC7).contains(&c8) {
            return Ok(c8 - 0xC0 + 280);
        }
        let c9 = (c8 << 1) | b.bit()?;
        Ok(c9 - 0x190 + 144)
    }

    fn inflate(data: &[u8]) -> Result<Vec<u8>, String> {
        let mut b = Bits { data, pos: 0 };
        let mut out = Vec::new();
        loop {
            let last = b.bit()?;
            match b.bits(2)? {
                0 => {
                    b.pos = b.pos.div_ceil(8) * 8;
                    let len = b.bits(16)? as usize;
                    let _nlen = b.bits(16)?;
                    let start = b.pos / 8;
                    out.extend_from_slice(data.get(start..start + len).ok_or("short block")?);
                    b.pos += len * 8;
                }
                1 => loop {
                    let sym = fixed_symbol(&mut b)?;
                    if sym < 256 {
                        out.push(sym as u8);
                    } else if sym == 256 {
                        break;
                    } else {
                        let li = (sym - 257) as usize;
                        let len = LEN_BASE[li] as usize + b.bits(LEN_EXTRA[li] as u32)? as usize;
                        let di = b.code(5)? as usize;
                        let dist = DIST_BASE[di] as usize + b.bits(DIST_EXTRA[di] as u32)? as usize;
                        if dist > out.len() {
                            return Err("distance too far back".into());
                        }
                        for _ in 0..len {
                            out.push(out[out.len() - dist]);
                        }
                    }
                },
                _ => return Err("unsupported block type".into()),
            }
            if last == 1 {
                return Ok(out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_flat_noisy_and_tiny_images() {
        let (w, h) = (37u32, 23u32);
        let mut seed = 12345u32;
        let mut noisy = Vec::new();
        for _ in 0..w * h * 3 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            noisy.push((seed >> 16) as u8);
        }
        let flat = vec![255u8; (w * h * 3) as usize];
        let mut mixed = flat.clone();
        mixed[100..400].copy_from_slice(&noisy[100..400]);
        for img in [noisy, flat, mixed] {
            let png = encode_rgb(w, h, &img);
            let d = decode::decode_rgb(&png).unwrap();
            assert_eq!((d.width, d.height), (w, h));
            assert_eq!(d.rgb, img);
        }
        let one = encode_rgb(1, 1, &[1, 2, 3]);
        assert_eq!(decode::decode_rgb(&one).unwrap().rgb, vec![1, 2, 3]);
    }

    #[test]
    fn checksums_match_known_values() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }
}
