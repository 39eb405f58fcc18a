//! A JSON Schema of scenario format v1, for editors that check TOML against JSON Schema
//! (taplo / Even Better TOML). Built from the same key lists the reader accepts, so the two
//! cannot drift apart (a test checks it).
//!
//! Every property carries a description (hover text and completion detail in the editor),
//! taken from one table, `DESCRIPTIONS`, through [`describe`]; literal defaults come from
//! `DEFAULTS`. `object()` attaches both, so a table's schema is written once, by its types.

use super::keys;
use serde_json::{json, Map, Value};

fn number() -> Value {
    json!({ "type": "number" })
}
fn nonneg() -> Value {
    json!({ "type": "number", "minimum": 0 })
}
fn unit() -> Value {
    json!({ "type": "number", "minimum": 0, "maximum": 1 })
}
fn integer(min: i64) -> Value {
    json!({ "type": "integer", "minimum": min })
}
fn string() -> Value {
    json!({ "type": "string" })
}
fn boolean() -> Value {
    json!({ "type": "boolean" })
}
fn id() -> Value {
    json!({ "type": "string", "pattern": "^[A-Za-z0-9_-]+$" })
}
/// A word out of a fixed list, each with its meaning: listed in the description, and given to
/// taplo per value (`x-taplo.docs.enumValues`) so that completion shows it beside each word.
fn words(options: &[(&str, &str)]) -> Value {
    let list: Vec<&str> = options.iter().map(|(w, _)| *w).collect();
    let docs: Vec<&str> = options.iter().map(|(_, d)| *d).collect();
    let meanings: Vec<String> = options.iter().map(|(w, d)| format!("`{w}`: {d}")).collect();
    json!({ "type": "string", "enum": list, "description": format!("{}.", meanings.join("; ")),
            "x-taplo": { "docs": { "enumValues": docs } } })
}
fn strings() -> Value {
    json!({ "type": "array", "items": { "type": "string" }, "minItems": 1 })
}
fn names() -> Value {
    json!({ "anyOf": [ { "type": "string" }, { "type": "object", "additionalProperties": { "type": "string" } } ],
            "description": "A string (taken as English), or one per language: { en = \"...\", ru = \"...\", ky = \"...\" }." })
}
fn dated(min: Value) -> Value {
    json!({ "anyOf": [ min.clone(),
        { "type": "object", "patternProperties": { "^[0-9]{1,4}$": min }, "additionalProperties": false } ],
        "description": "A number, or a table from calendar year to number: { 2026 = 0.02, 2030 = 0.03 } (the value of the latest year <= y is in force; the first year may not be after start_year)." })
}

const CURRENCIES: &[(&str, &str)] = &[
    ("KGS", "Kyrgyz som"),
    ("USD", "US dollars, converted with the scenario's fx driver"),
];

/// The fixed words a route's `to` accepts (docs/model.md section 5); `municipality:<id>` and
/// `fund:<id>` are the other forms.
const ROUTE_WORDS: &[(&str, &str)] = &[
    ("host", "the host municipalities' budgets, split by host shares"),
    (
        "host_community",
        "the hosts' community funds (off-budget, split by host shares, reported as separate streams, never counting for the grant)",
    ),
    ("district_fund", "the fund whose area is the host's district, per host share"),
    ("oblast_fund", "the fund whose area is the host's oblast, per host share"),
    ("republic", "the republican budget"),
    ("oblast", "the host's oblast budget, per host share"),
];

const DRIVER_MODELS: &[(&str, &str)] = &[
    ("fixed", "a known value per year (`value`, dated)"),
    (
        "gbm",
        "geometric Brownian motion from `start` with `drift` and `volatility`",
    ),
    (
        "mean_reverting",
        "log Ornstein-Uhlenbeck from `start` towards `long_run` at `speed`, with `volatility`",
    ),
    ("bootstrap", "yearly log-returns resampled from `history`"),
    (
        "inflation",
        "a price index from 1, growing by `mean` + `sd` * Z each year",
    ),
    (
        "history",
        "recorded `values` by calendar year, then the continuation `then` from the last record",
    ),
];

/// The models a history driver's continuation may follow.
const CONTINUATIONS: &[(&str, &str)] = &[
    (
        "gbm",
        "geometric Brownian motion with `drift` and `volatility`",
    ),
    (
        "mean_reverting",
        "log Ornstein-Uhlenbeck towards `long_run` at `speed`, with `volatility`",
    ),
    (
        "bootstrap",
        "yearly log-returns resampled from its own `history`",
    ),
];

const BASES: &[(&str, &str)] = &[
    (
        "gross_revenue",
        "`rate` times the project's gross revenue (a share: 0.02 = 2%)",
    ),
    ("output", "`rate` times output (money per unit of output)"),
    (
        "hectares",
        "`rate` times the hectares held (money per hectare)",
    ),
    (
        "payroll",
        "`rate` times the payroll of local jobs (a share)",
    ),
    ("fixed", "`amount` every year"),
    ("one_off", "`amount` once, in year `at`"),
];
const RATE_BASES: &[&str] = &["gross_revenue", "output", "hectares", "payroll"];

const PROJECT_KINDS: &[(&str, &str)] = &[
    ("mine", "a mine"),
    ("agro_processing", "an agro-processing plant"),
    ("other", "any other project"),
];

/// Keys of the tables under a fund's `allocation`; the reader (build/places.rs) lists them
/// inline.
const ALLOCATION: &[&str] = &["competitive"];
const COMPETITIVE: &[&str] = &["winners"];

/// The keys of each table the schema describes, by the table name used in [`DESCRIPTIONS`].
fn table_keys(table: &str) -> &'static [&'static str] {
    match table {
        "top" => keys::TOP,
        "scenario" => keys::SCENARIO,
        "run" => keys::RUN,
        "driver" => keys::DRIVER,
        "jump" => keys::JUMP,
        "then" => keys::THEN,
        "correlation" => keys::CORRELATION,
        "municipality" => keys::MUNICIPALITY,
        "own_revenue_growth" => keys::GROWTH,
        "fund" => keys::FUND,
        "allocation" => ALLOCATION,
        "competitive" => COMPETITIVE,
        "project" => keys::PROJECT,
        "host" => keys::HOST,
        "product" => keys::PRODUCT,
        "output" => keys::OUTPUT,
        "jobs" => keys::JOBS,
        "risk" => keys::RISK,
        "start_delay" => keys::START_DELAY,
        "blockade" => keys::BLOCKADE,
        "suspension" => keys::SUSPENSION,
        "shutdown_price" => keys::SHUTDOWN,
        "instrument" => keys::INSTRUMENT,
        "applies_to" => keys::APPLIES_TO,
        "rate_scale" => keys::RATE_SCALE,
        "amount" => keys::LOGNORMAL,
        "route" => keys::ROUTE,
        "variant" => keys::VARIANT,
        "budget_rule" => keys::BUDGET_RULE,
        "spend" => keys::SPEND,
        "partial" => keys::PARTIAL,
        "regime" => keys::REGIME,
        "regime_change" => keys::REGIME_CHANGE,
        "hazard" => keys::HAZARD,
        _ => panic!("no table \"{table}\" in the schema"),
    }
}

