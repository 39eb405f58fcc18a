//! Throughput of the engine on the built-in scenario: paths x years per second (criterion
//! reports it as elements/s), at one thread and at all threads, measured in one run so the
//! ratio is meaningful on a noisy machine.
//!
//!     cargo bench --bench engine

use aimak::sim::{self, Settings};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn engine(c: &mut Criterion) {
    let s = aimak::scenario::load_builtin().expect("built-in scenario");
    let years = s.baseline.years as u64;
    let paths = 2_000u64;
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut g = c.benchmark_group("default-scenario-baseline");
    g.sample_size(10);
    g.throughput(Throughput::Elements(paths * years));
    for threads in [1, cores] {
        g.bench_function(format!("{threads}-thread"), |b| {
            b.iter(|| {
                let settings = Settings {
                    paths,
                    seed: 1,
                    threads,
                    quantiles: None,
                };
                sim::run(&s, &["baseline"], &settings, &|_, _| {}, None).expect("run")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
