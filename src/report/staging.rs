//! A run's output folder while it is being written, and the rule for replacing an old one.
//!
//! A folder is written under a hidden temporary name beside its destination and renamed into
//! place only when every file is complete, so a folder named like a result is always whole.
//! Replacing is allowed only for what aimak wrote: an empty folder, or a folder whose
//! `manifest.json` is aimak's and lists every file in it. Anything else (a file, a folder of
//! the user's, an aimak folder with a file the user added) is refused, `--force` or not, so a
//! mistyped `--out` never costs anyone their files.
//!
//! Temporary folders are removed when a run fails, when it is interrupted (SIGINT, SIGTERM:
//! [`cleanup_on_signals`]), and, if a process was killed outright, by the next run that
//! writes beside them.

use super::{io, Manifest, ReportError};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary folders of this process that are not yet committed, for the signal handler.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// What stands at an output path, and whether aimak may replace it.
#[derive(Debug, PartialEq, Eq)]
pub enum Existing {
    /// Nothing there.
    Absent,
    /// An empty folder, or one that aimak wrote: it may be replaced.
    Replaceable,
}

/// Where the list of a folder's own files is kept: its own manifest (a run folder), or the
/// manifest of the run folder it is part of (`charts/`), under a prefix.
type Owner<'a> = Option<(&'a Path, &'a str)>;

/// Decides whether `out` may be replaced. `force` is the user's permission to replace an aimak
/// folder; without it only `Absent` passes (the default folder under `output/` is passed with
/// `force`). Errors name what is in the way.
fn check(out: &Path, force: bool, owner: Owner) -> Result<Existing, ReportError> {
    let meta = match std::fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Absent),
        Err(e) => return Err(io(out)(e)),
    };
    if !meta.is_dir() {
        return Err(ReportError::NotAFolder(out.to_path_buf()));
    }
    let mut found = Vec::new();
    list_files(out, Path::new(""), &mut found).map_err(io(out))?;
    if found.is_empty() {
        return if force {
            Ok(Existing::Replaceable)
        } else {
            Err(ReportError::Exists(out.to_path_buf()))
        };
    }
    let (run_dir, prefix) = owner.unwrap_or((out, ""));
    let manifest = match Manifest::read(run_dir) {
        Ok(m) => m,
        Err(_) => return Err(ReportError::NotOurs(out.to_path_buf())),
    };
    let ours: std::collections::HashSet<&str> = manifest
        .files
        .iter()
        .filter_map(|f| f.name.strip_prefix(prefix))
        .chain(owner.is_none().then_some("manifest.json"))
        .collect();
    let mut foreign: Vec<String> = found
        .iter()
        .filter(|f| !ours.contains(f.as_str()))
        .cloned()
        .collect();
    if !foreign.is_empty() {
        const SHOWN: usize = 5;
        if foreign.len() > SHOWN {
            let more = foreign.len() - SHOWN;
            foreign.truncate(SHOWN);
            foreign.push(format!("and {more} more"));
        }
        return Err(ReportError::Foreign {
            dir: out.to_path_buf(),
            files: foreign,
        });
    }
    if force {
        Ok(Existing::Replaceable)
    } else {
        Err(ReportError::Exists(out.to_path_buf()))
    }
}

