//! A JSON Schema of scenario format v1, for editors that check TOML against JSON Schema
//! (taplo / Even Better TOML). Built from the same key lists the reader accepts, so the two
//! cannot drift apart (a test checks it).

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
fn words(options: &[&str]) -> Value {
    json!({ "type": "string", "enum": options })
}
fn strings() -> Value {
    json!({ "type": "array", "items": { "type": "string" }, "minItems": 1 })
}
fn names() -> Value {
    json!({ "anyOf": [ { "type": "string" }, { "type": "object", "additionalProperties": { "type": "string" } } ],
            "description": "a label, or one per language: { en = \"...\", ru = \"...\", ky = \"...\" }" })
}
fn dated(min: Value) -> Value {
    json!({ "anyOf": [ min.clone(),
        { "type": "object", "patternProperties": { "^[0-9]{1,4}$": min }, "additionalProperties": false } ],
        "description": "a number, or a table from calendar year to number: { 2026 = 0.02, 2030 = 0.03 }" })
}

/// An object schema with exactly the properties `keys`, typed by `prop`.
fn object(keys: &[&str], required: &[&str], prop: impl Fn(&str) -> Value) -> Value {
    let mut props = Map::new();
    for k in keys {
        props.insert(k.to_string(), prop(k));
    }
    json!({ "type": "object", "additionalProperties": false, "properties": props, "required": required })
}

fn text(k: &str) -> Option<Value> {
    match k {
        "reference" => Some(
            json!({ "type": "string", "description": "the law, report or article the values come from" }),
        ),
        "notes" | "description" | "name" | "unit" => Some(string()),
        _ => None,
    }
}

fn driver() -> Value {
    let jump = object(keys::JUMP, &["probability", "min", "max"], |k| match k {
        "probability" => unit(),
        _ => json!({ "type": "number", "exclusiveMinimum": -1 }),
    });
    object(keys::DRIVER, &["model"], |k| {
        text(k).unwrap_or_else(|| match k {
            "model" => words(&["fixed", "gbm", "mean_reverting", "bootstrap", "inflation"]),
            "start" | "long_run" | "speed" => json!({ "type": "number", "exclusiveMinimum": 0 }),
            "volatility" | "sd" => nonneg(),
            "history" => json!({ "type": "array", "items": { "type": "number", "exclusiveMinimum": 0 }, "minItems": 2 }),
            "value" => dated(json!({ "type": "number", "exclusiveMinimum": 0 })),
            "jump" => jump.clone(),
            _ => number(),
        })
    })
}

