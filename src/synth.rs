//! `aimak synth`: a realistic national scenario for scale runs — every ayil aimak of the
//! country stood in for by 450 municipalities in the 7 oblasts and 40 districts, 40 projects of
//! the kinds and sizes the domain notes list, the 2019 fiscal regime with district and oblast
//! funds everywhere, 30 years and two policy variants. The same seed gives the same file.
//!
//! Two forms ([`Form`]): the whole format (the default) and the classic file that earlier
//! national figures were measured on. The whole form adds what a national user's file has and
//! the classic one left out: competitive district funds with 3 winners, two correlations, a
//! bootstrap driver, a lagged instrument and a one-off; both have mean-reverting drivers,
//! rate scales, payment probabilities and planned projects with start risk.
//!
//! Places are synthetic; sizes follow DOMAIN facts (scenarios/README.md): about 9,200 people
//! per ayil aimak before the 2024 reform (4.16 M rural people over 453 ayil aimaks), budgets of
//! 5-30 M KGS with a 29% own share and the rest an equalisation grant, and mines of 0.5-1.5 t
//! (small), 2.5-4 t (medium) and 13-18 t (Kumtor-type) of gold a year.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use std::fmt::Write;

/// The 40 districts of the Kyrgyz Republic by oblast (cities of republican significance are
/// left out: they are not ayil aimaks).
const DISTRICTS: [(&str, &[&str]); 7] = [
    ("Batken", &["Batken", "Kadamjay", "Leilek"]),
    (
        "Jalal-Abad",
        &[
            "Aksy",
            "Ala-Buka",
            "Bazar-Korgon",
            "Chatkal",
            "Nooken",
            "Suzak",
            "Toguz-Toro",
            "Toktogul",
        ],
    ),
    (
        "Issyk-Kul",
        &["Ak-Suu", "Issyk-Kul", "Jeti-Oguz", "Ton", "Tup"],
    ),
    (
        "Naryn",
        &["Ak-Talaa", "At-Bashy", "Jumgal", "Kochkor", "Naryn"],
    ),
    (
        "Osh",
        &[
            "Alai",
            "Aravan",
            "Chon-Alai",
            "Kara-Kulja",
            "Kara-Suu",
            "Nookat",
            "Uzgen",
        ],
    ),
    ("Talas", &["Bakai-Ata", "Kara-Buura", "Manas", "Talas"]),
    (
        "Chui",
        &[
            "Alamudun",
            "Chui",
            "Issyk-Ata",
            "Jaiyl",
            "Kemin",
            "Moskovsky",
            "Panfilov",
            "Sokuluk",
        ],
    ),
];

/// The oblasts' and districts' names in Russian and Kyrgyz, for `[place_names]`.
const PLACE_NAMES: [(&str, &str, &str); 42] = [
    ("Batken", "Баткен", "Баткен"),
    ("Jalal-Abad", "Джалал-Абад", "Жалал-Абад"),
    ("Issyk-Kul", "Иссык-Куль", "Ысык-Көл"),
    ("Naryn", "Нарын", "Нарын"),
    ("Osh", "Ош", "Ош"),
    ("Talas", "Талас", "Талас"),
    ("Chui", "Чуй", "Чүй"),
    ("Kadamjay", "Кадамжай", "Кадамжай"),
    ("Leilek", "Лейлек", "Лейлек"),
    ("Aksy", "Аксы", "Аксы"),
    ("Ala-Buka", "Ала-Бука", "Ала-Бука"),
    ("Bazar-Korgon", "Базар-Коргон", "Базар-Коргон"),
    ("Chatkal", "Чаткал", "Чаткал"),
    ("Nooken", "Ноокен", "Ноокен"),
    ("Suzak", "Сузак", "Сузак"),
    ("Toguz-Toro", "Тогуз-Торо", "Тогуз-Торо"),
    ("Toktogul", "Токтогул", "Токтогул"),
    ("Ak-Suu", "Ак-Суу", "Ак-Суу"),
    ("Jeti-Oguz", "Джети-Огуз", "Жети-Өгүз"),
    ("Ton", "Тон", "Тоң"),
    ("Tup", "Тюп", "Түп"),
    ("Ak-Talaa", "Ак-Талаа", "Ак-Талаа"),
    ("At-Bashy", "Ат-Баши", "Ат-Башы"),
    ("Jumgal", "Джумгал", "Жумгал"),
    ("Kochkor", "Кочкор", "Кочкор"),
    ("Alai", "Алай", "Алай"),
    ("Aravan", "Араван", "Араван"),
    ("Chon-Alai", "Чон-Алай", "Чоң-Алай"),
    ("Kara-Kulja", "Кара-Кульджа", "Кара-Кулжа"),
    ("Kara-Suu", "Кара-Суу", "Кара-Суу"),
    ("Nookat", "Ноокат", "Ноокат"),
    ("Uzgen", "Узген", "Өзгөн"),
    ("Bakai-Ata", "Бакай-Ата", "Бакай-Ата"),
    ("Kara-Buura", "Кара-Буура", "Кара-Буура"),
    ("Manas", "Манас", "Манас"),
    ("Alamudun", "Аламудун", "Аламүдүн"),
    ("Issyk-Ata", "Иссык-Ата", "Ысык-Ата"),
    ("Jaiyl", "Жайыл", "Жайыл"),
    ("Kemin", "Кемин", "Кемин"),
    ("Moskovsky", "Московский", "Москва"),
    ("Panfilov", "Панфиловский", "Панфилов"),
    ("Sokuluk", "Сокулук", "Сокулук"),
    // The districts named like their oblast (Batken, Issyk-Kul, Naryn, Talas, Chui) share
    // the oblast's line.
];

