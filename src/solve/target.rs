//! Targets of `aimak solve`: `MUNICIPALITY:STREAM:YEARS>=AMOUNT` (docs/model.md section 12),
//! read from the command line, checked against a model, and tested path by path.

use crate::model::Model;
use crate::results::KeptRows;

/// The years a target looks at.
#[derive(Debug, Clone, PartialEq)]
pub enum Years {
    /// One calendar year.
    One(i32),
    /// Every year of an inclusive range, within one path.
    Every(i32, i32),
    /// The present value over the horizon (docs/model.md section 6).
    Npv,
}

/// "The stream of this municipality is at least this amount in these years."
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub municipality: String,
    pub stream: String,
    pub years: Years,
    pub amount: f64,
}

impl Target {
    /// Reads `MUNICIPALITY:STREAM:YEARS>=AMOUNT`. The stream is what lies between the first
    /// and the last `:` (a stream such as `fund:rdf:Ala-Buka` holds colons; ids and years do
    /// not). Amounts may group digits with `_` (`5_000_000`) and use an exponent (`5e6`).
    pub fn parse(spec: &str) -> Result<Target, String> {
        let form = "expected MUNICIPALITY:STREAM:YEARS>=AMOUNT, such as kok-tash:project_total:2030>=5000000 (YEARS: a year, a range such as 2030-2035, or npv)";
        let bad = |why: String| Err(format!("--target \"{spec}\": {why}; {form}"));
        let Some((place, amount)) = spec.split_once(">=") else {
            return bad("no `>=`".into());
        };
        let amount_text = amount.trim().replace('_', "");
        let amount = match amount_text.parse::<f64>() {
            Ok(a) if a.is_finite() => a,
            _ => return bad(format!("`{}` is not an amount", amount.trim())),
        };
        let (Some((municipality, rest)), Some((_, years))) =
            (place.split_once(':'), place.rsplit_once(':'))
        else {
            return bad("it needs a municipality, a stream and years, separated by `:`".into());
        };
        let Some((stream, _)) = rest.rsplit_once(':') else {
            return bad("it needs a municipality, a stream and years, separated by `:`".into());
        };
        let (municipality, stream, years) = (municipality.trim(), stream.trim(), years.trim());
        if municipality.is_empty() || stream.is_empty() {
            return bad("the municipality or the stream is empty".into());
        }
        let year = |s: &str| {
            s.trim()
                .parse::<i32>()
                .ok()
                .filter(|y| (1..=9999).contains(y))
        };
        let years = if years.eq_ignore_ascii_case("npv") {
            Years::Npv
        } else if let Some(y) = year(years) {
            Years::One(y)
        } else if let Some((a, b)) = years.split_once('-') {
            match (year(a), year(b)) {
                (Some(a), Some(b)) if a <= b => Years::Every(a, b),
                (Some(_), Some(_)) => return bad(format!("the years `{years}` run backwards")),
                _ => return bad(format!("`{years}` is not a year, a range of years or npv")),
            }
        } else {
            return bad(format!("`{years}` is not a year, a range of years or npv"));
        };
        Ok(Target {
            municipality: municipality.to_string(),
            stream: stream.to_string(),
            years,
            amount,
        })
    }

    /// The target as it is written on the command line (amounts in plain digits).
    pub fn spec(&self) -> String {
        let years = match self.years {
            Years::One(y) => y.to_string(),
            Years::Every(a, b) => format!("{a}-{b}"),
            Years::Npv => "npv".into(),
        };
        format!(
            "{}:{}:{years}>={}",
            self.municipality, self.stream, self.amount
        )
    }

    /// Checks the target against a model and the streams its municipalities list (`rows`,
    /// from [`crate::sim::kept_rows`]): an unknown municipality or stream (with the closest
    /// name), or years outside the horizon, is an error.
    pub fn check(&self, m: &Model, rows: &KeptRows) -> Result<(), String> {
        let spec = self.spec();
        let ids: Vec<&str> = m.municipalities.iter().map(|x| x.id.as_str()).collect();
        if !ids.contains(&self.municipality.as_str()) {
            let hint = crate::scenario::read::did_you_mean(&self.municipality, &ids)
                .map(|k| format!("did you mean `{k}`? "))
                .unwrap_or_default();
            return Err(format!(
                "--target \"{spec}\": no municipality `{}`; {hint}the scenario's municipalities: {}",
                self.municipality,
                ids.join(", ")
            ));
        }
        let streams: Vec<&str> = rows
            .rows
            .iter()
            .filter(|(mu, _)| *mu == self.municipality)
            .map(|(_, s)| s.as_str())
            .collect();
        if !streams.contains(&self.stream.as_str()) {
            let hint = crate::scenario::read::did_you_mean(&self.stream, &streams)
                .map(|k| format!("did you mean `{k}`? "))
                .unwrap_or_default();
            return Err(format!(
                "--target \"{spec}\": `{}` has no stream `{}`; {hint}its streams: {}",
                self.municipality,
                self.stream,
                streams.join(", ")
            ));
        }
        let (first, last) = (m.start_year, m.year(m.years - 1));
        let outside = match self.years {
            Years::One(y) => !(first..=last).contains(&y),
            Years::Every(a, b) => a < first || b > last,
            Years::Npv => false,
        };
        if outside {
            return Err(format!(
                "--target \"{spec}\": the years are outside the scenario's horizon {first}-{last}"
            ));
        }
        Ok(())
    }

