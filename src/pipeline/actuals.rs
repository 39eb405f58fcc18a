//! The published amounts a backtest scores the model against: `aimak backtest --actuals
//! FILE.csv` (docs/model.md section 13).
//!
//! The file is CSV (RFC 4180: comma-separated, a field with a comma, quote or line break in
//! double quotes, `""` for a quote inside) with a header naming the five columns `year,
//! target, stream, amount, source` in any order. `year` is a calendar year, or as an extension
//! of aimak's a span `2020-2022`, an amount published for several years together, which is
//! scored against the sum of the stream over those years in each path. `amount` is a number in
//! the scenario's currency; `source` says where it was published and may not be empty.
//!
//! Reading is separate from checking against a scenario: [`read`] reports every malformed
//! line of the file at once (file, line, column), [`check`] every unknown target or stream
//! (with the name probably meant).

use crate::scenario::read::did_you_mean;
use std::path::Path;

/// One published amount.
#[derive(Debug, Clone, PartialEq)]
pub struct Actual {
    /// Line of the file (1 = the header).
    pub line: usize,
    /// First and last calendar year it covers (equal for one year).
    pub first: i32,
    pub last: i32,
    pub target: String,
    pub stream: String,
    pub amount: f64,
    pub source: String,
    /// Columns where the target and the stream fields start, for messages.
    pub target_col: usize,
    pub stream_col: usize,
}

impl Actual {
    /// The year column as written back: `2020` or `2020-2022`.
    pub fn years(&self) -> String {
        if self.first == self.last {
            self.first.to_string()
        } else {
            format!("{}-{}", self.first, self.last)
        }
    }
}

const COLUMNS: [&str; 5] = ["year", "target", "stream", "amount", "source"];

/// Reads an actuals file; on any problem, every problem as `FILE:LINE:COL: message` lines.
pub fn read(path: &Path) -> Result<Vec<Actual>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the actuals file {}: {e}\n", path.display()))?;
    parse(&text).map_err(|problems| {
        let mut s = format!(
            "the actuals file {} has {} problem{}:\n",
            path.display(),
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
        for (line, col, msg) in problems {
            s.push_str(&format!("  {}:{line}:{col}: {msg}\n", path.display()));
        }
        s
    })
}

/// A field of a record: its text and the (line, column) where it starts.
struct Field {
    text: String,
    line: usize,
    col: usize,
}

/// Splits CSV text into records of fields (RFC 4180); errors as (line, column, message).
fn records(text: &str) -> Result<Vec<Vec<Field>>, (usize, usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut record: Vec<Field> = Vec::new();
    let (mut line, mut col) = (1usize, 1usize);
    let mut chars = text.chars().peekable();
    let mut field = Field {
        text: String::new(),
        line,
        col,
    };
    let mut quoted = false;
    let mut was_quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    col += 2;
                    field.text.push('"');
                    continue;
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    col = 0;
                    field.text.push(c);
                }
                _ => field.text.push(c),
            }
            col += 1;
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                was_quoted = true;
            }
            '"' => return Err((line, col, "a quote inside an unquoted field; put the whole field in double quotes and write a quote as \"\"".into())),
            ',' => {
                record.push(std::mem::replace(
                    &mut field,
                    Field {
                        text: String::new(),
                        line,
                        col: col + 1,
                    },
                ));
                was_quoted = false;
                at_start = true;
                col += 1;
                continue;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::replace(
                    &mut field,
                    Field {
                        text: String::new(),
                        line: line + 1,
                        col: 1,
                    },
                ));
                if !(record.len() == 1 && record[0].text.trim().is_empty() && !was_quoted) {
                    out.push(std::mem::take(&mut record));
                }
                record.clear();
                was_quoted = false;
                at_start = true;
                line += 1;
                col = 1;
                continue;
            }
            _ if was_quoted && !c.is_whitespace() => {
                return Err((line, col, "text after a closing quote; a quoted field ends at its closing quote".into()))
            }
            _ => field.text.push(c),
        }
        at_start = false;
        col += 1;
    }
    if quoted {
        return Err((
            field.line,
            field.col,
            "a quoted field is never closed".into(),
        ));
    }
    record.push(field);
    if !(record.len() == 1 && record[0].text.trim().is_empty()) {
        out.push(record);
    }
    Ok(out)
}

