//! Instruments, their rates and amounts, `applies_to`, and routes resolved per project (section 5).

use super::*;

impl<'t> Builder<'t> {
    pub(super) fn instruments(&mut self, d: &mut Diags) {
        for (mut r, id) in entities(&mut self.root, "instrument", d) {
            let i = self.instrument(d, &mut r, id);
            r.finish(d, keys::INSTRUMENT);
            if let Some(i) = i {
                self.instruments.push(i);
            }
        }
    }

    pub(super) fn instrument(
        &mut self,
        d: &mut Diags,
        r: &mut Reader<'t>,
        id: Option<&str>,
    ) -> Option<Instrument> {
        let start_year = self.start_year;
        let mut label = r.names(d, "label");
        if let Some(n) = r.opt_name(d, "name") {
            label.entry("en".into()).or_insert_with(|| n.to_string());
        }
        let notes = r.notes(d);
        let base = match r.choice(d, "base", &Base::ALL, None) {
            Some("gross_revenue") => Some(Base::GrossRevenue),
            Some("output") => Some(Base::Output),
            Some("hectares") => Some(Base::Hectares),
            Some("payroll") => Some(Base::Payroll),
            Some("fixed") => Some(Base::Fixed),
            Some("one_off") => Some(Base::OneOff),
            _ => None,
        };
        let usd = self.currency(d, r);
        let lag_years = r
            .opt_count(d, "lag_years", 0, 1000)
            .ok()
            .map(|l| l.unwrap_or(0) as usize);
        let probability = r.num_or(d, "probability", 1.0, unit);
        let counts_for_grant = r.opt_bool(d, "counts_for_grant", true);
        let indexed = r.opt_bool(d, "indexed", false);
        let when_given = r.choice(d, "when", &["producing", "active"], Some(""));
        let applies = self.applies_to(d, r);
        let route = self.route(d, r);
        let base = base?;

        let charge;
        if base.is_rate_based() {
            match (r.has("rate"), r.has("rate_scale")) {
                (true, true) => {
                    let o = r.node("rate").map(|n| n.origin).unwrap_or(r.origin);
                    r.skip("rate_scale");
                    d.error(
                        o,
                        r.key_path("rate"),
                        "both `rate` and `rate_scale` are given; expected one of them",
                    );
                    return None;
                }
                (false, false) => {
                    r.required(d, "rate", "a dated number, or `rate_scale`");
                    return None;
                }
                (true, false) => {
                    charge =
                        base.with_rate(Rate::Dated(r.dated(d, "rate", true, nonneg, start_year)?))
                }
                (false, true) => charge = base.with_rate(self.rate_scale(d, r)?),
            }
            if matches!(base, Base::GrossRevenue | Base::Payroll) {
                if indexed {
                    let o = r.table.get("indexed").map(|n| n.origin).unwrap_or(r.origin);
                    d.error(
                        o,
                        r.key_path("indexed"),
                        format!("`indexed = true` is not allowed on a {} base: it moves with prices already", base.name()),
                    );
                    return None;
                }
                if usd == Some(true) {
                    let o = r
                        .table
                        .get("currency")
                        .map(|n| n.origin)
                        .unwrap_or(r.origin);
                    d.error(
                        o,
                        r.key_path("currency"),
                        format!(
                            "a rate on {} is a fraction; `currency` does not apply",
                            base.name()
                        ),
                    );
                    return None;
                }
            }
        } else {
            let node = r.required(
                d,
                "amount",
                "a dated number or { median = ..., sigma = ... }",
            )?;
            let path = r.key_path("amount");
            let amount = match &node.value {
                Value::Table(t) if t.get("median").is_some() || t.get("sigma").is_some() => {
                    let mut a = Reader::new(t, node.origin, path);
                    let median = a.num(d, "median", nonneg);
                    let sigma = a.num(d, "sigma", nonneg);
                    a.finish(d, keys::LOGNORMAL);
                    Amount::LogNormal {
                        median: median?,
                        sigma: sigma?,
                    }
                }
                _ => Amount::Dated(read::read_dated(d, node, &path, nonneg, start_year)?),
            };
            charge = if base == Base::OneOff {
                let node = r.required(d, "at", "a calendar year or \"start\"")?;
                let at = match &node.value {
                    Value::Str(s) if s == "start" => At::Start,
                    Value::Int(y) if (1..=9999).contains(y) => At::Year(*y as i32),
                    _ => {
                        d.error(node.origin, r.key_path("at"), "expected a calendar year such as 2030, or \"start\" (the project's actual start year)");
                        return None;
                    }
                };
                Some(Charge::OneOff { amount, at })
            } else {
                Some(Charge::Fixed(amount))
            };
        }
        // Every base is either rate-based or not, so `charge` is always `Some` here.
        let charge = charge?;
        let when = match when_given? {
            "producing" => When::Producing,
            "active" => When::Active,
            _ => base.default_when(),
        };
        let route = route?;
        let applies = applies?;
        let flows = self.flows(d, r, &route, &applies)?;
        Some(Instrument {
            id: id?.to_string(),
            label,
            charge,
            usd: usd?,
            route,
            lag_years: lag_years?,
            when,
            probability,
            counts_for_grant,
            indexed,
            flows,
            notes,
        })
    }

