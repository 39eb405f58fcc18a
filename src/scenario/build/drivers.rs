//! Drivers and the correlation of their shocks (docs/model.md section 2).

use super::*;

impl<'t> Builder<'t> {
    pub(super) fn drivers(&mut self, d: &mut Diags) {
        let Some(mut all) = self.root.table(d, "driver", false) else {
            return;
        };
        let table = all.table;
        for e in &table.entries {
            all.skip(&e.key);
            let path = format!("driver[{}]", e.key);
            if !is_id(&e.key) {
                d.error(
                    e.key_origin,
                    path.clone(),
                    format!("found {}, {}", read::shown(&e.key), read::ID_EXPECTED),
                );
            }
            let Some(mut r) = Reader::of(&e.node, path, d) else {
                continue;
            };
            match self.driver(d, &mut r, &e.key) {
                Some(driver) => {
                    self.drivers.push(driver);
                    r.finish(d, keys::DRIVER);
                }
                None => {
                    self.failed.drivers.push(e.key.clone());
                    r.finish_failed(d, keys::DRIVER);
                }
            }
        }
    }

    pub(super) fn driver(&mut self, d: &mut Diags, r: &mut Reader<'t>, id: &str) -> Option<Driver> {
        let unit_ = r.opt_name(d, "unit").map(str::to_string);
        let name = r.opt_name(d, "name").map(str::to_string);
        let notes = r.notes(d);
        let model = r.choice(
            d,
            "model",
            &[
                "fixed",
                "gbm",
                "mean_reverting",
                "bootstrap",
                "inflation",
                "history",
            ],
            None,
        );
        let kind = match model? {
            "fixed" => DriverKind::Fixed {
                value: r.dated(d, "value", true, positive, self.start_year)?,
            },
            // Every key of a model is read before a missing one stops the driver, so the
            // error names what is missing, not the keys left unread behind it.
            "gbm" => {
                let start = r.num(d, "start", positive);
                let drift = r.num_or(d, "drift", 0.0, any);
                let volatility = r.num_or(d, "volatility", 0.0, nonneg);
                DriverKind::Gbm {
                    start: start?,
                    drift,
                    volatility,
                }
            }
            "mean_reverting" => {
                let start = r.num(d, "start", positive);
                let long_run = r.num(d, "long_run", positive);
                let speed = r.num(d, "speed", positive);
                let volatility = r.num_or(d, "volatility", 0.0, nonneg);
                DriverKind::MeanReverting {
                    start: start?,
                    long_run: long_run?,
                    speed: speed?,
                    volatility,
                }
            }
            "bootstrap" => {
                let (log_returns, last) = history_returns(d, r)?;
                DriverKind::Bootstrap {
                    start: r.opt_num(d, "start", positive).ok()?.unwrap_or(last),
                    log_returns,
                }
            }
            "inflation" => {
                let mean = r.num(d, "mean", above_minus_one);
                let sd = r.num_or(d, "sd", 0.0, nonneg);
                DriverKind::Inflation { mean: mean?, sd }
            }
            _ => self.history(d, r)?,
        };
        let jump = match r.node("jump") {
            None => None,
            Some(n) => {
                // A history driver's record is what happened; its continuation is a plain
                // process (docs/choices.md).
                if !matches!(
                    kind,
                    DriverKind::Gbm { .. }
                        | DriverKind::MeanReverting { .. }
                        | DriverKind::Bootstrap { .. }
                ) {
                    d.error(
                        n.origin,
                        r.key_path("jump"),
                        format!("a {} driver cannot jump; jumps apply to gbm, mean_reverting and bootstrap drivers", kind.name()),
                    );
                    return None;
                }
                let mut j = Reader::of(n, r.key_path("jump"), d)?;
                let probability = j.num(d, "probability", unit);
                let min = j.num(d, "min", above_minus_one);
                let max = j.num(d, "max", above_minus_one);
                j.finish(d, keys::JUMP);
                let (probability, min, max) = (probability?, min?, max?);
                if min > max {
                    d.error(
                        n.origin,
                        r.key_path("jump"),
                        format!("min {min} is above max {max}; expected min <= max"),
                    );
                    return None;
                }
                Some(Jump {
                    probability,
                    min,
                    max,
                })
            }
        };
        Some(Driver {
            id: id.to_string(),
            unit: unit_,
            name,
            kind,
            jump,
            notes,
        })
    }

