//! A small unsigned fixed-width integer, enough for exact sums of squares of fixed-point values.

/// Unsigned integer of 6 x 64 = 384 bits, little-endian limbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct U384(pub [u64; 6]);

impl U384 {
    pub fn from_u128(x: u128) -> U384 {
        U384([x as u64, (x >> 64) as u64, 0, 0, 0, 0])
    }

    pub fn add(&mut self, o: &U384) {
        let mut carry = 0u128;
        for i in 0..6 {
            let s = self.0[i] as u128 + o.0[i] as u128 + carry;
            self.0[i] = s as u64;
            carry = s >> 64;
        }
        debug_assert_eq!(carry, 0, "U384 overflow");
    }

    /// `self - o`; `o` must not exceed `self`.
    pub fn sub(&self, o: &U384) -> U384 {
        let mut out = [0u64; 6];
        let mut borrow = 0i128;
        for (i, limb) in out.iter_mut().enumerate() {
            let d = self.0[i] as i128 - o.0[i] as i128 - borrow;
            if d < 0 {
                *limb = (d + (1i128 << 64)) as u64;
                borrow = 1;
            } else {
                *limb = d as u64;
                borrow = 0;
            }
        }
        debug_assert_eq!(borrow, 0, "U384 underflow");
        U384(out)
    }

    pub fn mul(&self, o: &U384) -> U384 {
        let mut out = [0u64; 6];
        for i in 0..6 {
            if self.0[i] == 0 {
                continue;
            }
            let mut carry = 0u128;
            for j in 0..6 - i {
                let t = self.0[i] as u128 * o.0[j] as u128 + out[i + j] as u128 + carry;
                out[i + j] = t as u64;
                carry = t >> 64;
            }
        }
        U384(out)
    }

    /// Nearest-ish f64 (exact to the f64 rounding of each limb's contribution).
    pub fn to_f64(self) -> f64 {
        let mut x = 0.0f64;
        for i in (0..6).rev() {
            x = x * 18446744073709551616.0 + self.0[i] as f64;
        }
        x
    }
}

impl Ord for U384 {
    fn cmp(&self, o: &U384) -> std::cmp::Ordering {
        // Most significant limb first.
        self.0.iter().rev().cmp(o.0.iter().rev())
    }
}

impl PartialOrd for U384 {
    fn partial_cmp(&self, o: &U384) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_matches_u128_where_it_fits() {
        let a = U384::from_u128(0xFFFF_FFFF_FFFF_FFFF_1234);
        let b = U384::from_u128(0xABCD_EF01);
        let p = a.mul(&b);
        assert_eq!(
            p,
            U384::from_u128(0xFFFF_FFFF_FFFF_FFFF_1234u128 * 0xABCD_EF01)
        );
        let mut s = a;
        s.add(&b);
        assert_eq!(s.sub(&b), a);
        assert_eq!(U384::from_u128(1 << 100).to_f64(), 2f64.powi(100));
        // (2^128 - 1)^2 needs 256 bits.
        let m = U384::from_u128(u128::MAX);
        let sq = m.mul(&m);
        assert_eq!(sq.0[0], 1);
        assert_eq!(sq.0[2], u64::MAX - 1);
        assert_eq!(sq.0[3], u64::MAX);
    }
}
