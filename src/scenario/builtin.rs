//! The built-in default scenario, compiled into the binary so that `aimak run` works with no
//! file at hand: the Ala-Buka pilot villages under the 2019 regime (scenarios/pilot-ala-buka.toml)
//! with the regime files it includes, resolved among these embedded files.

/// Path of the default scenario among [`FILES`].
pub const DEFAULT: &str = "pilot-ala-buka.toml";

/// The embedded files: (path relative to scenarios/, text).
pub static FILES: &[(&str, &str)] = &[
    (
        "pilot-ala-buka.toml",
        include_str!("../../scenarios/pilot-ala-buka.toml"),
    ),
    (
        "regimes/kg-2019.toml",
        include_str!("../../scenarios/regimes/kg-2019.toml"),
    ),
    (
        "regimes/kg-local-taxes.toml",
        include_str!("../../scenarios/regimes/kg-local-taxes.toml"),
    ),
];

#[cfg(test)]
mod tests {
    #[test]
    fn the_builtin_scenario_loads_with_its_partnership_variant() {
        let s = super::super::load_builtin().expect("built-in scenario is valid");
        assert_eq!(s.variants.len(), 1);
        assert_eq!(s.variants[0].name, "partnership");
        assert!(s
            .baseline
            .municipalities
            .iter()
            .any(|m| m.id == "kok-serek"));
    }
}
