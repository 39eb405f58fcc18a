//! Paired differences between a variant and the baseline (common random numbers): per
//! municipality, stream and year, and for the NPV, the statistics of `variant - baseline` and
//! the probability that the variant gives more.

use super::plan::Plan;
use crate::model::Model;

/// One compared stream of one municipality: its name and its row in each variant's kept
/// values (`None`: the variant does not list it, so it is zero there).
#[derive(Debug, Clone)]
pub struct Pair {
    pub name: String,
    pub base: Option<usize>,
    pub variant: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct ComparePlan {
    /// Per municipality, the union of both variants' streams, in baseline order then new ones.
    pub pairs: Vec<Vec<Pair>>,
    /// First cell of each municipality: per stream, `years` cells then one NPV cell.
    pub offsets: Vec<usize>,
    pub n_cells: usize,
    pub years: usize,
}

impl ComparePlan {
    pub fn new(base: (&Model, &Plan), var: (&Model, &Plan)) -> ComparePlan {
        let (bm, bp) = base;
        let (vm, vp) = var;
        let years = bm.years;
        let mut pairs = Vec::new();
        let mut offsets = Vec::new();
        let mut n = 0;
        for mu in 0..bm.municipalities.len() {
            let mut list: Vec<Pair> = bp.streams[mu]
                .iter()
                .enumerate()
                .map(|(s, k)| Pair {
                    name: k.name(bm),
                    base: Some(bp.stream_rows[mu] + s),
                    variant: None,
                })
                .collect();
            for (s, k) in vp.streams[mu].iter().enumerate() {
                let name = k.name(vm);
                let row = Some(vp.stream_rows[mu] + s);
                match list.iter_mut().find(|p| p.name == name) {
                    Some(p) => p.variant = row,
                    None => list.push(Pair {
                        name,
                        base: None,
                        variant: row,
                    }),
                }
            }
            offsets.push(n);
            n += list.len() * (years + 1);
            pairs.push(list);
        }
        ComparePlan {
            pairs,
            offsets,
            n_cells: n,
            years,
        }
    }
}