/// What each key means, from docs/model.md: (table, key, text). Table `*` holds the keys
/// every table shares, used where the table has no entry of its own. The form of a value
/// (dated, a name in several languages, the meaning of each word of a choice) and a literal
/// default ([`DEFAULTS`]) are appended by [`object`].
#[rustfmt::skip]
const DESCRIPTIONS: &[(&str, &str, &str)] = &[
    // Shared by every table.
    ("*", "reference", "The law, report or article the values come from; free text, kept with the model and shown by `aimak check`, never changes a result."),
    ("*", "notes", "Free-text notes, kept with the model and shown by `aimak check`; never change a result."),
    ("*", "name", "Display name; default: the id."),
    // Top level.
    ("top", "format_version", "Version of the scenario format: 1. Required in the scenario file; an included file that gives it must give 1."),
    ("top", "scenario", "General settings: name, horizon (start_year, years), reporting currency, fx and cpi drivers, discount rate, includes."),
    ("top", "run", "Run defaults (number of paths, seed); command-line flags override them."),
    ("top", "driver", "Market variables shared by every project in a path (prices, the exchange rate, inflation), one table per driver id: [driver.gold]."),
    ("top", "correlation", "Correlations between the yearly normal shocks of two gbm, mean_reverting or inflation drivers."),
    ("top", "municipality", "Municipalities (aiyl aimaks, towns): population, baseline budget and equalisation grant."),
    ("top", "fund", "Development funds of a district or oblast: they collect routed money and pay it out to their member municipalities."),
    ("top", "project", "Projects (mines, processing plants) whose output, revenue, land and payroll are the bases of the instruments."),
    ("top", "instrument", "Fiscal rules: what is charged on which projects, on which base, and where the money goes."),
    ("top", "variant", "Alternative versions of the scenario, each replacing listed key paths; all variants run on common random numbers."),
    ("top", "overrides", "Key paths (docs/model.md section 7) and the values that replace them after all includes are merged: \"instrument.royalty_metal.rate\" = 0.04."),
    ("top", "place_names", "Translations of the scenario's district and oblast names: \"Ala-Buka\" = { ky = \"Ала-Бука\", ru = \"Ала-Бука\" }; a name that is no district or oblast of the scenario is an error."),
    // [scenario]
    ("scenario", "name", "Name of the scenario (default: the file name without extension); the default output folder is output/<name as a slug>/."),
    ("scenario", "names", "The scenario's name in other languages, for charts and council sheets."),
    ("scenario", "description", "Free-text description of the scenario."),
    ("scenario", "start_year", "First calendar year simulated (year index t = 0). Required once the includes are merged."),
    ("scenario", "years", "Number of years simulated (T), 1..=200. Required once the includes are merged."),
    ("scenario", "currency", "Reporting currency: every result and every amount without a `currency` of its own is in it."),
    ("scenario", "fx", "Id of the driver that converts USD to the reporting currency (reporting currency per USD); required if any amount is in USD."),
    ("scenario", "cpi", "Id of the inflation driver used by `indexed = true`; without it the index is 1."),
    ("scenario", "discount_rate", "Nominal yearly discount rate for the NPV of municipal receipts (0.10 = 10%), > -1."),
    ("scenario", "include", "Scenario fragments merged before this file, in order (paths relative to this file); this file wins on conflicts."),
    // [run]
    ("run", "paths", "Number of Monte Carlo paths, >= 1 (--paths overrides it)."),
    ("run", "seed", "Random seed, a whole number >= 0 (--seed overrides it); the same seed gives the same results."),
    // [driver.<id>]
    ("driver", "model", "How the driver moves over the years."),
    ("driver", "unit", "Unit of the driver's values, for display (for example \"USD/oz\")."),
    ("driver", "name", "Display name of the driver."),
    ("driver", "start", "Value in the first year (X[0]), > 0: required for gbm and mean_reverting; for bootstrap, default the last history value."),
    ("driver", "drift", "gbm: expected log growth per year (mu; 0.03 = 3%)."),
    ("driver", "volatility", "gbm and mean_reverting: sigma of the yearly log shock (0.15 = 15%), >= 0."),
    ("driver", "jump", "gbm, mean_reverting and bootstrap only: each year t >= 1, with `probability`, the value is multiplied by 1 + U(min, max)."),
    ("driver", "mean", "inflation: mean yearly inflation rate (0.06 = 6%); required. Yearly rates are floored at -0.5."),
    ("driver", "sd", "inflation: standard deviation of the yearly inflation rate, >= 0."),
    ("driver", "history", "bootstrap: past annual values, oldest first, all > 0 (at least 2); the yearly log-returns between them are resampled."),
    ("driver", "long_run", "mean_reverting: the level the value reverts to, > 0, in the driver's units."),
    ("driver", "speed", "mean_reverting: speed of reversion (kappa), per year, > 0."),
    ("driver", "value", "fixed: the value in force in each year, > 0."),
    ("driver", "values", "history: the recorded value of each calendar year, > 0, with no gaps, from the first simulated year or earlier: { 2012 = 1669.0, 2013 = 1411.2 }."),
    ("driver", "then", "history: how the driver goes on after its last recorded year, one step a year from the last value (also through the years before start_year); without it the record must cover every simulated year."),
    // then = { ... } (a history driver's continuation)
    ("then", "model", "The continuation's process; it starts from the last recorded value (no `start`)."),
    ("then", "drift", "gbm: expected log growth per year (mu; 0.03 = 3%)."),
    ("then", "volatility", "gbm and mean_reverting: sigma of the yearly log shock, >= 0."),
    ("then", "long_run", "mean_reverting: the level the value reverts to, > 0."),
    ("then", "speed", "mean_reverting: speed of reversion (kappa), per year, > 0."),
    ("then", "history", "bootstrap: past annual values, oldest first, all > 0 (at least 2), whose log-returns are resampled."),
    // jump = { ... }
    ("jump", "probability", "Probability of a jump in each year t >= 1, 0..=1."),
    ("jump", "min", "Smallest relative jump (-0.30 = a 30% fall), > -1 and <= max."),
    ("jump", "max", "Largest relative jump (0.20 = a 20% rise), > -1."),
    // [[correlation]]
    ("correlation", "drivers", "The two distinct driver ids whose shocks are correlated (gbm, mean_reverting or inflation drivers; order irrelevant)."),
    ("correlation", "rho", "Correlation of their yearly normal shocks, strictly between -1 and 1."),
    // [[municipality]]
    ("municipality", "id", "Unique municipality id (letters, digits, `_` and `-`), used by hosts, routes and results."),
    ("municipality", "names", "The municipality's name in other languages, for charts and council sheets."),
    ("municipality", "district", "The district (raion) it belongs to; district funds match it by name; no `.`."),
    ("municipality", "oblast", "The oblast (region) it belongs to; oblast funds and `oblast` routes match it by name; no `.`."),
    ("municipality", "population", "Population, > 0; the weight of fund payouts by population."),
    ("municipality", "own_revenue", "Own revenue in year 0 without any project money, per year, in the reporting currency, >= 0; nominal, never indexed."),
    ("municipality", "own_revenue_growth", "Yearly growth rate of own revenue, Normal(mean, sd), drawn per municipality, path and year and floored at -0.9; default mean 0, sd 0."),
    ("municipality", "grant", "Equalisation grant in year 0, per year, in the reporting currency, >= 0."),
    ("municipality", "grant_offset", "Theta: the grant is reduced by this share of last year's project money that counts for the grant, 0..=1."),
    ("municipality", "spending_need", "Spending need in year 0, per year, in the reporting currency, >= 0; optional, enables the shortfall results."),
    ("municipality", "indexed", "Whether `grant` and `spending_need` follow the scenario.cpi index."),
    // own_revenue_growth = { ... }
    ("own_revenue_growth", "mean", "Mean yearly growth rate of own revenue (0.05 = 5%)."),
    ("own_revenue_growth", "sd", "Standard deviation of the yearly growth rate, >= 0."),
    // [[fund]]
    ("fund", "id", "Unique fund id; for `area = \"*\"` the funds get the ids <id>:<area>. Routes name it as fund:<id>."),
    ("fund", "names", "The fund's name in other languages, for charts and council sheets."),
    ("fund", "level", "The budget level it serves."),
    ("fund", "area", "The district or oblast name it serves (its members are the municipalities there), or \"*\" for one fund per district (oblast) of the scenario, with ids <id>:<area>."),
    ("fund", "allocation", "How each payout is split among members: \"population\" (by population share), \"equal\", or { competitive = { winners = N } }."),
    ("fund", "disburse", "Share of its balance paid out each year, 0..=1."),
    ("fund", "counts_for_grant", "Whether its payouts reduce the members' equalisation grants (through grant_offset)."),
    ("allocation", "competitive", "Each year `winners` members, drawn one after another without replacement with probability proportional to population, share the payout equally."),
    ("competitive", "winners", "Number of winning members each year, >= 1 (all members, equally, when at least their number)."),
    // [[project]]
    ("project", "id", "Unique project id (letters, digits, `_` and `-`), used by applies_to.projects, key paths and results."),
    ("project", "names", "The project's name in other languages, for charts and council sheets."),
    ("project", "unit", "Unit of output, for the output axis of charts (for example \"oz\", \"t\")."),
    ("project", "kind", "Kind of project, selectable by applies_to.kinds."),
    ("project", "tags", "Free labels that instruments select with applies_to.tags."),
    ("project", "hosts", "Host municipalities and their shares (summing to 1); money routed per host (host, host_community, district_fund, oblast_fund, oblast, an area = \"*\" fund) is split by these shares."),
    ("project", "status", "Whether it operates already; never_start and start_delay apply to planned projects only."),
    ("project", "start_year", "First producing calendar year, before any delay."),
    ("project", "life_years", "Producing years, counted from the actual start, >= 1; required without a profile, default the profile's length with one."),
    ("project", "products", "What one unit of output sells as: price drivers and units of product per unit of output; gross revenue = output * sum of per_unit * price."),
    ("project", "output", "Base output per year of life: a curve (capacity, ramp_up_years, plateau_years, decline_rate) or a profile."),
    ("project", "variability", "Sigma of the yearly log-normal output multiplier (mean 1), >= 0."),
    ("project", "hectares", "Land held under licence, in hectares, >= 0; the base of `hectares` instruments."),
    ("project", "jobs", "Local jobs and wages, the base of `payroll` instruments; omitted: payroll 0."),
    ("project", "risk", "Risks: never starting, a delayed start, blockades, suspensions, closure, shutdown below a price."),
    ("host", "municipality", "Id of a host municipality."),
    ("host", "share", "Its share of the money routed per host, 0..=1; the shares of a project's hosts sum to 1."),
    ("product", "driver", "Id of the price driver (price per unit of product)."),
    ("product", "per_unit", "Units of product per unit of output, >= 0."),
    ("product", "currency", "Currency of the price; default the reporting currency."),
    ("output", "capacity", "Output per year at plateau, > 0."),
    ("output", "ramp_up_years", "Years of linear ramp-up before the plateau: capacity * (k+1)/(ramp_up_years+1) in year k."),
    ("output", "plateau_years", "Years at capacity after the ramp-up; default until the end of life."),
    ("output", "decline_rate", "Yearly decline of output after the plateau (0.15 = 15%), 0 <= rate < 1."),
    ("output", "profile", "Base output by year since the actual start, one value > 0 per year of life; instead of capacity and the curve."),
    ("output", "calendar", "Recorded output by calendar year, > 0, no gaps: { 2020 = 556_000, 2021 = 466_000 }. The project produces from the first recorded year to the last (planned before, closed after); then the only key of output, and start_year, life_years, never_start and start_delay are not given."),
    ("jobs", "local", "Number of local jobs, >= 0."),
    ("jobs", "monthly_wage", "Monthly wage per local job, in the reporting currency, >= 0; payroll = local * monthly_wage * 12 in producing years."),
    ("jobs", "indexed", "Whether wages follow the scenario.cpi index."),
    ("risk", "never_start", "Planned projects only: probability that it never starts, 0..=1."),
    ("risk", "start_delay", "Planned projects only: with `probability`, the start is delayed by 1..=max_years years (uniform)."),
    ("risk", "blockade", "Each producing year, with `probability`, a share U(min_loss, max_loss) of the year's output is lost."),
    ("risk", "suspension", "Each year without a suspension running, with `probability`, one of min_years..=max_years years starts (life is not extended)."),
    ("risk", "closure", "Yearly hazard of permanent closure, 0..=1."),
    ("risk", "shutdown_price", "No output (suspended, licence kept) in a year the driver's value is below `below`."),
    ("start_delay", "probability", "Probability that the start is delayed, 0..=1."),
    ("start_delay", "max_years", "Longest delay, whole years >= 1; the delay is uniform on 1..=max_years."),
    ("blockade", "probability", "Yearly probability of a blockade, 0..=1."),
    ("blockade", "min_loss", "Smallest share of the year's output lost, 0 <= min_loss <= max_loss."),
    ("blockade", "max_loss", "Largest share of the year's output lost, < 1."),
    ("suspension", "probability", "Yearly probability that a suspension starts, 0..=1."),
    ("suspension", "min_years", "Shortest suspension, whole years >= 1."),
    ("suspension", "max_years", "Longest suspension, whole years >= min_years."),
    ("shutdown_price", "driver", "Id of the price driver tested each year."),
    ("shutdown_price", "below", "Price below which the year has no output, in the driver's units, >= 0."),
    // [[instrument]]
    ("instrument", "id", "Unique instrument id; also the name of its stream in the results."),
    ("instrument", "name", "Display name, used as the English label when `label` gives none."),
    ("instrument", "label", "Display label, or one per language, for charts and council sheets."),
    ("instrument", "applies_to", "The projects it applies to, by tags, kinds or ids (a project must match every key given); omitted: all projects."),
    ("instrument", "base", "What the amount due is computed on."),
    ("instrument", "rate", "Rate on the base, per year: a share of gross revenue or payroll (0.02 = 2%), or money per unit of output or per hectare; >= 0. Give `rate` or `rate_scale`."),
    ("instrument", "rate_scale", "A step scale instead of `rate`: the rate is rates[i], i the number of thresholds <= the driver's value that year."),
    ("instrument", "amount", "fixed and one_off bases: the money due (per year for fixed), >= 0: a dated number, or { median, sigma } for a log-normal amount drawn once per path and project."),
    ("instrument", "at", "one_off: the calendar year it falls due, or \"start\" (the project's actual start year)."),
    ("instrument", "currency", "Currency of `amount` or of a per-unit or per-hectare rate; default the reporting currency (a gross_revenue or payroll rate is a share: no USD)."),
    ("instrument", "route", "Where the money goes: entries { to, share } whose shares sum to 1."),
    ("instrument", "lag_years", "Years between falling due and being paid (paid in year t + lag; beyond the horizon it is reported as pending), whole >= 0."),
    ("instrument", "when", "When it is due; default \"active\" for hectares, fixed and one_off, \"producing\" for gross_revenue, output and payroll."),
    ("instrument", "probability", "Chance that a year's payment is made at all (in full or not at all, per project and year), 0..=1."),
    ("instrument", "counts_for_grant", "Whether its on-budget receipts (host and municipality:<id> routes) reduce the equalisation grant, through grant_offset."),
    ("instrument", "indexed", "Multiply hectares, output, fixed and one_off amounts by the cpi index (an error on gross_revenue and payroll)."),
    ("applies_to", "tags", "Project tags; a project with any of them matches."),
    ("applies_to", "kinds", "Project kinds; a project of any of them matches."),
    ("applies_to", "projects", "Project ids; any of them matches."),
    ("rate_scale", "driver", "Id of the driver whose value that year picks the rate, in its own units."),
    ("rate_scale", "thresholds", "Driver values at which the rate steps, strictly increasing."),
    ("rate_scale", "rates", "Rates, one more than the thresholds: rates[0] below the first threshold; >= 0."),
    ("amount", "median", "Median amount, >= 0."),
    ("amount", "sigma", "Sigma of the log amount, >= 0: amount = median * exp(sigma * Z), Z drawn once per path, instrument and project."),
    ("route", "to", "Destination of this share: host, host_community, district_fund, oblast_fund, republic, oblast, municipality:<id> or fund:<id>."),
    ("route", "share", "Share of the amount sent there, 0..=1; the shares of a route sum to 1."),
    // [[variant]]
    ("variant", "name", "Unique variant name (letters, digits, `_` and `-`); select it with --variant. The unmodified scenario is `baseline`."),
    ("variant", "label", "Display label, or one per language, for charts and council sheets."),
    ("variant", "description", "Free-text description of the variant."),
    ("variant", "set", "Key paths and their new values: \"project.bozymchak.risk.blockade.probability\" = 0.04."),
    // [[budget_rule]] (docs/model.md section 10)
    ("top", "budget_rule", "Municipal budget rules: how a municipality turns the project money it receives into spending through a reserve of its own; every rule runs in every variant, beside the reference rule `as_received`."),
    ("budget_rule", "id", "Unique rule id (letters, digits, `_` and `-`), other than the reserved `as_received`; names the rule in rules.parquet."),
    ("budget_rule", "label", "Display label, or one per language."),
    ("budget_rule", "spend", "The year's spending target: \"as_received\" (what arrives), { moving_average = k }, { partial = { share = s, years = k } } or { share_of_reserve = r }; spending is the target, or all the money available when the reserve runs dry (a crunch)."),
    ("budget_rule", "reserve_cap", "Largest reserve, per year (dated), >= 0; money above it is released to spending that year. Omitted: no cap."),
    ("budget_rule", "reserve_return", "Yearly return on the reserve (0.02 = 2%), > -1."),
    ("budget_rule", "applies_to", "Ids of the municipalities that follow the rule; omitted: every municipality."),
    ("spend", "moving_average", "Spend the mean of the project money of the last k years, this one included (fewer at the start); whole k >= 1."),
    ("spend", "partial", "Spend what arrives, less a share of any excess over the mean of the previous years (saved), plus the same share of any gap below it (drawn from the reserve)."),
    ("spend", "share_of_reserve", "Spend this share of the money available (reserve plus this year's project money), in (0, 1]."),
    ("partial", "share", "The share s of an excess saved (and of a gap drawn), 0..=1."),
    ("partial", "years", "The k previous years whose mean is the reference, whole >= 1."),
    // [[regime]] and [regime_change] (docs/model.md section 11)
    ("top", "regime", "Alternative laws the law in force can change to along a path (with [regime_change]), each written like a variant but setting only instruments' rate, rate_scale, route and probability and funds' disburse."),
    ("top", "regime_change", "How the law in force changes: a yearly hazard among the scenario as written (`current`) and the [[regime]]s, with an effective-date lag; output regimes.parquet."),
    ("regime", "name", "Unique regime name (letters, digits, `_` and `-`), other than `current` (the law as written); names the regime in regimes.parquet."),
    ("regime", "label", "Display label, or one per language, for charts."),
    ("regime", "weight", "Relative chance of this regime when the law changes (`current` has 1), > 0."),
    ("regime", "set", "Key paths and their new values, only `instrument.<id>.rate`, `.rate_scale`, `.route`, `.probability` and `fund.<id>.disburse`; setting `rate` drops the instrument's `rate_scale`, and the other way round."),
    ("regime_change", "hazard", "Yearly probability that the law changes, in [0, 1]; or { base, driver, elasticity }: min(1, base * (X[t] / X[0])^elasticity), rising with a driver such as the gold price. A variant may set it (0: no law risk)."),
    ("regime_change", "lag_years", "Years between a decision and the law taking effect: a change decided in year t applies from t + lag_years; whole, >= 0."),
    ("hazard", "base", "The hazard when the driver is at its first-year value, in [0, 1]."),
    ("hazard", "driver", "Id of the driver whose rise raises the hazard."),
    ("hazard", "elasticity", "Exponent of the driver's ratio to its first-year value."),
];

