//! Dated values: a number, or a table from calendar year to number (docs/model.md section 1).

/// A parameter that changes at given calendar years. The value in force in year `y` is the one
/// with the latest key `<= y`. Built only by the scenario reader, which guarantees at least one
/// point, keys strictly increasing, and the first key no later than the scenario's start year.
#[derive(Debug, Clone, PartialEq)]
pub struct Dated {
    points: Vec<(i32, f64)>,
}

impl Dated {
    pub(crate) fn constant(v: f64) -> Dated {
        Dated {
            points: vec![(i32::MIN, v)],
        }
    }

    /// `points` must be sorted by year, non-empty, without repeated years.
    pub(crate) fn from_points(points: Vec<(i32, f64)>) -> Dated {
        debug_assert!(!points.is_empty());
        debug_assert!(points.windows(2).all(|w| w[0].0 < w[1].0));
        Dated { points }
    }

    pub fn points(&self) -> &[(i32, f64)] {
        &self.points
    }

    pub fn is_constant(&self) -> bool {
        self.points.len() == 1
    }

    pub fn at(&self, year: i32) -> f64 {
        let i = self.points.partition_point(|(y, _)| *y <= year);
        // The reader guarantees the first key is <= start_year, so i >= 1 inside the horizon;
        // before it (never asked by the engine) the first value holds.
        self.points[i.saturating_sub(1)].1
    }

    /// The value in force in each year of the horizon.
    pub fn by_year(&self, start_year: i32, years: usize) -> Vec<f64> {
        (0..years).map(|t| self.at(start_year + t as i32)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_key_not_after_the_year_is_in_force() {
        let d = Dated::from_points(vec![(2026, 300.0), (2030, 450.0)]);
        assert_eq!(d.at(2026), 300.0);
        assert_eq!(d.at(2029), 300.0);
        assert_eq!(d.at(2030), 450.0);
        assert_eq!(d.at(2045), 450.0);
        assert_eq!(d.by_year(2028, 3), vec![300.0, 300.0, 450.0]);
    }
}