    /// A `history` driver (docs/model.md section 13): recorded values by calendar year, no
    /// gaps, then an optional continuation. The record must cover the first simulated year,
    /// and without a continuation every simulated year.
    fn history(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<DriverKind> {
        let values = match r.required(d, "values", "a table from calendar year to value") {
            Some(n) => read::read_dated(d, n, &r.key_path("values"), positive, None),
            None => None,
        };
        let then = match r.node("then") {
            None => Some(None),
            Some(n) => {
                let mut t = Reader::of(n, r.key_path("then"), d)?;
                let c = continuation(d, &mut t);
                t.finish(d, keys::THEN);
                c.map(Some)
            }
        };
        let (values, then) = (values?, then?);
        let origin = r.node("values").map_or(r.origin, |n| n.origin);
        let points = values.points();
        let first = points[0].0;
        let last = points[points.len() - 1].0;
        if points.windows(2).any(|w| w[1].0 != w[0].0 + 1) {
            d.error(
                origin,
                r.key_path("values"),
                format!("the years {first}-{last} have gaps; expected one value for every year"),
            );
            return None;
        }
        if let Some(start) = self.start_year {
            let end = start + self.years as i32 - 1;
            if first > start {
                d.error(
                    origin,
                    r.key_path("values"),
                    format!("the record starts in {first}, after the scenario's start_year {start}: expected a value for every simulated year from {start}"),
                );
                return None;
            }
            if then.is_none() && last < end {
                d.error(
                    origin,
                    r.key_path("values"),
                    format!("the record ends in {last} and the scenario runs to {end}: give the years up to {end}, or a continuation `then`"),
                );
                return None;
            }
        }
        Some(DriverKind::History {
            first,
            values: points.iter().map(|p| p.1).collect(),
            then,
        })
    }

    pub(super) fn correlations(&mut self, d: &mut Diags) -> Option<Correlation> {
        let items = match self.root.array(d, "correlation", false) {
            Some(items) => items,
            None => return Some(Correlation::default()),
        };
        let mut pairs: BTreeMap<(usize, usize), f64> = BTreeMap::new();
        let mut ok = true;
        let mut first_origin = Origin::NONE;
        for (i, node) in items.iter().enumerate() {
            let path = format!("correlation[{i}]");
            let Some(mut r) = Reader::of(node, path.clone(), d) else {
                ok = false;
                continue;
            };
            if first_origin.is_none() {
                first_origin = node.origin;
            }
            let names = r.strings(d, "drivers");
            if !r.has("drivers") {
                r.required(d, "drivers", "two driver ids");
            }
            let rho = r.num(d, "rho", |x| {
                if x > -1.0 && x < 1.0 {
                    Ok(())
                } else {
                    Err("expected a correlation strictly between -1 and 1")
                }
            });
            r.notes(d);
            r.finish(d, keys::CORRELATION);
            let (Some(names), Some(rho)) = (names, rho) else {
                ok = false;
                continue;
            };
            if names.len() != 2 || names[0] == names[1] {
                d.error(
                    node.origin,
                    format!("{path}.drivers"),
                    format!("found {names:?}, expected exactly two distinct driver ids"),
                );
                ok = false;
                continue;
            }
            let mut idx = [0usize; 2];
            for (k, name) in names.iter().enumerate() {
                match self.drivers.iter().position(|x| x.id == *name) {
                    None if Failed::has(&self.failed.drivers, name) => ok = false,
                    None => {
                        d.error(
                            node.origin,
                            format!("{path}.drivers"),
                            format!("unknown driver \"{name}\""),
                        );
                        ok = false;
                    }
                    Some(j) if !self.drivers[j].kind.has_normal_shock() => {
                        d.error(
                            node.origin,
                            format!("{path}.drivers"),
                            format!(
                                "driver \"{name}\" is {}; only gbm, mean_reverting and inflation drivers, and history drivers continued by gbm or mean_reverting, have a shock to correlate",
                                self.drivers[j].kind.name()
                            ),
                        );
                        ok = false;
                    }
                    Some(j) => idx[k] = j,
                }
            }
            if !ok {
                continue;
            }
            let key = (idx[0].min(idx[1]), idx[0].max(idx[1]));
            if pairs.insert(key, rho).is_some() {
                d.error(
                    node.origin,
                    path,
                    format!("the pair {} / {} is given twice", names[0], names[1]),
                );
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        let mut members: Vec<usize> = pairs.keys().flat_map(|(a, b)| [*a, *b]).collect();
        members.sort();
        members.dedup();
        let n = members.len();
        let mut m = Array2::<f64>::eye(n);
        for ((a, b), rho) in &pairs {
            let i = members.iter().position(|x| x == a).expect("member");
            let j = members.iter().position(|x| x == b).expect("member");
            m[[i, j]] = *rho;
            m[[j, i]] = *rho;
        }
        match cholesky(&m) {
            Some(l) => Some(Correlation {
                drivers: members,
                cholesky: l,
            }),
            None => {
                d.error(
                    first_origin,
                    "correlation",
                    "the correlation matrix of these [[correlation]] tables is not positive definite; no set of drivers can have these correlations together",
                );
                None
            }
        }
    }
}

/// The continuation of a history driver: `gbm`, `mean_reverting` or `bootstrap` with their
/// keys, and no `start` (it starts from the last recorded value).
fn continuation(d: &mut Diags, t: &mut Reader) -> Option<Continuation> {
    if let Some(n) = t.node("start") {
        d.error(
            n.origin,
            t.key_path("start"),
            "a continuation starts from the last recorded value: remove `start`",
        );
    }
    let model = t.choice(d, "model", &["gbm", "mean_reverting", "bootstrap"], None)?;
    Some(match model {
        "gbm" => Continuation::Gbm {
            drift: t.num_or(d, "drift", 0.0, any),
            volatility: t.num_or(d, "volatility", 0.0, nonneg),
        },
        "mean_reverting" => {
            let long_run = t.num(d, "long_run", positive);
            let speed = t.num(d, "speed", positive);
            let volatility = t.num_or(d, "volatility", 0.0, nonneg);
            Continuation::MeanReverting {
                long_run: long_run?,
                speed: speed?,
                volatility,
            }
        }
        _ => Continuation::Bootstrap {
            log_returns: history_returns(d, t)?.0,
        },
    })
}

/// A bootstrap's `history`: its yearly log-returns and its last value; at least two values,
/// all positive.
fn history_returns(d: &mut Diags, r: &mut Reader) -> Option<(Vec<f64>, f64)> {
    let path = r.key_path("history");
    let history = r.numbers(d, "history", positive)?;
    if history.len() < 2 {
        d.error(
            r.node("history").map_or(r.origin, |n| n.origin),
            path,
            format!(
                "found {} value(s), expected at least 2 to form a log-return",
                history.len()
            ),
        );
        return None;
    }
    let returns = history.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
    Some((returns, history[history.len() - 1]))
}