/// Literal defaults of docs/model.md section 1, as JSON: (table, key, value). Defaults that
/// are not a literal (plateau_years, a bootstrap `start`, `when`, ...) are in the text.
const DEFAULTS: &[(&str, &str, &str)] = &[
    ("scenario", "currency", "\"KGS\""),
    ("scenario", "discount_rate", "0"),
    ("run", "paths", "10000"),
    ("run", "seed", "0"),
    ("driver", "drift", "0"),
    ("driver", "volatility", "0"),
    ("driver", "sd", "0"),
    ("municipality", "own_revenue", "0"),
    ("municipality", "grant", "0"),
    ("municipality", "grant_offset", "0"),
    ("municipality", "indexed", "false"),
    ("own_revenue_growth", "mean", "0"),
    ("own_revenue_growth", "sd", "0"),
    ("fund", "allocation", "\"population\""),
    ("fund", "disburse", "1.0"),
    ("fund", "counts_for_grant", "false"),
    ("project", "kind", "\"other\""),
    ("project", "status", "\"operating\""),
    ("project", "variability", "0"),
    ("project", "hectares", "0"),
    ("output", "ramp_up_years", "0"),
    ("output", "decline_rate", "0"),
    ("jobs", "indexed", "false"),
    ("risk", "never_start", "0"),
    ("risk", "closure", "0"),
    ("suspension", "min_years", "1"),
    ("instrument", "lag_years", "0"),
    ("instrument", "probability", "1"),
    ("instrument", "counts_for_grant", "true"),
    ("instrument", "indexed", "false"),
    ("budget_rule", "reserve_return", "0"),
    ("regime", "weight", "1"),
    ("regime_change", "lag_years", "1"),
];