/// Parses the text of an actuals file; every problem as (line, column, message).
pub fn parse(text: &str) -> Result<Vec<Actual>, Vec<(usize, usize, String)>> {
    let recs = records(text).map_err(|e| vec![e])?;
    let Some((header, rows)) = recs.split_first() else {
        return Err(vec![(
            1,
            1,
            format!(
                "the file is empty; expected a header `{}` and one line per published amount",
                COLUMNS.join(",")
            ),
        )]);
    };
    let mut problems = Vec::new();
    let mut index = [usize::MAX; 5];
    for (i, f) in header.iter().enumerate() {
        let name = f.text.trim();
        match COLUMNS.iter().position(|c| c.eq_ignore_ascii_case(name)) {
            Some(k) if index[k] == usize::MAX => index[k] = i,
            Some(_) => problems.push((f.line, f.col, format!("column `{name}` appears twice"))),
            None => {
                let hint = did_you_mean(name, &COLUMNS)
                    .map(|k| format!("did you mean `{k}`? "))
                    .unwrap_or_default();
                problems.push((
                    f.line,
                    f.col,
                    format!(
                        "unknown column `{name}`; {hint}the columns are {}",
                        COLUMNS.join(", ")
                    ),
                ));
            }
        }
    }
    for (k, c) in COLUMNS.iter().enumerate() {
        if index[k] == usize::MAX {
            problems.push((
                1,
                1,
                format!(
                    "the header lacks the column `{c}`; expected `{}`",
                    COLUMNS.join(",")
                ),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut out = Vec::new();
    for r in rows {
        let line = r[0].line;
        if r.len() != header.len() {
            problems.push((
                line,
                1,
                format!(
                    "{} fields, expected {} (as in the header)",
                    r.len(),
                    header.len()
                ),
            ));
            continue;
        }
        let get = |k: usize| &r[index[k]];
        let mut ok = true;
        let mut bad = |f: &Field, msg: String| {
            problems.push((f.line, f.col, msg));
            ok = false;
        };
        let y = get(0);
        let years = parse_years(y.text.trim());
        if years.is_none() {
            bad(
                y,
                format!(
                    "year `{}`: expected a calendar year such as 2020, or a span such as 2020-2022",
                    y.text.trim()
                ),
            );
        }
        let t = get(1);
        if t.text.trim().is_empty() {
            bad(
                t,
                "the target is empty; expected a municipality id, republic, oblast:NAME or fund:ID"
                    .into(),
            );
        }
        let s = get(2);
        if s.text.trim().is_empty() {
            bad(
                s,
                "the stream is empty; expected one of the target's streams".into(),
            );
        }
        let a = get(3);
        let amount = a
            .text
            .trim()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite());
        if amount.is_none() {
            bad(
                a,
                format!(
                    "amount `{}`: expected a finite number such as 481000000 or 4.81e8",
                    a.text.trim()
                ),
            );
        }
        let src = get(4);
        if src.text.trim().is_empty() {
            bad(
                src,
                "the source is empty; say where the amount was published".into(),
            );
        }
        if let (true, Some((first, last)), Some(amount)) = (ok, years, amount) {
            out.push(Actual {
                line,
                first,
                last,
                target: t.text.trim().to_string(),
                stream: s.text.trim().to_string(),
                amount,
                source: src.text.trim().to_string(),
                target_col: t.col,
                stream_col: s.col,
            });
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn parse_years(s: &str) -> Option<(i32, i32)> {
    let year = |x: &str| {
        x.trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (1000..=9999).contains(y))
    };
    match s.split_once('-') {
        None => year(s).map(|y| (y, y)),
        Some((a, b)) => {
            let (a, b) = (year(a)?, year(b)?);
            (a <= b).then_some((a, b))
        }
    }
}

/// Checks every actual's target and stream against `rows`, the (target, stream) pairs the
/// scenario reports; every unknown name at once, with the name probably meant.
pub fn check(path: &Path, actuals: &[Actual], rows: &[(String, String)]) -> Result<(), String> {
    let mut targets: Vec<&str> = Vec::new();
    for (t, _) in rows {
        if !targets.contains(&t.as_str()) {
            targets.push(t);
        }
    }
    // A national scenario has hundreds of places: name the first few.
    const SHOWN: usize = 12;
    let known = if targets.len() > SHOWN {
        format!(
            "{}, ... ({} in all; `aimak check` lists them)",
            targets[..SHOWN].join(", "),
            targets.len()
        )
    } else {
        targets.join(", ")
    };
    let mut problems = Vec::new();
    for a in actuals {
        if !targets.contains(&a.target.as_str()) {
            let hint = did_you_mean(&a.target, &targets)
                .map(|k| format!("did you mean `{k}`? "))
                .unwrap_or_default();
            problems.push(format!(
                "{}:{}:{}: unknown target `{}`; {hint}the scenario has: {}",
                path.display(),
                a.line,
                a.target_col,
                a.target,
                known
            ));
            continue;
        }
        let streams: Vec<&str> = rows
            .iter()
            .filter(|(t, _)| *t == a.target)
            .map(|(_, s)| s.as_str())
            .collect();
        if !streams.contains(&a.stream.as_str()) {
            let hint = did_you_mean(&a.stream, &streams)
                .map(|k| format!("did you mean `{k}`? "))
                .unwrap_or_default();
            problems.push(format!(
                "{}:{}:{}: `{}` has no stream `{}`; {hint}its streams are: {}",
                path.display(),
                a.line,
                a.stream_col,
                a.target,
                a.stream,
                streams.join(", ")
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the actuals file {} names what the scenario does not have ({} problem{}):\n  {}\n",
        path.display(),
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        problems.join("\n  ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quoted_fields_spans_and_any_column_order() {
        let text = "target,year,stream,amount,source\n\
                    fund:a,2020,inflow,481000000,\"economist.kg, 9 Feb 2021 (\"\"S17\"\")\"\n\
                    \n\
                    m1,2020-2022,infra,1.5e8,S25\r\n";
        let a = parse(text).expect("valid");
        assert_eq!(a.len(), 2);
        assert_eq!((a[0].first, a[0].last, a[0].amount), (2020, 2020, 481e6));
        assert_eq!(a[0].source, "economist.kg, 9 Feb 2021 (\"S17\")");
        assert_eq!((a[1].line, a[1].first, a[1].last), (4, 2020, 2022));
        assert_eq!(a[1].years(), "2020-2022");
    }

    #[test]
    fn every_problem_is_reported_with_line_and_column() {
        let text = "year,target,stream,amount,source\n\
                    20x0,fund:a,inflow,1,S\n\
                    2020,fund:a,inflow,lots,\n\
                    2020,fund:a\n";
        let p = parse(text).expect_err("invalid");
        let at: Vec<(usize, usize)> = p.iter().map(|(l, c, _)| (*l, *c)).collect();
        assert_eq!(at, [(2, 1), (3, 20), (3, 25), (4, 1)]);
        let p = parse("yaer,target,stream,amount,source\n").expect_err("invalid");
        assert!(p[0].2.contains("did you mean `year`"), "{:?}", p);
        assert!(p[1].2.contains("lacks the column `year`"), "{:?}", p);
        assert!(parse("year,target,stream,amount,source\n\"open,1,2,3,4\n").is_err());
    }

    #[test]
    fn unknown_names_suggest_the_one_meant() {
        let rows = vec![
            ("fund:issyk-kul-odf".to_string(), "inflow".to_string()),
            ("fund:issyk-kul-odf".to_string(), "outflow".to_string()),
        ];
        let a = parse("year,target,stream,amount,source\n2020,fund:issyk-kul-odf,inflw,1,S\n2020,fund:isyk-kul-odf,inflow,1,S\n")
            .expect("valid");
        let e = check(Path::new("a.csv"), &a, &rows).expect_err("unknown");
        assert!(
            e.contains(
                "a.csv:2:25: `fund:issyk-kul-odf` has no stream `inflw`; did you mean `inflow`?"
            ),
            "{e}"
        );
        assert!(
            e.contains(
                "a.csv:3:6: unknown target `fund:isyk-kul-odf`; did you mean `fund:issyk-kul-odf`?"
            ),
            "{e}"
        );
    }
}
