//! Runs split across machines (docs/model.md section 14, docs/shards.md): merged parts give
//! the same results, and the same table bytes, as one process, for any number of shards and
//! any order of the parts; mismatched, missing, duplicated and corrupted parts are refused.

use super::root;
use aimak::sim::{self, shard::Split};
use aimak::stats::QuantileMode;

fn tour() -> aimak::model::Scenario {
    aimak::scenario::load_file(&root().join("tests/fixtures/format-tour.toml")).unwrap()
}

fn settings(paths: u64, quantiles: Option<QuantileMode>) -> sim::Settings {
    sim::Settings {
        paths,
        seed: 11,
        threads: 2,
        quantiles,
    }
}

/// The results of `k` shards merged in the order `order` (a permutation of 0..k), with a
/// second round when the merge asks for one; the engine's side of `aimak merge`.
fn split_run(
    s: &aimak::model::Scenario,
    st: &sim::Settings,
    k: u64,
    order: &[u64],
) -> (aimak::results::Results, bool) {
    let names: Vec<&str> = s.models().map(|(n, _)| n).collect();
    let parts: Vec<Vec<u8>> = (0..k)
        .map(|i| {
            let mut sp = Split::new(s, &names, st).unwrap();
            let span = sim::shard::shard_paths(st.paths, i, k);
            sp.first_round(span, &|_, _| {}).unwrap()
        })
        .collect();
    let mut m = Split::new(s, &names, st).unwrap();
    let mut merged = m.merge().unwrap();
    for i in order {
        m.add(&mut merged, &parts[*i as usize]).unwrap();
    }
    let request = m.request(&mut merged);
    let refined = request.is_some();
    if let Some(req) = request {
        let collected: Vec<Vec<u8>> = (0..k)
            .map(|i| {
                let mut sp = Split::new(s, &names, st).unwrap();
                let span = sim::shard::shard_paths(st.paths, i, k);
                sp.second_round(span, &req, &|_, _| {}).unwrap()
            })
            .collect();
        for i in order {
            m.collect(&mut merged, &collected[*i as usize]).unwrap();
        }
        m.absorb(&mut merged).unwrap();
    }
    (m.finish(merged).unwrap(), refined)
}

fn one_process(s: &aimak::model::Scenario, st: &sim::Settings) -> aimak::results::Results {
    let names: Vec<&str> = s.models().map(|(n, _)| n).collect();
    sim::run(s, &names, st, &|_, _| {}, None).unwrap()
}

#[test]
fn shards_merged_in_any_order_are_one_process_exact() {
    let s = tour();
    let st = settings(1000, None);
    let whole = format!("{:?}", one_process(&s, &st).variants);
    for (k, order) in [
        (1, vec![0]),
        (3, vec![2, 0, 1]),
        (7, vec![6, 3, 0, 5, 1, 4, 2]),
    ] {
        let (r, refined) = split_run(&s, &st, k, &order);
        assert_eq!(r.quantile_mode, QuantileMode::Exact);
        assert!(!refined);
        assert_eq!(format!("{:?}", r.variants), whole, "{k} shards");
    }
}

#[test]
fn shards_merged_in_any_order_are_one_process_calibrated_with_a_second_round() {
    let s = tour();
    let st = settings(700, Some(QuantileMode::Calibrated));
    let whole = one_process(&s, &st);
    assert_eq!(whole.quantile_mode, QuantileMode::Calibrated);
    let whole = format!("{:?}", whole.variants);
    for (k, order) in [
        (1, vec![0]),
        (3, vec![1, 2, 0]),
        (7, vec![3, 6, 0, 5, 1, 4, 2]),
    ] {
        let (r, refined) = split_run(&s, &st, k, &order);
        assert!(refined, "this run needs its second round");
        assert_eq!(format!("{:?}", r.variants), whole, "{k} shards");
    }
}

const TOUR: &str = "tests/fixtures/format-tour.toml";

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

/// Every Parquet table of a run folder: (name, bytes), sorted.
fn tables(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    assert!(v.len() >= 6, "{}: {} tables", dir.display(), v.len());
    v
}

fn shard_args<'a>(paths: &'a str, shard: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "run", TOUR, "--paths", paths, "--seed", "5", "--shard", shard, "--out", out, "-q",
    ]
}

fn part_file(dir: &std::path::Path, i: u64, k: u64) -> std::path::PathBuf {
    dir.join(format!("shard-{i:04}-of-{k:04}.part"))
}

