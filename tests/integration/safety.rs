//! Nothing of the user's is lost and nothing is left behind: what `--force` may replace,
//! standard output that goes away, a damaged run folder, interrupted runs.

use super::{aimak, root};
use std::process::{Command, Stdio};

fn run_into(out: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["run", "--paths", "50", "-q", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    aimak(&args)
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Fuzz finding 1: `--force` on a folder of the user's deleted it.
#[test]
fn force_never_replaces_a_folder_aimak_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mydata");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("thesis.txt"), "precious").unwrap();
    let o = run_into(&mine, &["--force"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not an aimak output folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(mine.join("thesis.txt")).unwrap(),
        "precious"
    );
    // An empty folder holds nothing to lose: --force may fill it.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert_eq!(run_into(&empty, &[]).status.code(), Some(1));
    assert_eq!(run_into(&empty, &["--force"]).status.code(), Some(0));
    assert!(empty.join("manifest.json").is_file());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

/// Fuzz finding 2: `--out afile --force` moved the file to a hidden name and exited 2.
#[test]
fn a_file_is_not_a_folder_to_replace() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("afile");
    std::fs::write(&file, "precious").unwrap();
    let o = run_into(&file, &["--force"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is a file, not a folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec!["afile"], "nothing moved aside or left behind");
}

/// Fuzz finding 4: a closed pipe ends quietly; a full device is exit 2 with a message.
#[test]
fn standard_output_that_goes_away_is_not_a_panic() {
    for args in [&["synth"][..], &["schema"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_aimak"))
            .args(args)
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end at once, as `| head -0` would.
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
    if std::path::Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_aimak"))
            .arg("schema")
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("cannot write to standard output"),
            "{}",
            stderr(&o)
        );
    }
}

/// Fuzz finding 14: `aimak chart` on a damaged run folder names what is wrong.
#[test]
fn chart_names_a_missing_or_damaged_table_and_a_bad_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    assert_eq!(run_into(&out, &[]).status.code(), Some(0));
    let chart = |d: &std::path::Path| aimak(&["chart", d.to_str().unwrap()]);
    assert_eq!(chart(&out).status.code(), Some(0));

    let levels = out.join("levels.parquet");
    let saved = std::fs::read(&levels).unwrap();
    std::fs::remove_file(&levels).unwrap();
    let o = chart(&out);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("levels.parquet"), "{}", stderr(&o));
    std::fs::write(&levels, &saved).unwrap();

    let summary = out.join("summary.parquet");
    std::fs::write(&summary, b"not parquet").unwrap();
    let o = chart(&out);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("summary.parquet"), "{}", stderr(&o));

    std::fs::write(out.join("manifest.json"), b"{ not json").unwrap();
    let o = chart(&out);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("is not an aimak manifest") && !stderr(&o).contains("cannot write"),
        "{}",
        stderr(&o)
    );
}

/// Fuzz finding 15: an interrupted run removes its temporary folder; one killed outright
/// leaves one that the next run beside it removes.
#[test]
fn interrupted_runs_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    // A folder as SIGKILL leaves it: no process has this id (Linux ids stay below 2^22).
    let stale = dir.path().join(".run.partial-999999999");
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join("summary.parquet"), b"half").unwrap();
    let out = dir.path().join("run");
    let mut child = Command::new(env!("CARGO_BIN_EXE_aimak"))
        .args(["run", "--paths", "400000", "-q", "--out"])
        .arg(&out)
        .current_dir(root())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let partial = dir.path().join(format!(".run.partial-{}", child.id()));
    let started = std::time::Instant::now();
    while !partial.exists() && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(partial.exists(), "the run opened its temporary folder");
    assert!(!stale.exists(), "the dead run's folder is removed");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(128 + 15));
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
