//! Municipalities and development funds (docs/model.md section 3).

use super::{Dated, Names, Notes};

#[derive(Debug, Clone)]
pub struct Municipality {
    pub id: String,
    pub name: String,
    pub names: Names,
    pub district: String,
    pub oblast: String,
    pub population: f64,
    /// Year-0 own revenue, nominal, never indexed.
    pub own_revenue: f64,
    pub growth_mean: f64,
    pub growth_sd: f64,
    /// Equalisation grant before the clawback, by year (before indexation).
    pub grant: Dated,
    /// `theta`: how much of last year's counted project money is taken off the grant.
    pub grant_offset: f64,
    pub spending_need: Option<Dated>,
    /// Grant and spending need follow the cpi index.
    pub indexed: bool,
    pub notes: Notes,
}

impl Municipality {
    /// The name in `lang`, falling back to the plain name.
    pub fn name_in(&self, lang: &str) -> &str {
        self.names
            .get(lang)
            .map(String::as_str)
            .unwrap_or(&self.name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    District,
    Oblast,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::District => "district",
            Level::Oblast => "oblast",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allocation {
    /// Split among members by population share.
    Population,
    /// Split equally among members.
    Equal,
    /// Split equally among `winners` members drawn each year, with probability proportional
    /// to population, without replacement.
    Competitive { winners: usize },
}

#[derive(Debug, Clone)]
pub struct Fund {
    /// The fund's id; `<declared>:<area>` for a fund expanded from `area = "*"`.
    pub id: String,
    /// The id written in the file (differs from `id` for expanded funds).
    pub declared: String,
    pub level: Level,
    pub area: String,
    pub allocation: Allocation,
    /// Share of the balance paid out each year.
    pub disburse: f64,
    pub counts_for_grant: bool,
    /// Member municipalities (indices), in municipality order; never empty.
    pub members: Vec<usize>,
    pub name: Option<String>,
    /// The name in other languages (`names`).
    pub names: Names,
    pub notes: Notes,
}