/// What `key` of `table` means (its own entry, else the shared `*` one); "" if neither.
pub fn describe(table: &str, key: &str) -> &'static str {
    let find = |t: &str| DESCRIPTIONS.iter().find(|(tt, k, _)| *tt == t && *k == key);
    find(table).or_else(|| find("*")).map_or("", |e| e.2)
}

fn default_of(table: &str, key: &str) -> Option<Value> {
    DEFAULTS
        .iter()
        .find(|(t, k, _)| *t == table && *k == key)
        .map(|(_, _, v)| serde_json::from_str(v).expect("a JSON literal"))
}

/// `v`, the schema of `key` in `table`, with its description: what the key means, then the
/// form `v` describes already (if any), then its default.
fn documented(mut v: Value, table: &str, key: &str) -> Value {
    let text = describe(table, key);
    let default = default_of(table, key);
    let obj = v.as_object_mut().expect("a property schema is an object");
    let form = obj.remove("description");
    if text.is_empty() {
        // Left without a description, for the test to name it.
        return v;
    }
    let mut desc = text.to_string();
    if let Some(Value::String(form)) = form {
        desc.push(' ');
        desc.push_str(&form);
        if !desc.ends_with('.') {
            desc.push('.');
        }
    }
    if let Some(d) = default {
        desc.push_str(&format!(" Default: {d}."));
        obj.insert("default".into(), d);
    }
    obj.insert("description".into(), json!(desc));
    v
}

