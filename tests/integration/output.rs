//! The files of a run: all six tables, the manifest and the kept paths, read back; statistics
//! checked against a direct computation from the per-path values; output folders never mixed.

use super::{aimak, aimak_ok, root};
use aimak::stats::quantile::{linear, rank_interval, NAMES, PROBS};
use polars::prelude::*;
use std::collections::HashMap;
use std::path::Path;

fn read(path: &Path) -> DataFrame {
    let f = std::fs::File::open(path).unwrap();
    ParquetReader::new(f).finish().unwrap()
}

fn strs(df: &DataFrame, c: &str) -> Vec<String> {
    df.column(c)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|x| x.unwrap().to_string())
        .collect()
}

fn f64s(df: &DataFrame, c: &str) -> Vec<f64> {
    df.column(c)
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .map(|x| x.unwrap())
        .collect()
}

/// p10 and p25 of the summary rows of one stream, in table order.
fn p10_p25(df: &DataFrame, stream: &str) -> (Vec<f64>, Vec<f64>) {
    let names = strs(df, "stream");
    let (p10, p25) = (f64s(df, "p10"), f64s(df, "p25"));
    let keep: Vec<usize> = (0..names.len()).filter(|i| names[*i] == stream).collect();
    (
        keep.iter().map(|i| p10[*i]).collect(),
        keep.iter().map(|i| p25[*i]).collect(),
    )
}

fn i32s(df: &DataFrame, c: &str) -> Vec<i32> {
    df.column(c)
        .unwrap()
        .i32()
        .unwrap()
        .iter()
        .map(|x| x.unwrap())
        .collect()
}

