//! Projects: mines, plants and what they produce (docs/model.md section 4).

use super::{Names, Notes};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectKind {
    Mine,
    AgroProcessing,
    Other,
}

impl ProjectKind {
    pub const ALL: [&'static str; 3] = ["mine", "agro_processing", "other"];

    pub fn name(self) -> &'static str {
        match self {
            ProjectKind::Mine => "mine",
            ProjectKind::AgroProcessing => "agro_processing",
            ProjectKind::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Operating,
    Planned,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Host {
    pub municipality: usize,
    pub share: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Product {
    pub driver: usize,
    pub per_unit: f64,
    pub usd: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    Profile(Vec<f64>),
    /// Recorded output by calendar year from `first` (docs/model.md section 13): the project
    /// starts in `first` and lives as many years as the record has.
    Calendar {
        first: i32,
        values: Vec<f64>,
    },
    Curve {
        capacity: f64,
        ramp_up_years: usize,
        /// `None`: until the end of life.
        plateau_years: Option<usize>,
        decline_rate: f64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Jobs {
    pub local: f64,
    pub monthly_wage: f64,
    pub indexed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Risk {
    pub never_start: f64,
    /// (probability, max_years)
    pub start_delay: Option<(f64, usize)>,
    /// (probability, min_loss, max_loss)
    pub blockade: Option<(f64, f64, f64)>,
    /// (probability, min_years, max_years)
    pub suspension: Option<(f64, usize, usize)>,
    pub closure: f64,
    /// (driver, below)
    pub shutdown_price: Option<(usize, f64)>,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub id: String,
    pub name: String,
    /// The name in other languages (`names`), for charts and sheets.
    pub names: Names,
    /// The unit of output (`unit`, e.g. "oz"), for the axis of its charts.
    pub unit: Option<String>,
    pub kind: ProjectKind,
    pub tags: Vec<String>,
    pub hosts: Vec<Host>,
    pub status: Status,
    pub start_year: i32,
    pub life_years: usize,
    pub products: Vec<Product>,
    pub output: Output,
    /// Base output by year since the actual start, `life_years` values.
    pub base_output: Vec<f64>,
    pub variability: f64,
    pub hectares: f64,
    pub jobs: Option<Jobs>,
    pub risk: Risk,
    pub notes: Notes,
}

impl Output {
    /// Base output in the `k`-th year since the actual start (docs/model.md section 4, step 2).
    pub fn base(&self, k: usize) -> f64 {
        match self {
            Output::Profile(v) | Output::Calendar { values: v, .. } => v[k],
            Output::Curve {
                capacity,
                ramp_up_years,
                plateau_years,
                decline_rate,
            } => {
                let r = *ramp_up_years;
                if k < r {
                    capacity * (k + 1) as f64 / (r + 1) as f64
                } else {
                    match plateau_years {
                        Some(p) if k >= r + p => {
                            capacity * (1.0 - decline_rate).powi((k - r - p + 1) as i32)
                        }
                        _ => *capacity,
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_plateau_decline_by_hand() {
        let o = Output::Curve {
            capacity: 40_000.0,
            ramp_up_years: 1,
            plateau_years: Some(2),
            decline_rate: 0.15,
        };
        // k=0: 40000*1/2; k=1,2: plateau; k=3: 40000*0.85^1; k=4: 40000*0.85^2
        let got: Vec<f64> = (0..5).map(|k| o.base(k)).collect();
        let want = [20_000.0, 40_000.0, 40_000.0, 34_000.0, 28_900.0];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-9, "{got:?}");
        }
    }

    #[test]
    fn no_plateau_means_until_end_of_life() {
        let o = Output::Curve {
            capacity: 10.0,
            ramp_up_years: 2,
            plateau_years: None,
            decline_rate: 0.5,
        };
        assert_eq!(o.base(0), 10.0 / 3.0);
        assert_eq!(o.base(1), 20.0 / 3.0);
        assert_eq!(o.base(30), 10.0);
    }
}
