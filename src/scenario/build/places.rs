//! Municipalities and development funds, `area = "*"` expansions included (section 3).

use super::*;

impl<'t> Builder<'t> {
    pub(super) fn municipalities(&mut self, d: &mut Diags) {
        let start_year = self.start_year;
        for (mut r, id) in entities(&mut self.root, "municipality", d) {
            let name = r.opt_name(d, "name");
            let names = r.names(d, "names");
            let district = place_name(d, &mut r, "district");
            let oblast = place_name(d, &mut r, "oblast");
            let population = r.num(d, "population", positive);
            let own_revenue = r.num_or(d, "own_revenue", 0.0, nonneg);
            let (mut growth_mean, mut growth_sd) = (0.0, 0.0);
            if let Some(mut g) = r.table(d, "own_revenue_growth", false) {
                growth_mean = g.num_or(d, "mean", 0.0, any);
                growth_sd = g.num_or(d, "sd", 0.0, nonneg);
                g.finish(d, keys::GROWTH);
            }
            let grant = r
                .dated(d, "grant", false, nonneg, start_year)
                .unwrap_or(Dated::constant(0.0));
            let grant_offset = r.num_or(d, "grant_offset", 0.0, unit);
            let spending_need = r.dated(d, "spending_need", false, nonneg, start_year);
            let indexed = r.opt_bool(d, "indexed", false);
            let notes = r.notes(d);
            let written_id = raw_id(&r);
            r.finish(d, keys::MUNICIPALITY);
            let (Some(id), Some(district), Some(oblast), Some(population)) =
                (id, district, oblast, population)
            else {
                self.failed.municipalities.extend(written_id);
                continue;
            };
            self.municipalities.push(Municipality {
                id: id.to_string(),
                name: name.unwrap_or(id).to_string(),
                names,
                district,
                oblast,
                population,
                own_revenue,
                growth_mean,
                growth_sd,
                grant,
                grant_offset,
                spending_need,
                indexed,
                notes,
            });
        }
    }

    /// `[place_names]`: translations of the scenario's district and oblast names; a name that
    /// is no district or oblast of the scenario is an error.
    pub(super) fn place_names(&mut self, d: &mut Diags) -> BTreeMap<String, Names> {
        let mut out = BTreeMap::new();
        let Some(mut all) = self.root.table(d, "place_names", false) else {
            return out;
        };
        let table = all.table;
        for e in &table.entries {
            let names = all.names(d, &e.key);
            let known = self
                .municipalities
                .iter()
                .any(|m| m.district == e.key || m.oblast == e.key);
            if !known && !self.municipalities.is_empty() {
                let mut places: Vec<&str> = self
                    .municipalities
                    .iter()
                    .flat_map(|m| [m.district.as_str(), m.oblast.as_str()])
                    .collect();
                places.sort_unstable();
                places.dedup();
                let shown: Vec<&str> = places.iter().take(12).copied().collect();
                d.error(
                    e.key_origin,
                    format!("place_names.{}", e.key),
                    format!(
                        "`{}` is no district or oblast of the scenario; expected one of {}{}",
                        e.key,
                        shown.join(", "),
                        if places.len() > shown.len() {
                            ", ..."
                        } else {
                            ""
                        }
                    ),
                );
            }
            out.insert(e.key.clone(), names);
        }
        all.finish(d, &[]);
        out
    }

    pub(super) fn funds(&mut self, d: &mut Diags, patches: &[AreaPatch]) {
        let mut used_patches = vec![false; patches.len()];
        let Some(items) = self.root.array(d, "fund", false) else {
            return;
        };
        let mut seen_ids: HashSet<String> = HashSet::new();
        for (i, node) in items.iter().enumerate() {
            let declared = node
                .as_table()
                .and_then(|t| t.get("id"))
                .and_then(Node::as_str)
                .filter(|s| is_id(s));
            let is_star = node
                .as_table()
                .and_then(|t| t.get("area"))
                .and_then(Node::as_str)
                == Some("*");
            if !is_star {
                let path = match declared {
                    Some(id) => format!("fund[{id}]"),
                    None => format!("fund[{i}]"),
                };
                if let Some(f) = self.fund(d, node, path, None, &mut seen_ids) {
                    self.funds.push(f);
                }
                continue;
            }
            // `area = "*"`: one fund per distinct district (or oblast) of the municipalities.
            let level = node
                .as_table()
                .and_then(|t| t.get("level"))
                .and_then(Node::as_str);
            let mut areas: Vec<String> = Vec::new();
            for m in &self.municipalities {
                let a = if level == Some("oblast") {
                    &m.oblast
                } else {
                    &m.district
                };
                if !areas.contains(a) {
                    areas.push(a.clone());
                }
            }
            let declared_path = match declared {
                Some(id) => format!("fund[{id}]"),
                None => format!("fund[{i}]"),
            };
            if areas.is_empty() {
                // Still read it once so its own errors are reported.
                let _ = self.fund(d, node, declared_path, Some(""), &mut seen_ids);
                continue;
            }
            for area in areas {
                let mut copy = node.clone();
                if let Some(declared) = declared {
                    for (k, p) in patches.iter().enumerate() {
                        if p.declared == declared && p.area == area {
                            used_patches[k] = true;
                            let keys: Vec<&str> = p.keys.iter().map(String::as_str).collect();
                            if let Err(msg) = paths::set_path(&mut copy, &keys, &p.op) {
                                d.error(
                                    p.op.origin,
                                    format!("fund.{}:{}", p.declared, p.area),
                                    msg,
                                );
                            }
                        }
                    }
                }
                if let Some(f) =
                    self.fund(d, &copy, declared_path.clone(), Some(&area), &mut seen_ids)
                {
                    self.funds.push(f);
                }
            }
        }
        for (p, used) in patches.iter().zip(used_patches) {
            if !used {
                d.error(
                    p.op.origin,
                    p.op.path.clone(),
                    format!(
                        "fund \"{}\" has no expansion for area \"{}\"; expected an area of the scenario's municipalities",
                        p.declared, p.area
                    ),
                );
            }
        }
    }

