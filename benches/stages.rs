//! The engine stage by stage on the national scenario (`aimak synth --seed 1`): drivers,
//! projects, routing (instruments and routes), funds, municipal budgets without and with their
//! statistics, and the levels above them with theirs. Throughput is in municipality-years per
//! second (criterion's elements/s), all from one run, so the stages compare as ratios.
//!
//!     cargo bench --bench stages

use aimak::sim::bench::StageBench;
use aimak::sim::Stage;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn stages(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = dir.path().join("national.toml");
    std::fs::write(&file, aimak::synth::national(1)).expect("write the national scenario");
    let s = aimak::scenario::load_file(&file).expect("national scenario");
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
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = dir.path().join("national.toml");
    std::fs::write(&file, aimak::synth::national(1)).expect("write the national scenario");
    let s = aimak::scenario::load_file(&file).expect("national scenario");
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
            b.iter(|| {
                let settings = aimak::sim::Settings {
                    paths,
                    seed: 1,
                    threads,
                    quantiles: None,
                };
                aimak::sim::run(&s, &["baseline"], &settings, &|_, _| {}, None).expect("run")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, stages, national);
criterion_main!(benches);