/// A name of [`PLACE_NAMES`] in Russian and Kyrgyz.
fn translated(en: &str) -> (&'static str, &'static str) {
    PLACE_NAMES
        .iter()
        .find(|(e, _, _)| *e == en)
        .map(|(_, ru, ky)| (*ru, *ky))
        .expect("every synthetic name has its translations")
}

pub const MUNICIPALITIES: usize = 450;
pub const PROJECTS: usize = 40;
pub const YEARS: usize = 30;

const REGIME: &str = include_str!("../scenarios/regimes/kg-2019.toml");
const LOCAL_TAXES: &str = include_str!("../scenarios/regimes/kg-local-taxes.toml");

/// The district fund of [`REGIME`], whose allocation line the whole form replaces.
const DISTRICT_FUND: &str = "id = \"rdf\"";
const POPULATION_ALLOCATION: &str = "allocation = \"population\"";

/// The social package is agreed on a year's results and paid the next year; a mine's start
/// brings a one-off compensation for the farmland it converts (DOMAIN §4, Non-Tax Revenue Code
/// arts. 149-150, whose budget destination is unsourced: here the host).
const WHOLE_INSTRUMENTS: &str = r#"lag_years = 1

[[instrument]]
id = "land_conversion"
label = { en = "Land conversion compensation", ru = "Компенсация за трансформацию земель", ky = "Жерлерди трансформациялоо үчүн компенсация" }
reference = "Non-Tax Revenue Code arts. 149-150 (DOMAIN §4); amount synthetic, median 20 M KGS; destination [U]"
applies_to = { kinds = ["mine"] }
base = "one_off"
at = "start"
amount = { median = 20e6, sigma = 0.5 }
indexed = true
probability = 0.8
route = [ { to = "host", share = 1.0 } ]
counts_for_grant = false
"#;

struct Place {
    id: String,
    district: &'static str,
    oblast: &'static str,
}

fn lognormal(rng: &mut ChaCha8Rng, median: f64, sigma: f64) -> f64 {
    let z: f64 = StandardNormal.sample(rng);
    median * (sigma * z).exp()
}

/// Which national scenario [`national`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// Every part of the format a national run meets (the default).
    Whole,
    /// The earlier file: population funds only, no correlation, no lag, no bootstrap driver,
    /// no one-off. Kept so that figures measured on it stay comparable.
    Classic,
}

/// The first words of every file `aimak synth` writes: how it knows a file it may replace.
pub const HEADER: &str = "# A synthetic national scenario written by `aimak synth";

