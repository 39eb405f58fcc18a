//! Random bytes and random mutations of a valid scenario never panic the loader: it either
//! loads or reports problems.

use aimak::scenario::load::Files;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

const TOUR: &str = include_str!("../fixtures/format-tour.toml");
const REGIME: &str = include_str!("../fixtures/regimes/tour-regime.toml");

fn load(text: String) {
    let files = Files::Memory(vec![
        (PathBuf::from("s.toml"), text),
        (
            PathBuf::from("regimes/tour-regime.toml"),
            REGIME.to_string(),
        ),
    ]);
    let _ = aimak::scenario::load_with(Path::new("s.toml"), &files);
}

/// Replacement tokens that stress the reader: wrong types, edge numbers, broken syntax.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("nan".to_string()),
        Just("-inf".to_string()),
        Just("1e400".to_string()),
        Just("-1".to_string()),
        Just("0".to_string()),
        Just("\"*\"".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("{ a = 1 }".to_string()),
        Just("[[x]]".to_string()),
        Just("2026.5".to_string()),
        Just("\"\"".to_string()),
        any::<f64>().prop_map(|f| format!("{f:?}")),
        any::<i64>().prop_map(|i| i.to_string()),
        "[a-z_.]{1,12}".prop_map(|s| s),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        load(String::from_utf8_lossy(&bytes).into_owned());
    }

    #[test]
    fn replacing_a_value_never_panics(line in 0usize..400, tok in token()) {
        let lines: Vec<&str> = TOUR.lines().collect();
        let i = line % lines.len();
        let mut out: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        if let Some((k, _)) = lines[i].split_once('=') {
            out[i] = format!("{k}= {tok}");
        } else {
            out[i] = tok;
        }
        load(out.join("\n"));
    }

    #[test]
    fn deleting_or_duplicating_lines_never_panics(a in 0usize..400, b in 0usize..400, dup in any::<bool>()) {
        let mut lines: Vec<&str> = TOUR.lines().collect();
        let i = a % lines.len();
        let j = b % lines.len();
        if dup { let l = lines[i]; lines.insert(j, l); } else { lines.remove(i); }
        load(lines.join("\n"));
    }

    #[test]
    fn variant_sets_with_random_paths_never_panic(path in "[a-z_]{1,12}(\\.[a-z0-9_:-]{1,12}){0,4}", tok in token()) {
        let text = format!("{TOUR}\n[[variant]]\nname = \"fuzz\"\n[variant.set]\n\"{path}\" = {tok}\n");
        load(text);
    }
}