/// An object schema with exactly the keys of `table`, typed by `prop` and described by
/// [`describe`].
fn object(table: &str, required: &[&str], prop: impl Fn(&str) -> Value) -> Value {
    let mut props = Map::new();
    for k in table_keys(table) {
        props.insert(k.to_string(), documented(prop(k), table, k));
    }
    json!({ "type": "object", "additionalProperties": false, "properties": props, "required": required })
}

/// Draft-07 `if`/`then`: when `key = value`, `then` applies. The `if` requires `key`, since
/// `properties` alone holds for an object without it.
fn when(key: &str, value: &str, then: Value) -> Value {
    json!({ "if": { "properties": { key: { "const": value } }, "required": [key] }, "then": then })
}

fn text(k: &str) -> Option<Value> {
    match k {
        "reference" | "notes" | "description" | "name" | "unit" => Some(string()),
        _ => None,
    }
}

fn driver() -> Value {
    let jump = object("jump", &["probability", "min", "max"], |k| match k {
        "probability" => unit(),
        _ => json!({ "type": "number", "exclusiveMinimum": -1 }),
    });
    let then = object("then", &["model"], |k| match k {
        "model" => words(CONTINUATIONS),
        "long_run" | "speed" => json!({ "type": "number", "exclusiveMinimum": 0 }),
        "volatility" => nonneg(),
        "history" => {
            json!({ "type": "array", "items": { "type": "number", "exclusiveMinimum": 0 }, "minItems": 2 })
        }
        _ => number(),
    });
    let mut d = object("driver", &["model"], |k| {
        text(k).unwrap_or_else(|| match k {
            "model" => words(DRIVER_MODELS),
            "start" | "long_run" | "speed" => json!({ "type": "number", "exclusiveMinimum": 0 }),
            "volatility" | "sd" => nonneg(),
            "history" => json!({ "type": "array", "items": { "type": "number", "exclusiveMinimum": 0 }, "minItems": 2 }),
            "value" => dated(json!({ "type": "number", "exclusiveMinimum": 0 })),
            "values" => json!({ "type": "object", "additionalProperties": false,
                "patternProperties": { "^[0-9]{1,4}$": { "type": "number", "exclusiveMinimum": 0 } },
                "minProperties": 1 }),
            "then" => then.clone(),
            "jump" => jump.clone(),
            _ => number(),
        })
    });
    // The keys each model requires (build/drivers.rs); a bootstrap `start` is optional.
    d["allOf"] = json!([
        when("model", "fixed", json!({ "required": ["value"] })),
        when("model", "gbm", json!({ "required": ["start"] })),
        when(
            "model",
            "mean_reverting",
            json!({ "required": ["start", "long_run", "speed"] })
        ),
        when("model", "bootstrap", json!({ "required": ["history"] })),
        when("model", "inflation", json!({ "required": ["mean"] })),
        when("model", "history", json!({ "required": ["values"] })),
    ]);
    d
}

fn municipality() -> Value {
    object(
        "municipality",
        &["id", "district", "oblast", "population"],
        |k| {
            text(k).unwrap_or_else(|| match k {
                "id" => id(),
                "names" => names(),
                "district" | "oblast" => json!({ "type": "string", "pattern": "^[^.]+$" }),
                "population" => json!({ "type": "number", "exclusiveMinimum": 0 }),
                "own_revenue" => nonneg(),
                "own_revenue_growth" => object("own_revenue_growth", &[], |k| {
                    if k == "sd" {
                        nonneg()
                    } else {
                        number()
                    }
                }),
                "grant" | "spending_need" => dated(nonneg()),
                "grant_offset" => unit(),
                _ => boolean(),
            })
        },
    )
}

