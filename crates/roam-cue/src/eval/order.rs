//! Field order: the internal arc order (fields a comprehension adds take
//! the place where the comprehension is written) and the export order, a
//! topological merge of the declaration orders of the struct literals
//! unified into a vertex, as upstream's `internal/core/toposort` computes
//! it: literals are ordered by position (the field last seen, or the
//! reference they came through), consecutive literals chain their fields,
//! operands of `&` do not, and what the graph leaves open is decided by
//! name.

use std::cmp::Ordering;

use super::*;

/// A literal while sorting (upstream's `structMeta`).
struct Meta {
    src: usize,
    pos: Option<Pos>,
    explicit: bool,
    has_dyn: bool,
    entries: Vec<(u32, Feature, Option<Pos>)>,
    via: Option<Pos>,
}

fn cmp_pos(a: Option<Pos>, b: Option<Pos>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => (a.file, a.span.start).cmp(&(b.file, b.span.start)),
    }
}

fn file_of(p: Option<Pos>) -> Option<u32> {
    p.map(|p| p.file)
}

impl<'p> Instance<'p> {
    /// Moves the arcs fields of comprehensions made to where the
    /// comprehension is written.
    pub(crate) fn order_reserved(&mut self, v: VId) {
        if self.v(v).reserved.is_empty() {
            return;
        }
        let reserved = std::mem::take(&mut self.vm(v).reserved);
        let arcs = self.v(v).arcs.clone();
        let by_label: FastMap<Label, VId> = arcs.iter().map(|&a| (self.v(a).label, a)).collect();
        let mut done: FastSet<VId> =
            FastSet::with_capacity_and_hasher(arcs.len(), Default::default());
        let mut out = Vec::with_capacity(arcs.len());
        let mut r = 0;
        for i in 0..=arcs.len() {
            while r < reserved.len() && reserved[r].0 as usize <= i {
                if let Some(&a) = by_label.get(&Label::Field(reserved[r].1))
                    && done.insert(a)
                {
                    out.push(a);
                }
                r += 1;
            }
            if let Some(&a) = arcs.get(i)
                && done.insert(a)
            {
                out.push(a);
            }
        }
        self.vm(v).arcs = out;
    }

    /// The arcs of `t` in export order.
    pub(crate) fn field_order(&self, t: VId) -> Vec<VId> {
        let x = self.v(t);
        if x.arcs.len() <= 1 || x.is_list || x.topo.is_empty() {
            return x.arcs.clone();
        }
        // One literal: its declaration order.
        if x.topo.len() == 1 {
            let mut es = x.topo[0].entries.clone();
            es.sort_by_key(|e| e.0);
            let mut out = Vec::with_capacity(x.arcs.len());
            for (_, f, _) in es {
                if let Some(a) = x
                    .arcs
                    .iter()
                    .copied()
                    .find(|&a| self.v(a).label == Label::Field(f))
                    && !out.contains(&a)
                {
                    out.push(a);
                }
            }
            if out.len() == x.arcs.len() {
                return out;
            }
        }
        let feats = self.topo_features(t);
        let mut by_label: FastMap<Feature, VId> =
            FastMap::with_capacity_and_hasher(x.arcs.len(), Default::default());
        let mut rest = Vec::new();
        for &a in &x.arcs {
            match self.v(a).label {
                Label::Field(f) => {
                    by_label.insert(f, a);
                }
                _ => rest.push(a),
            }
        }
        let mut out = Vec::with_capacity(x.arcs.len());
        for f in feats {
            if let Some(a) = by_label.remove(&f) {
                out.push(a);
            }
        }
        // Anything the graph missed keeps its place at the end.
        for &a in &x.arcs {
            if let Label::Field(f) = self.v(a).label
                && by_label.contains_key(&f)
            {
                out.push(a);
            }
        }
        out.extend(rest);
        out
    }

