//! Writing one file whole without touching a user's: the one rule every single-file output
//! of aimak (a shard's part, a synthetic scenario) follows.

use std::path::Path;

/// Writes `bytes` to `path`: under a temporary name beside it first, renamed when complete,
/// so a file at `path` is never half-written. A file already at `path` is replaced only when
/// `ours` recognises its bytes as aimak's own; otherwise the error says so, naming `what`
/// aimak writes there.
pub fn write_whole(
    path: &Path,
    bytes: &[u8],
    ours: impl Fn(&[u8]) -> bool,
    what: &str,
) -> Result<(), String> {
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !(meta.is_file() && std::fs::read(path).is_ok_and(|b| ours(&b))) {
            return Err(format!(
                "{} exists and is not {what}; aimak does not replace it (move it away, or choose another --out)",
                path.display()
            ));
        }
    }
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}: {e}", path.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_ours_is_kept_and_ours_is_replaced_whole() {
        let dir = std::env::temp_dir().join(format!("aimak-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.txt");
        std::fs::write(&path, "a user's notes").unwrap();
        let ours = |b: &[u8]| b.starts_with(b"AIMAK");
        let err = write_whole(&path, b"AIMAK 1", ours, "aimak's").unwrap_err();
        assert!(err.contains("is not aimak's"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a user's notes");
        std::fs::write(&path, "AIMAK 0").unwrap();
        write_whole(&path, b"AIMAK 1", ours, "aimak's").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "AIMAK 1");
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