fn fund() -> Value {
    object("fund", &["id", "level", "area"], |k| {
        text(k).unwrap_or_else(|| match k {
            "id" => id(),
            "names" => names(),
            "level" => words(&[
                ("district", "a district (raion) fund"),
                ("oblast", "an oblast fund"),
            ]),
            "area" => string(),
            "allocation" => {
                let competitive = object("competitive", &["winners"], |_| integer(1));
                json!({ "anyOf": [
                    words(&[
                        ("population", "by population share"),
                        ("equal", "in equal parts"),
                    ]),
                    object("allocation", &["competitive"], |_| competitive.clone()),
                ] })
            }
            "disburse" => unit(),
            _ => boolean(),
        })
    })
}

fn project() -> Value {
    let host = object("host", &["municipality", "share"], |k| {
        if k == "share" {
            unit()
        } else {
            id()
        }
    });
    let product = object("product", &["driver", "per_unit"], |k| match k {
        "per_unit" => nonneg(),
        "currency" => words(CURRENCIES),
        _ => id(),
    });
    let output = object("output", &[], |k| match k {
        "capacity" => json!({ "type": "number", "exclusiveMinimum": 0 }),
        "profile" => {
            json!({ "type": "array", "items": { "type": "number", "exclusiveMinimum": 0 }, "minItems": 1 })
        }
        "decline_rate" => json!({ "type": "number", "minimum": 0, "exclusiveMaximum": 1 }),
        "calendar" => json!({ "type": "object", "additionalProperties": false,
            "patternProperties": { "^[0-9]{1,4}$": { "type": "number", "exclusiveMinimum": 0 } },
            "minProperties": 1 }),
        _ => integer(0),
    });
    let jobs = object("jobs", &["local", "monthly_wage"], |k| {
        if k == "indexed" {
            boolean()
        } else {
            nonneg()
        }
    });
    let risk = object("risk", &[], |k| match k {
        "never_start" | "closure" => unit(),
        "start_delay" => object("start_delay", &["probability", "max_years"], |k| {
            if k == "probability" {
                unit()
            } else {
                integer(1)
            }
        }),
        "blockade" => object(
            "blockade",
            &["probability", "min_loss", "max_loss"],
            |k| match k {
                "probability" => unit(),
                _ => json!({ "type": "number", "minimum": 0, "exclusiveMaximum": 1 }),
            },
        ),
        "suspension" => object("suspension", &["probability", "max_years"], |k| {
            if k == "probability" {
                unit()
            } else {
                integer(1)
            }
        }),
        _ => object("shutdown_price", &["driver", "below"], |k| {
            if k == "driver" {
                id()
            } else {
                nonneg()
            }
        }),
    });
    let mut p = object("project", &["id", "hosts", "products", "output"], |k| {
        text(k).unwrap_or_else(|| match k {
            "id" => id(),
            "names" => names(),
            "kind" => words(PROJECT_KINDS),
            "tags" => json!({ "type": "array", "items": { "type": "string" } }),
            "hosts" => json!({ "type": "array", "items": host.clone(), "minItems": 1 }),
            "status" => words(&[
                ("operating", "producing from start_year"),
                (
                    "planned",
                    "not yet built: may never start (never_start) or start late (start_delay)",
                ),
            ]),
            "start_year" => json!({ "type": "integer" }),
            "life_years" => integer(1),
            "products" => json!({ "type": "array", "items": product.clone() }),
            "output" => output.clone(),
            "jobs" => jobs.clone(),
            "risk" => risk.clone(),
            _ => nonneg(),
        })
    });
    // A plan needs its start year; a calendar output is a record that gives it.
    p["allOf"] = json!([{
        "if": { "properties": { "output": { "required": ["calendar"] } }, "required": ["output"] },
        "then": { "not": { "anyOf": [ { "required": ["start_year"] }, { "required": ["life_years"] } ] } },
        "else": { "required": ["start_year"] }
    }]);
    p
}

/// A route's `to`: one of the fixed words, `municipality:<id>` or `fund:<id>` (an
/// `area = "*"` fund by its declared id, or one expansion as `fund:<id>:<area>`).
fn route_target() -> Value {
    let mut fixed = words(ROUTE_WORDS);
    fixed["description"] = json!(format!(
        "A fixed destination. {}",
        fixed["description"].as_str().expect("words() describes")
    ));
    json!({ "anyOf": [
        fixed,
        { "type": "string", "pattern": "^municipality:[A-Za-z0-9_-]+$",
          "description": "municipality:<id>: the budget of that municipality (on-budget; counts for its grant when the instrument does)." },
        { "type": "string", "pattern": "^fund:[A-Za-z0-9_-]+(:[^.]+)?$",
          "description": "fund:<id>: that fund; for an area = \"*\" fund the declared id means the expansion for each host's area, per host share, and fund:<id>:<area> one expansion." },
    ] })
}

fn instrument() -> Value {
    let route = object("route", &["to", "share"], |k| {
        if k == "share" {
            unit()
        } else {
            route_target()
        }
    });
    let mut i = object("instrument", &["id", "base", "route"], |k| {
        text(k).unwrap_or_else(|| match k {
            "id" => id(),
            "label" => names(),
            "applies_to" => {
                let mut a = object("applies_to", &[], |k| {
                    if k == "kinds" {
                        let kinds: Vec<&str> = PROJECT_KINDS.iter().map(|(w, _)| *w).collect();
                        json!({ "type": "array", "items": { "type": "string", "enum": kinds }, "minItems": 1 })
                    } else {
                        strings()
                    }
                });
                a["minProperties"] = json!(1);
                a
            }
            "base" => words(BASES),
            "rate" => dated(nonneg()),
            "rate_scale" => object("rate_scale", &["driver", "thresholds", "rates"], |k| match k {
                "driver" => id(),
                "rates" => json!({ "type": "array", "items": { "type": "number", "minimum": 0 } }),
                _ => json!({ "type": "array", "items": { "type": "number" } }),
            }),
            "amount" => json!({ "anyOf": [ dated(nonneg()), object("amount", &["median", "sigma"], |_| nonneg()) ] }),
            "at" => json!({ "anyOf": [ { "type": "integer" }, { "const": "start" } ] }),
            "currency" => words(CURRENCIES),
            "route" => json!({ "type": "array", "items": route.clone(), "minItems": 1 }),
            "lag_years" => integer(0),
            "when" => words(&[
                ("producing", "in the years the project produces"),
                ("active", "from the actual start until closure, suspended years included"),
            ]),
            "probability" => unit(),
            _ => boolean(),
        })
    });
    // What each base requires (build/instruments.rs): a rate-based base exactly one of
    // `rate` and `rate_scale`; `fixed` an amount; `one_off` an amount and its year.
    let mut rules: Vec<Value> = RATE_BASES
        .iter()
        .map(|base| {
            when(
                "base",
                base,
                json!({ "oneOf": [ { "required": ["rate"] }, { "required": ["rate_scale"] } ] }),
            )
        })
        .collect();
    rules.push(when("base", "fixed", json!({ "required": ["amount"] })));
    rules.push(when(
        "base",
        "one_off",
        json!({ "required": ["amount", "at"] }),
    ));
    i["allOf"] = json!(rules);
    i
}

