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
        let rate = match (i.charge.rate(), i.charge.amount()) {
            (Some(Rate::Dated(d)), _) => dated(d),
            (Some(Rate::Scale { driver, .. }), _) => format!("scale on {}", m.drivers[*driver].id),
            (_, Some(Amount::Dated(d))) => format!("amount {}", dated(d)),
            (_, Some(Amount::LogNormal { median, sigma })) => {
                format!("amount median {median}, sigma {sigma}")
            }
            _ => String::new(),
        };
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
        for f in &i.flows {
            let parts: Vec<String> = f
                .targets
                .iter()
                .map(|(t, share)| format!("{:.1}% {}", share * 100.0, target_name(m, *t)))
                .collect();
            let _ = writeln!(
                o,
                "      {} -> {}",
                m.projects[f.project].id,
                parts.join(", ")
            );
        }
    }
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