/// Every file (not folder) under `dir`, as paths relative to the top with `/` separators.
/// Symbolic links count as files: aimak never writes one, so a link marks a foreign folder.
fn list_files(dir: &Path, rel: &Path, found: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = rel.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            list_files(&entry.path(), &name, found)?;
        } else {
            found.push(name.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// A run's output folder while it is being written: a hidden temporary folder beside the
/// destination, renamed into place by [`Staging::commit`] and removed if dropped before.
pub struct Staging {
    tmp: PathBuf,
    out: PathBuf,
    /// For a part of a run folder (`charts/`): the run folder and the part's prefix.
    owner: Option<(PathBuf, String)>,
    committed: bool,
}

impl Staging {
    /// Checks `out` with [`check`] and opens a temporary folder beside it. Stale
    /// temporary folders that killed runs left beside `out` are removed first.
    pub fn new(out: &Path, force: bool) -> Result<Staging, ReportError> {
        Staging::open(out, force, None)
    }

    /// A temporary folder for the part `sub` (for example `charts`) of the finished run folder
    /// `run_dir`, which replaces the part whole on commit. The part may hold only files that
    /// the run's manifest lists under `sub/`.
    pub fn part(run_dir: &Path, sub: &str) -> Result<Staging, ReportError> {
        Staging::open(
            &run_dir.join(sub),
            true,
            Some((run_dir.to_path_buf(), format!("{sub}/"))),
        )
    }

    fn open(
        out: &Path,
        force: bool,
        owner: Option<(PathBuf, String)>,
    ) -> Result<Staging, ReportError> {
        check(out, force, borrow(&owner))?;
        let parent = parent_of(out);
        std::fs::create_dir_all(parent).map_err(io(parent))?;
        remove_stale(parent, &file_name(out));
        let tmp = parent.join(format!(
            ".{}.partial-{}",
            file_name(out),
            std::process::id()
        ));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
        }
        std::fs::create_dir_all(&tmp).map_err(io(&tmp))?;
        if let Ok(mut p) = PENDING.lock() {
            p.push(tmp.clone());
        }
        Ok(Staging {
            tmp,
            out: out.to_path_buf(),
            owner,
            committed: false,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.tmp
    }

    /// Moves the finished folder into place. An old folder is checked again (the user may
    /// have added a file during the run), moved aside, and removed after the new one is in.
    pub fn commit(mut self) -> Result<(), ReportError> {
        let existing = check(&self.out, true, borrow(&self.owner))?;
        let old = parent_of(&self.out).join(format!(
            ".{}.old-{}",
            file_name(&self.out),
            std::process::id()
        ));
        if existing == Existing::Replaceable {
            std::fs::rename(&self.out, &old).map_err(io(&self.out))?;
        }
        std::fs::rename(&self.tmp, &self.out).map_err(io(&self.out))?;
        self.committed = true;
        forget(&self.tmp);
        if existing == Existing::Replaceable {
            std::fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
            forget(&self.tmp);
        }
    }
}

fn borrow(owner: &Option<(PathBuf, String)>) -> Owner<'_> {
    owner.as_ref().map(|(d, p)| (d.as_path(), p.as_str()))
}

fn forget(tmp: &Path) {
    if let Ok(mut p) = PENDING.lock() {
        p.retain(|t| t != tmp);
    }
}

/// Removes `.NAME.partial-PID` and `.NAME.old-PID` folders beside an output folder whose
/// process no longer runs (a run killed with SIGKILL, or a machine that lost power). Where the
/// system cannot tell whether a process runs (no `/proc`), nothing is removed.
fn remove_stale(parent: &Path, name: &str) {
    let proc_fs = Path::new("/proc/self");
    if !proc_fs.exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().to_string();
        let Some(pid) = stale_pid(&file, name) else {
            continue;
        };
        let alive = Path::new("/proc").join(pid.to_string()).exists();
        if !alive && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The process id in a temporary folder name of output folder `name`, if it is one.
fn stale_pid(file: &str, name: &str) -> Option<u32> {
    let rest = file.strip_prefix('.')?.strip_prefix(name)?;
    let pid = rest
        .strip_prefix(".partial-")
        .or_else(|| rest.strip_prefix(".old-"))?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Removes every uncommitted temporary folder of this process when it receives SIGINT or
/// SIGTERM, then exits with 128 + the signal number, as a shell does. Call once, early.
pub fn cleanup_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            let pending = PENDING.lock().map(|p| p.clone()).unwrap_or_default();
            for tmp in pending {
                // Workers may still be creating files in it: try a few times.
                for _ in 0..5 {
                    if std::fs::remove_dir_all(&tmp).is_ok() || !tmp.exists() {
                        break;
                    }
                }
            }
            std::process::exit(128 + sig);
        }
    });
}

fn parent_of(p: &Path) -> &Path {
    p.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "run".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_are_recognised() {
        assert_eq!(stale_pid(".run.partial-123", "run"), Some(123));
        assert_eq!(stale_pid(".run.old-7", "run"), Some(7));
        assert_eq!(stale_pid(".run.partial-", "run"), None);
        assert_eq!(stale_pid(".run.partial-12x", "run"), None);
        assert_eq!(stale_pid(".runs.partial-12", "run"), None);
        assert_eq!(stale_pid("run.partial-12", "run"), None);
    }

    #[test]
    fn only_aimak_folders_are_replaced() {
        let d = tempfile::tempdir().unwrap();
        let absent = d.path().join("absent");
        assert_eq!(check(&absent, true, None).unwrap(), Existing::Absent);
        let empty = d.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        assert_eq!(check(&empty, true, None).unwrap(), Existing::Replaceable);
        assert!(matches!(
            check(&empty, false, None),
            Err(ReportError::Exists(_))
        ));
        let mine = d.path().join("mydata");
        std::fs::create_dir(&mine).unwrap();
        std::fs::write(mine.join("thesis.txt"), "precious").unwrap();
        assert!(matches!(
            check(&mine, true, None),
            Err(ReportError::NotOurs(_))
        ));
        let file = d.path().join("afile");
        std::fs::write(&file, "precious").unwrap();
        assert!(matches!(
            check(&file, true, None),
            Err(ReportError::NotAFolder(_))
        ));
    }
}
