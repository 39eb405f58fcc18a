//! A small binary encoding for the statistics a shard hands to `aimak merge` (docs/shards.md):
//! little-endian integers, LEB128 varints for counts, floats by their bits. Reading never
//! panics on bad bytes: it reports where the encoding ended or what did not fit.

/// Appends values to a byte buffer.
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, x: u8) {
        self.bytes.push(x);
    }

    /// An unsigned integer in 7-bit groups, least significant first.
    pub fn var(&mut self, mut x: u128) {
        loop {
            let low = (x & 0x7f) as u8;
            x >>= 7;
            if x == 0 {
                self.bytes.push(low);
                return;
            }
            self.bytes.push(low | 0x80);
        }
    }

    pub fn u64(&mut self, x: u64) {
        self.var(x as u128);
    }

    /// A signed integer, zigzag-encoded so that small magnitudes stay short.
    pub fn i128(&mut self, x: i128) {
        self.var(((x << 1) ^ (x >> 127)) as u128);
    }

    pub fn f64(&mut self, x: f64) {
        self.bytes.extend_from_slice(&x.to_bits().to_le_bytes());
    }

    pub fn f64s(&mut self, xs: &[f64]) {
        self.u64(xs.len() as u64);
        self.bytes.reserve(8 * xs.len());
        for x in xs {
            self.f64(*x);
        }
    }

    pub fn u64s(&mut self, xs: &[u64]) {
        self.u64(xs.len() as u64);
        for x in xs {
            self.u64(*x);
        }
    }
}

/// Why bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// Reads values back, in the order they were written.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    pub fn done(&self) -> bool {
        self.at == self.bytes.len()
    }

    fn ended(&self) -> DecodeError {
        DecodeError(format!("the data end early (at byte {})", self.at))
    }

    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        let b = *self.bytes.get(self.at).ok_or_else(|| self.ended())?;
        self.at += 1;
        Ok(b)
    }

    pub fn var(&mut self) -> Result<u128, DecodeError> {
        let mut x = 0u128;
        for shift in (0..128).step_by(7) {
            let b = self.u8()?;
            x |= ((b & 0x7f) as u128) << shift;
            if b & 0x80 == 0 {
                return Ok(x);
            }
        }
        Err(DecodeError(format!(
            "a number too long at byte {}",
            self.at
        )))
    }

    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        let x = self.var()?;
        u64::try_from(x).map_err(|_| DecodeError(format!("a number too large at byte {}", self.at)))
    }

    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        let x = self.u64()?;
        u32::try_from(x).map_err(|_| DecodeError(format!("a number too large at byte {}", self.at)))
    }

    /// A length, checked against the bytes left (each item takes at least `min_bytes`).
    pub fn len(&mut self, min_bytes: usize) -> Result<usize, DecodeError> {
        let n = self.u64()?;
        let left = (self.bytes.len() - self.at) as u64;
        if n.saturating_mul(min_bytes as u64) > left {
            return Err(DecodeError(format!(
                "a length of {n} at byte {} exceeds the data",
                self.at
            )));
        }
        Ok(n as usize)
    }

    pub fn i128(&mut self) -> Result<i128, DecodeError> {
        let z = self.var()?;
        Ok(((z >> 1) as i128) ^ -((z & 1) as i128))
    }

    pub fn f64(&mut self) -> Result<f64, DecodeError> {
        let end = self.at + 8;
        let b = self.bytes.get(self.at..end).ok_or_else(|| self.ended())?;
        self.at = end;
        Ok(f64::from_bits(u64::from_le_bytes(
            b.try_into().expect("eight bytes"),
        )))
    }

    pub fn f64s(&mut self) -> Result<Vec<f64>, DecodeError> {
        let n = self.len(8)?;
        (0..n).map(|_| self.f64()).collect()
    }

    pub fn u64s(&mut self) -> Result<Vec<u64>, DecodeError> {
        let n = self.len(1)?;
        (0..n).map(|_| self.u64()).collect()
    }

    /// `n` values into `out`, which must have that length.
    pub fn u64s_into(&mut self, out: &mut [u64], what: &str) -> Result<(), DecodeError> {
        let v = self.u64s()?;
        if v.len() != out.len() {
            return Err(DecodeError(format!(
                "{what}: {} values where the scenario has {}",
                v.len(),
                out.len()
            )));
        }
        out.copy_from_slice(&v);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_as_written() {
        let mut w = Writer::default();
        w.u64(0);
        w.u64(u64::MAX);
        w.i128(-1);
        w.i128(i128::MIN);
        w.i128(i128::MAX);
        w.var(u128::MAX);
        w.f64(-0.0);
        w.f64s(&[1.5, f64::NAN]);
        let mut r = Reader::new(&w.bytes);
        assert_eq!(r.u64().unwrap(), 0);
        assert_eq!(r.u64().unwrap(), u64::MAX);
        assert_eq!(r.i128().unwrap(), -1);
        assert_eq!(r.i128().unwrap(), i128::MIN);
        assert_eq!(r.i128().unwrap(), i128::MAX);
        assert_eq!(r.var().unwrap(), u128::MAX);
        assert_eq!(r.f64().unwrap().to_bits(), (-0.0f64).to_bits());
        let v = r.f64s().unwrap();
        assert_eq!(v[0], 1.5);
        assert!(v[1].is_nan());
        assert!(r.done());
        assert!(r.u8().is_err());
    }

    #[test]
    fn a_length_beyond_the_data_is_an_error_not_an_allocation() {
        let mut w = Writer::default();
        w.u64(1 << 60);
        assert!(Reader::new(&w.bytes).f64s().is_err());
    }
}