    fn topo_features(&self, t: VId) -> Vec<Feature> {
        let x = self.v(t);
        let mut metas: Vec<Meta> = x
            .topo
            .iter()
            .map(|l| {
                let mut entries = l.entries.clone();
                entries.sort_by_key(|e| e.0);
                Meta {
                    src: l.src,
                    pos: l.pos,
                    explicit: l.explicit,
                    has_dyn: l.has_dyn,
                    entries,
                    via: l.via,
                }
            })
            .collect();
        // Positions: the field of each literal seen last in arc order (or
        // the reference the literal came through); all instances of one
        // literal move together.
        let mut by_label: FastMap<Feature, Vec<(usize, Option<Pos>)>> = FastMap::default();
        let mut by_src: FastMap<usize, Vec<usize>> = FastMap::default();
        for (i, m) in metas.iter().enumerate() {
            for &(_, f, p) in &m.entries {
                by_label.entry(f).or_default().push((i, p));
            }
            if m.src != 0 {
                by_src.entry(m.src).or_default().push(i);
            }
        }
        for &a in &x.arcs {
            let Label::Field(f) = self.v(a).label else {
                continue;
            };
            let Some(hits) = by_label.get(&f) else {
                continue;
            };
            for &(i, p) in hits {
                let Some(np) = metas[i].via.or(p) else {
                    continue;
                };
                match by_src.get(&metas[i].src) {
                    Some(group) if metas[i].src != 0 => {
                        for &j in group {
                            metas[j].pos = Some(np);
                        }
                    }
                    _ => metas[i].pos = Some(np),
                }
            }
        }
        for (m, l) in metas.iter_mut().zip(&x.topo) {
            if let Some(p) = l.via_embed {
                m.pos = Some(p);
            }
        }
        let mut roots: Vec<usize> = (0..metas.len()).collect();
        roots.sort_by(|&a, &b| {
            cmp_pos(metas[a].pos, metas[b].pos).then(metas[a].has_dyn.cmp(&metas[b].has_dyn))
        });
        // Batches of literals at one position (explicit unification).
        let mut batches: Vec<Vec<usize>> = Vec::new();
        let is_explicit = |b: &[usize], metas: &[Meta]| b.len() > 1 || metas[b[0]].explicit;
        let push_batch = |batches: &mut Vec<Vec<usize>>, b: Vec<usize>, metas: &[Meta]| {
            if b.is_empty() {
                return;
            }
            if let Some(last) = batches.last_mut()
                && is_explicit(&b, metas)
                && is_explicit(last, metas)
                && file_of(metas[b[0]].pos) == file_of(metas[last[0]].pos)
            {
                last.extend(b);
                return;
            }
            batches.push(b);
        };
        let mut batch: Vec<usize> = Vec::new();
        for &r in &roots {
            if batch.is_empty() || (metas[batch[0]].pos == metas[r].pos && !metas[r].has_dyn) {
                batch.push(r);
            } else {
                push_batch(&mut batches, std::mem::take(&mut batch), &metas);
                batch.push(r);
            }
        }
        push_batch(&mut batches, batch, &metas);

        // The graph.
        let mut names: Vec<Feature> = Vec::new();
        let mut index: FastMap<Feature, usize> = FastMap::default();
        let mut node = |f: Feature, names: &mut Vec<Feature>| -> usize {
            *index.entry(f).or_insert_with(|| {
                names.push(f);
                names.len() - 1
            })
        };
        for &a in &x.arcs {
            if let Label::Field(f) = self.v(a).label {
                node(f, &mut names);
            }
        }
        let mut edges: FastSet<(usize, usize)> = FastSet::default();
        let mut out_edges: Vec<Vec<usize>> = Vec::new();
        let mut owner: FastMap<Feature, usize> = FastMap::default();
        let mut previous: Vec<Feature> = Vec::new();
        let mut prev_file: Option<Option<u32>> = None;
        for b in &batches {
            let explicit = is_explicit(b, &metas);
            let file = file_of(metas[b[0]].pos);
            if prev_file.is_some_and(|f| f != file) {
                previous.clear();
            }
            let mut next = Vec::new();
            for &m in b {
                let mut prev = previous.clone();
                let mpos = metas[m].pos;
                for &(_, f, _) in &metas[m].entries {
                    match owner.get(&f) {
                        Some(&o) if o == m => continue,
                        Some(&o)
                            if !explicit
                                && mpos.is_some()
                                && file_of(metas[o].pos) == file_of(mpos) =>
                        {
                            continue;
                        }
                        _ => {}
                    }
                    owner.insert(f, m);
                    let to = node(f, &mut names);
                    for &p in &prev {
                        let from = node(p, &mut names);
                        if edges.insert((from, to)) {
                            if out_edges.len() < names.len() {
                                out_edges.resize(names.len(), Vec::new());
                            }
                            out_edges[from].push(to);
                        }
                    }
                    prev = vec![f];
                }
                next.extend(prev);
            }
            previous = next;
            prev_file = Some(file);
        }
        out_edges.resize(names.len(), Vec::new());
        self.sort_graph(&names, &out_edges)
    }

