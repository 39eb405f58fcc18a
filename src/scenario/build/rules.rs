//! Municipal budget rules, `[[budget_rule]]` (docs/model.md section 10): read after the
//! municipalities, whose ids `applies_to` names.

use super::*;

/// The forms `spend` takes, for messages.
const SPEND_FORMS: &str = "\"as_received\", { moving_average = k }, { partial = { share = s, years = k } } or { share_of_reserve = r }";

impl<'t> Builder<'t> {
    pub(super) fn budget_rules(&mut self, d: &mut Diags) -> Vec<BudgetRule> {
        let start_year = self.start_year;
        let mut out = Vec::new();
        for (mut r, id) in entities(&mut self.root, "budget_rule", d) {
            if id == Some(AS_RECEIVED) {
                let o = r.node("id").map_or(r.origin, |n| n.origin);
                d.error(
                    o,
                    r.key_path("id"),
                    format!("\"{AS_RECEIVED}\" is reserved for the reference rule that aimak evaluates beside every declared rule (spend what arrives); choose another id"),
                );
            }
            let label = r.names(d, "label");
            let spend = spend(d, &mut r);
            let cap = r.dated(d, "reserve_cap", false, nonneg, start_year);
            let cap_bad = r.has("reserve_cap") && cap.is_none();
            let ret = r.opt_num(d, "reserve_return", above_minus_one);
            let applies_to = self.rule_municipalities(d, &mut r);
            let notes = r.notes(d);
            let origin = r.origin;
            r.finish(d, keys::BUDGET_RULE);
            let (Some(id), Some(spend), Ok(ret), Ok(applies_to), false) =
                (id, spend, ret, applies_to, cap_bad)
            else {
                continue;
            };
            if id == AS_RECEIVED {
                continue;
            }
            // Every value was checked above with its key path; the constructor checks again.
            match BudgetRule::new(
                id.to_string(),
                label,
                spend,
                cap,
                ret.unwrap_or(0.0),
                applies_to,
                notes,
            ) {
                Ok(rule) => out.push(rule),
                Err(e) => d.error(origin, format!("budget_rule[{id}]"), e.to_string()),
            }
        }
        out
    }

    /// `applies_to`: municipality ids, resolved to indices (`None`: every municipality).
    fn rule_municipalities(
        &self,
        d: &mut Diags,
        r: &mut Reader<'t>,
    ) -> Result<Option<Vec<usize>>, Reported> {
        let path = r.key_path("applies_to");
        let Some(node) = r.node("applies_to") else {
            return Ok(None);
        };
        let Value::Array(items) = &node.value else {
            d.error(
                node.origin,
                path,
                format!(
                    "found {}, expected an array of municipality ids",
                    node.value.type_name()
                ),
            );
            return Err(Reported);
        };
        if items.is_empty() {
            d.error(
                node.origin,
                path,
                "found an empty list, expected at least one municipality id (omit applies_to for every municipality)",
            );
            return Err(Reported);
        }
        let mut out = Vec::new();
        let mut ok = true;
        for (i, n) in items.iter().enumerate() {
            let Some(m) = Reader::str_node(d, n, format!("{path}[{i}]")) else {
                ok = false;
                continue;
            };
            match self.municipalities.iter().position(|x| x.id == m) {
                Some(mu) if out.contains(&mu) => {
                    d.error(
                        n.origin,
                        format!("{path}[{i}]"),
                        format!("municipality \"{m}\" is listed twice"),
                    );
                    ok = false;
                }
                Some(mu) => out.push(mu),
                None if Failed::has(&self.failed.municipalities, m) => ok = false,
                None => {
                    d.error(
                        n.origin,
                        format!("{path}[{i}]"),
                        format!(
                            "unknown municipality \"{m}\"; expected one of {}",
                            ids(self.municipalities.iter().map(|m| m.id.as_str()))
                        ),
                    );
                    ok = false;
                }
            }
        }
        if ok {
            Ok(Some(out))
        } else {
            Err(Reported)
        }
    }
}

/// `spend`: the word "as_received", or a table with exactly one of the forms of [`keys::SPEND`].
fn spend(d: &mut Diags, r: &mut Reader<'_>) -> Option<Spend> {
    let path = r.key_path("spend");
    let node = r.required(d, "spend", SPEND_FORMS)?;
    let table = match &node.value {
        Value::Str(s) if s == AS_RECEIVED => return Some(Spend::AsReceived),
        Value::Table(t) => t,
        other => {
            let found = match other {
                Value::Str(s) => read::shown(s),
                v => v.type_name().to_string(),
            };
            d.error(
                node.origin,
                path,
                format!("found {found}, expected {SPEND_FORMS}"),
            );
            return None;
        }
    };
    let mut s = Reader::new(table, node.origin, path.clone());
    let forms: Vec<&str> = keys::SPEND.iter().copied().filter(|k| s.has(k)).collect();
    let out = match forms.as_slice() {
        [] => {
            // Any keys there are unknown: `finish` names them (with a suggestion); an empty
            // table is reported here.
            if table.entries.is_empty() {
                d.error(
                    node.origin,
                    path,
                    format!("found an empty table, expected {SPEND_FORMS}"),
                );
            }
            None
        }
        [form] => spend_form(d, &mut s, form),
        _ => {
            d.error(
                node.origin,
                path,
                format!(
                    "found {}, expected exactly one of them: {SPEND_FORMS}",
                    forms.join(" and ")
                ),
            );
            forms.iter().for_each(|k| s.skip(k));
            None
        }
    };
    s.finish(d, keys::SPEND);
    out
}

fn spend_form(d: &mut Diags, s: &mut Reader<'_>, form: &str) -> Option<Spend> {
    match form {
        "moving_average" => {
            let years = s.count(d, form, 1, i64::MAX)?;
            Some(Spend::MovingAverage {
                years: years as usize,
            })
        }
        "share_of_reserve" => {
            let share = s.num(d, form, |x| {
                if x > 0.0 && x <= 1.0 {
                    Ok(())
                } else {
                    Err("expected a share in (0, 1]: the part of the money available spent each year")
                }
            })?;
            Some(Spend::ShareOfReserve { share })
        }
        _ => {
            let mut p = s.table(d, form, true)?;
            let share = p.num(d, "share", unit);
            let years = p.count(d, "years", 1, i64::MAX);
            p.finish(d, keys::PARTIAL);
            Some(Spend::Partial {
                share: share?,
                years: years? as usize,
            })
        }
    }
}
