//! Random bytes and random mutations of valid scenarios never panic the loader and never
//! take long: it either loads or reports problems. `PROPTEST_CASES` raises the number of cases
//! (256 by default).

use aimak::scenario::load::Files;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const TOUR: &str = include_str!("../fixtures/format-tour.toml");
const REGIME: &str = include_str!("../fixtures/regimes/tour-regime.toml");

/// The shipped scenarios and their regimes, as (path, text).
const SHIPPED: &[(&str, &str)] = &[
    (
        "pilot-ala-buka.toml",
        include_str!("../../scenarios/pilot-ala-buka.toml"),
    ),
    (
        "chui-dairy.toml",
        include_str!("../../scenarios/chui-dairy.toml"),
    ),
    (
        "chui-taldy-bulak.toml",
        include_str!("../../scenarios/chui-taldy-bulak.toml"),
    ),
    (
        "issyk-kul-kumtor.toml",
        include_str!("../../scenarios/issyk-kul-kumtor.toml"),
    ),
    (
        "naryn-solton-sary.toml",
        include_str!("../../scenarios/naryn-solton-sary.toml"),
    ),
    (
        "regime-2013-vs-2019.toml",
        include_str!("../../scenarios/regime-2013-vs-2019.toml"),
    ),
    (
        "talas-jerooy.toml",
        include_str!("../../scenarios/talas-jerooy.toml"),
    ),
];
const REGIMES: &[(&str, &str)] = &[
    (
        "regimes/kg-2013.toml",
        include_str!("../../scenarios/regimes/kg-2013.toml"),
    ),
    (
        "regimes/kg-2019.toml",
        include_str!("../../scenarios/regimes/kg-2019.toml"),
    ),
    (
        "regimes/kg-local-taxes.toml",
        include_str!("../../scenarios/regimes/kg-local-taxes.toml"),
    ),
    (
        "regimes/kumtor-2009.toml",
        include_str!("../../scenarios/regimes/kumtor-2009.toml"),
    ),
];

/// The longest a load of a small mutated scenario may take (it takes milliseconds).
const BOUND: Duration = Duration::from_secs(10);

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256)
}

fn load(text: String) {
    let files = Files::Memory(vec![
        (PathBuf::from("s.toml"), text),
        (
            PathBuf::from("regimes/tour-regime.toml"),
            REGIME.to_string(),
        ),
    ]);
    timed(|| {
        let _ = aimak::scenario::load_with(Path::new("s.toml"), &files);
    });
}

/// Loads `text` as a shipped scenario would be, with the shipped regimes beside it.
fn load_shipped(text: String) {
    let mut files: Vec<(PathBuf, String)> = REGIMES
        .iter()
        .map(|(p, t)| (PathBuf::from(p), t.to_string()))
        .collect();
    files.push((PathBuf::from("s.toml"), text));
    let files = Files::Memory(files);
    timed(|| {
        let r = aimak::scenario::load_with(Path::new("s.toml"), &files);
        // Every message renders without control characters.
        if let Err(e) = r {
            let shown = e.to_string();
            assert!(
                !shown.chars().any(|c| c.is_control() && c != '\n'),
                "{shown:?}"
            );
        }
    });
}

fn timed(f: impl FnOnce()) {
    let t = Instant::now();
    f();
    assert!(t.elapsed() < BOUND, "a load took {:?}", t.elapsed());
}

/// A mutation of a scenario's text.
#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Duplicate(usize, usize),
    Replace(usize, String),
    /// Replaces the value of a `key = value` line.
    Value(usize, String),
    FlipByte(usize, u8),
    Insert(usize, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Duplicate(a, b)),
        (any::<usize>(), nasty()).prop_map(|(a, t)| Mutation::Replace(a, t)),
        (any::<usize>(), nasty()).prop_map(|(a, t)| Mutation::Value(a, t)),
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Mutation::FlipByte(a, b)),
        (any::<usize>(), nasty()).prop_map(|(a, t)| Mutation::Insert(a, t)),
    ]
}

/// Text that stresses the reader: control characters, huge numbers, long strings and keys,
/// deep nesting, and the tokens below.
fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        token(),
        Just("\"\\u001b]0;pwned\\u0007\"".to_string()),
        Just("\u{1b}[2J\u{7}\r".to_string()),
        Just("1e308".to_string()),
        Just("18446744073709551615".to_string()),
        Just("9223372036854775807".to_string()),
        Just("-9223372036854775808".to_string()),
        (1usize..5000).prop_map(|n| format!("\"{}\"", "x".repeat(n))),
        (1usize..300).prop_map(|n| format!("{} = 1", vec!["k"; n].join("."))),
        (1usize..300).prop_map(|n| format!("{}1{}", "[".repeat(n), "]".repeat(n))),
        (1usize..300).prop_map(|n| format!("{}{}", "{ a = ".repeat(n), "}".repeat(n))),
        "[\\x00-\\x1f]{1,8}".prop_map(|s| s),
    ]
}

fn apply(text: &str, muts: &[Mutation]) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut flips = Vec::new();
    for m in muts {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let n = lines.len();
        match m {
            Mutation::Delete(i) => {
                lines.remove(i % n);
            }
            Mutation::Duplicate(i, j) => {
                let l = lines[i % n].clone();
                lines.insert(j % n, l);
            }
            Mutation::Replace(i, t) => lines[i % n] = t.clone(),
            Mutation::Value(i, t) => {
                let i = i % n;
                if let Some((k, _)) = lines[i].split_once('=') {
                    lines[i] = format!("{k}= {t}");
                }
            }
            Mutation::FlipByte(i, b) => flips.push((*i, *b)),
            Mutation::Insert(i, t) => lines.insert(i % n, t.clone()),
        }
    }
    let mut bytes = lines.join("\n").into_bytes();
    for (i, b) in flips {
        if !bytes.is_empty() {
            let n = bytes.len();
            bytes[i % n] ^= b;
        }
    }
    bytes
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
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn mutated_shipped_scenarios_load_quickly_without_panic(
        which in 0usize..8,
        muts in proptest::collection::vec(mutation(), 1..6),
    ) {
        let base = if which < SHIPPED.len() { SHIPPED[which].1 } else { TOUR };
        let bytes = apply(base, &muts);
        load_shipped(String::from_utf8_lossy(&bytes).into_owned());
    }

    #[test]
    fn mutated_files_on_disk_load_quickly_without_panic(
        muts in proptest::collection::vec(mutation(), 1..4),
    ) {
        // From disk, so that invalid UTF-8 and the size checks are read as a user's file is.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("regimes")).unwrap();
        for (p, t) in REGIMES {
            std::fs::write(dir.path().join(p), t).unwrap();
        }
        let f = dir.path().join("s.toml");
        std::fs::write(&f, apply(SHIPPED[0].1, &muts)).unwrap();
        timed(|| {
            let _ = aimak::scenario::load_file(&f);
        });
    }

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
