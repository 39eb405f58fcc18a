//! `aimak check`: validate scenario files and describe each valid one.

use super::Failure;
use std::path::PathBuf;

/// The description of every valid file, in order (with `verbose`, also every reference and
/// note, judgement calls included); every problem of the invalid ones at once.
pub fn check(files: &[PathBuf], verbose: bool) -> Result<String, (String, Failure)> {
    let mut ok = String::new();
    let mut bad = String::new();
    for f in files {
        // A fragment (a regime file) is held against the format's schema; its names resolve
        // only in a scenario that includes it.
        if crate::scenario::fragment::is_fragment(f) {
            match crate::scenario::fragment::check(f) {
                Ok(frag) => ok.push_str(&format!(
                    "{}: ok as a fragment to include (keys and values of format v1; its names are checked in a scenario that includes it)\n{}\n",
                    f.display(),
                    crate::describe::fragment(&frag)
                )),
                Err(e) => bad.push_str(&format!("{}: {}", f.display(), e.listed("the fragment"))),
            }
            continue;
        }
        match crate::scenario::load_file(f) {
            Ok(s) => {
                ok.push_str(&format!(
                    "{}: ok\n{}",
                    f.display(),
                    crate::describe::describe(&s)
                ));
                if verbose {
                    ok.push_str(&crate::describe::sources(&s));
                }
                ok.push('\n');
            }
            Err(e) => bad.push_str(&format!("{}: {e}", f.display())),
        }
    }
    if bad.is_empty() {
        Ok(ok)
    } else {
        Err((ok, Failure::Input(bad)))
    }
}
