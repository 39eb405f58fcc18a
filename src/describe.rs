//! The short description `aimak check` prints for a valid scenario.

use crate::model::*;
use std::fmt::Write;

/// A description of the scenario: horizon, places, projects, instruments and where each
/// instrument's money goes, and the variants.
/// Names and labels from the file are printed with their control characters escaped.
pub fn describe(s: &Scenario) -> String {
    crate::diag::printable(&describe_raw(s)).into_owned()
}

fn describe_raw(s: &Scenario) -> String {
    let m = &s.baseline;
    let mut o = String::new();
    let _ = writeln!(o, "{}", m.name);
    if let Some(d) = &m.description {
        let _ = writeln!(o, "  {d}");
    }
    let _ = writeln!(
        o,
        "  years {}-{} ({} years), currency {}, discount rate {}, {} paths, seed {}",
        m.start_year,
        m.year(m.years - 1),
        m.years,
        m.currency,
        m.discount_rate,
        s.run.paths,
        s.run.seed
    );
    if s.files.len() > 1 {
        let _ = writeln!(o, "  includes {}", s.files[1..].join(", "));
    }
    let _ = writeln!(o, "  drivers:");
    for d in &m.drivers {
        let role = if Some(d.id.as_str()) == m.fx.map(|i| m.drivers[i].id.as_str()) {
            " (fx)"
        } else if Some(d.id.as_str()) == m.cpi.map(|i| m.drivers[i].id.as_str()) {
            " (cpi)"
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "    {}{role}: {}{}",
            d.id,
            d.kind.name(),
            d.unit
                .as_ref()
                .map(|u| format!(", {u}"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(o, "  municipalities:");
    for mu in &m.municipalities {
        let _ = writeln!(
            o,
            "    {} ({}, {} district, {} oblast), population {}",
            mu.id, mu.name, mu.district, mu.oblast, mu.population
        );
    }
    if !m.funds.is_empty() {
        let _ = writeln!(o, "  funds:");
        for f in &m.funds {
            let members: Vec<&str> = f
                .members
                .iter()
                .map(|&i| m.municipalities[i].id.as_str())
                .collect();
            let alloc = match f.allocation {
                Allocation::Population => "by population".to_string(),
                Allocation::Equal => "equally".to_string(),
                Allocation::Competitive { winners } => {
                    format!("competitively, {winners} winner(s) a year")
                }
            };
            let _ = writeln!(
                o,
                "    {} ({} fund of {}): pays {}% of its balance a year {alloc} to {}",
                f.id,
                f.level.name(),
                f.area,
                f.disburse * 100.0,
                members.join(", ")
            );
        }
    }
    let _ = writeln!(o, "  projects:");
    for p in &m.projects {
        let hosts: Vec<String> = p
            .hosts
            .iter()
            .map(|h| {
                format!(
                    "{} {:.0}%",
                    m.municipalities[h.municipality].id,
                    h.share * 100.0
                )
            })
            .collect();
        let _ = writeln!(
            o,
            "    {} ({}, {}): {} from {}, {} years; hosts {}",
            p.id,
            p.name,
            p.kind.name(),
            if p.status == Status::Planned {
                "planned"
            } else {
                "operating"
            },
            p.start_year,
            p.life_years,
            hosts.join(", ")
        );
    }
    let _ = writeln!(o, "  instruments:");
    for i in &m.instruments {
        let rate = charge(m, &i.charge);
        let projects: Vec<&str> = i
            .flows
            .iter()
            .map(|f| m.projects[f.project].id.as_str())
            .collect();
        let _ = writeln!(
            o,
            "    {}: {} {rate}{}; applies to {}",
            i.id,
            i.charge.base().name(),
            if i.usd { " USD" } else { "" },
            if projects.is_empty() {
                "no project".to_string()
            } else {
                projects.join(", ")
            }
        );
        routes(&mut o, m, &i.flows, "      ");
    }
    if !m.budget_rules.is_empty() {
        let _ = writeln!(
            o,
            "  budget rules (besides as_received, spend what arrives):"
        );
        for r in &m.budget_rules {
            let _ = writeln!(o, "    {}", budget_rule(m, r));
        }
    }
    laws(&mut o, m);
    if !s.variants.is_empty() {
        let _ = writeln!(o, "  variants (besides baseline):");
        for v in &s.variants {
            let label = v
                .label
                .get("en")
                .map(|l| format!(" ({l})"))
                .unwrap_or_default();
            let _ = writeln!(o, "    {}{label}: changes {}", v.name, v.changes.join(", "));
        }
    }
    o
}

/// An instrument's rate or amount, as `check` prints it.
fn charge(m: &Model, c: &crate::model::Charge) -> String {
    match (c.rate(), c.amount()) {
        (Some(Rate::Dated(d)), _) => dated(d),
        (Some(Rate::Scale { driver, .. }), _) => format!("scale on {}", m.drivers[*driver].id),
        (_, Some(Amount::Dated(d))) => format!("amount {}", dated(d)),
        (_, Some(Amount::LogNormal { median, sigma })) => {
            format!("amount median {median}, sigma {sigma}")
        }
        _ => String::new(),
    }
}

/// Where each project's payment of an instrument goes, a line per project.
fn routes(o: &mut String, m: &Model, flows: &[crate::model::Flow], indent: &str) {
    for f in flows {
        let parts: Vec<String> = f
            .targets
            .iter()
            .map(|(t, share)| format!("{:.1}% {}", share * 100.0, target_name(m, *t)))
            .collect();
        let _ = writeln!(
            o,
            "{indent}{} -> {}",
            m.projects[f.project].id,
            parts.join(", ")
        );
    }
}

/// The laws a path can fall under (docs/model.md section 11): the hazard, and what each
/// regime changes from the law as written.
fn laws(o: &mut String, m: &Model) {
    let Some(current) = m.regimes.first() else {
        return;
    };
    match &m.regime_change {
        Some(c) => {
            let hazard = match c.hazard {
                Hazard::Fixed(h) => format!("{}% a year", h * 100.0),
                Hazard::Driver {
                    base,
                    driver,
                    elasticity,
                } => format!(
                    "{}% a year x ({} / its {} value)^{elasticity}, at most 100%",
                    base * 100.0,
                    m.drivers[driver].id,
                    m.start_year
                ),
            };
            let _ = writeln!(
                o,
                "  law changes: hazard {hazard}; a change decided in year t applies from t + {}",
                c.lag_years
            );
        }
        None => {
            let _ = writeln!(
                o,
                "  law changes: none ([regime_change] not given): the regimes below are never in force"
            );
        }
    }
    for r in &m.regimes[1..] {
        let label = r
            .label
            .get("en")
            .map(|l| format!(" ({l})"))
            .unwrap_or_default();
        let _ = writeln!(o, "    {}{label}, weight {}:", r.name, r.weight);
        for (i, (law, was)) in r.instruments.iter().zip(&current.instruments).enumerate() {
            let id = &m.instruments[i].id;
            if law.charge != was.charge {
                let _ = writeln!(o, "      {id}: {}", charge(m, &law.charge));
            }
            if law.probability != was.probability {
                let _ = writeln!(o, "      {id}: paid with probability {}", law.probability);
            }
            if law.flows != was.flows {
                let _ = writeln!(o, "      {id}:");
                routes(o, m, &law.flows, "        ");
            }
        }
        for (f, (d, was)) in r.disburse.iter().zip(&current.disburse).enumerate() {
            if d != was {
                let _ = writeln!(
                    o,
                    "      fund {}: pays out {}% a year",
                    m.funds[f].id,
                    d * 100.0
                );
            }
        }
    }
}

/// One budget rule on a line: its spending, cap, return and municipalities.
fn budget_rule(m: &Model, r: &crate::model::BudgetRule) -> String {
    use crate::model::Spend;
    let spend = match r.spend() {
        Spend::AsReceived => "spend what arrives".to_string(),
        Spend::MovingAverage { years } => format!("spend the {years}-year moving average"),
        Spend::Partial { share, years } => format!(
            "save {}% of any excess over the {years}-year average (and draw as much of a gap)",
            share * 100.0
        ),
        Spend::ShareOfReserve { share } => {
            format!("spend {}% of the money available", share * 100.0)
        }
    };
    let mut line = format!("{}: {spend}", r.id());
    if let Some(cap) = r.reserve_cap() {
        line.push_str(&format!("; reserve cap {}", dated(cap)));
    }
    if r.reserve_return() != 0.0 {
        line.push_str(&format!("; return {}%", r.reserve_return() * 100.0));
    }
    let munis: Vec<&str> = (0..m.municipalities.len())
        .filter(|mu| r.applies_to(*mu))
        .map(|mu| m.municipalities[mu].id.as_str())
        .collect();
    if munis.len() < m.municipalities.len() {
        line.push_str(&format!("; applies to {}", munis.join(", ")));
    }
    line
}

/// What a fragment declares: its files and how many of each table.
pub fn fragment(f: &crate::scenario::fragment::Fragment) -> String {
    let mut o = String::new();
    if f.files.len() > 1 {
        let _ = writeln!(o, "  includes {}", f.files[1..].join(", "));
    }
    for (section, n) in &f.sections {
        let _ = writeln!(o, "  {section}: {n}");
    }
    crate::diag::printable(&o).into_owned()
}

/// Where every number comes from: each table's `reference` and `notes` as the file gives
/// them, in scenario order (`aimak check --verbose`). Judgement calls are the notes marked
/// `[U]`; they are printed whole so a reader sees what was assumed and why.
pub fn sources(s: &Scenario) -> String {
    crate::diag::printable(&sources_raw(s)).into_owned()
}

fn sources_raw(s: &Scenario) -> String {
    let m = &s.baseline;
    let mut entries: Vec<(String, &Notes)> = vec![("scenario".to_string(), &m.notes)];
    entries.extend(
        m.drivers
            .iter()
            .map(|d| (format!("driver {}", d.id), &d.notes)),
    );
    entries.extend(
        m.municipalities
            .iter()
            .map(|mu| (format!("municipality {}", mu.id), &mu.notes)),
    );
    entries.extend(m.funds.iter().map(|f| (format!("fund {}", f.id), &f.notes)));
    entries.extend(
        m.projects
            .iter()
            .map(|p| (format!("project {}", p.id), &p.notes)),
    );
    entries.extend(
        m.instruments
            .iter()
            .map(|i| (format!("instrument {}", i.id), &i.notes)),
    );
    entries.extend(
        m.budget_rules
            .iter()
            .map(|r| (format!("budget rule {}", r.id()), r.notes())),
    );
    entries.extend(
        s.variants
            .iter()
            .map(|v| (format!("variant {}", v.name), &v.notes)),
    );
    let mut o = String::new();
    let (mut sourced, mut judged) = (0, 0);
    let _ = writeln!(o, "  sources and judgement calls ([U]):");
    for (what, n) in entries {
        if n.reference.is_none() && n.notes.is_none() {
            continue;
        }
        let _ = writeln!(o, "    {what}");
        if let Some(r) = &n.reference {
            sourced += 1;
            let _ = writeln!(o, "      reference: {}", one_line(r));
        }
        if let Some(t) = &n.notes {
            judged += usize::from(t.contains("[U]"));
            let _ = writeln!(o, "      notes: {}", one_line(t));
        }
    }
    let _ = writeln!(
        o,
        "    {sourced} tables give a reference, {judged} mark a judgement call [U]"
    );
    o
}

/// Multi-line TOML strings on one line, so each entry stays one readable block.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn dated(d: &Dated) -> String {
    if d.is_constant() {
        format!("{}", d.points()[0].1)
    } else {
        let parts: Vec<String> = d
            .points()
            .iter()
            .map(|(y, v)| format!("{y}: {v}"))
            .collect();
        format!("{{{}}}", parts.join(", "))
    }
}

/// A readable name of where money goes.
pub fn target_name(m: &Model, t: Target) -> String {
    match t {
        Target::Budget(i) => format!("{} budget", m.municipalities[i].id),
        Target::Community(i) => format!("{} community (off-budget)", m.municipalities[i].id),
        Target::Fund(f) => format!("fund {}", m.funds[f].id),
        Target::Republic => "republic".to_string(),
        Target::Oblast(o) => format!("{} oblast budget", m.oblasts[o]),
    }
}