/// `[[budget_rule]]` (docs/model.md section 10); `spend` is the word "as_received" or a table
/// with exactly one form.
fn budget_rule() -> Value {
    let partial = object("partial", &["share", "years"], |k| match k {
        "share" => unit(),
        _ => integer(1),
    });
    let mut forms = object("spend", &[], |k| match k {
        "moving_average" => integer(1),
        "partial" => partial.clone(),
        _ => json!({ "type": "number", "exclusiveMinimum": 0, "maximum": 1 }),
    });
    forms["minProperties"] = json!(1);
    forms["maxProperties"] = json!(1);
    object("budget_rule", &["id", "spend"], |k| {
        text(k).unwrap_or_else(|| match k {
            "id" => id(),
            "label" => names(),
            "spend" => json!({ "anyOf": [
                { "const": "as_received", "description": "Spend what arrives: the reference rule." },
                forms.clone() ] }),
            "reserve_cap" => dated(nonneg()),
            "reserve_return" => json!({ "type": "number", "exclusiveMinimum": -1 }),
            _ => json!({ "type": "array", "items": id(), "minItems": 1 }),
        })
    })
}

/// `[[regime]]` and `[regime_change]` (docs/model.md section 11).
fn regime() -> Value {
    object("regime", &["name", "set"], |k| {
        text(k).unwrap_or_else(|| match k {
            "name" => id(),
            "label" => names(),
            "weight" => json!({ "type": "number", "exclusiveMinimum": 0 }),
            // Dotted keys may be quoted (one name) or bare (nested tables): the reader checks
            // which keys a regime sets.
            _ => json!({ "type": "object", "minProperties": 1 }),
        })
    })
}

fn regime_change() -> Value {
    let table = object("hazard", &["base", "driver", "elasticity"], |k| match k {
        "base" => unit(),
        "driver" => id(),
        _ => number(),
    });
    object("regime_change", &["hazard"], |k| match k {
        "hazard" => json!({ "anyOf": [unit(), table.clone()] }),
        _ => integer(0),
    })
}

