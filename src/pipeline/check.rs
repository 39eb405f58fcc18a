//! `aimak check`: validate scenario files and describe each valid one.

use super::Failure;
use std::path::PathBuf;

/// The description of every valid file, in order; every problem of the invalid ones at once.
pub fn check(files: &[PathBuf]) -> Result<String, (String, Failure)> {
    let mut ok = String::new();
    let mut bad = String::new();
    for f in files {
        match crate::scenario::load_file(f) {
            Ok(s) => {
                ok.push_str(&format!(
                    "{}: ok\n{}\n",
                    f.display(),
                    crate::describe::describe(&s)
                ));
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
