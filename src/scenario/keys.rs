//! The keys each table of scenario format v1 accepts (docs/model.md sections 1-5 and 7).
//! The reader reports any other key as unknown; the JSON Schema is built from the same lists.

pub const TOP: &[&str] = &[
    "format_version",
    "scenario",
    "run",
    "driver",
    "correlation",
    "municipality",
    "fund",
    "project",
    "instrument",
    "variant",
    "overrides",
    "place_names",
    "budget_rule",
    "regime",
    "regime_change",
];
pub const SCENARIO: &[&str] = &[
    "name",
    "names",
    "description",
    "start_year",
    "years",
    "currency",
    "fx",
    "cpi",
    "discount_rate",
    "include",
    "reference",
    "notes",
];
pub const RUN: &[&str] = &["paths", "seed"];
pub const DRIVER: &[&str] = &[
    "model",
    "unit",
    "name",
    "start",
    "drift",
    "volatility",
    "jump",
    "mean",
    "sd",
    "history",
    "long_run",
    "speed",
    "value",
    "values",
    "then",
    "reference",
    "notes",
];
/// The continuation of a `history` driver (docs/model.md section 13).
pub const THEN: &[&str] = &[
    "model",
    "drift",
    "volatility",
    "long_run",
    "speed",
    "history",
];
pub const JUMP: &[&str] = &["probability", "min", "max"];
pub const CORRELATION: &[&str] = &["drivers", "rho", "reference", "notes"];
pub const MUNICIPALITY: &[&str] = &[
    "id",
    "name",
    "names",
    "district",
    "oblast",
    "population",
    "own_revenue",
    "own_revenue_growth",
    "grant",
    "grant_offset",
    "spending_need",
    "indexed",
    "reference",
    "notes",
];
pub const GROWTH: &[&str] = &["mean", "sd"];
pub const FUND: &[&str] = &[
    "id",
    "name",
    "names",
    "level",
    "area",
    "allocation",
    "disburse",
    "counts_for_grant",
    "reference",
    "notes",
];
pub const PROJECT: &[&str] = &[
    "id",
    "name",
    "names",
    "unit",
    "kind",
    "tags",
    "hosts",
    "status",
    "start_year",
    "life_years",
    "products",
    "output",
    "variability",
    "hectares",
    "jobs",
    "risk",
    "reference",
    "notes",
];
pub const HOST: &[&str] = &["municipality", "share"];
pub const PRODUCT: &[&str] = &["driver", "per_unit", "currency"];
pub const OUTPUT: &[&str] = &[
    "capacity",
    "ramp_up_years",
    "plateau_years",
    "decline_rate",
    "profile",
    "calendar",
];
pub const JOBS: &[&str] = &["local", "monthly_wage", "indexed"];
pub const RISK: &[&str] = &[
    "never_start",
    "start_delay",
    "blockade",
    "suspension",
    "closure",
    "shutdown_price",
];
pub const START_DELAY: &[&str] = &["probability", "max_years"];
pub const BLOCKADE: &[&str] = &["probability", "min_loss", "max_loss"];
pub const SUSPENSION: &[&str] = &["probability", "min_years", "max_years"];
pub const SHUTDOWN: &[&str] = &["driver", "below"];
pub const INSTRUMENT: &[&str] = &[
    "id",
    "name",
    "label",
    "reference",
    "notes",
    "applies_to",
    "base",
    "rate",
    "rate_scale",
    "amount",
    "at",
    "currency",
    "route",
    "lag_years",
    "when",
    "probability",
    "counts_for_grant",
    "indexed",
];
pub const APPLIES_TO: &[&str] = &["tags", "kinds", "projects"];
pub const RATE_SCALE: &[&str] = &["driver", "thresholds", "rates"];
pub const LOGNORMAL: &[&str] = &["median", "sigma"];
pub const ROUTE: &[&str] = &["to", "share"];
/// `[[regime]]` and `[regime_change]` (docs/model.md section 11).
pub const REGIME: &[&str] = &["name", "label", "reference", "notes", "weight", "set"];
pub const REGIME_CHANGE: &[&str] = &["hazard", "lag_years"];
/// The table form of a hazard that rises with a driver.
pub const HAZARD: &[&str] = &["base", "driver", "elasticity"];
pub const VARIANT: &[&str] = &["name", "label", "description", "reference", "notes", "set"];
/// `[[budget_rule]]` (docs/model.md section 10).
pub const BUDGET_RULE: &[&str] = &[
    "id",
    "label",
    "spend",
    "reserve_cap",
    "reserve_return",
    "applies_to",
    "reference",
    "notes",
];
/// The table forms of a budget rule's `spend` (the other form is the word "as_received").
pub const SPEND: &[&str] = &["moving_average", "partial", "share_of_reserve"];
pub const PARTIAL: &[&str] = &["share", "years"];
