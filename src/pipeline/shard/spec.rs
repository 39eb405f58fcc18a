//! Which shard a process is: `--shard I/K`, or `--shard env` read from the job array that
//! started it (Slurm, a Kubernetes Indexed Job).

use std::collections::HashMap;

/// Shard `index` of `count` (`0 <= index < count`): only [`ShardSpec::new`] builds one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    index: u64,
    count: u64,
}

/// The environment variable that gives the number of shards to `--shard env` where the job
/// array does not (a Kubernetes Indexed Job: set it to the Job's `completions`).
pub const SHARDS_VAR: &str = "AIMAK_SHARDS";

impl ShardSpec {
    pub fn new(index: u64, count: u64) -> Result<ShardSpec, String> {
        if count == 0 {
            return Err("--shard I/K: K, the number of shards, must be at least 1".into());
        }
        if index >= count {
            return Err(format!(
                "--shard {index}/{count}: shards are numbered from 0 to {} (0 <= I < K)",
                count - 1
            ));
        }
        Ok(ShardSpec { index, count })
    }

    pub fn index(self) -> u64 {
        self.index
    }

    pub fn count(self) -> u64 {
        self.count
    }

    /// `--shard WORD` (`I/K` or `env`), with `--shards K` if given, reading the environment
    /// `env` for `env`:
    /// - Slurm: `SLURM_ARRAY_TASK_ID` is the shard; K is `--shards`, else `AIMAK_SHARDS`, else
    ///   `SLURM_ARRAY_TASK_COUNT`, which is K only for an array submitted as `--array=0-(K-1)`
    ///   (checked with `SLURM_ARRAY_TASK_MIN` and `_MAX`); a resubmitted subset
    ///   (`--array=2,5`) needs `--shards K`.
    /// - Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` (0-based) is the shard; K is
    ///   `--shards`, else `AIMAK_SHARDS`.
    pub fn resolve(
        word: &str,
        shards: Option<u64>,
        env: &HashMap<String, String>,
    ) -> Result<ShardSpec, String> {
        if word != "env" {
            let parsed = word.split_once('/').and_then(|(i, k)| {
                Some((i.trim().parse::<u64>().ok()?, k.trim().parse::<u64>().ok()?))
            });
            let Some((i, k)) = parsed else {
                return Err(format!(
                    "--shard {word}: expected I/K (shard I of K, counted from 0, such as 0/4) or env (from the job array: SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)"
                ));
            };
            if let Some(s) = shards.filter(|s| *s != k) {
                return Err(format!(
                    "--shard {word} and --shards {s} disagree on the number of shards"
                ));
            }
            return ShardSpec::new(i, k);
        }
        let number = |name: &str| -> Result<Option<u64>, String> {
            match env.get(name) {
                None => Ok(None),
                Some(v) => v
                    .trim()
                    .parse::<u64>()
                    .map(Some)
                    .map_err(|_| format!("--shard env: {name}={v:?} is not a whole number")),
            }
        };
        let given = match shards {
            Some(k) => Some(k),
            None => number(SHARDS_VAR)?,
        };
        if let Some(i) = number("SLURM_ARRAY_TASK_ID")? {
            let k = match given {
                Some(k) => k,
                None => {
                    let Some(k) = number("SLURM_ARRAY_TASK_COUNT")? else {
                        return Err("--shard env: SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT; give the number of shards with --shards K".into());
                    };
                    let (min, max) = (
                        number("SLURM_ARRAY_TASK_MIN")?,
                        number("SLURM_ARRAY_TASK_MAX")?,
                    );
                    if min.is_some_and(|m| m != 0) || max.is_some_and(|m| m + 1 != k) {
                        return Err(format!(
                            "--shard env: this array is not --array=0-{} (its tasks run from {} to {}), so its task count is not the number of shards; give it with --shards K (aimak numbers shards from 0: submit --array=0-(K-1))",
                            k.saturating_sub(1),
                            min.map_or("?".into(), |m| m.to_string()),
                            max.map_or("?".into(), |m| m.to_string()),
                        ));
                    }
                    k
                }
            };
            return ShardSpec::new(i, k)
                .map_err(|e| format!("--shard env (SLURM_ARRAY_TASK_ID={i}): {e}"));
        }
        if let Some(i) = number("JOB_COMPLETION_INDEX")? {
            let Some(k) = given else {
                return Err(format!(
                    "--shard env: JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but not the number of shards; give it with --shards K or {SHARDS_VAR} (the Job's completions)"
                ));
            };
            return ShardSpec::new(i, k)
                .map_err(|e| format!("--shard env (JOB_COMPLETION_INDEX={i}): {e}"));
        }
        Err("--shard env: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; give the shard as --shard I/K".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn explicit_shards() {
        let none = env(&[]);
        assert_eq!(ShardSpec::resolve("2/7", None, &none), ShardSpec::new(2, 7));
        assert_eq!(
            ShardSpec::resolve("0/1", Some(1), &none),
            ShardSpec::new(0, 1)
        );
        for bad in ["7/7", "1/0", "x/3", "3", "-1/3"] {
            assert!(ShardSpec::resolve(bad, None, &none).is_err(), "{bad}");
        }
        assert!(ShardSpec::resolve("1/4", Some(5), &none).is_err());
    }

    #[test]
    fn slurm_array_from_zero() {
        let e = env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "3"),
        ]);
        assert_eq!(ShardSpec::resolve("env", None, &e), ShardSpec::new(3, 4));
    }

    #[test]
    fn a_resubmitted_slurm_task_needs_the_number_of_shards() {
        // `sbatch --array=2`: one task, numbered 2.
        let e = env(&[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "1"),
            ("SLURM_ARRAY_TASK_MIN", "2"),
            ("SLURM_ARRAY_TASK_MAX", "2"),
        ]);
        let e1 = ShardSpec::resolve("env", None, &e).unwrap_err();
        assert!(e1.contains("--shards K"), "{e1}");
        assert_eq!(ShardSpec::resolve("env", Some(4), &e), ShardSpec::new(2, 4));
        let mut with_var = e.clone();
        with_var.insert(SHARDS_VAR.into(), "4".into());
        assert_eq!(
            ShardSpec::resolve("env", None, &with_var),
            ShardSpec::new(2, 4)
        );
    }

    #[test]
    fn a_slurm_array_from_one_is_refused() {
        let e = env(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "4"),
        ]);
        let err = ShardSpec::resolve("env", None, &e).unwrap_err();
        assert!(err.contains("--array=0-3"), "{err}");
    }

    #[test]
    fn kubernetes_indexed_job() {
        let e = env(&[("JOB_COMPLETION_INDEX", "5")]);
        assert!(ShardSpec::resolve("env", None, &e)
            .unwrap_err()
            .contains(SHARDS_VAR));
        assert_eq!(ShardSpec::resolve("env", Some(8), &e), ShardSpec::new(5, 8));
        let e = env(&[("JOB_COMPLETION_INDEX", "5"), (SHARDS_VAR, "8")]);
        assert_eq!(ShardSpec::resolve("env", None, &e), ShardSpec::new(5, 8));
        let e = env(&[("JOB_COMPLETION_INDEX", "8"), (SHARDS_VAR, "8")]);
        assert!(ShardSpec::resolve("env", None, &e).is_err());
    }

    #[test]
    fn no_job_array_no_shard() {
        let err = ShardSpec::resolve("env", Some(4), &env(&[])).unwrap_err();
        assert!(err.contains("--shard I/K"), "{err}");
        let bad = env(&[
            ("SLURM_ARRAY_TASK_ID", "two"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert!(ShardSpec::resolve("env", None, &bad).is_err());
    }
}
