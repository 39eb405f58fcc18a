//! The engine's hot loop allocates nothing per path: a run's heap allocations grow with its
//! blocks of paths (per-block buffers), not with its paths. Its own test binary, because it
//! counts every allocation of the process.

use aimak::sim::{self, Settings, LANES};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn allocations(s: &aimak::model::Scenario, paths: u64) -> u64 {
    let settings = Settings {
        paths,
        seed: 3,
        threads: 1,
        quantiles: Some(aimak::stats::QuantileMode::Calibrated),
    };
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    sim::run(s, &["baseline"], &settings, &|_, _| {}, None).unwrap();
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

#[test]
fn allocations_grow_with_blocks_not_paths() {
    let s = aimak::scenario::load_builtin().unwrap();
    let (small, large) = (8 * LANES as u64, 40 * LANES as u64);
    let extra_paths = large - small;
    let extra_blocks = extra_paths / LANES as u64;
    let extra = allocations(&s, large).saturating_sub(allocations(&s, small));
    // At most a few buffers a block (today none), never one a path.
    assert!(
        extra <= 16 * extra_blocks && extra < extra_paths / 16,
        "{extra} more allocations for {extra_paths} more paths ({extra_blocks} blocks)"
    );
}