/// The national scenario as TOML text.
pub fn national(seed: u64, form: Form) -> String {
    let whole = form == Form::Whole;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut o = String::new();
    let _ = writeln!(
        o,
        r#"{HEADER} --seed {seed}{}`: 450 municipalities in
# the 7 oblasts and 40 districts, 40 projects, the 2019 fiscal regime, 30 years, two variants.
# Places and projects are synthetic; their sizes follow the facts in scenarios/README.md.
format_version = 1

[scenario]
name = "National synthetic"
names = {{ ru = "Синтетическая республика", ky = "Синтетикалык республика" }}
description = "450 municipalities, 40 projects, 2019 regime (synthetic, seed {seed})"
start_year = 2026
years = {YEARS}
currency = "KGS"
fx = "kgs_per_usd"
cpi = "cpi"
discount_rate = 0.10

[run]
paths = 10000
seed = {seed}

[driver.gold]
unit = "USD/oz"
model = "gbm"
start = 3442.0
drift = 0.03
volatility = 0.15
reference = "Gold 2025 average 3,442 US$/oz; drift and volatility per DOMAIN §9.1"

[driver.kgs_per_usd]
unit = "KGS/USD"
model = "gbm"
start = 87.2
drift = 0.03
volatility = 0.05
jump = {{ probability = 0.15, min = 0.10, max = 0.20 }}
reference = "DOMAIN §7, §9.2"

[driver.cpi]
model = "inflation"
mean = 0.06
sd = 0.03

[driver.copper]
unit = "USD/t"
model = "gbm"
start = 9500.0
drift = 0.02
volatility = 0.20

[driver.milk]
unit = "KGS/l"
model = "mean_reverting"
start = 40.0
long_run = 45.0
speed = 0.5
volatility = 0.15
"#,
        if whole { "" } else { " --classic" }
    );
    if whole {
        // Coal's year-on-year changes are resampled from a price history (synthetic, rising
        // about 10% a year like the domestic price), and copper moves with gold.
        let _ = writeln!(
            o,
            r#"[driver.coal]
unit = "KGS/t"
model = "bootstrap"
history = [2500.0, 2700.0, 2800.0, 3100.0, 3300.0, 3600.0, 3700.0, 4000.0]
reference = "Synthetic history of a domestic coal price, about 10% a year"

[[correlation]]
drivers = ["gold", "kgs_per_usd"]
rho = 0.2

[[correlation]]
drivers = ["gold", "copper"]
rho = 0.4
"#
        );
    } else {
        let _ = writeln!(
            o,
            r#"[driver.coal]
unit = "KGS/t"
model = "gbm"
start = 4000.0
drift = 0.05
volatility = 0.10
"#
        );
    }

    // Places: 450 municipalities spread over the 40 districts in proportion, 11 or 12 each.
    let districts: Vec<(&str, &str)> = DISTRICTS
        .iter()
        .flat_map(|(oblast, ds)| ds.iter().map(move |d| (*oblast, *d)))
        .collect();
    let mut places = Vec::with_capacity(MUNICIPALITIES);
    for i in 0..MUNICIPALITIES {
        let (oblast, district) = districts[i * districts.len() / MUNICIPALITIES];
        let id = format!("aa-{i:03}");
        // About 9,200 people on average: log-normal with median 7,700 and sigma 0.6.
        let population = lognormal(&mut rng, 7_700.0, 0.6).round().max(500.0);
        // A budget of about 10 M KGS for 9,200 people, rising less than proportionally.
        let budget = 10e6 * (population / 9_200.0).powf(0.8);
        let own = (0.29 * budget).round();
        let grant = (0.71 * budget).round();
        let need = (budget * lognormal(&mut rng, 1.0, 0.1)).round();
        let (ru, ky) = translated(district);
        let k = i % 12 + 1;
        let _ = writeln!(
            o,
            "[[municipality]]\nid = \"{id}\"\nname = \"{district} AA {k}\"\nnames = {{ ru = \"{ru} АА {k}\", ky = \"{ky} АА {k}\" }}\ndistrict = \"{district}\"\noblast = \"{oblast}\"\npopulation = {population}\nown_revenue = {own}\nown_revenue_growth = {{ mean = 0.06, sd = 0.05 }}\ngrant = {grant}\ngrant_offset = 0.7\nspending_need = {need}\nindexed = true\n",
        );
        places.push(Place {
            id,
            district,
            oblast,
        });
    }
    let _ = (&places[0].district, &places[0].oblast);

    // Projects: gold (small, medium, one Kumtor-type), copper, coal and agro-processing.
    let oz_per_t = 32_150.7;
    for j in 0..PROJECTS {
        let host = rng.random_range(0..MUNICIPALITIES);
        let second = (rng.random::<f64>() < 0.2).then(|| (host + 1) % MUNICIPALITIES);
        let hosts = match second {
            Some(h2) => format!(
                "[ {{ municipality = \"{}\", share = 0.6 }}, {{ municipality = \"{}\", share = 0.4 }} ]",
                places[host].id, places[h2].id
            ),
            None => format!("[ {{ municipality = \"{}\", share = 1.0 }} ]", places[host].id),
        };
        let planned = rng.random::<f64>() < 0.25;
        let start = if planned {
            2027 + rng.random_range(0..4)
        } else {
            2015 + rng.random_range(0..11)
        };
        let life = rng.random_range(12..30);
        const GOLD: &str = "[ { driver = \"gold\", per_unit = 1.0, currency = \"USD\" } ]";
        let (kind, tags, products, capacity, jobs, hectares) = match j {
            0 => (
                "mine",
                "[\"gold\", \"register\"]",
                GOLD,
                rng.random_range(13.0..18.0) * oz_per_t,
                2_500,
                5_000.0,
            ),
            1..=6 => (
                "mine",
                "[\"gold\", \"register\"]",
                GOLD,
                rng.random_range(2.5..4.0) * oz_per_t,
                700,
                1_500.0,
            ),
            7..=21 => (
                "mine",
                "[\"gold\", \"non_register\"]",
                GOLD,
                rng.random_range(0.5..1.5) * oz_per_t,
                250,
                800.0,
            ),
            22..=25 => (
                "mine",
                "[\"metal\", \"non_register\"]",
                "[ { driver = \"copper\", per_unit = 1.0, currency = \"USD\" } ]",
                rng.random_range(3_000.0..15_000.0),
                300,
                900.0,
            ),
            26..=31 => (
                "mine",
                "[\"coal\"]",
                "[ { driver = \"coal\", per_unit = 1.0 } ]",
                rng.random_range(20_000.0..200_000.0),
                150,
                300.0,
            ),
            _ => (
                "agro_processing",
                "[\"agro\"]",
                "[ { driver = \"milk\", per_unit = 1.0 } ]",
                rng.random_range(2e6..2e7),
                80,
                50.0,
            ),
        };
        let risk = if planned {
            "[project.risk]\nnever_start = 0.4\nstart_delay = { probability = 0.3, max_years = 3 }\nblockade = { probability = 0.12, min_loss = 0.01, max_loss = 0.08 }\nsuspension = { probability = 0.04, min_years = 1, max_years = 3 }\nclosure = 0.01\n"
        } else {
            "[project.risk]\nblockade = { probability = 0.12, min_loss = 0.01, max_loss = 0.08 }\nsuspension = { probability = 0.04, min_years = 1, max_years = 3 }\nclosure = 0.01\n"
        };
        let _ = writeln!(
            o,
            "[[project]]\nid = \"p{j:02}\"\nname = \"Project {j:02}\"\nnames = {{ ru = \"Проект {j:02}\", ky = \"Долбоор {j:02}\" }}\nkind = \"{kind}\"\ntags = {tags}\nhosts = {hosts}\nstatus = \"{}\"\nstart_year = {start}\nlife_years = {life}\nproducts = {products}\noutput = {{ capacity = {capacity:.0}, ramp_up_years = 1 }}\nvariability = 0.15\nhectares = {hectares}\njobs = {{ local = {jobs}, monthly_wage = 45_000, indexed = true }}\n{risk}",
            if planned { "planned" } else { "operating" }
        );
    }

    let _ = writeln!(
        o,
        r#"[[instrument]]
id = "social_package"
label = {{ en = "Social package", ru = "Социальный пакет", ky = "Социалдык пакет" }}
reference = "DOMAIN §6, §9.8: median 10 M KGS a year per host, paid with probability 0.6, half in kind"
applies_to = {{ kinds = ["mine"] }}
base = "fixed"
amount = {{ median = 10e6, sigma = 1.0 }}
probability = 0.6
route = [ {{ to = "host", share = 0.5 }}, {{ to = "host_community", share = 0.5 }} ]
counts_for_grant = false
{}
[[variant]]
name = "partnership"
label = {{ en = "Partnership agreements", ru = "Соглашения о партнёрстве", ky = "Өнөктөштүк келишимдери" }}
[variant.set]
"instrument.social_package.probability" = 0.95
"instrument.social_package.route" = [ {{ to = "host", share = 1.0 }} ]

[[variant]]
name = "regime-2013"
label = {{ en = "2% paid wholly to the host (2013 rule)", ru = "2% полностью в местный бюджет (2013)", ky = "2% толугу менен жергиликтүү бюджетке (2013)" }}
[variant.set]
"instrument.infra_2pct_register.route" = [ {{ to = "host", share = 1.0 }} ]
"instrument.infra_2pct_other.route" = [ {{ to = "host", share = 1.0 }} ]
"#,
        if whole { WHOLE_INSTRUMENTS } else { "" }
    );
    // Oblasts and districts in Russian and Kyrgyz.
    let _ = writeln!(o, "[place_names]");
    for (en, ru, ky) in PLACE_NAMES {
        let _ = writeln!(o, "\"{en}\" = {{ ru = \"{ru}\", ky = \"{ky}\" }}");
    }
    let _ = writeln!(o);
    // The 2019 regime, inline so that the file stands alone.
    for fragment in [REGIME, LOCAL_TAXES] {
        let mut skip_scenario = false;
        let mut in_district_fund = false;
        for line in fragment.lines() {
            let l = line.trim_start();
            if l.starts_with("format_version") {
                continue;
            }
            if l.starts_with("[scenario]") {
                skip_scenario = true;
                continue;
            }
            if skip_scenario {
                if l.starts_with('[') {
                    skip_scenario = false;
                } else {
                    continue;
                }
            }
            if l.starts_with("[[") {
                in_district_fund = false;
            }
            in_district_fund |= line == DISTRICT_FUND;
            // The whole form has district funds award their payout to 3 winners a year.
            if whole && in_district_fund && line == POPULATION_ALLOCATION {
                let _ = writeln!(o, "allocation = {{ competitive = {{ winners = 3 }} }}");
                continue;
            }
            let _ = writeln!(o, "{line}");
        }
    }
    o
}