#[test]
fn merged_tables_are_the_bytes_of_one_process_for_1_3_and_7_shards() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one");
    super::aimak_ok(&[
        "run",
        TOUR,
        "--paths",
        "1000",
        "--seed",
        "5",
        "--out",
        s(&one),
        "-q",
    ]);
    let want = tables(&one);
    for k in [1u64, 3, 7] {
        let parts = dir.path().join(format!("parts{k}"));
        for i in (0..k).rev() {
            super::aimak_ok(&shard_args("1000", &format!("{i}/{k}"), s(&parts)));
        }
        // The parts named one by one, in a shuffled order.
        let mut files: Vec<String> = (0..k)
            .map(|i| s(&part_file(&parts, (i * 5 + 2) % k, k)).to_string())
            .collect();
        files.dedup();
        let out = dir.path().join(format!("merged{k}"));
        let mut args = vec!["merge"];
        args.extend(files.iter().map(String::as_str));
        args.extend(["--out", s(&out), "-q"]);
        super::aimak_ok(&args);
        assert!(tables(&out) == want, "{k} shards: tables differ");
    }
}

#[test]
fn a_shard_run_twice_writes_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    super::aimak_ok(&shard_args("600", "1/3", s(&a)));
    super::aimak_ok(&shard_args("600", "1/3", s(&b)));
    let read = |d: &std::path::Path| std::fs::read(part_file(d, 1, 3)).unwrap();
    assert!(read(&a) == read(&b));
    // Run again into the same folder: the part is replaced whole, by the same bytes.
    super::aimak_ok(&shard_args("600", "1/3", s(&a)));
    assert!(read(&a) == read(&b));
}

/// The merge refuses what cannot be merged, exits 1, and says which shards to run again.
#[test]
fn missing_duplicated_mismatched_and_corrupted_parts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let parts = dir.path().join("parts");
    for i in [0, 2, 3] {
        super::aimak_ok(&shard_args("400", &format!("{i}/4"), s(&parts)));
    }
    let out = dir.path().join("out");
    let refused = |args: &[&str], want: &[&str]| {
        let o = super::aimak(args);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(1), "{err}");
        for w in want {
            assert!(err.contains(w), "{w:?} not in: {err}");
        }
        assert!(!out.exists(), "nothing written");
    };
    refused(
        &["merge", s(&parts), "--out", s(&out)],
        &["shard 1", "sbatch --array=1 ", "--shard 1/4"],
    );
    // A part of another seed.
    let other = dir.path().join("other");
    let mut args = shard_args("400", "1/4", s(&other));
    args[5] = "6";
    super::aimak_ok(&args);
    refused(
        &[
            "merge",
            s(&parts),
            s(&part_file(&other, 1, 4)),
            "--out",
            s(&out),
        ],
        &["another run", "shard-0001-of-0004.part", "seed 6"],
    );
    // Of other paths (and so another number of paths in every shard).
    let more = dir.path().join("more");
    super::aimak_ok(&shard_args("500", "1/4", s(&more)));
    refused(
        &[
            "merge",
            s(&parts),
            s(&part_file(&more, 1, 4)),
            "--out",
            s(&out),
        ],
        &["paths 500"],
    );
    // The missing shard, twice.
    let again = dir.path().join("again");
    super::aimak_ok(&shard_args("400", "1/4", s(&again)));
    super::aimak_ok(&shard_args("400", "1/4", s(&parts)));
    refused(
        &["merge", s(&parts), s(&again), "--out", s(&out)],
        &["duplicated", "shard 1:"],
    );
    // A corrupted part: named, and its shard to run again.
    let p2 = part_file(&parts, 2, 4);
    let mut bytes = std::fs::read(&p2).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(&p2, bytes).unwrap();
    refused(
        &["merge", s(&parts), "--out", s(&out)],
        &["shard-0002-of-0004.part", "corrupted", "sbatch --array=2 "],
    );
    // Cut short.
    let full = std::fs::read(part_file(&again, 1, 4)).unwrap();
    std::fs::write(part_file(&parts, 1, 4), &full[..full.len() - 100]).unwrap();
    refused(
        &["merge", s(&parts), "--out", s(&out)],
        &["sbatch --array=1,2 "],
    );
    // Repaired, it merges.
    super::aimak_ok(&shard_args("400", "1/4", s(&parts)));
    super::aimak_ok(&shard_args("400", "2/4", s(&parts)));
    super::aimak_ok(&["merge", s(&parts), "--out", s(&out), "-q"]);
}

