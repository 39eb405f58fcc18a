//! The calibrated histogram: placement as defined, rank error within its bound, merging.

use super::edges::{key, on_key_scale, Slot};
use super::*;
use crate::stats::simd::{self, Isa};

#[test]
fn counts_carry_past_16_bits() {
    let edges = Arc::new(Edges::new(vec![0.0, 1.0]));
    let mut a = Calibrated::new(edges.clone());
    for _ in 0..70_000 {
        a.add(0.5);
    }
    let mut b = Calibrated::new(edges);
    for _ in 0..65_535 {
        b.add(0.5);
    }
    a.merge(&b);
    assert_eq!(a.count(), 135_535);
    // Every value sits in the sub-bucket [0.5, 0.5 + 1/SUBS).
    let (q, bound) = a.quantiles();
    assert!(
        q.iter().all(|x| (0.5..0.5 + 1.0 / SUBS as f64).contains(x)),
        "{q:?}"
    );
    assert_eq!(bound, 1.0);
}
use crate::stats::quantile::{linear, rank_interval, PROBS};

/// Every estimate lies within its stated rank error of the exact quantile.
fn assert_within_bound(sorted: &[f64], q: &[f64; 7], bound: f64) {
    for (k, p) in PROBS.iter().enumerate() {
        let (lo, hi) = rank_interval(sorted, *p, bound);
        assert!(
            q[k] >= lo && q[k] <= hi,
            "p{p}: {} not in [{lo}, {hi}]",
            q[k]
        );
    }
}

/// Edges calibrated on the first `k` of `all`, as a run's pilot.
fn pilot_edges(all: &[f64], k: usize) -> Arc<Edges> {
    let mut pilot = all[..k].to_vec();
    pilot.sort_by(f64::total_cmp);
    edges_from_pilot(&pilot)
}

fn xorshift(n: usize, seed: u64) -> Vec<f64> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

/// A hard mixture: 30% exact zeros, 20% tiny values spread over 15 orders of magnitude,
/// a narrow cluster (sd 1%) and a long tail.
fn mixture(n: usize, seed: u64) -> Vec<f64> {
    let u = xorshift(2 * n, seed);
    (0..n)
        .map(|i| {
            let (a, b) = (u[2 * i], u[2 * i + 1]);
            if a < 0.3 {
                0.0
            } else if a < 0.5 {
                10f64.powf(-12.0 + 15.0 * b)
            } else if a < 0.9 {
                2e7 * (1.0 + 0.01 * (b - 0.5))
            } else {
                2e7 * (8.0 * b).exp()
            }
        })
        .collect()
}

#[test]
fn rank_error_stays_small_on_a_hard_mixture() {
    let pilot_n = 512;
    let all = mixture(40_000, 0xABCDEF);
    let edges = pilot_edges(&all, pilot_n);
    let mut c = Calibrated::new(edges);
    for x in &all {
        c.add(*x);
    }
    let (q, bound) = c.quantiles();
    assert!(bound < 0.005, "bound {bound}");
    let mut sorted = all.clone();
    sorted.sort_by(f64::total_cmp);
    assert_within_bound(&sorted, &q, bound);
    // The point mass at zero is exact.
    assert_eq!(q[0], 0.0);
}

#[test]
fn a_second_pass_makes_crowded_buckets_exact() {
    // The pilot sees a uniform spread; the run then puts half its paths in a cluster far
    // narrower than any sub-bucket, so p50's bucket holds a third of the paths.
    let mut pilot = xorshift(512, 3);
    pilot.sort_by(f64::total_cmp);
    let edges = edges_from_pilot(&pilot);
    let u = xorshift(30_000, 9);
    let all: Vec<f64> = u
        .iter()
        .enumerate()
        .map(|(i, x)| if i % 2 == 0 { 0.5 + 1e-9 * x } else { *x })
        .collect();
    let mut c = Calibrated::new(edges.clone());
    all.iter().for_each(|x| c.add(*x));
    assert!(c.quantiles().1 > 0.3);
    let wanted = c.refine_targets(0.0025);
    assert!(!wanted.is_empty());
    for b in &wanted {
        let v: Vec<f64> = all
            .iter()
            .copied()
            .filter(|x| bucket_id(&edges, *x) == *b)
            .collect();
        c.set_exact(*b, v);
    }
    let (q, bound) = c.quantiles();
    assert!(bound <= 0.0025, "bound {bound}");
    let mut sorted = all.clone();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(q[3], linear(&sorted, 0.5));
    assert_within_bound(&sorted, &q, bound);
}

/// The bucket of `x`, through the batch placement.
fn bucket_id(edges: &Edges, x: f64) -> u32 {
    let mut id = [0; BATCH];
    edges.bucket_ids(&[x], &mut id);
    id[0]
}

/// A value's bucket by the definition, one value at a time: its place among the edges by
/// binary search, then below, above, at an edge or the sub-bucket of its interval.
fn reference_bucket(e: &[f64], x: f64) -> u32 {
    let p = e.partition_point(|v| *v <= x);
    let m = e.len();
    let slot = if p == 0 {
        Slot::Below
    } else if e[p - 1] == x {
        Slot::Edge(p - 1)
    } else if p == m {
        Slot::Above
    } else {
        let (a, b) = (e[p - 1], e[p]);
        let t = if on_key_scale(a, b) {
            (key(x) - key(a)) as f64 / (key(b) - key(a)) as f64
        } else {
            (x - a) / (b - a)
        };
        let k = ((t * SUBS as f64) as usize).min(SUBS - 1);
        Slot::Sub((p - 1) * SUBS + k)
    };
    slot.id(m)
}

