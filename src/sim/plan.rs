//! What a run of one variant computes and reports, laid out once before any path is drawn:
//! the streams each municipality lists (docs/model.md section 6), the budget levels, where each
//! instrument's money lands, and the offsets of every statistics cell.

use super::rng::entity_key;
use super::rules::{self, RulePlan};
use crate::model::{Allocation, BudgetRule, Model, Target};
use crate::results::stream;

/// A stream at a municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MuniStream {
    OwnRevenue,
    Grant,
    ProjectTotal,
    BudgetTotal,
    /// On-budget receipts of an instrument.
    Instrument(usize),
    /// Off-budget (community) receipts of an instrument.
    Community(usize),
    /// Payouts of a fund.
    Fund(usize),
    /// `project_total` and `budget_total` in start-year prices: divided, path by path, by
    /// that path's cpi index (docs/choices.md). Listed last, and only with a cpi driver when
    /// the run reports them (`Model::real_prices`).
    RealProjectTotal,
    RealBudgetTotal,
}

impl MuniStream {
    pub fn name(self, m: &Model) -> String {
        match self {
            MuniStream::OwnRevenue => stream::OWN_REVENUE.into(),
            MuniStream::Grant => stream::GRANT.into(),
            MuniStream::ProjectTotal => stream::PROJECT_TOTAL.into(),
            MuniStream::BudgetTotal => stream::BUDGET_TOTAL.into(),
            MuniStream::Instrument(i) => m.instruments[i].id.clone(),
            MuniStream::Community(i) => format!("community:{}", m.instruments[i].id),
            MuniStream::Fund(f) => format!("fund:{}", m.funds[f].id),
            MuniStream::RealProjectTotal => stream::REAL_PROJECT_TOTAL.into(),
            MuniStream::RealBudgetTotal => stream::REAL_BUDGET_TOTAL.into(),
        }
    }
}

/// Where one share of an instrument's payment for one project lands in the block workspace.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dest {
    /// A routed municipal stream (budget or community receipts of one instrument).
    Routed(usize),
    Fund(usize),
    /// The republic's stream of this instrument (index into `Plan::republic`).
    Republic(usize),
    /// An oblast's stream of this instrument (index into `Plan::oblast_streams`).
    Oblast(usize),
}

/// One share of a payment: (destination, share, the municipality whose grant it counts for).
pub type Share = (Dest, f64, Option<usize>);

#[derive(Debug, Clone)]
pub struct FlowPlan {
    pub instrument: usize,
    pub project: usize,
    /// Where the payment goes under each law (docs/model.md section 11): `dests[0]` under
    /// the law as written, then one per declared regime; just one without regimes.
    pub dests: Vec<Vec<Share>>,
    pub key: u64,
}

/// A routed municipal stream: receipts of instrument `instrument` at municipality `muni`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Routed {
    pub muni: usize,
    pub instrument: usize,
    pub community: bool,
}

/// Where a municipality's receipt stream is read from in the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Not a receipt (own revenue, grant and the totals).
    None,
    /// Row of `routed`; whether it is community money.
    Routed(usize, bool),
    /// Fund, and the municipality's position among its members.
    Pay(usize, usize),
}

/// How a fund's payout splits among its members.
#[derive(Debug, Clone, PartialEq)]
pub enum Split {
    /// Member `k` receives `payout * weights[k] / total` (population or equal shares): computed
    /// where it is used, instead of written out per member (a national block would write
    /// 55 MB of them).
    Fixed { weights: Vec<f64>, total: f64 },
    /// `winners` members drawn per path and year with probability proportional to their
    /// populations `pops` (competitive, fewer winners than members): written to the
    /// workspace.
    Drawn { winners: usize, pops: Vec<f64> },
}