#[test]
fn tables_read_back_and_match_the_kept_paths() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    aimak_ok(&[
        "run",
        "--paths",
        "300",
        "--seed",
        "9",
        "--keep-paths",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["paths"], 300);
    assert_eq!(manifest["seed"], 9);
    let stat_cols = [
        "mean", "sd", "p05", "p10", "p25", "p50", "p75", "p90", "p95",
    ];
    let expect: [(&str, Vec<&str>); 6] = [
        (
            "summary.parquet",
            [
                &["variant", "municipality", "year", "stream"][..],
                &stat_cols,
            ]
            .concat(),
        ),
        (
            "levels.parquet",
            [&["variant", "level", "year", "stream"][..], &stat_cols].concat(),
        ),
        (
            "shortfall.parquet",
            vec![
                "variant",
                "municipality",
                "year",
                "p_shortfall",
                "expected_gap",
            ],
        ),
        (
            "npv.parquet",
            [&["variant", "municipality", "stream"][..], &stat_cols].concat(),
        ),
        (
            "projects.parquet",
            vec!["variant", "project", "year", "mean_output", "sd_output"],
        ),
        (
            "pending.parquet",
            [&["variant", "instrument"][..], &stat_cols].concat(),
        ),
    ];
    for (file, cols) in &expect {
        let df = read(&out.join(file));
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect();
        for c in cols {
            assert!(names.iter().any(|n| n == c), "{file} lacks {c}: {names:?}");
        }
        let listed = manifest["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == *file)
            .unwrap();
        assert_eq!(
            listed["rows"].as_u64().unwrap() as usize,
            df.height(),
            "{file}"
        );
        assert!(df.height() > 0, "{file} is empty");
    }
    // Every (variant, municipality, year, stream) once; 20 years each.
    let summary = read(&out.join("summary.parquet"));
    let s = aimak::scenario::load_builtin().unwrap();
    let years = s.baseline.years;
    assert_eq!(summary.height() % years, 0);
    let projects = read(&out.join("projects.parquet"));
    assert_eq!(projects.height(), 2 * s.baseline.projects.len() * years);
    let ps: Vec<f64> = ["p_planned", "p_producing", "p_suspended", "p_closed"]
        .iter()
        .map(|c| f64s(&projects, c))
        .fold(vec![0.0; projects.height()], |acc, v| {
            acc.iter().zip(v).map(|(a, b)| a + b).collect()
        });
    assert!(
        ps.iter().all(|x| (x - 1.0).abs() < 1e-12),
        "state probabilities sum to 1"
    );

    // The safe-to-budget line is the 10th (90% confidence) and 25th (75%) percentile of the
    // same run's project money.
    let line = read(&out.join("budget_line.parquet"));
    let pt = p10_p25(&summary, "project_total");
    let nominal: Vec<usize> = (0..line.height())
        .filter(|i| strs(&line, "prices")[*i] == "nominal")
        .collect();
    assert_eq!(nominal.len(), pt.0.len());
    for (&i, (p10, p25)) in nominal.iter().zip(pt.0.iter().zip(&pt.1)) {
        assert_eq!(f64s(&line, "safe_90")[i], *p10);
        assert_eq!(f64s(&line, "safe_75")[i], *p25);
    }
    // In start-year prices, the same line of real.parquet's project money.
    let real = read(&out.join("real.parquet"));
    let rt = p10_p25(&real, "project_total");
    let start: Vec<usize> = (0..line.height())
        .filter(|i| strs(&line, "prices")[*i] == "start_year")
        .collect();
    assert_eq!(start.len(), rt.0.len());
    for (&i, (p10, p25)) in start.iter().zip(rt.0.iter().zip(&rt.1)) {
        assert_eq!(f64s(&line, "safe_90")[i], *p10);
        assert_eq!(f64s(&line, "safe_75")[i], *p25);
    }

    // Direct computation from paths.parquet.
    let paths = read(&out.join("paths.parquet"));
    let (v, m, st, y, val) = (
        strs(&paths, "variant"),
        strs(&paths, "municipality"),
        strs(&paths, "stream"),
        i32s(&paths, "year"),
        f64s(&paths, "value"),
    );
    let mut groups: HashMap<(String, String, String, i32), Vec<f64>> = HashMap::new();
    for i in 0..paths.height() {
        groups
            .entry((v[i].clone(), m[i].clone(), st[i].clone(), y[i]))
            .or_default()
            .push(val[i]);
    }
    // Every stream of summary.parquet, and the totals in start-year prices (`real:`).
    let real_rows = read(&out.join("real.parquet")).height();
    assert_eq!(groups.len(), summary.height() + real_rows);
    let (sv, sm, ss, sy) = (
        strs(&summary, "variant"),
        strs(&summary, "municipality"),
        strs(&summary, "stream"),
        i32s(&summary, "year"),
    );
    let mean = f64s(&summary, "mean");
    let sd = f64s(&summary, "sd");
    let qs: Vec<Vec<f64>> = NAMES.iter().map(|n| f64s(&summary, n)).collect();
    for i in 0..summary.height() {
        let mut xs = groups[&(sv[i].clone(), sm[i].clone(), ss[i].clone(), sy[i])].clone();
        assert_eq!(xs.len(), 300);
        let n = xs.len() as f64;
        let mu = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mu) * (x - mu)).sum::<f64>() / (n - 1.0);
        let tol = |x: f64| 1e-6 * x.abs().max(1.0);
        assert!((mean[i] - mu).abs() <= tol(mu), "mean {} vs {mu}", mean[i]);
        assert!(
            (sd[i] - var.sqrt()).abs() <= tol(var.sqrt()) + 1e-6,
            "sd {} vs {}",
            sd[i],
            var.sqrt()
        );
        xs.sort_by(f64::total_cmp);
        // A member's fixed share of a fund's payout is summarised as that share of the fund's
        // outflow, and an indexed grant with nothing to claw back as its amount times the
        // price index: the same quantile, rounded once more (a few units in the last place).
        let scaled = ss[i].starts_with("fund:") || ss[i] == "grant";
        let ulps = if scaled { 4.0 } else { 0.0 };
        for (k, p) in PROBS.iter().enumerate() {
            let want = linear(&xs, *p);
            assert!(
                (qs[k][i] - want).abs() <= ulps * f64::EPSILON * want.abs(),
                "{} {} {} {}: {} vs {want}",
                sv[i],
                sm[i],
                ss[i],
                sy[i],
                qs[k][i]
            );
        }
    }
}

