//! Projects: hosts, products, output, jobs and risks (section 4).

use super::*;

impl<'t> Builder<'t> {
    pub(super) fn projects(&mut self, d: &mut Diags) {
        for (mut r, id) in entities(&mut self.root, "project", d) {
            let p = self.project(d, &mut r, id);
            let written_id = raw_id(&r);
            r.finish(d, keys::PROJECT);
            match p {
                Some(p) => self.projects.push(p),
                None => self.failed.projects.extend(written_id),
            }
        }
    }

    pub(super) fn project(
        &mut self,
        d: &mut Diags,
        r: &mut Reader<'t>,
        id: Option<&str>,
    ) -> Option<Project> {
        let name = r.opt_name(d, "name");
        let names = r.names(d, "names");
        let unit = r.opt_string(d, "unit").map(str::to_string);
        let kind = match r.choice(d, "kind", &ProjectKind::ALL, Some("other")) {
            Some("mine") => Some(ProjectKind::Mine),
            Some("agro_processing") => Some(ProjectKind::AgroProcessing),
            Some(_) => Some(ProjectKind::Other),
            None => None,
        };
        let tags: Vec<String> = r
            .strings(d, "tags")
            .unwrap_or_default()
            .into_iter()
            .map(str::to_string)
            .collect();
        let hosts = self.hosts(d, r);
        let status = match r.choice(d, "status", &["operating", "planned"], Some("operating")) {
            Some("planned") => Some(Status::Planned),
            Some(_) => Some(Status::Operating),
            None => None,
        };
        // A calendar output is a record that gives the start itself.
        let calendar = r
            .node("output")
            .and_then(|n| n.as_table())
            .is_some_and(|t| t.get("calendar").is_some());
        let start_year = if calendar {
            None
        } else {
            r.count(d, "start_year", -9999, 9999).map(|y| y as i32)
        };
        let life_given = r.opt_count(d, "life_years", 1, 10_000);
        let products = self.products(d, r);
        let output = self.output(d, r);
        let variability = r.num_or(d, "variability", 0.0, nonneg);
        let hectares = r.num_or(d, "hectares", 0.0, nonneg);
        let jobs = r.table(d, "jobs", false).and_then(|mut j| {
            let local = j.num(d, "local", nonneg);
            let wage = j.num(d, "monthly_wage", nonneg);
            let indexed = j.opt_bool(d, "indexed", false);
            j.finish(d, keys::JOBS);
            Some(Jobs {
                local: local?,
                monthly_wage: wage?,
                indexed,
            })
        });
        let risk = self.risk(d, r);
        let notes = r.notes(d);

        let output = output?;
        // When and how long it produces: from the plan, or from the record of a calendar
        // output, which is then the only source (`status` is accepted and changes nothing).
        let (status, start_year, life_years) = match (&output, life_given) {
            (Output::Calendar { first, values }, _) => {
                self.calendar_project(d, r)?;
                (Some(Status::Operating), Some(*first), values.len())
            }
            (_, Err(Reported)) => return None,
            (Output::Profile(v), Ok(None)) => (status, start_year, v.len()),
            (Output::Profile(v), Ok(Some(l))) => {
                if v.len() != l as usize {
                    d.error(
                        r.node("output").map(|n| n.origin).unwrap_or(r.origin),
                        r.key_path("output.profile"),
                        format!("the profile has {} values but life_years is {l}; expected one value per year of life", v.len()),
                    );
                    return None;
                }
                (status, start_year, l as usize)
            }
            (Output::Curve { .. }, Ok(Some(l))) => (status, start_year, l as usize),
            (Output::Curve { .. }, Ok(None)) => {
                r.required(d, "life_years", "producing years, >= 1");
                return None;
            }
        };
        let base_output = (0..life_years).map(|k| output.base(k)).collect();
        Some(Project {
            id: id?.to_string(),
            name: name.or(id)?.to_string(),
            names,
            unit,
            kind: kind?,
            tags,
            hosts: hosts?,
            status: status?,
            start_year: start_year?,
            life_years,
            products: products?,
            output,
            base_output,
            variability,
            hectares,
            jobs,
            risk: risk?,
            notes,
        })
    }