    /// Reads one fund; `star_area` is the area of an `area = "*"` expansion.
    pub(super) fn fund(
        &mut self,
        d: &mut Diags,
        node: &Node,
        path: String,
        star_area: Option<&str>,
        seen_ids: &mut HashSet<String>,
    ) -> Option<Fund> {
        let mut r = Reader::of(node, path, d)?;
        if let Some(id) = raw_id(&r) {
            // Known as failed until it is read in full.
            if !Failed::has(&self.failed.funds, &id) {
                self.failed.funds.push(id);
            }
        }
        let declared = r.id(d, "id");
        let name = r.opt_name(d, "name").map(str::to_string);
        let names = r.names(d, "names");
        let level = r.choice(d, "level", &["district", "oblast"], None);
        let area_written = r.string(d, "area");
        let allocation = match r.node("allocation") {
            None => Some(Allocation::Population),
            Some(n) => match &n.value {
                Value::Str(s) if s == "population" => Some(Allocation::Population),
                Value::Str(s) if s == "equal" => Some(Allocation::Equal),
                Value::Table(_) => {
                    let mut a = Reader::of(n, r.key_path("allocation"), d)?;
                    let winners = a.table(d, "competitive", true).and_then(|mut c| {
                        let w = c.count(d, "winners", 1, i64::MAX);
                        c.finish(d, &["winners"]);
                        w
                    });
                    a.finish(d, &["competitive"]);
                    winners.map(|w| Allocation::Competitive {
                        winners: w as usize,
                    })
                }
                _ => {
                    d.error(
                        n.origin,
                        r.key_path("allocation"),
                        "expected \"population\", \"equal\" or { competitive = { winners = N } } with N >= 1",
                    );
                    None
                }
            },
        };
        let disburse = r.num_or(d, "disburse", 1.0, unit);
        let counts_for_grant = r.opt_bool(d, "counts_for_grant", false);
        let notes = r.notes(d);
        let path = r.path.clone();
        let origin = r.origin;
        r.finish(d, keys::FUND);
        let (declared, level, area_written, allocation) =
            (declared?, level?, area_written?, allocation?);
        let level = if level == "district" {
            Level::District
        } else {
            Level::Oblast
        };
        let area = star_area.unwrap_or(area_written).to_string();
        if star_area == Some("") {
            return None;
        }
        let id = match star_area {
            Some(a) => format!("{declared}:{a}"),
            None => declared.to_string(),
        };
        if !seen_ids.insert(id.clone()) {
            d.error(
                origin,
                format!("{path}.id"),
                format!("duplicate fund id \"{id}\": ids must be unique"),
            );
            return None;
        }
        let members: Vec<usize> = self
            .municipalities
            .iter()
            .enumerate()
            .filter(|(_, m)| match level {
                Level::District => m.district == area,
                Level::Oblast => m.oblast == area,
            })
            .map(|(i, _)| i)
            .collect();
        if members.is_empty() && !self.failed.municipalities.is_empty() {
            // A municipality that failed may have been the member.
            return None;
        }
        if members.is_empty() {
            let known: Vec<&str> = self
                .municipalities
                .iter()
                .map(|m| match level {
                    Level::District => m.district.as_str(),
                    Level::Oblast => m.oblast.as_str(),
                })
                .collect();
            d.error(
                origin,
                path,
                format!(
                    "the fund has no members: no municipality has {} \"{area}\"; expected one of {}",
                    level.name(),
                    ids(known.into_iter())
                ),
            );
            return None;
        }
        self.failed.funds.retain(|f| f != declared);
        Some(Fund {
            id,
            declared: declared.to_string(),
            level,
            area,
            allocation,
            disburse,
            counts_for_grant,
            members,
            name,
            names,
            notes,
        })
    }
}