fn municipality() -> Value {
    object(
        keys::MUNICIPALITY,
        &["id", "district", "oblast", "population"],
        |k| {
            text(k).unwrap_or_else(|| match k {
                "id" => id(),
                "names" => names(),
                "district" | "oblast" => json!({ "type": "string", "pattern": "^[^.]+$" }),
                "population" => json!({ "type": "number", "exclusiveMinimum": 0 }),
                "own_revenue" => nonneg(),
                "own_revenue_growth" => object(keys::GROWTH, &[], |k| {
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
    object(keys::FUND, &["id", "level", "area"], |k| {
        text(k).unwrap_or_else(|| match k {
            "id" => id(),
            "names" => names(),
            "level" => words(&["district", "oblast"]),
            "area" => json!({ "type": "string", "description": "the district or oblast it serves, or \"*\" for one fund per area" }),
            "allocation" => json!({ "anyOf": [ words(&["population", "equal"]),
                { "type": "object", "additionalProperties": false, "required": ["competitive"],
                  "properties": { "competitive": { "type": "object", "additionalProperties": false, "required": ["winners"],
                     "properties": { "winners": integer(1) } } } } ] }),
            "disburse" => unit(),
            _ => boolean(),
        })
    })
}

fn project() -> Value {
    let host = object(keys::HOST, &["municipality", "share"], |k| {
        if k == "share" {
            unit()
        } else {
            id()
        }
    });
    let product = object(keys::PRODUCT, &["driver", "per_unit"], |k| match k {
        "per_unit" => nonneg(),
        "currency" => words(&["KGS", "USD"]),
        _ => id(),
    });
    let output = object(keys::OUTPUT, &[], |k| match k {
        "capacity" => json!({ "type": "number", "exclusiveMinimum": 0 }),
        "profile" => {
            json!({ "type": "array", "items": { "type": "number", "exclusiveMinimum": 0 }, "minItems": 1 })
        }
        "decline_rate" => json!({ "type": "number", "minimum": 0, "exclusiveMaximum": 1 }),
        _ => integer(0),
    });
    let jobs = object(keys::JOBS, &["local", "monthly_wage"], |k| {
        if k == "indexed" {
            boolean()
        } else {
            nonneg()
        }
    });
    let risk = object(keys::RISK, &[], |k| match k {
        "never_start" | "closure" => unit(),
        "start_delay" => object(keys::START_DELAY, &["probability", "max_years"], |k| {
            if k == "probability" {
                unit()
            } else {
                integer(1)
            }
        }),
        "blockade" => object(
            keys::BLOCKADE,
            &["probability", "min_loss", "max_loss"],
            |k| match k {
                "probability" => unit(),
                _ => json!({ "type": "number", "minimum": 0, "exclusiveMaximum": 1 }),
            },
        ),
        "suspension" => object(keys::SUSPENSION, &["probability", "max_years"], |k| {
            if k == "probability" {
                unit()
            } else {
                integer(1)
            }
        }),
        _ => object(keys::SHUTDOWN, &["driver", "below"], |k| {
            if k == "driver" {
                id()
            } else {
                nonneg()
            }
        }),
    });
    object(
        keys::PROJECT,
        &["id", "hosts", "start_year", "products", "output"],
        |k| {
            text(k).unwrap_or_else(|| match k {
                "id" => id(),
                "names" => names(),
                "kind" => words(&["mine", "agro_processing", "other"]),
                "tags" => json!({ "type": "array", "items": { "type": "string" } }),
                "hosts" => json!({ "type": "array", "items": host.clone(), "minItems": 1 }),
                "status" => words(&["operating", "planned"]),
                "start_year" => json!({ "type": "integer" }),
                "life_years" => integer(1),
                "products" => json!({ "type": "array", "items": product.clone() }),
                "output" => output.clone(),
                "jobs" => jobs.clone(),
                "risk" => risk.clone(),
                _ => nonneg(),
            })
        },
    )
}

fn instrument() -> Value {
    let route = object(keys::ROUTE, &["to", "share"], |k| {
        if k == "share" {
            unit()
        } else {
            json!({ "type": "string", "pattern": "^(host|host_community|district_fund|oblast_fund|republic|oblast|municipality:[A-Za-z0-9_-]+|fund:[A-Za-z0-9_:.-]+)$" })
        }
    });
    object(keys::INSTRUMENT, &["id", "base", "route"], |k| {
        text(k).unwrap_or_else(|| match k {
            "id" => id(),
            "label" => names(),
            "applies_to" => object(keys::APPLIES_TO, &[], |_| strings()),
            "base" => words(&["gross_revenue", "output", "hectares", "payroll", "fixed", "one_off"]),
            "rate" => dated(nonneg()),
            "rate_scale" => object(keys::RATE_SCALE, &["driver", "thresholds", "rates"], |k| match k {
                "driver" => id(),
                _ => json!({ "type": "array", "items": { "type": "number" } }),
            }),
            "amount" => json!({ "anyOf": [ dated(nonneg()), object(keys::LOGNORMAL, &["median", "sigma"], |_| nonneg()) ] }),
            "at" => json!({ "anyOf": [ { "type": "integer" }, { "const": "start" } ] }),
            "currency" => words(&["KGS", "USD"]),
            "route" => json!({ "type": "array", "items": route.clone(), "minItems": 1 }),
            "lag_years" => integer(0),
            "when" => words(&["producing", "active"]),
            "probability" => unit(),
            _ => boolean(),
        })
    })
}

/// The JSON Schema document.
pub fn schema() -> Value {
    let scenario = object(keys::SCENARIO, &["start_year", "years"], |k| {
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
    let run = object(keys::RUN, &[], |k| {
        integer(if k == "paths" { 1 } else { 0 })
    });
    let correlation = object(keys::CORRELATION, &["drivers", "rho"], |k| {
        text(k).unwrap_or_else(|| match k {
            "drivers" => json!({ "type": "array", "items": { "type": "string" }, "minItems": 2, "maxItems": 2 }),
            _ => json!({ "type": "number", "exclusiveMinimum": -1, "exclusiveMaximum": 1 }),
        })
    });
    let variant = object(keys::VARIANT, &["name"], |k| {
        text(k).unwrap_or_else(|| match k {
            "name" => id(),
            "label" => names(),
            _ => json!({ "type": "object", "description": "key paths such as \"project.bozymchak.risk.blockade.probability\" and their new values" }),
        })
    });
    let top = object(keys::TOP, &[], |k| match k {
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
        "place_names" => json!({ "type": "object", "additionalProperties": names(),
            "description": "a district or oblast name of the scenario -> its names: { ky = \"...\", ru = \"...\" }" }),
        _ => {
            json!({ "type": "object", "description": "key paths and the values that replace them after merging" })
        }
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
    // Fragments included by scenarios may omit format_version and [scenario]; the reader
    // enforces both for the top-level file.
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
    }
}
