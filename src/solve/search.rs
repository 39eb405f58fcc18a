//! The search of `aimak solve` over any `p(x)`: a grid of 9 points, a check that every target's
//! probability moves one way across it, and bisection to `(HI - LO) / 1000`.
//!
//! Nothing here simulates: the caller's `eval` gives the counts at an `x` (on common random
//! numbers, so `p(x)` moves only with `x`), which keeps the search testable on plain functions.

/// Points of the first grid, `LO` and `HI` included.
pub const GRID: usize = 9;

/// The answer is bracketed to this fraction of the range.
pub const PRECISION: f64 = 1e-3;

/// Standard errors a probability may move against its direction before the search says that
/// it is not monotone. With 8 grid steps and up to 36 pairs compared per target, 3 standard
/// errors (one-sided 0.13% each) keeps a false refusal of a monotone `p` rare.
pub const Z: f64 = 3.0;

/// What a target gives at one `x`: on how many of `paths` it held.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub x: f64,
    /// Paths in which each target held.
    pub held: Vec<u64>,
    /// Paths in which every target held.
    pub joint: u64,
    pub paths: u64,
}

impl Point {
    /// The probability of target `i`.
    pub fn p(&self, i: usize) -> f64 {
        self.held[i] as f64 / self.paths as f64
    }

    /// Whether every target holds with probability at least `required`.
    pub fn meets(&self, required: f64) -> bool {
        (0..self.held.len()).all(|i| self.p(i) >= required)
    }
}

/// How the probabilities move as `x` rises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `p` rises with `x` (or does not move): the answer is the smallest `x` that meets the
    /// targets.
    Rises,
    /// `p` falls as `x` rises: the answer is the largest `x` that meets them.
    Falls,
}

/// Why there is no answer.
#[derive(Debug, Clone, PartialEq)]
pub enum NoAnswer {
    /// No `x` of the range meets every target (not even the best end).
    Unreachable(Direction),
    /// Target `target` moves against its direction between grid points `i < j` by more than
    /// `tolerance`.
    NotMonotone {
        target: usize,
        i: usize,
        j: usize,
        tolerance: f64,
    },
    /// One target rises with `x` and another falls: no single end of the range is the answer.
    Opposite { rising: usize, falling: usize },
}

/// A finished search.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub direction: Direction,
    pub grid: Vec<Point>,
    /// The bisection's points, in the order evaluated.
    pub steps: Vec<Point>,
    /// The answer: the point that meets the targets at the end of the bracket.
    pub answer: Point,
    /// The bracket `(a, b)`: the targets are met at the answer end and not at the other;
    /// its width is at most `(HI - LO) / 1000`. Equal ends when the answer is an end of the
    /// range that meets the targets.
    pub bracket: (f64, f64),
}

/// A search that ended without an answer, or whose `eval` failed.
#[derive(Debug)]
pub enum Failed<E> {
    Eval(E),
    NoAnswer { grid: Vec<Point>, why: NoAnswer },
}

/// The grid: `GRID` points from `lo` to `hi`, both exact.
pub fn grid(lo: f64, hi: f64) -> Vec<f64> {
    let n = (GRID - 1) as f64;
    (0..GRID)
        .map(|k| match k {
            0 => lo,
            k if k == GRID - 1 => hi,
            k => lo + (hi - lo) * k as f64 / n,
        })
        .collect()
}

/// The Monte Carlo tolerance for comparing two probabilities estimated on `n` paths each:
/// `Z` standard errors of the difference of two independent proportions,
/// `sqrt((p1 (1 - p1) + p2 (1 - p2)) / n)`. On common random numbers the two indicators are
/// positively correlated, so the true standard error of the difference is smaller: the
/// tolerance is conservative, and a refusal means a clear reversal.
pub fn tolerance(p1: f64, p2: f64, n: u64) -> f64 {
    Z * ((p1 * (1.0 - p1) + p2 * (1.0 - p2)) / n as f64).sqrt()
}

/// Each target's direction from the ends of the grid: `None` where both ends are equal.
pub fn directions(grid: &[Point]) -> Vec<Option<Direction>> {
    let (first, last) = (&grid[0], &grid[grid.len() - 1]);
    (0..first.held.len())
        .map(|i| match last.held[i].cmp(&first.held[i]) {
            std::cmp::Ordering::Greater => Some(Direction::Rises),
            std::cmp::Ordering::Less => Some(Direction::Falls),
            std::cmp::Ordering::Equal => None,
        })
        .collect()
}