    /// A project with a `calendar` output gives no plan: `start_year`, `life_years`,
    /// `never_start` and `start_delay` are errors (docs/model.md section 13).
    fn calendar_project(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<()> {
        let mut ok = true;
        let plan = [
            ("start_year", r.node("start_year")),
            ("life_years", r.node("life_years")),
        ];
        let risk = r.node("risk").and_then(|n| n.as_table());
        let risks = [
            ("risk.never_start", risk.and_then(|t| t.get("never_start"))),
            ("risk.start_delay", risk.and_then(|t| t.get("start_delay"))),
        ];
        for (key, node) in plan.into_iter().chain(risks) {
            if let Some(n) = node {
                d.error(
                    n.origin,
                    r.key_path(key),
                    format!("`{key}` cannot be given with a calendar output: a calendar is a record, and the project produces from its first recorded year"),
                );
                ok = false;
            }
        }
        ok.then_some(())
    }

    pub(super) fn hosts(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<Vec<Host>> {
        let path = r.key_path("hosts");
        let origin = r.node("hosts").map(|n| n.origin);
        let items = r.array(d, "hosts", true)?;
        if items.is_empty() {
            d.error(
                origin.unwrap_or(r.origin),
                path,
                "expected at least one host",
            );
            return None;
        }
        let mut hosts = Vec::new();
        let mut ok = true;
        for (i, n) in items.iter().enumerate() {
            let Some(mut h) = Reader::of(n, format!("{path}[{i}]"), d) else {
                ok = false;
                continue;
            };
            let m = h.string(d, "municipality");
            let share = h.num(d, "share", unit);
            let m_origin = h.node("municipality").map(|n| n.origin).unwrap_or(n.origin);
            h.finish(d, keys::HOST);
            let (Some(m), Some(share)) = (m, share) else {
                ok = false;
                continue;
            };
            match self.municipalities.iter().position(|x| x.id == m) {
                Some(mi) if hosts.iter().any(|h: &Host| h.municipality == mi) => {
                    d.error(
                        m_origin,
                        format!("{path}[{i}].municipality"),
                        format!("\"{m}\" is listed twice"),
                    );
                    ok = false;
                }
                Some(mi) => hosts.push(Host {
                    municipality: mi,
                    share,
                }),
                // Its own errors are reported already.
                None if Failed::has(&self.failed.municipalities, m) => ok = false,
                None => {
                    d.error(
                        m_origin,
                        format!("{path}[{i}].municipality"),
                        format!(
                            "unknown municipality \"{m}\"; expected one of {}",
                            ids(self.municipalities.iter().map(|m| m.id.as_str()))
                        ),
                    );
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        let sum: f64 = hosts.iter().map(|h| h.share).sum();
        if (sum - 1.0).abs() > SHARE_TOLERANCE {
            d.error(
                origin.unwrap_or(r.origin),
                path,
                format!("host shares sum to {}, expected 1", read::shown_num(sum)),
            );
            return None;
        }
        Some(hosts)
    }

    pub(super) fn products(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<Vec<Product>> {
        let path = r.key_path("products");
        let items = r.array(d, "products", true)?;
        let mut out = Vec::new();
        let mut ok = true;
        for (i, n) in items.iter().enumerate() {
            let ppath = format!("{path}[{i}]");
            let Some(mut p) = Reader::of(n, ppath.clone(), d) else {
                ok = false;
                continue;
            };
            let driver = self.driver_ref(d, &mut p, "driver");
            let per_unit = p.num(d, "per_unit", nonneg);
            let usd = self.currency(d, &mut p);
            p.finish(d, keys::PRODUCT);
            match (driver, per_unit, usd) {
                (Some(driver), Some(per_unit), Some(usd)) => out.push(Product {
                    driver,
                    per_unit,
                    usd,
                }),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// `currency` of a product or instrument: `Some(true)` for USD.
    pub(super) fn currency(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<bool> {
        let Some(n) = r.node("currency") else {
            return Some(false);
        };
        let s = Reader::str_node(d, n, r.key_path("currency"))?;
        if s == "USD" && !self.reporting_usd {
            self.usd_uses.push((n.origin, r.key_path("currency")));
            Some(true)
        } else if s == "USD" || s == "KGS" {
            Some(false)
        } else {
            d.error(
                n.origin,
                r.key_path("currency"),
                format!("found \"{s}\", expected \"USD\" or \"KGS\""),
            );
            None
        }
    }

    pub(super) fn driver_ref(
        &mut self,
        d: &mut Diags,
        r: &mut Reader<'t>,
        key: &str,
    ) -> Option<usize> {
        let s = r.string(d, key)?;
        let i = self.drivers.iter().position(|x| x.id == s);
        if i.is_none() && !Failed::has(&self.failed.drivers, s) {
            let o = r.node(key).map(|n| n.origin).unwrap_or(r.origin);
            d.error(
                o,
                r.key_path(key),
                format!(
                    "unknown driver \"{s}\"; expected one of {}",
                    ids(self.drivers.iter().map(|x| x.id.as_str()))
                ),
            );
        }
        i
    }

    pub(super) fn output(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<Output> {
        let mut o = r.table(d, "output", true)?;
        let out = if o.has("calendar") {
            // A record, not a plan: the only key of `output`.
            for e in &o.table.entries {
                if e.key != "calendar" && keys::OUTPUT.contains(&e.key.as_str()) {
                    d.error(
                        e.key_origin,
                        o.key_path(&e.key),
                        format!("`{}` cannot be combined with `calendar`: a calendar is a record of output by year", e.key),
                    );
                }
            }
            for k in keys::OUTPUT {
                o.skip(k);
            }
            let node = o.node("calendar").expect("has calendar");
            let path = o.key_path("calendar");
            read::read_dated(d, node, &path, positive, None).and_then(|dated| {
                let points = dated.points();
                let (first, last) = (points[0].0, points[points.len() - 1].0);
                if points.windows(2).any(|w| w[1].0 != w[0].0 + 1) {
                    d.error(
                        node.origin,
                        path,
                        format!(
                            "the years {first}-{last} have gaps; expected one value for every year"
                        ),
                    );
                    return None;
                }
                Some(Output::Calendar {
                    first,
                    values: points.iter().map(|p| p.1).collect(),
                })
            })
        } else if o.has("profile") {
            let profile = o.numbers(d, "profile", positive);
            if let Some(p) = &profile {
                if p.is_empty() {
                    d.error(
                        o.origin,
                        o.key_path("profile"),
                        "expected at least one value",
                    );
                }
            }
            for k in ["capacity", "ramp_up_years", "plateau_years", "decline_rate"] {
                if let Some(n) = o.node(k) {
                    d.error(
                        n.origin,
                        o.key_path(k),
                        format!("`{k}` cannot be combined with `profile`"),
                    );
                }
            }
            profile.filter(|p| !p.is_empty()).map(Output::Profile)
        } else {
            let capacity = o.num(d, "capacity", positive);
            let ramp = o.opt_count(d, "ramp_up_years", 0, 10_000);
            let plateau = o.opt_count(d, "plateau_years", 0, 10_000);
            let decline = o.num_or(d, "decline_rate", 0.0, |x| {
                if (0.0..1.0).contains(&x) {
                    Ok(())
                } else {
                    Err("expected a number in [0, 1)")
                }
            });
            match (capacity, ramp, plateau) {
                (Some(capacity), Ok(ramp), Ok(plateau)) => Some(Output::Curve {
                    capacity,
                    ramp_up_years: ramp.unwrap_or(0) as usize,
                    plateau_years: plateau.map(|p| p as usize),
                    decline_rate: decline,
                }),
                _ => None,
            }
        };
        o.finish(d, keys::OUTPUT);
        out
    }

    pub(super) fn risk(&mut self, d: &mut Diags, r: &mut Reader<'t>) -> Option<Risk> {
        let mut risk = Risk::default();
        let Some(mut k) = r.table(d, "risk", false) else {
            return if r.has("risk") { None } else { Some(risk) };
        };
        let mut ok = true;
        risk.never_start = k.num_or(d, "never_start", 0.0, unit);
        if let Some(mut t) = k.table(d, "start_delay", false) {
            let p = t.num(d, "probability", unit);
            let m = t.count(d, "max_years", 1, 1000);
            t.finish(d, keys::START_DELAY);
            match (p, m) {
                (Some(p), Some(m)) => risk.start_delay = Some((p, m as usize)),
                _ => ok = false,
            }
        }
        if let Some(mut t) = k.table(d, "blockade", false) {
            let p = t.num(d, "probability", unit);
            let lo = t.num(d, "min_loss", nonneg);
            let hi = t.num(d, "max_loss", |x| {
                if (0.0..1.0).contains(&x) {
                    Ok(())
                } else {
                    Err("expected a number in [0, 1)")
                }
            });
            let (o, path) = (t.origin, t.path.clone());
            t.finish(d, keys::BLOCKADE);
            match (p, lo, hi) {
                (Some(p), Some(lo), Some(hi)) if lo <= hi => risk.blockade = Some((p, lo, hi)),
                (Some(_), Some(lo), Some(hi)) => {
                    d.error(o, path, format!("min_loss {lo} is above max_loss {hi}; expected 0 <= min_loss <= max_loss < 1"));
                    ok = false;
                }
                _ => ok = false,
            }
        }
        if let Some(mut t) = k.table(d, "suspension", false) {
            let p = t.num(d, "probability", unit);
            let lo = t.opt_count(d, "min_years", 1, 1000);
            let hi = t.count(d, "max_years", 1, 1000);
            let (o, path) = (t.origin, t.path.clone());
            t.finish(d, keys::SUSPENSION);
            match (p, lo, hi) {
                (Some(p), Ok(lo), Some(hi)) => {
                    let lo = lo.unwrap_or(1);
                    if lo > hi {
                        d.error(o, path, format!("min_years {lo} is above max_years {hi}"));
                        ok = false;
                    } else {
                        risk.suspension = Some((p, lo as usize, hi as usize));
                    }
                }
                _ => ok = false,
            }
        }
        risk.closure = k.num_or(d, "closure", 0.0, unit);
        if let Some(mut t) = k.table(d, "shutdown_price", false) {
            let driver = self.driver_ref(d, &mut t, "driver");
            let below = t.num(d, "below", nonneg);
            t.finish(d, keys::SHUTDOWN);
            match (driver, below) {
                (Some(dr), Some(b)) => risk.shutdown_price = Some((dr, b)),
                _ => ok = false,
            }
        }
        k.finish(d, keys::RISK);
        ok.then_some(risk)
    }
}
