//! The shipped Slurm scripts (deploy/slurm/) on real Slurm daemons: a controller and one node
//! started for the test on 127.0.0.1, without munge (`auth/none`), from a slurm.conf in a
//! temporary folder. An array of 4 shards and the merges after it; one shard fails on its
//! first attempt, the merge names it, only it is submitted again, and the merged tables are
//! the bytes of one process.
//!
//! Needs `slurmctld`, `slurmd` and `sbatch` (Debian: slurmctld slurmd slurm-client). Without
//! them the test is skipped, unless `CI` is set: in CI it must run.

use super::root;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The daemons, stopped (by their own ids) when the test ends, however it ends.
struct Daemons {
    children: Vec<Child>,
}

impl Drop for Daemons {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn installed(program: &str) -> bool {
    ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"]
        .iter()
        .any(|d| Path::new(d).join(program).exists())
}

/// A port nobody listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| {
            let o = Command::new("hostname").arg("-s").output().unwrap();
            String::from_utf8_lossy(&o.stdout).trim().to_string()
        })
}

fn user() -> String {
    let o = Command::new("id").arg("-un").output().unwrap();
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// A slurm command with the test's configuration.
fn slurm(conf: &Path, program: &str) -> Command {
    let mut c = Command::new(program);
    c.env("SLURM_CONF", conf);
    c
}

fn start(dir: &Path) -> (Daemons, PathBuf) {
    let host = hostname();
    let me = user();
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let d = dir.display();
    for sub in ["state", "spool"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    let conf = dir.join("slurm.conf");
    std::fs::write(
        &conf,
        format!(
            "ClusterName=aimaktest\n\
             SlurmctldHost={host}(127.0.0.1)\n\
             SlurmctldPort={}\n\
             SlurmdPort={}\n\
             AuthType=auth/none\n\
             CredType=cred/none\n\
             ProctrackType=proctrack/pgid\n\
             TaskPlugin=task/none\n\
             SchedulerType=sched/builtin\n\
             SelectType=select/cons_tres\n\
             SelectTypeParameters=CR_Core\n\
             StateSaveLocation={d}/state\n\
             SlurmdSpoolDir={d}/spool\n\
             SlurmctldPidFile={d}/slurmctld.pid\n\
             SlurmdPidFile={d}/slurmd.pid\n\
             SlurmctldLogFile={d}/slurmctld.log\n\
             SlurmdLogFile={d}/slurmd.log\n\
             SlurmUser={me}\n\
             SlurmdUser={me}\n\
             ReturnToService=2\n\
             MpiDefault=none\n\
             MailProg=/bin/true\n\
             JobCompType=jobcomp/none\n\
             JobAcctGatherType=jobacct_gather/none\n\
             AccountingStorageType=accounting_storage/none\n\
             NodeName=aimaknode NodeAddr=127.0.0.1 CPUs={cpus} RealMemory=1000 State=UNKNOWN\n\
             PartitionName=aimak Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n",
            free_port(),
            free_port()
        ),
    )
    .unwrap();
    let log = |name: &str| Stdio::from(std::fs::File::create(dir.join(name)).unwrap());
    let ctld = slurm(&conf, "slurmctld")
        .args(["-D", "-c", "-f"])
        .arg(&conf)
        .stdout(log("slurmctld.out"))
        .stderr(log("slurmctld.err"))
        .spawn()
        .expect("start slurmctld");
    let mut daemons = Daemons {
        children: vec![ctld],
    };
    std::thread::sleep(Duration::from_secs(1));
    let node = slurm(&conf, "slurmd")
        .args(["-D", "-N", "aimaknode", "-f"])
        .arg(&conf)
        .stdout(log("slurmd.out"))
        .stderr(log("slurmd.err"))
        .spawn()
        .expect("start slurmd");
    daemons.children.push(node);
    let t0 = Instant::now();
    loop {
        let o = slurm(&conf, "sinfo")
            .args(["-h", "-o", "%T"])
            .output()
            .unwrap();
        let state = String::from_utf8_lossy(&o.stdout).trim().to_string();
        if state == "idle" {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "the Slurm node did not come up (state {state:?}); logs in {}:\n{}",
            dir.display(),
            std::fs::read_to_string(dir.join("slurmctld.err")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    (daemons, conf)
}

/// Waits until no job is left in the queue.
fn drain(conf: &Path, within: Duration) {
    let t0 = Instant::now();
    loop {
        let o = slurm(conf, "squeue")
            .args(["-h", "-o", "%i %T %r"])
            .output()
            .unwrap();
        let q = String::from_utf8_lossy(&o.stdout).trim().to_string();
        if q.is_empty() {
            return;
        }
        assert!(t0.elapsed() < within, "jobs still queued: {q}");
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// The file in `dir` whose name starts with `prefix` (the newest if several).
fn log_of(dir: &Path, prefix: &str) -> String {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    found.sort_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap());
    let last = found
        .last()
        .unwrap_or_else(|| panic!("no {prefix}* log in {}", dir.display()));
    std::fs::read_to_string(last).unwrap()
}

#[test]
fn a_split_run_on_slurm_with_a_failed_shard_rerun() {
    let have = ["slurmctld", "slurmd", "sbatch", "squeue", "sinfo"]
        .iter()
        .all(|p| installed(p));
    if !have {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but Slurm is not installed (apt-get install slurmctld slurmd slurm-client)"
        );
        eprintln!("skipped: Slurm is not installed (slurmctld, slurmd, slurm-client)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_daemons, conf) = start(dir.path());
    let parts = dir.path().join("parts");
    let out = dir.path().join("merged");
    // The aimak of the jobs: the real one, except that shard 2 fails on its first attempt.
    let marker = dir.path().join("failed-once");
    let wrapper = dir.path().join("aimak-flaky");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/bash\nif [ \"${{SLURM_ARRAY_TASK_ID:-}}\" = 2 ] && [ \"${{AIMAK_ROUND:-1}}\" = 1 ] && [ ! -e {m} ]; then\n  touch {m}\n  echo 'shard 2: failing on purpose' >&2\n  exit 3\nfi\nexec {aimak} \"$@\"\n",
            m = marker.display(),
            aimak = env!("CARGO_BIN_EXE_aimak")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let submit = |array: Option<&str>| {
        let mut c = slurm(&conf, "bash");
        c.arg(root().join("deploy/slurm/submit.sh"))
            .args([
                root()
                    .join("tests/fixtures/format-tour.toml")
                    .to_str()
                    .unwrap(),
                "600",
                "4",
                parts.to_str().unwrap(),
                out.to_str().unwrap(),
            ])
            .env("AIMAK", &wrapper)
            .env("AIMAK_SEED", "5")
            .env("SBATCH_MEM_PER_NODE", "100M")
            .env("SBATCH_TIMELIMIT", "10")
            .current_dir(dir.path());
        if let Some(a) = array {
            c.env("ARRAY", a);
        }
        let o = c.output().unwrap();
        assert!(
            o.status.success(),
            "submit.sh: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    submit(None);
    // The first merge runs whatever the shards did, finds shard 2 missing, names it and the
    // array to submit, and fails; the jobs after it are cancelled.
    drain(&conf, Duration::from_secs(300));
    assert!(marker.exists(), "shard 2 ran and failed");
    let logs = parts.join("logs");
    let merge1 = log_of(&logs, "merge1-");
    assert!(merge1.contains("shard 2"), "{merge1}");
    let array = merge1
        .split("sbatch --array=")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no --array= in the merge's message: {merge1}"))
        .to_string();
    assert_eq!(array, "2");
    assert!(!out.exists());
    // Only the missing shard again, and the merges after it.
    submit(Some(&array));
    drain(&conf, Duration::from_secs(300));
    let merge2 = log_of(&logs, "merge2-");
    assert!(
        out.join("manifest.json").exists(),
        "no results; merge logs:\n{}\n{merge2}",
        log_of(&logs, "merge1-")
    );
    // The same bytes as one process.
    // (The scenario's SHA-256, in every table's metadata, covers its path as given: the same
    // spelling as the shards'.)
    let one = dir.path().join("one");
    let tour = root().join("tests/fixtures/format-tour.toml");
    super::aimak_ok(&[
        "run",
        tour.to_str().unwrap(),
        "--paths",
        "600",
        "--seed",
        "5",
        "--out",
        one.to_str().unwrap(),
        "-q",
    ]);
    let mut n = 0;
    for e in std::fs::read_dir(&one).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "parquet") {
            let name = p.file_name().unwrap();
            assert!(
                std::fs::read(&p).unwrap() == std::fs::read(out.join(name)).unwrap(),
                "{} differs",
                name.to_string_lossy()
            );
            n += 1;
        }
    }
    assert!(n >= 6);
}