/// Writes a scenario of [`national`] to `path`, whole; a file there is replaced only if
/// `aimak synth` wrote it.
pub fn write(path: &std::path::Path, text: &str) -> Result<(), crate::pipeline::Failure> {
    crate::files::write_whole(
        path,
        text.as_bytes(),
        |b| b.starts_with(HEADER.as_bytes()),
        "a scenario written by aimak synth",
    )
    .map_err(crate::pipeline::Failure::input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_national_scenario_is_valid_deterministic_and_national_sized() {
        for form in [Form::Whole, Form::Classic] {
            check_national(form);
        }
    }

    fn check_national(form: Form) {
        let a = national(7, form);
        assert_eq!(a, national(7, form));
        assert_ne!(a, national(8, form));
        let files = crate::scenario::load::Files::Memory(vec![("n.toml".into(), a)]);
        let s = crate::scenario::load_with(std::path::Path::new("n.toml"), &files)
            .unwrap_or_else(|e| panic!("{e}"));
        let m = &s.baseline;
        assert_eq!(m.municipalities.len(), MUNICIPALITIES);
        assert_eq!(m.projects.len(), PROJECTS);
        assert_eq!(m.years, YEARS);
        assert_eq!(m.oblasts.len(), 7);
        let mut districts: Vec<&str> = m
            .municipalities
            .iter()
            .map(|x| x.district.as_str())
            .collect();
        districts.sort();
        districts.dedup();
        assert_eq!(districts.len(), 40);
        let mean_pop =
            m.municipalities.iter().map(|x| x.population).sum::<f64>() / MUNICIPALITIES as f64;
        assert!((7_000.0..12_000.0).contains(&mean_pop), "{mean_pop}");
        assert_eq!(s.variants.len(), 2);
        // One district fund per district and one oblast fund per oblast.
        assert_eq!(m.funds.len(), 47);
        if form == Form::Whole {
            // What the classic file leaves out.
            use crate::model::{Allocation, DriverKind};
            let competitive = |f: &crate::model::Fund| {
                matches!(f.allocation, Allocation::Competitive { winners: 3 })
            };
            assert_eq!(m.funds.iter().filter(|f| competitive(f)).count(), 40);
            // gold, the exchange rate and copper in one matrix.
            assert_eq!(m.correlation.drivers.len(), 3);
            assert!(m
                .drivers
                .iter()
                .any(|d| matches!(d.kind, DriverKind::Bootstrap { .. })));
            assert!(m.instruments.iter().any(|i| i.lag_years == 1));
            assert!(m.instruments.iter().any(|i| i.id == "land_conversion"));
        }
    }
}