    /// Topological order of a graph of labels; strongly connected
    /// components and ties are ordered by name.
    fn sort_graph(&self, names: &[Feature], out: &[Vec<usize>]) -> Vec<Feature> {
        let n = names.len();
        let comp = tarjan(out);
        let ncomp = comp.iter().copied().max().map_or(0, |m| m + 1);
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); ncomp];
        for (i, &c) in comp.iter().enumerate() {
            members[c].push(i);
        }
        let name = |i: usize| self.labels.name(names[i]);
        for m in &mut members {
            m.sort_by(|&a, &b| name(a).cmp(name(b)));
        }
        let mut indeg = vec![0usize; ncomp];
        let mut cout: Vec<Vec<usize>> = vec![Vec::new(); ncomp];
        let mut seen: FastSet<(usize, usize)> = FastSet::default();
        for (i, outs) in out.iter().enumerate() {
            for &j in outs {
                let (a, b) = (comp[i], comp[j]);
                if a != b && seen.insert((a, b)) {
                    cout[a].push(b);
                    indeg[b] += 1;
                }
            }
        }
        let cmp_comp = |a: &usize, b: &usize| {
            let (x, y) = (&members[*a], &members[*b]);
            for (p, q) in x.iter().zip(y.iter()) {
                match name(*p).cmp(name(*q)) {
                    Ordering::Equal => {}
                    o => return o,
                }
            }
            x.len().cmp(&y.len())
        };
        let mut ready: Vec<usize> = (0..ncomp).filter(|&c| indeg[c] == 0).collect();
        ready.sort_by(cmp_comp);
        let mut result = Vec::with_capacity(n);
        let mut visited = vec![false; ncomp];
        while !ready.is_empty() {
            let c = ready.remove(0);
            if visited[c] {
                continue;
            }
            visited[c] = true;
            result.extend(members[c].iter().map(|&i| names[i]));
            let mut changed = false;
            for &d in &cout[c] {
                indeg[d] -= 1;
                if indeg[d] == 0 {
                    ready.push(d);
                    changed = true;
                }
            }
            if changed {
                ready.sort_by(cmp_comp);
            }
        }
        result
    }
}

/// Strongly connected components (iterative Tarjan): the component index
/// of each node.
fn tarjan(out: &[Vec<usize>]) -> Vec<usize> {
    let n = out.len();
    const NONE: usize = usize::MAX;
    let mut index = vec![NONE; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut comp = vec![NONE; n];
    let mut ncomp = 0;
    let mut counter = 0;
    for s in 0..n {
        if index[s] != NONE {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(s, 0)];
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if *i == 0 && index[v] == NONE {
                index[v] = counter;
                low[v] = counter;
                counter += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if *i < out[v].len() {
                let w = out[v][*i];
                *i += 1;
                if index[w] == NONE {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(p, _)) = work.last() {
                low[p] = low[p].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = ncomp;
                    if w == v {
                        break;
                    }
                }
                ncomp += 1;
            }
        }
    }
    comp
}