    pub(super) fn rate_scale(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<Rate> {
        let mut s = r.table(d, "rate_scale", true)?;
        let driver = self.driver_ref(d, &mut s, "driver");
        let thresholds = s.numbers(d, "thresholds", any);
        let rates = s.numbers(d, "rates", nonneg);
        let (o, path) = (s.origin, s.path.clone());
        s.finish(d, keys::RATE_SCALE);
        let (driver, thresholds, rates) = (driver?, thresholds?, rates?);
        if thresholds.windows(2).any(|w| w[0] >= w[1]) {
            d.error(
                o,
                format!("{path}.thresholds"),
                "thresholds must be strictly increasing",
            );
            return None;
        }
        if rates.len() != thresholds.len() + 1 {
            d.error(
                o,
                path,
                format!(
                    "{} thresholds need {} rates, found {}",
                    thresholds.len(),
                    thresholds.len() + 1,
                    rates.len()
                ),
            );
            return None;
        }
        Some(Rate::Scale {
            driver,
            thresholds,
            rates,
        })
    }

    /// The projects an instrument applies to (all of them without `applies_to`).
    pub(super) fn applies_to(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<Vec<usize>> {
        let Some(mut a) = r.table(d, "applies_to", false) else {
            return if r.has("applies_to") {
                None
            } else {
                Some((0..self.projects.len()).collect())
            };
        };
        let mut ok = true;
        let mut lists: Vec<(&str, Vec<&str>)> = Vec::new();
        for key in ["tags", "kinds", "projects"] {
            let Some(n) = a.table.get(key) else { continue };
            match a.strings(d, key) {
                Some(v) if v.is_empty() => {
                    d.error(n.origin, a.key_path(key), "found an empty list; expected at least one value (omit `applies_to` to apply to all projects)");
                    ok = false;
                }
                Some(v) => {
                    for s in &v {
                        let known = match key {
                            "kinds" => ProjectKind::ALL.contains(s),
                            "projects" if Failed::has(&self.failed.projects, s) => {
                                // Its own errors are reported already.
                                ok = false;
                                true
                            }
                            "projects" => self.projects.iter().any(|p| p.id == *s),
                            _ => true,
                        };
                        if !known {
                            d.error(
                                n.origin,
                                a.key_path(key),
                                format!("unknown {} \"{s}\"", &key[..key.len() - 1]),
                            );
                            ok = false;
                        }
                    }
                    lists.push((key, v));
                }
                None => ok = false,
            }
        }
        if lists.is_empty() && ok {
            d.error(
                a.origin,
                a.path.clone(),
                "expected at least one of `tags`, `kinds`, `projects`",
            );
            ok = false;
        }
        a.finish(d, keys::APPLIES_TO);
        if !ok {
            return None;
        }
        Some(
            self.projects
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    lists.iter().all(|(key, vals)| match *key {
                        "tags" => p.tags.iter().any(|t| vals.contains(&t.as_str())),
                        "kinds" => vals.contains(&p.kind.name()),
                        _ => vals.contains(&p.id.as_str()),
                    })
                })
                .map(|(i, _)| i)
                .collect(),
        )
    }

