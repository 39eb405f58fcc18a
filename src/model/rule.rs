//! Municipal budget rules: how a municipality turns the project money it receives into
//! spending, through a reserve of its own (docs/model.md section 10). A rule never feeds back
//! into the fiscal system; the engine evaluates every rule on the same paths.

use super::{Dated, Names, Notes};

/// The id of the reference rule, "spend what arrives", evaluated beside the declared rules
/// whenever there is one; no declared rule may take it.
pub const AS_RECEIVED: &str = "as_received";

/// How a rule sets the year's spending target `T[t]` from the project money `P` and the money
/// available `A[t]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spend {
    /// `T[t] = P[t]`.
    AsReceived,
    /// `T[t] = mean(P[max(0, t-k+1) ..= t])`, `k >= 1`.
    MovingAverage { years: usize },
    /// `T[t] = (1 - s) P[t] + s M[t]`, `M` the mean of the `k` previous years (`M[0] = P[0]`);
    /// `s` in [0, 1], `k >= 1`.
    Partial { share: f64, years: usize },
    /// `T[t] = r A[t]`, `r` in (0, 1].
    ShareOfReserve { share: f64 },
}

impl Spend {
    /// What is wrong with these parameters, if anything (the reader reports it with the key
    /// path; [`BudgetRule::new`] refuses it).
    pub fn problem(&self) -> Option<&'static str> {
        match *self {
            Spend::AsReceived => None,
            Spend::MovingAverage { years } | Spend::Partial { years, .. } if years == 0 => {
                Some("expected a whole number of years >= 1")
            }
            Spend::Partial { share, .. } if !(0.0..=1.0).contains(&share) => {
                Some("expected a share in [0, 1]")
            }
            Spend::ShareOfReserve { share } if !(share > 0.0 && share <= 1.0) => {
                Some("expected a share in (0, 1]")
            }
            _ => None,
        }
    }

    /// The form's name in the file.
    pub fn name(&self) -> &'static str {
        match self {
            Spend::AsReceived => AS_RECEIVED,
            Spend::MovingAverage { .. } => "moving_average",
            Spend::Partial { .. } => "partial",
            Spend::ShareOfReserve { .. } => "share_of_reserve",
        }
    }
}

/// Why a [`BudgetRule`] cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuleError {
    #[error("spend: {0}")]
    Spend(&'static str),
    #[error("reserve_return {0}: expected a number > -1")]
    Return(f64),
    #[error("reserve_cap: expected amounts >= 0")]
    Cap,
    #[error("applies_to: expected at least one municipality")]
    NoMunicipality,
}

/// A validated budget rule: built only through [`BudgetRule::new`] (or
/// [`BudgetRule::as_received`]), so its parameters are always in range.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetRule {
    id: String,
    label: Names,
    spend: Spend,
    reserve_cap: Option<Dated>,
    reserve_return: f64,
    applies_to: Option<Vec<usize>>,
    notes: Notes,
}

impl BudgetRule {
    /// `applies_to`: municipality indices, or `None` for every municipality.
    pub fn new(
        id: String,
        label: Names,
        spend: Spend,
        reserve_cap: Option<Dated>,
        reserve_return: f64,
        applies_to: Option<Vec<usize>>,
        notes: Notes,
    ) -> Result<BudgetRule, RuleError> {
        if let Some(p) = spend.problem() {
            return Err(RuleError::Spend(p));
        }
        if !(reserve_return > -1.0 && reserve_return.is_finite()) {
            return Err(RuleError::Return(reserve_return));
        }
        if let Some(c) = &reserve_cap {
            if c.points()
                .iter()
                .any(|(_, v)| !(*v >= 0.0 && v.is_finite()))
            {
                return Err(RuleError::Cap);
            }
        }
        if applies_to.as_ref().is_some_and(Vec::is_empty) {
            return Err(RuleError::NoMunicipality);
        }
        Ok(BudgetRule {
            id,
            label,
            spend,
            reserve_cap,
            reserve_return,
            applies_to,
            notes,
        })
    }

    /// The reference rule: spend what arrives, no reserve.
    pub fn as_received() -> BudgetRule {
        BudgetRule {
            id: AS_RECEIVED.to_string(),
            label: Names::from([("en".to_string(), "Spend what arrives".to_string())]),
            spend: Spend::AsReceived,
            reserve_cap: None,
            reserve_return: 0.0,
            applies_to: None,
            notes: Notes::default(),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn label(&self) -> &Names {
        &self.label
    }
    pub fn spend(&self) -> Spend {
        self.spend
    }
    pub fn reserve_cap(&self) -> Option<&Dated> {
        self.reserve_cap.as_ref()
    }
    pub fn reserve_return(&self) -> f64 {
        self.reserve_return
    }
    pub fn notes(&self) -> &Notes {
        &self.notes
    }

    /// Whether the rule applies to municipality `mu`.
    pub fn applies_to(&self, mu: usize) -> bool {
        self.applies_to.as_ref().is_none_or(|l| l.contains(&mu))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(spend: Spend, ret: f64) -> Result<BudgetRule, RuleError> {
        BudgetRule::new(
            "r".into(),
            Names::new(),
            spend,
            None,
            ret,
            None,
            Notes::default(),
        )
    }

    #[test]
    fn out_of_range_rules_cannot_be_built() {
        assert!(rule(Spend::MovingAverage { years: 0 }, 0.0).is_err());
        assert!(rule(
            Spend::Partial {
                share: 1.5,
                years: 3
            },
            0.0
        )
        .is_err());
        assert!(rule(
            Spend::Partial {
                share: 0.5,
                years: 0
            },
            0.0
        )
        .is_err());
        assert!(rule(Spend::ShareOfReserve { share: 0.0 }, 0.0).is_err());
        assert!(rule(Spend::ShareOfReserve { share: 1.0 }, 0.0).is_ok());
        assert!(rule(Spend::MovingAverage { years: 1 }, -1.0).is_err());
        assert!(rule(
            Spend::Partial {
                share: 0.0,
                years: 1
            },
            0.02
        )
        .is_ok());
        let cap = Dated::from_points(vec![(2026, -1.0)]);
        let capped = BudgetRule::new(
            "r".into(),
            Names::new(),
            Spend::AsReceived,
            Some(cap),
            0.0,
            Some(vec![]),
            Notes::default(),
        );
        assert_eq!(capped, Err(RuleError::Cap));
    }

    #[test]
    fn applies_to_every_municipality_unless_listed() {
        let all = BudgetRule::as_received();
        assert!(all.applies_to(0) && all.applies_to(7));
        let some = BudgetRule::new(
            "r".into(),
            Names::new(),
            Spend::AsReceived,
            None,
            0.0,
            Some(vec![2]),
            Notes::default(),
        )
        .unwrap();
        assert!(some.applies_to(2) && !some.applies_to(0));
    }
}