impl Split {
    pub fn of(f: &crate::model::Fund, m: &Model) -> Split {
        let n = f.members.len();
        let pops = || {
            f.members
                .iter()
                .map(|&mu| m.municipalities[mu].population)
                .collect::<Vec<f64>>()
        };
        match f.allocation {
            Allocation::Population => {
                let weights = pops();
                let total = weights.iter().sum();
                Split::Fixed { weights, total }
            }
            Allocation::Competitive { winners } if winners < n => Split::Drawn {
                winners,
                pops: pops(),
            },
            // Equal, or competitive with at least as many winners as members.
            Allocation::Equal | Allocation::Competitive { .. } => Split::Fixed {
                weights: vec![1.0; n],
                total: n as f64,
            },
        }
    }

    /// What member `k` receives in one year, lane by lane, into `out`: its fixed share of the
    /// fund's payouts `payout`, or, for a drawn split, its own row `drawn` of the workspace.
    #[inline]
    pub fn member_lanes(&self, k: usize, payout: &[f64], drawn: &[f64], out: &mut [f64]) {
        match self {
            Split::Fixed { weights, total } => {
                for (x, o) in out.iter_mut().zip(payout) {
                    *x = o * weights[k] / total;
                }
            }
            Split::Drawn { .. } => out.copy_from_slice(drawn),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub years: usize,
    pub discount: Vec<f64>,
    pub streams: Vec<Vec<MuniStream>>,
    /// Whether every municipality's last two streams are its totals in start-year prices.
    pub real: bool,
    /// Per municipality and stream: where its values come from.
    pub sources: Vec<Vec<Source>>,
    /// Per municipality and stream: whether its value is, in every path and year, a positive
    /// multiple of another cell's: a fixed share of a fund's payout (a population or equal
    /// split), or a grant that is `grant[t]` times the price index. A positive multiple of a
    /// variable has that multiple of its mean, sd and quantiles, so its yearly statistics are
    /// the other cell's, scaled ([`Plan::scaled_cell`]), and are not counted value by value.
    pub scaled: Vec<Vec<Option<Scale>>>,
    /// The first of `years` cells of the price index times [`INDEX_UNIT`], one a year, when a
    /// municipality's grant is summarised from it.
    pub cpi_cells: Option<usize>,
    /// Per municipality and year: the equalisation grant before indexation and clawback, and
    /// the spending need before indexation (if it has one).
    pub grant: Vec<Vec<f64>>,
    pub need: Vec<Option<Vec<f64>>>,
    pub routed: Vec<Routed>,
    pub flows: Vec<FlowPlan>,
    /// Instruments paying the republic, in instrument order.
    pub republic: Vec<usize>,
    /// (oblast, instrument) pairs with money routed there, grouped by oblast.
    pub oblast_streams: Vec<(usize, usize)>,
    /// Funds each municipality belongs to and that receive money: (fund, member position).
    pub memberships: Vec<Vec<(usize, usize)>>,
    /// Funds that receive any money.
    pub fund_live: Vec<bool>,
    /// Per fund, how its payout splits among members.
    pub splits: Vec<Split>,
    /// Municipalities whose counted own revenue (which the grant claws back) gets project
    /// money: those a counted flow or a live counted fund pays. The others' stays zero.
    pub counted_munis: Vec<usize>,
    // Entity keys of the random streams.
    pub driver_keys: Vec<u64>,
    pub muni_keys: Vec<u64>,
    pub project_keys: Vec<u64>,
    /// Per fund, per member.
    pub winner_keys: Vec<Vec<u64>>,
    /// The law-change decisions' stream (entity `regime-change`).
    pub law_key: u64,
    /// Whether the law in force can change along a path (`Model::switches_law`).
    pub switching: bool,
    /// Laws a path can fall under (`current` and the declared regimes; 0 without any).
    pub n_laws: usize,
    /// First row of each municipality's streams when per-path values are kept; `n_rows` in all.
    pub stream_rows: Vec<usize>,
    pub n_rows: usize,
    // Offsets of statistics cells.
    /// A municipality's stream-years: year by year, its streams within a year
    /// ([`Plan::muni_cell`]).
    pub muni_cells: Vec<usize>,
    pub npv_cells: Vec<usize>,
    pub republic_cells: usize,
    pub oblast_cells: Vec<usize>,
    pub fund_cells: usize,
    pub project_cells: usize,
    pub pending_cells: usize,
    pub n_cells: usize,
    /// Means-only accumulators: shortfall (indicator, gap, need) per municipality with a need,
    /// per year.
    pub shortfall_means: Vec<Option<usize>>,
    pub n_means: usize,
    /// Per project, per year, four state counters.
    pub n_states: usize,
    /// Budget rules (docs/model.md section 10): the reference `as_received` first, then the
    /// declared ones in file order; empty when the scenario declares none.
    pub rules: Vec<RulePlan>,
    /// Per municipality: the rules that apply to it (indices into `rules`), in order.
    pub rule_munis: Vec<Vec<usize>>,
    /// The first cell of the rules (after every other cell, so a scenario without rules
    /// keeps its layout), and per municipality the first cell and first mean of its rules:
    /// see [`Plan::rule_slot`].
    pub rule_cells_start: usize,
    pub rule_cells: Vec<usize>,
    pub rule_means: Vec<usize>,
}

/// How a stream's statistics follow from another cell's ([`Plan::scaled`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// A fixed share of fund `fund`'s payout.
    Fund { fund: usize, share: f64 },
    /// The grant `grant[t] * I[t]` of a municipality whose own revenue gets no counted project
    /// money (nothing is clawed back) and whose grant is indexed and positive every year.
    Cpi,
}

/// The price index is counted in units of 2^-32, so that its fixed-point moments (in units
/// of 2^-20) keep a grant's mean to 1e-16 of itself; multiplying by a power of two is exact.
pub const INDEX_UNIT: f64 = 4_294_967_296.0;

/// Per municipality and stream, how it follows from another cell, if it does ([`Plan::scaled`]).
fn scaled_of(
    m: &Model,
    sources: &[Vec<Source>],
    splits: &[Split],
    grants: &[Vec<f64>],
    counted: &[bool],
) -> Vec<Vec<Option<Scale>>> {
    sources
        .iter()
        .enumerate()
        .map(|(mu, ss)| {
            let muni = &m.municipalities[mu];
            let grant_from_cpi = m.cpi.is_some()
                && muni.indexed
                && !counted[mu]
                && grants[mu].iter().all(|g| *g > 0.0);
            ss.iter()
                .enumerate()
                .map(|(s, src)| match *src {
                    Source::Pay(f, k) => match &splits[f] {
                        Split::Fixed { weights, total } => Some(weights[k] / total)
                            .filter(|c| *c > 0.0)
                            .map(|share| Scale::Fund { fund: f, share }),
                        Split::Drawn { .. } => None,
                    },
                    _ if s == GRANT && grant_from_cpi => Some(Scale::Cpi),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// Every municipality's streams start with own revenue, then the grant.
const GRANT: usize = 1;

impl Plan {
    /// For a stream that follows from another cell ([`Plan::scaled`]): that cell in year `t`,
    /// and the factor this stream's cell is its multiple by.
    #[inline]
    pub fn scaled_cell(&self, mu: usize, s: usize, t: usize) -> Option<(usize, f64)> {
        match self.scaled[mu][s]? {
            Scale::Fund { fund, share } => Some((
                self.fund_cells + fund * 3 * self.years + self.years + t,
                share,
            )),
            Scale::Cpi => Some((self.cpi_cells? + t, self.grant[mu][t] / INDEX_UNIT)),
        }
    }

    /// The cell of municipality `mu`'s stream `s` in year `t`. Years outside, streams inside:
    /// budgets are computed year by year, and add each year's streams to consecutive cells.
    #[inline]
    pub fn muni_cell(&self, mu: usize, s: usize, t: usize) -> usize {
        self.muni_cells[mu] + t * self.streams[mu].len() + s
    }

    pub fn new(m: &Model) -> Plan {
        let years = m.years;
        let nm = m.municipalities.len();
        // Levels first, in a fixed order, so destinations can point at their final positions.
        let mut republic: Vec<usize> = Vec::new();
        let mut oblast_streams: Vec<(usize, usize)> = Vec::new();
        let mut fund_live = vec![false; m.funds.len()];
        for ii in 0..m.instruments.len() {
            let every_law = law_flows(m, ii).flat_map(|flows| flows.iter());
            for (target, _) in every_law.flat_map(|f| &f.targets) {
                match *target {
                    Target::Republic if !republic.contains(&ii) => republic.push(ii),
                    Target::Oblast(o) if !oblast_streams.contains(&(o, ii)) => {
                        oblast_streams.push((o, ii))
                    }
                    Target::Fund(fi) => fund_live[fi] = true,
                    _ => {}
                }
            }
        }
        oblast_streams.sort();
        let mut routed: Vec<Routed> = Vec::new();
        let mut flows = Vec::new();
        for (ii, inst) in m.instruments.iter().enumerate() {
            for (k, f) in inst.flows.iter().enumerate() {
                let resolve = |targets: &[(Target, f64)], routed: &mut Vec<Routed>| -> Vec<Share> {
                    targets
                        .iter()
                        .map(|(target, share)| match *target {
                            Target::Budget(mu) | Target::Community(mu) => {
                                let r = Routed {
                                    muni: mu,
                                    instrument: ii,
                                    community: matches!(target, Target::Community(_)),
                                };
                                let counts = !r.community && inst.counts_for_grant;
                                (
                                    Dest::Routed(position_or_push(routed, r)),
                                    *share,
                                    counts.then_some(mu),
                                )
                            }
                            Target::Fund(fi) => (Dest::Fund(fi), *share, None),
                            Target::Republic => {
                                (Dest::Republic(position(&republic, ii)), *share, None)
                            }
                            Target::Oblast(o) => (
                                Dest::Oblast(position(&oblast_streams, (o, ii))),
                                *share,
                                None,
                            ),
                        })
                        .collect()
                };
                // Every law lists the instrument's projects in the same order.
                let dests = law_flows(m, ii)
                    .map(|flows| resolve(&flows[k].targets, &mut routed))
                    .collect();
                flows.push(FlowPlan {
                    instrument: ii,
                    project: f.project,
                    dests,
                    key: entity_key("flow", &format!("{}/{}", inst.id, m.projects[f.project].id)),
                });
            }
        }
        let mut memberships = vec![Vec::new(); nm];
        for (fi, f) in m.funds.iter().enumerate() {
            if !fund_live[fi] {
                continue;
            }
            for (pos, &mu) in f.members.iter().enumerate() {
                memberships[mu].push((fi, pos));
            }
        }
        let mut counted = vec![false; nm];
        for fl in &flows {
            for mu in fl.dests.iter().flatten().filter_map(|d| d.2) {
                counted[mu] = true;
            }
        }
        for (fi, f) in m.funds.iter().enumerate() {
            if fund_live[fi] && f.counts_for_grant {
                f.members.iter().for_each(|&mu| counted[mu] = true);
            }
        }
        let counted_munis = (0..nm).filter(|&mu| counted[mu]).collect();
        let mut streams = Vec::with_capacity(nm);
        for (mu, ms) in memberships.iter().enumerate() {
            let mut s = vec![
                MuniStream::OwnRevenue,
                MuniStream::Grant,
                MuniStream::ProjectTotal,
                MuniStream::BudgetTotal,
            ];
            for community in [false, true] {
                for ii in 0..m.instruments.len() {
                    let r = Routed {
                        muni: mu,
                        instrument: ii,
                        community,
                    };
                    if routed.contains(&r) {
                        s.push(if community {
                            MuniStream::Community(ii)
                        } else {
                            MuniStream::Instrument(ii)
                        });
                    }
                }
            }
            s.extend(ms.iter().map(|(fi, _)| MuniStream::Fund(*fi)));
            if m.real_prices && m.cpi.is_some() {
                s.extend([MuniStream::RealProjectTotal, MuniStream::RealBudgetTotal]);
            }
            streams.push(s);
        }

        // Cell offsets.
        let mut n = 0;
        let mut muni_cells = Vec::with_capacity(nm);
        for s in &streams {
            muni_cells.push(n);
            n += s.len() * years;
        }
        let mut npv_cells = Vec::with_capacity(nm);
        for s in &streams {
            npv_cells.push(n);
            n += s.len();
        }
        let republic_cells = n;
        n += (republic.len() + 1) * years;
        let mut oblast_cells = Vec::with_capacity(m.oblasts.len());
        for o in 0..m.oblasts.len() {
            oblast_cells.push(n);
            let k = oblast_streams.iter().filter(|(x, _)| *x == o).count();
            n += (k + 1) * years;
        }
        let fund_cells = n;
        n += m.funds.len() * 3 * years;
        let project_cells = n;
        n += m.projects.len() * 2 * years;
        let pending_cells = n;
        n += m.instruments.len();
        let mut n_means = 0;
        let shortfall_means = m
            .municipalities
            .iter()
            .map(|mu| {
                mu.spending_need.as_ref().map(|_| {
                    let o = n_means;
                    n_means += 3 * years;
                    o
                })
            })
            .collect();
        // Budget rules: the reference first, whenever any is declared.
        let rule_list: Vec<RulePlan> = if m.budget_rules.is_empty() {
            Vec::new()
        } else {
            std::iter::once(BudgetRule::as_received())
                .chain(m.budget_rules.iter().cloned())
                .map(|r| RulePlan::new(&r, m))
                .collect()
        };
        let rule_munis: Vec<Vec<usize>> = (0..nm)
            .map(|mu| {
                let declared = m.budget_rules.iter().map(|r| r.applies_to(mu));
                std::iter::once(true)
                    .chain(declared)
                    .enumerate()
                    .filter(|(_, applies)| *applies && !rule_list.is_empty())
                    .map(|(k, _)| k)
                    .collect()
            })
            .collect();
        let rule_cells_start = n;
        let mut rule_cells = Vec::with_capacity(nm);
        let mut rule_means = Vec::with_capacity(nm);
        for which in &rule_munis {
            let others = which.len().saturating_sub(1);
            rule_cells.push(n);
            n += rules_cells_of(which.len(), years);
            rule_means.push(n_means);
            n_means += others * rules::means_per_rule(years);
        }
        let sources: Vec<Vec<Source>> = streams
            .iter()
            .enumerate()
            .map(|(mu, ss)| {
                ss.iter()
                    .map(|kind| match *kind {
                        MuniStream::Instrument(ii) | MuniStream::Community(ii) => {
                            let community = matches!(kind, MuniStream::Community(_));
                            let r = routed
                                .iter()
                                .position(|r| {
                                    r.muni == mu && r.instrument == ii && r.community == community
                                })
                                .expect("listed stream is routed");
                            Source::Routed(r, community)
                        }
                        MuniStream::Fund(fi) => {
                            let pos = memberships[mu]
                                .iter()
                                .find(|(f, _)| *f == fi)
                                .expect("member")
                                .1;
                            Source::Pay(fi, pos)
                        }
                        _ => Source::None,
                    })
                    .collect()
            })
            .collect();
        let splits: Vec<Split> = m.funds.iter().map(|f| Split::of(f, m)).collect();
        let grants: Vec<Vec<f64>> = m
            .municipalities
            .iter()
            .map(|x| x.grant.by_year(m.start_year, years))
            .collect();
        let scaled = scaled_of(m, &sources, &splits, &grants, &counted);
        // The price index's cells, after every other, if a grant is summarised from them.
        let cpi_cells = scaled
            .iter()
            .flatten()
            .any(|x| *x == Some(Scale::Cpi))
            .then(|| {
                n += years;
                n - years
            });
        let mut stream_rows = Vec::with_capacity(nm);
        let mut n_rows = 0;
        for s in &streams {
            stream_rows.push(n_rows);
            n_rows += s.len();
        }
        Plan {
            years,
            sources,
            scaled,
            cpi_cells,
            grant: grants,
            need: m
                .municipalities
                .iter()
                .map(|x| {
                    x.spending_need
                        .as_ref()
                        .map(|n| n.by_year(m.start_year, years))
                })
                .collect(),
            stream_rows,
            n_rows,
            discount: crate::stats::discount_factors(m.discount_rate, years),
            streams,
            real: m.real_prices && m.cpi.is_some(),
            routed,
            flows,
            republic,
            oblast_streams,
            memberships,
            counted_munis,
            splits,
            fund_live,
            driver_keys: m
                .drivers
                .iter()
                .map(|d| entity_key("driver", &d.id))
                .collect(),
            muni_keys: m
                .municipalities
                .iter()
                .map(|x| entity_key("municipality", &x.id))
                .collect(),
            project_keys: m
                .projects
                .iter()
                .map(|p| entity_key("project", &p.id))
                .collect(),
            winner_keys: m
                .funds
                .iter()
                .map(|f| {
                    f.members
                        .iter()
                        .map(|&mu| {
                            entity_key(
                                "fund-member",
                                &format!("{}/{}", f.id, m.municipalities[mu].id),
                            )
                        })
                        .collect()
                })
                .collect(),
            law_key: entity_key("regime-change", "law"),
            switching: m.switches_law(),
            n_laws: m.regimes.len(),
            muni_cells,
            npv_cells,
            republic_cells,
            oblast_cells,
            fund_cells,
            project_cells,
            pending_cells,
            n_cells: n,
            shortfall_means,
            n_means,
            n_states: m.projects.len() * years * 4,
            rules: rule_list,
            rule_munis,
            rule_cells_start,
            rule_cells,
            rule_means,
        }
    }

    /// Where the `k`-th rule of municipality `mu` (`rule_munis[mu][k]`) keeps its statistics:
    /// its first cell and first mean. The reference `as_received`, always first, has a single
    /// cell, its volatility, and no mean: its other statistics are those of `project_total`,
    /// `budget_total` and the shortfall, the same bits (section 10 with `S = P`, `F = 0`), or
    /// zero; so it costs almost nothing.
    pub fn rule_slot(&self, mu: usize, k: usize) -> (usize, usize) {
        let (c, m) = (self.rule_cells[mu], self.rule_means[mu]);
        match k {
            0 => (c, m),
            _ => (
                c + rules::REFERENCE_CELLS + (k - 1) * rules::cells_per_rule(self.years),
                m + (k - 1) * rules::means_per_rule(self.years),
            ),
        }
    }

    /// How many cells municipality `mu`'s rules have.
    pub fn rule_cells_of(&self, mu: usize) -> usize {
        rules_cells_of(self.rule_munis[mu].len(), self.years)
    }

    /// What rule cell `c` (at or after `rule_cells_start`) holds, as [`Plan::describe_cell`].
    fn describe_rule_cell(&self, m: &Model, c: usize) -> (String, Option<usize>) {
        let per = rules::cells_per_rule(self.years);
        for (mu, which) in self.rule_munis.iter().enumerate() {
            let first = self.rule_cells[mu];
            if !(first..first + self.rule_cells_of(mu)).contains(&c) {
                continue;
            }
            if c == first {
                let place = format!(
                    "municipality `{}`, budget rule `{}`, stream `volatility`",
                    m.municipalities[mu].id, self.rules[which[0]].id
                );
                return (place, None);
            }
            let rest = c - first - rules::REFERENCE_CELLS;
            let (k, off) = (1 + rest / per, rest % per);
            let n_y = rules::YEAR_STREAMS.len();
            let (name, t) = if off < n_y * self.years {
                (rules::YEAR_STREAMS[off % n_y], Some(off / n_y))
            } else {
                (rules::WHOLE_STREAMS[off - n_y * self.years], None)
            };
            let place = format!(
                "municipality `{}`, budget rule `{}`, stream `{name}`",
                m.municipalities[mu].id, self.rules[which[k]].id
            );
            return (place, t);
        }
        (format!("cell {c}"), None)
    }

    /// What statistics cell `c` holds, for messages: where ("municipality `x`, stream `y`")
    /// and the index of its year, if it has one (an NPV or pending payment has none).
    pub fn describe_cell(&self, m: &Model, c: usize) -> (String, Option<usize>) {
        let t_n = self.years.max(1);
        for (mu, ss) in self.streams.iter().enumerate() {
            let id = &m.municipalities[mu].id;
            let base = self.muni_cells[mu];
            if (base..base + ss.len() * self.years).contains(&c) {
                let (t, s) = ((c - base) / ss.len(), (c - base) % ss.len());
                let name = ss[s].name(m);
                return (format!("municipality `{id}`, stream `{name}`"), Some(t));
            }
            let npv = self.npv_cells[mu];
            if (npv..npv + ss.len()).contains(&c) {
                let name = ss[c - npv].name(m);
                return (format!("municipality `{id}`, NPV of stream `{name}`"), None);
            }
        }
        let by_year = |off: usize| (off / t_n, Some(off % t_n));
        let level = |level: &str, names: &[String], off: usize| {
            let (k, t) = by_year(off);
            let name = names.get(k).map_or("total", String::as_str);
            (format!("level `{level}`, stream `{name}`"), t)
        };
        let inst_ids = |ids: &[usize]| -> Vec<String> {
            ids.iter().map(|&i| m.instruments[i].id.clone()).collect()
        };
        if c < self.republic_cells {
            return (format!("cell {c}"), None);
        }
        if let Some(first) = self.cpi_cells.filter(|f| (*f..f + self.years).contains(&c)) {
            return ("the price index".into(), Some(c - first));
        }
        if c >= self.rule_cells_start {
            return self.describe_rule_cell(m, c);
        }
        let mut end = self.republic_cells + (self.republic.len() + 1) * self.years;
        if c < end {
            return level(
                "republic",
                inst_ids(&self.republic).as_slice(),
                c - self.republic_cells,
            );
        }
        for (o, &base) in self.oblast_cells.iter().enumerate() {
            let insts = self.oblast_instruments(o);
            end = base + (insts.len() + 1) * self.years;
            if (base..end).contains(&c) {
                let name = format!("oblast:{}", m.oblasts[o]);
                return level(&name, inst_ids(&insts).as_slice(), c - base);
            }
        }
        if (self.fund_cells..self.project_cells).contains(&c) {
            let off = c - self.fund_cells;
            let (f, rest) = (off / (3 * t_n), off % (3 * t_n));
            let (k, t) = by_year(rest);
            let name = ["inflow", "outflow", "balance"][k.min(2)];
            let id = &m.funds[f.min(m.funds.len().saturating_sub(1))].id;
            return (format!("fund `{id}`, stream `{name}`"), t);
        }
        if (self.project_cells..self.pending_cells).contains(&c) {
            let off = c - self.project_cells;
            let (j, rest) = (off / (2 * t_n), off % (2 * t_n));
            let (k, t) = by_year(rest);
            let name = ["output", "revenue"][k.min(1)];
            let id = &m.projects[j.min(m.projects.len().saturating_sub(1))].id;
            return (format!("project `{id}`, {name}"), t);
        }
        match m.instruments.get(c.wrapping_sub(self.pending_cells)) {
            Some(inst) => (
                format!(
                    "instrument `{}`, payments pending after the horizon",
                    inst.id
                ),
                None,
            ),
            None => (format!("cell {c}"), None),
        }
    }

    /// What means-only accumulator `i` holds (a municipality's shortfall), as
    /// [`Plan::describe_cell`].
    pub fn describe_mean(&self, m: &Model, i: usize) -> (String, Option<usize>) {
        for (mu, off) in self.shortfall_means.iter().enumerate() {
            if let Some(off) = *off {
                if (off..off + 3 * self.years).contains(&i) {
                    let (t, k) = ((i - off) / 3, (i - off) % 3);
                    let what = ["shortfall probability", "expected gap", "spending need"][k];
                    let id = &m.municipalities[mu].id;
                    return (format!("municipality `{id}`, {what}"), Some(t));
                }
            }
        }
        let per = rules::means_per_rule(self.years);
        for (mu, which) in self.rule_munis.iter().enumerate() {
            let first = self.rule_means[mu];
            if (first..first + which.len().saturating_sub(1) * per).contains(&i) {
                let (k, off) = (1 + (i - first) / per, (i - first) % per);
                let what = match (off / 2, off % 2) {
                    (t, _) if t == self.years => "probability of any crunch".to_string(),
                    (_, 0) => "crunch probability".to_string(),
                    _ => "shortfall probability".to_string(),
                };
                let t = (off / 2 < self.years).then_some(off / 2);
                let (id, rule) = (&m.municipalities[mu].id, &self.rules[which[k]].id);
                return (
                    format!("municipality `{id}`, budget rule `{rule}`, {what}"),
                    t,
                );
            }
        }
        (format!("mean {i}"), None)
    }

    /// Instruments with money at oblast `o`, in order.
    pub fn oblast_instruments(&self, o: usize) -> Vec<usize> {
        self.oblast_streams
            .iter()
            .filter(|(x, _)| *x == o)
            .map(|(_, i)| *i)
            .collect()
    }
}

/// An instrument's flows under every law: the instrument's own without regimes, else each
/// regime's (the first of which is the law as written).
fn law_flows(m: &Model, ii: usize) -> impl Iterator<Item = &[crate::model::Flow]> {
    let own = m
        .regimes
        .is_empty()
        .then_some(m.instruments[ii].flows.as_slice());
    own.into_iter().chain(
        m.regimes
            .iter()
            .map(move |r| r.instruments[ii].flows.as_slice()),
    )
}

/// The cells of a municipality's `n` rules, the reference among them.
fn rules_cells_of(n: usize, years: usize) -> usize {
    match n {
        0 => 0,
        _ => rules::REFERENCE_CELLS + (n - 1) * rules::cells_per_rule(years),
    }
}

fn position<T: PartialEq>(v: &[T], x: T) -> usize {
    v.iter()
        .position(|y| *y == x)
        .expect("listed in the first pass")
}

fn position_or_push<T: PartialEq + Copy>(v: &mut Vec<T>, x: T) -> usize {
    match v.iter().position(|y| *y == x) {
        Some(i) => i,
        None => {
            v.push(x);
            v.len() - 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which streams are summarised from another cell, on the national file: every member's
    /// share of a population-split oblast fund, none of a competitive district fund's, and the
    /// grant of every indexed municipality that no counted project money reaches.
    #[test]
    fn multiples_of_other_cells_are_found_where_the_rules_make_them() {
        let text = crate::synth::national(3, crate::synth::Form::Whole);
        let files = crate::scenario::load::Files::Memory(vec![("n.toml".into(), text)]);
        let s = crate::scenario::load_with(std::path::Path::new("n.toml"), &files)
            .unwrap_or_else(|e| panic!("{e}"));
        let m = &s.baseline;
        let plan = Plan::new(m);
        let counted: Vec<bool> = (0..m.municipalities.len())
            .map(|mu| plan.counted_munis.contains(&mu))
            .collect();
        assert!(plan.cpi_cells.is_some());
        for (mu, streams) in plan.streams.iter().enumerate() {
            for (s, kind) in streams.iter().enumerate() {
                let got = plan.scaled[mu][s];
                match *kind {
                    MuniStream::Fund(f) => match m.funds[f].allocation {
                        Allocation::Population => {
                            let Some(Scale::Fund { fund, share }) = got else {
                                panic!("{mu} {s}: {got:?}")
                            };
                            let pop = |x: usize| m.municipalities[x].population;
                            let total: f64 = m.funds[f].members.iter().map(|&x| pop(x)).sum();
                            assert_eq!(fund, f);
                            assert!((share - pop(mu) / total).abs() < 1e-15);
                        }
                        _ => assert_eq!(got, None),
                    },
                    MuniStream::Grant => {
                        assert_eq!(got.is_some(), !counted[mu], "{mu}");
                        if got.is_some() {
                            let (cell, factor) = plan.scaled_cell(mu, s, 2).unwrap();
                            assert_eq!(cell, plan.cpi_cells.unwrap() + 2);
                            assert_eq!(factor * INDEX_UNIT, plan.grant[mu][2]);
                        }
                    }
                    _ => assert_eq!(got, None),
                }
            }
        }
        // Both kinds occur.
        let all: Vec<Scale> = plan.scaled.iter().flatten().flatten().copied().collect();
        assert!(all.iter().any(|x| matches!(x, Scale::Fund { .. })));
        assert!(all.contains(&Scale::Cpi));
    }
}
