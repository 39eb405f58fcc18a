//! The short summary printed after a run.

use crate::model::Model;
use crate::results::stream;
use crate::results::{Results, Share};
use crate::stats::quantile::Named;
use std::fmt::Write;

/// Per municipality and variant: the median and P10-P90 of the NPV of project money, the
/// project money that is safe to budget in the first year (90% confidence, the 10th
/// percentile), and the first year with more than a 20% chance of a shortfall; for a variant,
/// also the paired gain over the baseline (present value, total, chance of a material gain).
pub fn text(results: &Results, model: &Model, out_dir: &std::path::Path) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} ({} paths, seed {}). Project money over {}-{}, present value at {}%:",
        model.name,
        results.paths,
        results.seed,
        model.start_year,
        model.year(model.years - 1),
        model.discount_rate * 100.0
    );
    for v in &results.variants {
        // A variant may move or resize the horizon: then it says its own.
        let (first, last) = (v.years[0], v.years[v.years.len() - 1]);
        if (first, last) == (model.start_year, model.year(model.years - 1)) {
            let _ = writeln!(o, "  {}:", v.name);
        } else {
            let _ = writeln!(o, "  {} ({first}-{last}):", v.name);
        }
        for (mu, mr) in v.municipalities.iter().enumerate() {
            let name = &model.municipalities[mu].name;
            let Some(pt) = mr.stream(stream::PROJECT_TOTAL) else {
                continue;
            };
            let q = pt.npv.q;
            let first = mr.shortfall.as_ref().and_then(|sf| {
                sf.iter()
                    .position(|s| s.p > 0.2)
                    .map(|t| v.years[t].to_string())
            });
            // What the council can write into the first budget year with 90% confidence.
            let safe = pt.years.first().map_or(f64::NAN, |s| s.q.p10());
            let _ = writeln!(
                o,
                "    {:<28} median {:>8} M  (P10-P90 {} - {} M)  safe in {}: {} M  shortfall >20%: {}",
                truncate(name, 28),
                millions(q.p50()),
                millions(q.p10()),
                millions(q.p90()),
                v.years[0],
                millions(safe),
                first.unwrap_or_else(|| if mr.shortfall.is_some() {
                    "never".into()
                } else {
                    "no need given".into()
                })
            );
            // A variant's gain is the paired difference, future by future: not the
            // difference of the two medians above, which is not the median gain.
            let gain = v.compare.as_ref().and_then(|c| {
                let cm = c.iter().find(|c| c.id == mr.id)?;
                cm.streams.iter().find(|s| s.name == stream::PROJECT_TOTAL)
            });
            if let Some(g) = gain {
                let _ = writeln!(
                    o,
                    "    {:<28} gain, paired: present value median {} M (P10-P90 {} - {} M), total {} M, P(gain > {}% of baseline) {:.0}%",
                    "",
                    millions(g.npv.summary.q.p50()),
                    millions(g.npv.summary.q.p10()),
                    millions(g.npv.summary.q.p90()),
                    millions(g.total.summary.q.p50()),
                    crate::results::MATERIAL_GAIN * 100.0,
                    g.total.p_material * 100.0
                );
            }
        }
    }
    let _ = writeln!(o, "Tables and charts: {}", out_dir.display());
    o
}

fn millions(x: f64) -> String {
    format!("{:.1}", x / 1e6)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// Per municipality, the largest share of the variance of the NPV of project money.
pub fn drivers(shares: &[Share], model: &Model) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "What drives the uncertainty of project money (NPV, first-order share of variance):"
    );
    for m in &model.municipalities {
        let best = shares
            .iter()
            .filter(|s| s.municipality == m.id && s.year.is_none() && s.share.is_finite())
            .max_by(|a, b| a.share.total_cmp(&b.share));
        if let Some(b) = best {
            let _ = writeln!(
                o,
                "    {:<28} {} ({:.0}% +- {:.0}%)",
                truncate(&m.name, 28),
                b.group,
                b.share * 100.0,
                b.se * 100.0
            );
        }
    }
    o
}