/// Buckets found through the guide (or the search), in batches and one by one, with the
/// baseline instructions and the processor's vector ones, are those of the definition:
/// for values at, between and beyond the edges, both zeros, infinities and NaN, on both
/// scales.
#[test]
fn buckets_are_placed_as_defined() {
    let spread = |n: usize, seed: u64, f: &dyn Fn(f64) -> f64| -> Vec<f64> {
        let mut v: Vec<f64> = xorshift(n, seed).into_iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let pilots = [
        mixture(512, 11),
        spread(512, 12, &|u| 1e6 * (1.0 + 0.02 * u)),
        spread(512, 13, &|u| -5e5 + 1e6 * u),
        spread(512, 14, &|u| -(10f64.powf(9.0 * u))),
        spread(512, 15, &|u| if u < 0.4 { 0.0 } else { 3e4 * u }),
    ];
    let mut guided = Vec::new();
    for pilot in &pilots {
        let e = edges_from_pilot(pilot);
        guided.push(e.guided());
        let mut xs: Vec<f64> = e.iter().copied().collect();
        for w in e.windows(2) {
            xs.push(w[0] + (w[1] - w[0]) * 0.37);
        }
        xs.extend(mixture(2000, 17));
        xs.extend(spread(2000, 18, &|u| -1e6 + 2e6 * u));
        xs.extend([0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN]);
        xs.extend([f64::MIN_POSITIVE, f64::MAX, -f64::MAX]);
        xs.extend([e[0] - 1.0, e[e.len() - 1] * 2.0]);
        let want: Vec<u32> = xs.iter().map(|x| reference_bucket(&e, *x)).collect();
        for (x, w) in xs.iter().zip(&want) {
            assert_eq!(bucket_id(&e, *x), *w, "x = {x}");
        }
        for (chunk, w) in xs.chunks(BATCH).zip(want.chunks(BATCH)) {
            let mut ids = [0; BATCH];
            e.bucket_ids(chunk, &mut ids);
            assert_eq!(&ids[..chunk.len()], w);
            if let Ok(full) = chunk.try_into() {
                for isa in [Isa::Baseline, Isa::Avx2, Isa::Avx512] {
                    if isa.available() {
                        simd::bucket_ids(&e, isa, full, &mut ids);
                        assert_eq!(&ids[..], w, "{isa:?}");
                    }
                }
            }
        }
    }
    // The hard mixture puts 40% of its pilot in a cluster 1% wide, within one slot of a
    // guide spread over 20 orders of magnitude: it is searched. The others are guided.
    assert_eq!(guided, [false, true, true, true, true]);
}

#[test]
fn one_walk_finds_the_order_statistics_as_fresh_walks_do() {
    let all = mixture(2_000, 5);
    let edges = pilot_edges(&all, 512);
    // Few values make the quantiles ask for the same ranks twice, and for a lower rank
    // after a higher one.
    for n in [1, 2, 3, 7, 20, 513, 2_000] {
        let mut c = Calibrated::new(edges.clone());
        c.add_all(&all[..n]);
        let fresh = from_order_stats(c.count(), |r, n| {
            let l = c.order_stat(r, n, &mut Walk::default());
            (l.value, l.share)
        });
        assert_eq!(c.quantiles(), fresh, "{n} values");
    }
}

#[test]
fn dominant_values_counted_at_once_as_if_placed() {
    // Zeros are 30% of the mixture: its dominant value. Negative zeros and NaN are mixed
    // in, and a run of nothing but zeros, as a payment not made in a whole block.
    let mut all = mixture(3_000, 11);
    all.iter_mut().step_by(7).for_each(|x| *x = -0.0);
    all.iter_mut()
        .skip(3)
        .step_by(101)
        .for_each(|x| *x = f64::NAN);
    all.extend([0.0; 300]);
    let edges = pilot_edges(&all, 512);
    assert_eq!(edges.dominant.map(|(_, v)| v), Some(0.0));
    let mut counted = Calibrated::new(edges.clone());
    let mut placed = Calibrated::new(edges.clone());
    for run in all.chunks(250) {
        counted.add_all(run);
        placed.place_all(run, None);
    }
    assert_eq!(counted.counts, placed.counts);
    assert_eq!(counted.below, placed.below);
    assert_eq!(counted.tails.count(), placed.tails.count());
    // A pilot without a point mass of a quarter has no dominant value.
    let spread: Vec<f64> = (0..512).map(f64::from).collect();
    assert_eq!(edges_from_pilot(&spread).dominant, None);
}

#[test]
fn merging_any_split_gives_the_same_state() {
    let all = mixture(5_000, 7);
    let edges = pilot_edges(&all, 256);
    let mut whole = Calibrated::new(edges.clone());
    all.iter().for_each(|x| whole.add(*x));
    for parts in [2, 7, 40] {
        let mut m = Calibrated::new(edges.clone());
        for chunk in all.chunks(all.len().div_ceil(parts)).rev() {
            let mut c = Calibrated::new(edges.clone());
            chunk.iter().for_each(|x| c.add(*x));
            m.merge(&c);
        }
        assert_eq!(m.quantiles().0, whole.quantiles().0);
        assert_eq!(m.counts, whole.counts);
        assert_eq!(m.hi, whole.hi);
    }
}