    /// The target ready to be tested on the kept values of a variant with these rows.
    pub fn locate(&self, m: &Model, rows: &KeptRows) -> Located {
        let row = rows
            .rows
            .iter()
            .position(|(mu, s)| *mu == self.municipality && *s == self.stream);
        let index = |y: i32| (y - m.start_year).clamp(0, m.years as i32 - 1) as usize;
        let (years, npv) = match self.years {
            Years::One(y) => (index(y)..index(y) + 1, false),
            Years::Every(a, b) => (index(a)..index(b) + 1, false),
            Years::Npv => (0..m.years, true),
        };
        Located {
            row,
            years,
            npv,
            amount: self.amount,
            discount: crate::stats::discount_factors(m.discount_rate, m.years),
        }
    }
}

/// A target resolved against one variant's rows.
#[derive(Debug, Clone)]
pub struct Located {
    /// The row of the stream; `None` where the model does not list it (it is zero).
    row: Option<usize>,
    years: std::ops::Range<usize>,
    npv: bool,
    amount: f64,
    discount: Vec<f64>,
}

impl Located {
    /// Whether the target holds in one path: `value(t)` is the stream in year index `t`.
    pub fn holds(&self, value: impl Fn(usize, usize) -> f64) -> bool {
        let Some(row) = self.row else {
            return 0.0 >= self.amount;
        };
        if self.npv {
            // Summed in year order from -0.0, as the engine sums a stream's NPV, so the value
            // is the same bits as the one behind npv.parquet.
            let mut npv = -0.0;
            for t in self.years.clone() {
                npv += value(row, t) * self.discount[t];
            }
            npv >= self.amount
        } else {
            self.years.clone().all(|t| value(row, t) >= self.amount)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse() {
        let t = Target::parse("kok-tash:social_package:2030>=5_000_000").unwrap();
        assert_eq!(t.municipality, "kok-tash");
        assert_eq!(t.stream, "social_package");
        assert_eq!(t.years, Years::One(2030));
        assert_eq!(t.amount, 5e6);
        let t = Target::parse("kok-tash:fund:rdf:Ala-Buka:2030-2035>=1e6").unwrap();
        assert_eq!(t.stream, "fund:rdf:Ala-Buka");
        assert_eq!(t.years, Years::Every(2030, 2035));
        let t = Target::parse("sulukta:project_total:NPV>=2.5e7").unwrap();
        assert_eq!(t.years, Years::Npv);
        assert_eq!(t.spec(), "sulukta:project_total:npv>=25000000");
        assert_eq!(
            Target::parse(&t.spec()).unwrap(),
            t,
            "a spec reads back as itself"
        );
    }

    #[test]
    fn malformed_specs_are_refused_with_the_form() {
        for (spec, why) in [
            ("kok-tash:project_total:2030", "no `>=`"),
            (
                "kok-tash:project_total:2030>=lots",
                "`lots` is not an amount",
            ),
            ("kok-tash:project_total:2030>=inf", "`inf` is not an amount"),
            ("kok-tash:2030>=5", "separated by `:`"),
            ("kok-tash:project_total:2035-2030>=5", "run backwards"),
            ("kok-tash:project_total:soon>=5", "`soon` is not a year"),
            (":project_total:2030>=5", "is empty"),
        ] {
            let e = Target::parse(spec).unwrap_err();
            assert!(e.contains(why), "{spec}: {e}");
            assert!(e.contains("MUNICIPALITY:STREAM:YEARS>=AMOUNT"), "{e}");
        }
    }

    #[test]
    fn a_range_must_hold_in_every_year_and_npv_discounts() {
        let discount = crate::stats::discount_factors(0.1, 3);
        let at = |years, npv, amount| Located {
            row: Some(0),
            years,
            npv,
            amount,
            discount: discount.clone(),
        };
        let values = [5.0, 3.0, 6.0];
        let v = |_: usize, t: usize| values[t];
        assert!(at(0..1, false, 4.0).holds(v));
        assert!(!at(0..3, false, 4.0).holds(v), "2027 falls short");
        assert!(at(2..3, false, 6.0).holds(v));
        let npv = 5.0 + 3.0 / 1.1 + 6.0 / 1.21;
        assert!(at(0..3, true, npv - 1e-9).holds(v));
        assert!(!at(0..3, true, npv + 1e-9).holds(v));
        // A stream the model does not list is zero.
        let none = Located {
            row: None,
            ..at(0..1, false, 0.0)
        };
        assert!(none.holds(v));
        assert!(!Located {
            amount: 1.0,
            ..none
        }
        .holds(v));
    }
}