/// The JSON Schema document.
pub fn schema() -> Value {
    // No key of [scenario] is required: a fragment included by scenarios (a fiscal regime)
    // may carry only `include`; the reader requires start_year and years once merged.
    let scenario = object("scenario", &[], |k| {
        text(k).unwrap_or_else(|| match k {
            "start_year" => json!({ "type": "integer" }),
            "years" => json!({ "type": "integer", "minimum": 1, "maximum": 200 }),
            "currency" => string(),
            "fx" | "cpi" => id(),
            "names" => names(),
            "discount_rate" => json!({ "type": "number", "exclusiveMinimum": -1 }),
            _ => json!({ "type": "array", "items": { "type": "string" } }),
        })
    });
    let run = object("run", &[], |k| integer(if k == "paths" { 1 } else { 0 }));
    let correlation = object("correlation", &["drivers", "rho"], |k| {
        text(k).unwrap_or_else(|| match k {
            "drivers" => json!({ "type": "array", "items": { "type": "string" }, "minItems": 2, "maxItems": 2 }),
            _ => json!({ "type": "number", "exclusiveMinimum": -1, "exclusiveMaximum": 1 }),
        })
    });
    let variant = object("variant", &["name"], |k| {
        text(k).unwrap_or_else(|| match k {
            "name" => id(),
            "label" => names(),
            _ => json!({ "type": "object" }),
        })
    });
    // Nothing at the top level is required either: format_version is required in the
    // scenario file only, which a schema cannot tell from a fragment.
    let top = object("top", &[], |k| match k {
        "format_version" => json!({ "const": 1 }),
        "scenario" => scenario.clone(),
        "run" => run.clone(),
        "driver" => json!({ "type": "object", "additionalProperties": driver() }),
        "correlation" => json!({ "type": "array", "items": correlation.clone() }),
        "municipality" => json!({ "type": "array", "items": municipality() }),
        "fund" => json!({ "type": "array", "items": fund() }),
        "project" => json!({ "type": "array", "items": project() }),
        "instrument" => json!({ "type": "array", "items": instrument() }),
        "variant" => json!({ "type": "array", "items": variant.clone() }),
        "place_names" => json!({ "type": "object", "additionalProperties": names() }),
        "budget_rule" => json!({ "type": "array", "items": budget_rule() }),
        "regime" => json!({ "type": "array", "items": regime() }),
        "regime_change" => regime_change(),
        _ => json!({ "type": "object" }),
    });
    let mut doc = top;
    let obj = doc.as_object_mut().expect("object");
    obj.insert(
        "$schema".into(),
        json!("http://json-schema.org/draft-07/schema#"),
    );
    obj.insert(
        "$id".into(),
        json!("https://aimak.invalid/scenario-v1.schema.json"),
    );
    obj.insert("title".into(), json!("aimak scenario, format version 1"));
    obj.insert(
        "description".into(),
        json!("A scenario file of aimak, or a fragment that scenarios include (docs/model.md)."),
    );
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_of(v: &Value) -> Vec<String> {
        let mut k: Vec<String> = v["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    }

    fn sorted(k: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = k.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    }

    #[test]
    fn schema_lists_exactly_the_keys_the_reader_accepts() {
        let s = schema();
        assert_eq!(keys_of(&s), sorted(keys::TOP));
        let p = &s["properties"];
        assert_eq!(keys_of(&p["scenario"]), sorted(keys::SCENARIO));
        assert_eq!(
            keys_of(&p["driver"]["additionalProperties"]),
            sorted(keys::DRIVER)
        );
        assert_eq!(
            keys_of(&p["municipality"]["items"]),
            sorted(keys::MUNICIPALITY)
        );
        assert_eq!(keys_of(&p["fund"]["items"]), sorted(keys::FUND));
        assert_eq!(keys_of(&p["project"]["items"]), sorted(keys::PROJECT));
        assert_eq!(
            keys_of(&p["project"]["items"]["properties"]["risk"]),
            sorted(keys::RISK)
        );
        assert_eq!(keys_of(&p["instrument"]["items"]), sorted(keys::INSTRUMENT));
        assert_eq!(keys_of(&p["variant"]["items"]), sorted(keys::VARIANT));
        assert_eq!(
            keys_of(&p["budget_rule"]["items"]),
            sorted(keys::BUDGET_RULE)
        );
        assert_eq!(keys_of(&p["regime"]["items"]), sorted(keys::REGIME));
        assert_eq!(keys_of(&p["regime_change"]), sorted(keys::REGIME_CHANGE));
    }

    /// Walks every subschema that defines properties, pushing the path of each property
    /// (`project[].risk.blockade.probability`, `driver.*.jump.min`) with whether it has a
    /// non-empty description. `if` is skipped: its properties are conditions, not keys.
    fn walk(s: &Value, path: &str, out: &mut Vec<(String, bool)>) {
        let Some(o) = s.as_object() else { return };
        if let Some(Value::Object(props)) = o.get("properties") {
            for (k, v) in props {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                let described = v["description"]
                    .as_str()
                    .is_some_and(|d| !d.trim().is_empty());
                out.push((p.clone(), described));
                walk(v, &p, out);
            }
        }
        for (kw, sub) in o {
            match kw.as_str() {
                "items" => walk(sub, &format!("{path}[]"), out),
                "additionalProperties" => walk(sub, &format!("{path}.*"), out),
                "then" | "else" | "not" => walk(sub, path, out),
                "anyOf" | "allOf" | "oneOf" => {
                    for x in sub.as_array().unwrap() {
                        walk(x, path, out);
                    }
                }
                "patternProperties" => {
                    for x in sub.as_object().unwrap().values() {
                        walk(x, &format!("{path}.<pattern>"), out);
                    }
                }
                _ => {}
            }
        }
    }

    #[test]
    fn every_property_of_every_object_has_a_description() {
        let mut found = Vec::new();
        walk(&schema(), "", &mut found);
        if let Some((path, _)) = found.iter().find(|(_, ok)| !ok) {
            panic!("`{path}` has no description; add it to DESCRIPTIONS in schema.rs");
        }
        // The walk reaches the nested tables, not only the top level.
        let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        for deep in [
            "format_version",
            "place_names",
            "scenario.include",
            "run.seed",
            "driver.*.jump.min",
            "correlation[].rho",
            "municipality[].own_revenue_growth.sd",
            "fund[].allocation.competitive.winners",
            "project[].hosts[].share",
            "project[].products[].per_unit",
            "project[].output.profile",
            "project[].jobs.monthly_wage",
            "project[].risk.start_delay.max_years",
            "project[].risk.blockade.max_loss",
            "project[].risk.suspension.min_years",
            "project[].risk.shutdown_price.below",
            "instrument[].applies_to.kinds",
            "instrument[].rate_scale.thresholds",
            "instrument[].amount.sigma",
            "instrument[].route[].to",
            "variant[].set",
            "budget_rule[].spend.partial.share",
            "regime[].weight",
            "regime_change.hazard.elasticity",
        ] {
            assert!(paths.contains(&deep), "the walk missed `{deep}`");
        }
        assert!(found.len() > 140, "only {} properties found", found.len());
    }

    #[test]
    fn descriptions_and_defaults_name_real_keys() {
        for (table, key, text) in DESCRIPTIONS {
            assert!(!text.trim().is_empty(), "{table}.{key}: empty text");
            if *table != "*" {
                assert!(
                    table_keys(table).contains(key),
                    "DESCRIPTIONS has {table}.{key}, which is no key of {table}"
                );
            }
        }
        for (table, key, value) in DEFAULTS {
            assert!(
                table_keys(table).contains(key),
                "DEFAULTS has {table}.{key}, which is no key of {table}"
            );
            assert!(
                serde_json::from_str::<Value>(value).is_ok(),
                "{table}.{key}"
            );
        }
        let s = schema();
        let fund = &s["properties"]["fund"]["items"]["properties"];
        assert_eq!(fund["disburse"]["default"], json!(1.0));
        assert!(fund["disburse"]["description"]
            .as_str()
            .unwrap()
            .ends_with("Default: 1.0."));
    }

    #[test]
    fn route_to_lists_exactly_the_fixed_words() {
        let s = schema();
        let to = &s["properties"]["instrument"]["items"]["properties"]["route"]["items"]
            ["properties"]["to"];
        let any = to["anyOf"].as_array().expect("anyOf");
        let enums: Vec<&Value> = any.iter().filter(|x| x.get("enum").is_some()).collect();
        assert_eq!(enums.len(), 1);
        let mut words: Vec<&str> = enums[0]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        words.sort();
        let mut expected = vec![
            "host",
            "host_community",
            "district_fund",
            "oblast_fund",
            "republic",
            "oblast",
        ];
        expected.sort();
        assert_eq!(words, expected);
        // Each word's meaning, in the description and per value for taplo.
        let desc = enums[0]["description"].as_str().unwrap();
        let docs = enums[0]["x-taplo"]["docs"]["enumValues"]
            .as_array()
            .unwrap();
        assert_eq!(docs.len(), words.len());
        for w in &words {
            assert!(desc.contains(&format!("`{w}`:")), "{w} is not explained");
        }
        let mut patterns: Vec<&str> = any.iter().filter_map(|x| x["pattern"].as_str()).collect();
        patterns.sort();
        assert_eq!(
            patterns,
            [
                "^fund:[A-Za-z0-9_-]+(:[^.]+)?$",
                "^municipality:[A-Za-z0-9_-]+$"
            ]
        );
        assert!(any.iter().all(|x| x["description"].is_string()));
    }

    /// The `then.required` of the `allOf` entry whose `if` matches `key = value`.
    fn required_when(s: &Value, key: &str, value: &str) -> Value {
        s["allOf"]
            .as_array()
            .expect("allOf")
            .iter()
            .find(|c| c["if"]["properties"][key]["const"] == json!(value))
            .map(|c| {
                assert_eq!(c["if"]["required"], json!([key]), "{key} = {value}");
                c["then"].clone()
            })
            .unwrap_or_else(|| panic!("no allOf entry for {key} = {value}"))
    }

    #[test]
    fn each_driver_model_and_instrument_base_requires_its_keys() {
        let s = schema();
        let driver = &s["properties"]["driver"]["additionalProperties"];
        assert_eq!(driver["required"], json!(["model"]));
        for (model, keys) in [
            ("fixed", json!(["value"])),
            ("gbm", json!(["start"])),
            ("mean_reverting", json!(["start", "long_run", "speed"])),
            ("bootstrap", json!(["history"])),
            ("inflation", json!(["mean"])),
        ] {
            assert_eq!(required_when(driver, "model", model)["required"], keys);
        }
        let models: Vec<Value> = DRIVER_MODELS.iter().map(|(m, _)| json!(m)).collect();
        assert_eq!(driver["properties"]["model"]["enum"], json!(models));
        assert_eq!(driver["allOf"].as_array().unwrap().len(), models.len());

        let instrument = &s["properties"]["instrument"]["items"];
        for base in ["gross_revenue", "output", "hectares", "payroll"] {
            assert_eq!(
                required_when(instrument, "base", base)["oneOf"],
                json!([{ "required": ["rate"] }, { "required": ["rate_scale"] }])
            );
        }
        assert_eq!(
            required_when(instrument, "base", "fixed")["required"],
            json!(["amount"])
        );
        assert_eq!(
            required_when(instrument, "base", "one_off")["required"],
            json!(["amount", "at"])
        );
    }

    #[test]
    fn fragments_need_no_key() {
        let s = schema();
        assert_eq!(s["required"], json!([]));
        assert_eq!(s["properties"]["scenario"]["required"], json!([]));
        assert_eq!(s["properties"]["run"]["required"], json!([]));
    }
}