/// Checks that every target moves its way across the grid: no pair of points `i < j` in which
/// it moves against its direction by more than [`tolerance`] (a target equal at both ends
/// must stay level within it). Every pair, not only neighbours, so that a slow slide against
/// the direction is seen too.
pub fn check_monotone(grid: &[Point], dirs: &[Option<Direction>]) -> Result<(), NoAnswer> {
    for (target, dir) in dirs.iter().enumerate() {
        for i in 0..grid.len() {
            for j in i + 1..grid.len() {
                let (pi, pj) = (grid[i].p(target), grid[j].p(target));
                let tol = tolerance(pi, pj, grid[i].paths.min(grid[j].paths));
                let against = match dir {
                    Some(Direction::Rises) => pi - pj,
                    Some(Direction::Falls) => pj - pi,
                    None => (pi - pj).abs(),
                };
                if against > tol {
                    return Err(NoAnswer::NotMonotone {
                        target,
                        i,
                        j,
                        tolerance: tol,
                    });
                }
            }
        }
    }
    Ok(())
}

/// Finds the smallest `x` in `[lo, hi]` whose point meets `required` for every target when
/// the probabilities rise with `x`, or the largest when they fall, to within
/// `(hi - lo) * PRECISION`.
pub fn search<E>(
    lo: f64,
    hi: f64,
    required: f64,
    eval: &mut dyn FnMut(f64) -> Result<Point, E>,
) -> Result<Found, Failed<E>> {
    let mut grid = Vec::with_capacity(GRID);
    for x in self::grid(lo, hi) {
        grid.push(eval(x).map_err(Failed::Eval)?);
    }
    let no = |grid: &[Point], why| Failed::NoAnswer {
        grid: grid.to_vec(),
        why,
    };
    let dirs = directions(&grid);
    let rising = dirs.iter().position(|d| *d == Some(Direction::Rises));
    let falling = dirs.iter().position(|d| *d == Some(Direction::Falls));
    let direction = match (rising, falling) {
        (Some(rising), Some(falling)) => {
            return Err(no(&grid, NoAnswer::Opposite { rising, falling }))
        }
        (None, Some(_)) => Direction::Falls,
        _ => Direction::Rises,
    };
    check_monotone(&grid, &dirs).map_err(|why| no(&grid, why))?;
    // Walk the grid from the end the answer is nearest to: rising, from LO up; falling, from
    // HI down. `near` is the first point that meets the targets.
    let order: Vec<usize> = match direction {
        Direction::Rises => (0..GRID).collect(),
        Direction::Falls => (0..GRID).rev().collect(),
    };
    let Some(k) = order.iter().position(|&i| grid[i].meets(required)) else {
        return Err(no(&grid, NoAnswer::Unreachable(direction)));
    };
    if k == 0 {
        let answer = grid[order[0]].clone();
        let x = answer.x;
        return Ok(Found {
            direction,
            grid,
            steps: Vec::new(),
            answer,
            bracket: (x, x),
        });
    }
    // Bisection between the last point that fails and the first that meets.
    let mut fails = grid[order[k - 1]].x;
    let mut meets = grid[order[k]].clone();
    let mut steps = Vec::new();
    let width = (hi - lo) * PRECISION;
    while (meets.x - fails).abs() > width {
        let mid = 0.5 * (fails + meets.x);
        if mid == fails || mid == meets.x {
            break;
        }
        let p = eval(mid).map_err(Failed::Eval)?;
        steps.push(p.clone());
        if p.meets(required) {
            meets = p;
        } else {
            fails = mid;
        }
    }
    let bracket = (fails.min(meets.x), fails.max(meets.x));
    Ok(Found {
        direction,
        grid,
        steps,
        answer: meets,
        bracket,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts of one target from a probability function, on `n` paths.
    fn point(x: f64, p: &dyn Fn(f64) -> f64, n: u64) -> Point {
        let held = (p(x) * n as f64).round() as u64;
        Point {
            x,
            held: vec![held],
            joint: held,
            paths: n,
        }
    }

    fn run(lo: f64, hi: f64, required: f64, p: &dyn Fn(f64) -> f64) -> Result<Found, NoAnswer> {
        let mut calls = 0;
        let r = search::<()>(lo, hi, required, &mut |x| {
            calls += 1;
            Ok(point(x, p, 10_000))
        });
        // Nine grid points and at most seven halvings of a grid step (8 * 2^-7 < 1/1000 * 8).
        assert!(calls <= GRID + 7, "{calls} evaluations");
        r.map_err(|e| match e {
            Failed::NoAnswer { why, .. } => why,
            Failed::Eval(()) => unreachable!(),
        })
    }

    #[test]
    fn bisection_finds_the_step_of_a_rising_step_function() {
        // p jumps from 0.5 to 0.9 at x = 0.3137: the answer is the smallest x that meets 0.8.
        let step = |x: f64| if x >= 0.3137 { 0.9 } else { 0.5 };
        let f = run(0.0, 1.0, 0.8, &step).unwrap();
        assert_eq!(f.direction, Direction::Rises);
        assert!(
            f.answer.x >= 0.3137 && f.answer.x - 0.3137 <= 1e-3,
            "{}",
            f.answer.x
        );
        assert!(f.bracket.0 < 0.3137 && f.bracket.1 - f.bracket.0 <= 1e-3);
        assert!(f.answer.meets(0.8));
    }

    #[test]
    fn bisection_finds_the_largest_x_of_a_falling_function() {
        // A falling step on another range: the answer is the largest x still at 0.85.
        let step = |x: f64| if x <= 17.25 { 0.85 } else { 0.2 };
        let f = run(10.0, 30.0, 0.8, &step).unwrap();
        assert_eq!(f.direction, Direction::Falls);
        assert!(
            f.answer.x <= 17.25 && 17.25 - f.answer.x <= 0.02,
            "{}",
            f.answer.x
        );
    }

    #[test]
    fn an_end_that_meets_is_the_answer_and_an_unmet_range_is_refused() {
        let f = run(0.0, 1.0, 0.8, &|x| 0.85 + 0.1 * x).unwrap();
        assert_eq!((f.answer.x, f.steps.len()), (0.0, 0));
        assert_eq!(
            run(0.0, 1.0, 0.8, &|x| 0.2 + 0.5 * x).unwrap_err(),
            NoAnswer::Unreachable(Direction::Rises)
        );
        assert_eq!(
            run(0.0, 1.0, 0.8, &|_| 0.5).unwrap_err(),
            NoAnswer::Unreachable(Direction::Rises)
        );
    }

    #[test]
    fn monotonicity_allows_monte_carlo_noise_and_refuses_a_reversal() {
        // A dip of one standard error (0.004 at p = 0.8 on 10,000 paths) is noise.
        let wobble = |x: f64| {
            if (0.49..0.51).contains(&x) {
                0.4 - 0.004
            } else {
                0.1 + 0.8 * x
            }
        };
        assert!(run(0.0, 1.0, 0.75, &wobble).is_ok());
        // A hump is not: p rises from 0.1 to 0.9 across the range, but falls back in between.
        let hump = |x: f64| {
            if (0.3..0.7).contains(&x) {
                0.95
            } else {
                0.1 + 0.8 * x
            }
        };
        match run(0.0, 1.0, 0.8, &hump).unwrap_err() {
            NoAnswer::NotMonotone {
                target: 0, i, j, ..
            } => {
                assert!(i < j && (3..=5).contains(&i) && j >= 6, "{i} {j}")
            }
            other => panic!("{other:?}"),
        }
        // Level at both ends but not in between.
        let bump = |x: f64| if (0.3..0.7).contains(&x) { 0.9 } else { 0.5 };
        assert!(matches!(
            run(0.0, 1.0, 0.8, &bump).unwrap_err(),
            NoAnswer::NotMonotone { .. }
        ));
    }

    #[test]
    fn the_tolerance_is_three_standard_errors_of_a_difference() {
        let t = tolerance(0.8, 0.8, 10_000);
        assert!((t - 3.0 * (0.32f64 / 10_000.0).sqrt()).abs() < 1e-15);
        assert_eq!(tolerance(1.0, 0.0, 100), 0.0);
    }

    #[test]
    fn targets_moving_in_opposite_directions_are_refused() {
        let r = search::<()>(0.0, 1.0, 0.5, &mut |x| {
            let (a, b) = ((x * 1000.0) as u64, ((1.0 - x) * 1000.0) as u64);
            Ok(Point {
                x,
                held: vec![a, b],
                joint: a.min(b),
                paths: 1000,
            })
        });
        match r {
            Err(Failed::NoAnswer { why, grid }) => {
                assert_eq!(grid.len(), GRID);
                assert_eq!(
                    why,
                    NoAnswer::Opposite {
                        rising: 0,
                        falling: 1
                    }
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