    pub(super) fn route(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<Vec<Route>> {
        let path = r.key_path("route");
        let origin = r.node("route").map(|n| n.origin).unwrap_or(r.origin);
        let items = r.array(d, "route", true)?;
        if items.is_empty() {
            d.error(origin, path, "expected at least one route entry");
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for (i, n) in items.iter().enumerate() {
            let epath = format!("{path}[{i}]");
            let Some(mut e) = Reader::of(n, epath.clone(), d) else {
                ok = false;
                continue;
            };
            let to = e.string(d, "to");
            let to_origin = e.node("to").map(|n| n.origin).unwrap_or(n.origin);
            let share = e.num(d, "share", unit);
            e.finish(d, keys::ROUTE);
            let (Some(to), Some(share)) = (to, share) else {
                ok = false;
                continue;
            };
            let dest = match to {
                "host" => Some(RouteTo::Host),
                "host_community" => Some(RouteTo::HostCommunity),
                "district_fund" => Some(RouteTo::DistrictFund),
                "oblast_fund" => Some(RouteTo::OblastFund),
                "republic" => Some(RouteTo::Republic),
                "oblast" => Some(RouteTo::Oblast),
                _ => match to.split_once(':') {
                    Some(("municipality", id)) => {
                        match self.municipalities.iter().position(|m| m.id == id) {
                            Some(m) => Some(RouteTo::Municipality(m)),
                            None if Failed::has(&self.failed.municipalities, id) => None,
                            None => {
                                d.error(
                                    to_origin,
                                    format!("{epath}.to"),
                                    format!("unknown municipality \"{id}\""),
                                );
                                None
                            }
                        }
                    }
                    Some(("fund", id)) => {
                        if self.funds.iter().any(|f| f.declared == id || f.id == id) {
                            Some(RouteTo::Fund(id.to_string()))
                        } else if Failed::has(&self.failed.funds, id)
                            || id
                                .split_once(':')
                                .is_some_and(|(f, _)| Failed::has(&self.failed.funds, f))
                        {
                            None
                        } else {
                            d.error(
                                to_origin,
                                format!("{epath}.to"),
                                format!(
                                    "unknown fund \"{id}\"; expected one of {}",
                                    ids(self.funds.iter().map(|f| f.id.as_str()))
                                ),
                            );
                            None
                        }
                    }
                    _ => {
                        d.error(
                            to_origin,
                            format!("{epath}.to"),
                            format!("found \"{to}\", expected \"host\", \"host_community\", \"municipality:<id>\", \"fund:<id>\", \"district_fund\", \"oblast_fund\", \"republic\" or \"oblast\""),
                        );
                        None
                    }
                },
            };
            match dest {
                Some(to) => out.push(Route { to, share }),
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        let sum: f64 = out.iter().map(|x| x.share).sum();
        if (sum - 1.0).abs() > SHARE_TOLERANCE {
            d.error(
                origin,
                path,
                format!("route shares sum to {}, expected 1", read::shown_num(sum)),
            );
            return None;
        }
        Some(out)
    }

    /// Resolves an instrument's route for each project it applies to.
    pub(super) fn flows(
        &mut self,
        d: &mut Diags,
        r: &Reader<'t>,
        route: &[Route],
        applies: &[usize],
    ) -> Option<Vec<Flow>> {
        let mut flows = Vec::new();
        let mut ok = true;
        for &p in applies {
            let project = &self.projects[p];
            let mut targets: BTreeMap<Target, f64> = BTreeMap::new();
            for (ri, rt) in route.iter().enumerate() {
                let rpath = format!("{}.route[{ri}]", r.path);
                let rorigin = r
                    .table
                    .get("route")
                    .and_then(|n| match &n.value {
                        Value::Array(a) => a.get(ri).map(|x| x.origin),
                        _ => None,
                    })
                    .unwrap_or(r.origin);
                let simple = match &rt.to {
                    RouteTo::Municipality(m) => Some(Target::Budget(*m)),
                    RouteTo::Republic => Some(Target::Republic),
                    RouteTo::Fund(id) => self
                        .funds
                        .iter()
                        .position(|f| f.id == *id)
                        .map(Target::Fund),
                    _ => None,
                };
                if let Some(t) = simple {
                    *targets.entry(t).or_default() += rt.share;
                    continue;
                }
                for h in &project.hosts {
                    let m = &self.municipalities[h.municipality];
                    let share = rt.share * h.share;
                    let target = match &rt.to {
                        RouteTo::Host => Target::Budget(h.municipality),
                        RouteTo::HostCommunity => Target::Community(h.municipality),
                        RouteTo::Oblast => {
                            let mut obl: Vec<&str> = self
                                .municipalities
                                .iter()
                                .map(|x| x.oblast.as_str())
                                .collect();
                            obl.sort();
                            obl.dedup();
                            Target::Oblast(
                                obl.iter()
                                    .position(|o| *o == m.oblast)
                                    .expect("host oblast"),
                            )
                        }
                        RouteTo::Fund(declared) => {
                            // The expansion of an `area = "*"` fund for this host's area.
                            let f = self.funds.iter().position(|f| {
                                f.declared == *declared
                                    && f.area
                                        == *match f.level {
                                            Level::District => &m.district,
                                            Level::Oblast => &m.oblast,
                                        }
                            });
                            Target::Fund(f.expect("every area of a municipality has its expansion"))
                        }
                        RouteTo::DistrictFund | RouteTo::OblastFund => {
                            let (level, area) = if rt.to == RouteTo::DistrictFund {
                                (Level::District, &m.district)
                            } else {
                                (Level::Oblast, &m.oblast)
                            };
                            let found: Vec<usize> = self
                                .funds
                                .iter()
                                .enumerate()
                                .filter(|(_, f)| f.level == level && f.area == *area)
                                .map(|(i, _)| i)
                                .collect();
                            match found.as_slice() {
                                [f] => Target::Fund(*f),
                                [] if !self.failed.funds.is_empty() => {
                                    // A fund that failed may have been the one.
                                    ok = false;
                                    continue;
                                }
                                [] => {
                                    d.error(
                                        rorigin,
                                        rpath.clone(),
                                        format!(
                                            "no {} fund serves {} \"{area}\" of host \"{}\" (project \"{}\"); declare a [[fund]] with level = \"{}\" and area = \"{area}\" (or \"*\")",
                                            level.name(), level.name(), m.id, project.id, level.name()
                                        ),
                                    );
                                    ok = false;
                                    continue;
                                }
                                many => {
                                    d.error(
                                        rorigin,
                                        rpath.clone(),
                                        format!(
                                            "ambiguous: {} {} funds serve \"{area}\" ({}); a {}_fund route needs exactly one",
                                            many.len(),
                                            level.name(),
                                            ids(many.iter().map(|&i| self.funds[i].id.as_str())),
                                            level.name()
                                        ),
                                    );
                                    ok = false;
                                    continue;
                                }
                            }
                        }
                        _ => unreachable!("handled above"),
                    };
                    *targets.entry(target).or_default() += share;
                }
            }
            flows.push(Flow {
                project: p,
                targets: targets.into_iter().collect(),
            });
        }
        ok.then_some(flows)
    }
}