#[test]
fn shard_flags_that_cannot_work_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    for extra in [
        &["--keep-paths"][..],
        &["--sensitivity"],
        &["--precision", "0.05"],
    ] {
        let mut args = shard_args("300", "0/2", s(&out));
        args.extend(extra);
        let o = super::aimak(&args);
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(extra[0]), "{err}");
    }
    for (shard, want) in [
        ("2/2", "0 to 1"),
        ("a/b", "expected I/K"),
        ("env", "SLURM_ARRAY_TASK_ID"),
    ] {
        let o = super::aimak(&shard_args("300", shard, s(&out)));
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains(want));
    }
    let o = super::aimak(&["run", TOUR, "--paths", "300", "--shard", "0/2"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("--out PART_DIR"));
    assert!(!out.exists());
}

/// Round 2 is always safe to run: with nothing to refine, its shards and the merge after it
/// do nothing, so a job script can always include it.
#[test]
fn round_2_with_nothing_to_refine_is_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let parts = dir.path().join("parts");
    for i in 0..2 {
        super::aimak_ok(&shard_args("300", &format!("{i}/2"), s(&parts)));
    }
    let out = dir.path().join("out");
    super::aimak_ok(&["merge", s(&parts), "--out", s(&out), "-q"]);
    let manifest = std::fs::read(out.join("manifest.json")).unwrap();
    for i in 0..2 {
        let shard = format!("{i}/2");
        let mut args = shard_args("300", &shard, s(&parts));
        args.pop();
        args.extend(["--refine", s(&parts)]);
        let o = super::aimak_ok(&args);
        assert!(String::from_utf8_lossy(&o.stdout).contains("nothing to refine"));
    }
    let o = super::aimak_ok(&["merge", s(&parts), "--out", s(&out)]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("already holds"));
    assert_eq!(std::fs::read(out.join("manifest.json")).unwrap(), manifest);
    let names: Vec<String> = std::fs::read_dir(&parts)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "two parts and the request: {names:?}");
}

/// Calibrated quantiles with a second round, through the files: shards, the merge's request,
/// the shards' round 2, the final merge; the tables are the bytes of one process.
#[test]
fn calibrated_quantiles_with_round_2_through_the_files() {
    use aimak::pipeline::run::{RunJob, RunRequest};
    use aimak::pipeline::shard::{merge, MergeRequest};
    let dir = tempfile::tempdir().unwrap();
    let req = |out: &std::path::Path, shard: Option<String>, refine: Option<&std::path::Path>| {
        let mut job = RunJob::new(RunRequest {
            scenario: Some(root().join(TOUR)),
            paths: Some(700),
            seed: Some(3),
            out: Some(out.to_path_buf()),
            threads: Some(2),
            shard,
            refine: refine.map(|p| p.to_path_buf()),
            ..RunRequest::default()
        })
        .unwrap();
        job.force_quantiles(QuantileMode::Calibrated);
        job.execute(&|_, _| {}).unwrap()
    };
    let one = dir.path().join("one");
    req(&one, None, None);
    let parts = dir.path().join("parts");
    let k = 3;
    for i in 0..k {
        req(&parts, Some(format!("{i}/{k}")), None);
    }
    // Calibrated parts too are the same bytes when run again.
    let again = dir.path().join("again");
    req(&again, Some(format!("1/{k}")), None);
    let name = "shard-0001-of-0003.part";
    assert!(std::fs::read(parts.join(name)).unwrap() == std::fs::read(again.join(name)).unwrap());
    let out = dir.path().join("merged");
    let m = MergeRequest {
        parts: vec![parts.clone()],
        out: out.clone(),
        force: false,
        threads: Some(2),
    };
    let first = merge(m.clone(), &|_, _| {}).unwrap();
    assert!(first.summary.contains("round 2"), "{}", first.summary);
    assert!(!out.exists());
    assert!(parts.join("refine.request").exists());
    // Before round 2, a second merge says what is missing.
    let early = merge(m.clone(), &|_, _| {});
    assert!(early.is_err());
    for i in (0..k).rev() {
        req(&parts, Some(format!("{i}/{k}")), Some(&parts));
    }
    merge(m, &|_, _| {}).unwrap();
    assert!(tables(&out) == tables(&one), "tables differ");
}
