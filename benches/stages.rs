//! The engine stage by stage on the national scenario (`aimak synth --seed 1`): drivers,
//! projects, routing (instruments and routes), funds, municipal budgets without and with their
//! statistics, and the levels above them with theirs. Throughput is in municipality-years per
//! second (criterion's elements/s), all from one run, so the stages compare as ratios.
//!
//!     cargo bench --bench stages
//!     cargo bench --bench stages -- national-limits   # the run against its limits

use aimak::sim::bench::StageBench;
use aimak::sim::Stage;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn stages(c: &mut Criterion) {
    let s = national_scenario();
    let mut plain = StageBench::new(&s, false).expect("pilot");
    let mut counted = StageBench::new(&s, true).expect("pilot");
    let mut g = c.benchmark_group("national-stages");
    g.sample_size(20);
    g.throughput(Throughput::Elements(plain.muni_years()));
    for (name, stage) in [
        ("drivers", Stage::Drivers),
        ("projects", Stage::Projects),
        ("routing", Stage::Routing),
        ("funds", Stage::Funds),
        ("budgets", Stage::Budgets),
    ] {
        g.bench_function(name, |b| b.iter(|| plain.run(stage)));
    }
    g.bench_function("budgets+statistics", |b| {
        b.iter(|| counted.run(Stage::Budgets))
    });
    g.bench_function("levels+statistics", |b| {
        b.iter(|| counted.run(Stage::Levels))
    });
    g.finish();
}

/// The whole national run, baseline, at one thread and at all, in one run.
fn national(c: &mut Criterion) {
    let s = national_scenario();
    let paths = 2_048u64;
    let muni_years = (s.baseline.municipalities.len() * s.baseline.years) as u64 * paths;
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut g = c.benchmark_group("national-end-to-end");
    g.sample_size(10);
    g.throughput(Throughput::Elements(muni_years));
    for threads in [1, cores] {
        g.bench_function(format!("{threads}-thread"), |b| {
            b.iter(|| whole_run(&s, paths, threads))
        });
    }
    g.finish();
}

/// The limits of the national run, in one run so they compare as ratios: the whole run
/// (statistics, tables in memory), the same paths with the statistics off, and their random
/// draws alone, at one thread and at all.
fn limits(c: &mut Criterion) {
    let s = national_scenario();
    let paths = 2_048u64;
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut g = c.benchmark_group("national-limits");
    g.sample_size(10);
    g.throughput(Throughput::Elements(paths));
    for threads in [1, cores] {
        g.bench_function(format!("whole-run-{threads}-thread"), |b| {
            b.iter(|| whole_run(&s, paths, threads))
        });
        g.bench_function(format!("simulation-only-{threads}-thread"), |b| {
            b.iter(|| aimak::sim::bench::simulate_only(&s, paths, threads).expect("simulate"))
        });
        g.bench_function(format!("draws-only-{threads}-thread"), |b| {
            b.iter(|| aimak::sim::bench::draws_only(&s, paths, threads))
        });
    }
    g.finish();
}

/// The national scenario of `aimak synth --seed 1`, loaded from a file as a user's would be.
fn national_scenario() -> aimak::model::Scenario {
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = dir.path().join("national.toml");
    std::fs::write(&file, aimak::synth::national(1, aimak::synth::Form::Whole))
        .expect("write the national scenario");
    aimak::scenario::load_file(&file).expect("national scenario")
}

/// The baseline's first `paths` paths on `threads` threads, statistics and results included.
fn whole_run(s: &aimak::model::Scenario, paths: u64, threads: usize) -> aimak::results::Results {
    let settings = aimak::sim::Settings {
        paths,
        seed: 1,
        threads,
        quantiles: None,
    };
    aimak::sim::run(s, &["baseline"], &settings, &|_, _| {}, None).expect("run")
}

criterion_group!(benches, stages, national, limits);
criterion_main!(benches);
