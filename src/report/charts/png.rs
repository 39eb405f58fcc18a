//! PNG encoding of the rendered pixels.
//!
//! plotters can only write PNG files to a path, and charts must come back as bytes, so the
//! RGB buffer is encoded in memory with the `png` crate (already built for plotters).

/// Encodes `rgb` (row-major, 3 bytes a pixel) as a PNG file.
pub(crate) fn encode_rgb(
    width: u32,
    height: u32,
    rgb: &[u8],
) -> Result<Vec<u8>, ::png::EncodingError> {
    // Charts are mostly flat colour; the row filters turn that into runs of zeros that
    // deflate compresses well.
    let mut out = Vec::with_capacity(rgb.len() / 16 + 1024);
    let mut encoder = ::png::Encoder::new(&mut out, width, height);
    encoder.set_color(::png::ColorType::Rgb);
    encoder.set_depth(::png::BitDepth::Eight);
    encoder.set_compression(::png::Compression::Default);
    encoder.set_adaptive_filter(::png::AdaptiveFilterType::Adaptive);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
pub(crate) struct Decoded {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

/// Reads back an 8-bit RGB PNG, checking chunk CRCs and the zlib checksum, so tests can
/// look at the pixels.
#[cfg(test)]
pub(crate) fn decode_rgb(bytes: &[u8]) -> Result<Decoded, String> {
    let mut reader = ::png::Decoder::new(bytes)
        .read_info()
        .map_err(|e| e.to_string())?;
    let mut rgb = vec![0u8; reader.output_buffer_size()];
    let info = reader.next_frame(&mut rgb).map_err(|e| e.to_string())?;
    if (info.color_type, info.bit_depth) != (::png::ColorType::Rgb, ::png::BitDepth::Eight) {
        return Err(format!(
            "{:?} {:?}, not 8-bit RGB",
            info.color_type, info.bit_depth
        ));
    }
    rgb.truncate(info.buffer_size());
    Ok(Decoded {
        width: info.width,
        height: info.height,
        rgb,
    })
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
            let png = encode_rgb(w, h, &img).unwrap();
            let d = decode_rgb(&png).unwrap();
            assert_eq!((d.width, d.height), (w, h));
            assert_eq!(d.rgb, img);
        }
        let one = encode_rgb(1, 1, &[1, 2, 3]).unwrap();
        assert_eq!(decode_rgb(&one).unwrap().rgb, vec![1, 2, 3]);
    }

    #[test]
    fn corrupted_bytes_are_refused() {
        let mut png = encode_rgb(4, 4, &[200u8; 48]).unwrap();
        // Last byte of the IHDR chunk's CRC.
        png[32] ^= 1;
        assert!(decode_rgb(&png).is_err());
    }

    #[test]
    fn wrong_buffer_size_is_an_error() {
        assert!(encode_rgb(4, 4, &[0u8; 47]).is_err());
    }
}