#[test]
fn an_existing_output_folder_is_refused_then_replaced_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let args = [
        "run",
        "--paths",
        "64",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    assert_eq!(aimak(&args).status.code(), Some(0));
    std::fs::write(out.join("stale.txt"), "from before").unwrap();
    let again = aimak(&args);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert!(
        out.join("stale.txt").exists(),
        "a refused run touches nothing"
    );
    // A file aimak did not write is never deleted, not even with --force.
    let forced = [&args[..], &["--force"]].concat();
    let refused = aimak(&forced);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("stale.txt"));
    assert!(out.join("stale.txt").exists());
    std::fs::remove_file(out.join("stale.txt")).unwrap();
    let before = std::fs::read(out.join("summary.parquet")).unwrap();
    std::fs::write(out.join("summary.parquet"), b"changed").unwrap();
    assert_eq!(aimak(&forced).status.code(), Some(0));
    assert_eq!(
        std::fs::read(out.join("summary.parquet")).unwrap(),
        before,
        "--force replaces the folder whole"
    );
    assert!(out.join("manifest.json").exists());
    // Nothing half-written is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn a_bad_scenario_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let bad = root().join("tests/invalid/hosts-share-sum-0.9.toml");
    let o = aimak(&["run", bad.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// A variant may move or resize the horizon: its paired differences are taken where both
/// simulate a calendar year, and each NPV is over its own horizon.
#[test]
fn a_variant_with_another_horizon_is_compared_by_calendar_year() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("horizons.toml");
    let variant = |name: &str, key: &str, value: i32| {
        format!("[[variant]]\nname = \"{name}\"\n[variant.set]\n\"scenario.{key}\" = {value}\n")
    };
    let text = format!(
        "format_version = 1\n[scenario]\nname = \"horizons\"\nstart_year = 2026\nyears = 6\n\
         [driver.p]\nmodel = \"fixed\"\nvalue = 1.0\n\
         [[municipality]]\nid = \"m\"\ndistrict = \"D\"\noblast = \"O\"\npopulation = 100\n\
         own_revenue = 1000\nown_revenue_growth = {{ mean = 0.1, sd = 0.0 }}\n{}{}{}{}",
        variant("later", "start_year", 2028),
        variant("shorter", "years", 3),
        variant("longer", "years", 9),
        variant("apart", "start_year", 2040),
    );
    std::fs::write(&file, text).unwrap();
    let out = dir.path().join("run");
    let (f, o) = (file.to_str().unwrap(), out.to_str().unwrap());
    let printed = aimak_ok(&["run", f, "--paths", "20", "--out", o]);
    let printed = String::from_utf8_lossy(&printed.stdout);
    assert!(
        printed.contains("2026–2031.") && printed.contains("\nbaseline\n"),
        "{printed}"
    );
    assert!(printed.contains("\nlater (2028–2033)\n") && printed.contains("\napart (2040–2045)\n"));
    // Own revenue in the k-th year of a horizon, grown as the engine grows it.
    let own: Vec<f64> = (0..9)
        .scan(1000.0, |b, k| {
            if k > 0 {
                *b *= 1.0 + 0.1_f64.max(-0.9);
            }
            Some(*b)
        })
        .collect();
    let sum = |ks: std::ops::Range<usize>| -> f64 { own[ks].iter().sum() };
    let zeros = |years: std::ops::Range<i32>| years.map(|y| (Some(y), 0.0)).collect::<Vec<_>>();
    // Per variant, its own-revenue rows: (year, or none for the NPV and then the total over
    // the common years; mean difference).
    type Rows = Vec<(Option<i32>, f64)>;
    let want: [(&str, Rows); 4] = [
        (
            "later",
            (0..4)
                .map(|u| (Some(2028 + u as i32), own[u] - own[u + 2]))
                .chain([(None, 0.0)])
                .chain([(None, (0..4).map(|u| own[u] - own[u + 2]).sum())])
                .collect(),
        ),
        (
            "shorter",
            [zeros(2026..2029), vec![(None, -sum(3..6)), (None, 0.0)]].concat(),
        ),
        (
            "longer",
            [zeros(2026..2032), vec![(None, sum(6..9)), (None, 0.0)]].concat(),
        ),
        // No year in common: nothing to add up.
        ("apart", vec![(None, 0.0), (None, 0.0)]),
    ];
    let df = read(&out.join("compare.parquet"));
    let (variant, stream, mean) = (strs(&df, "variant"), strs(&df, "stream"), f64s(&df, "mean"));
    let year: Vec<Option<i32>> = df.column("year").unwrap().i32().unwrap().iter().collect();
    for (name, rows) in want {
        let got: Rows = (0..df.height())
            .filter(|i| variant[*i] == name && stream[*i] == "own_revenue")
            .map(|i| (year[i], mean[i]))
            .collect();
        assert_eq!(got.len(), rows.len(), "{name}: {got:?}");
        for ((gy, gm), (wy, wm)) in got.iter().zip(&rows) {
            assert_eq!(gy, wy, "{name}");
            // Means are exact to 2^-20 (fixed-point sums).
            assert!((gm - wm).abs() < 1e-5, "{name} {gy:?}: {gm} against {wm}");
        }
    }
    // Each variant's own tables keep its own calendar years.
    let summary = read(&out.join("summary.parquet"));
    let (sv, sy) = (strs(&summary, "variant"), i32s(&summary, "year"));
    let years_of = |name: &str| -> std::collections::BTreeSet<i32> {
        (0..summary.height())
            .filter(|i| sv[*i] == name)
            .map(|i| sy[i])
            .collect()
    };
    assert_eq!(years_of("later"), (2028..2034).collect());
    assert_eq!(years_of("longer"), (2026..2035).collect());
    assert_eq!(years_of("apart"), (2040..2046).collect());
}

/// Each of a sketched cell's quantiles lies within its stated rank error of the exact
/// quantile of `sorted` (up to rounding).
fn assert_within_bound(sorted: &[f64], est: &aimak::stats::Summary, what: &str) {
    for (k, p) in PROBS.iter().enumerate() {
        let (lo, hi) = rank_interval(sorted, *p, est.rank_error);
        let eps = 1e-9 * hi.abs().max(lo.abs()).max(1.0);
        let q = est.q[k];
        assert!(
            q >= lo - eps && q <= hi + eps,
            "{what} p{p}: {q} not in [{lo}, {hi}]"
        );
    }
}

/// A calibrated run of `variants` on 2 threads, with every path's values kept.
fn calibrated_with_kept_paths(
    s: &aimak::model::Scenario,
    variants: &[&str],
    paths: u64,
    seed: u64,
) -> (aimak::results::Results, Vec<aimak::results::KeptBlock>) {
    use aimak::sim;
    let kept = std::sync::Mutex::new(Vec::new());
    let settings = sim::Settings {
        paths,
        seed,
        threads: 2,
        quantiles: Some(aimak::stats::QuantileMode::Calibrated),
    };
    let keep = |kb: aimak::results::KeptBlock| kept.lock().unwrap().push(kb);
    let r = sim::run(s, variants, &settings, &|_, _| {}, Some(&keep)).unwrap();
    (r, kept.into_inner().unwrap())
}

#[test]
fn sketched_quantiles_stay_within_their_stated_rank_error() {
    use aimak::sim;
    let s = aimak::scenario::load_builtin().unwrap();
    let (r, blocks) = calibrated_with_kept_paths(&s, &["baseline"], 12_000, 4);
    let plan = sim::plan::Plan::new(&s.baseline);
    let bound = r.max_rank_error();
    // The sketch guarantees each estimate to within its own stated bound; the largest bound
    // is what the metadata reports (max_rank_error).
    assert!(
        bound > 0.0 && bound <= aimak::stats::REFINE_ABOVE,
        "stated bound {bound}"
    );
    let v = &r.variants[0];
    for (mu, mr) in v.municipalities.iter().enumerate() {
        for (si, sr) in mr.streams.iter().enumerate() {
            let row = plan.stream_rows[mu] + si;
            for t in 0..s.baseline.years {
                let mut xs: Vec<f64> = blocks
                    .iter()
                    .flat_map(|kb| (0..kb.lanes).map(move |b| kb.values[row][t * kb.width + b]))
                    .collect();
                xs.sort_by(f64::total_cmp);
                let what = format!("{} {} year {t}", mr.id, sr.name);
                assert_within_bound(&xs, &sr.years[t], &what);
            }
        }
    }
}

#[test]
fn a_precision_run_stops_and_its_paths_reproduce_its_tables() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let o = aimak_ok(&[
        "run",
        "--precision",
        "0.02",
        "--paths",
        "8192",
        "--quiet",
        "--out",
        a.to_str().unwrap(),
    ]);
    let said = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(said.contains("reached with"), "{said}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(a.join("manifest.json")).unwrap()).unwrap();
    let n = manifest["paths"].as_u64().unwrap();
    assert!(said.contains(&format!("--paths {n}")));
    assert!((1024..=8192).contains(&n));
    let o = aimak(&[
        "run",
        "--paths",
        &n.to_string(),
        "--quiet",
        "--out",
        b.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    for f in [
        "summary",
        "npv",
        "levels",
        "shortfall",
        "projects",
        "pending",
        "compare",
        "budget_line",
    ] {
        let (x, y) = (
            read(&a.join(format!("{f}.parquet"))),
            read(&b.join(format!("{f}.parquet"))),
        );
        assert!(x.equals_missing(&y), "{f} differs");
    }
    // A tighter target than the cap allows says so and stops at the cap.
    let c = dir.path().join("c");
    let o = aimak(&[
        "run",
        "--precision",
        "0.0001",
        "--paths",
        "2048",
        "--quiet",
        "--out",
        c.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not reached with 2048 paths"));
}

#[test]
fn sketched_paired_differences_stay_within_their_stated_rank_error() {
    use aimak::sim;
    let s = aimak::scenario::load_builtin().unwrap();
    let names: Vec<&str> = s.models().map(|(n, _)| n).collect();
    let (r, blocks) = calibrated_with_kept_paths(&s, &names, 6_000, 5);
    assert!(r.max_rank_error() <= aimak::stats::REFINE_ABOVE);
    let plans: Vec<_> = s.models().map(|(_, m)| sim::plan::Plan::new(m)).collect();
    let cp =
        sim::compare::ComparePlan::new((&s.baseline, &plans[0]), (&s.variants[0].model, &plans[1]));
    let value = |variant: usize, row: Option<usize>, t: usize| -> Vec<f64> {
        let mut v: Vec<(u64, f64)> = blocks
            .iter()
            .filter(|kb| kb.variant == variant)
            .flat_map(|kb| {
                (0..kb.lanes).map(move |b| {
                    let x = row.map_or(0.0, |r| kb.values[r][t * kb.width + b]);
                    (kb.first + b as u64, x)
                })
            })
            .collect();
        v.sort_by_key(|(p, _)| *p);
        v.into_iter().map(|(_, x)| x).collect()
    };
    let compare = r.variants[1]
        .compare
        .as_ref()
        .expect("paired with the baseline");
    let mut checked = 0;
    for (mu, cm) in compare.iter().enumerate() {
        for (pair, cs) in cp.pairs[mu].iter().zip(&cm.streams) {
            assert_eq!(pair.name, cs.name);
            let years = s.baseline.years;
            let base: Vec<Vec<f64>> = (0..years).map(|t| value(0, pair.base, t)).collect();
            let gains: Vec<Vec<f64>> = (0..years)
                .map(|t| {
                    let v = value(1, pair.variant, t);
                    v.iter().zip(&base[t]).map(|(x, y)| x - y).collect()
                })
                .collect();
            let n = gains[0].len();
            let total_b: Vec<f64> = (0..n).map(|k| base.iter().map(|b| b[k]).sum()).collect();
            let mut total_d = vec![0.0; n];
            // The share of paths whose gain exceeds 5% of `scale` (exact: counts).
            let share = |d: &[f64], scale: &dyn Fn(usize) -> f64| {
                (0..n).filter(|&k| d[k] > 0.05 * scale(k).abs()).count() as f64 / n as f64
            };
            for (t, d) in gains.iter().enumerate() {
                for k in 0..n {
                    total_d[k] += d[k];
                }
                // A year's gain is material against the baseline's average year.
                let material = share(d, &|k| total_b[k] / years as f64);
                let what = format!("{} {} year {t}", cm.id, cs.name);
                assert_eq!(cs.years[t].p_material, material, "{what}");
                let mut d = d.clone();
                d.sort_by(f64::total_cmp);
                assert_within_bound(&d, &cs.years[t].summary, &what);
                checked += 1;
            }
            // The total over the horizon, and how often its gain exceeds 5% of the baseline's
            // total in the same path.
            let material = share(&total_d, &|k| total_b[k]);
            assert_eq!(cs.total.p_material, material, "{} {}", cm.id, cs.name);
            total_d.sort_by(f64::total_cmp);
            let what = format!("{} {} total", cm.id, cs.name);
            assert_within_bound(&total_d, &cs.total.summary, &what);
        }
    }
    assert!(checked > 100);
}
