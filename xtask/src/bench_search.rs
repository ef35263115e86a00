//! `cargo xtask bench-search`: the repo and org typeahead on a synthetic catalog held in
//! memory (no database): how long the index takes to build and how long each query takes,
//! over a fixed mix of the kinds of thing people type.

use std::time::{Duration, Instant};

use charts::RepoEntry;
use explorer::web::search::SearchIndex;

/// Hits asked for per query, as the typeahead does.
pub const LIMIT: usize = 20;

pub struct SearchBench {
    pub repos: usize,
    pub orgs: usize,
    pub queries: usize,
}

pub fn run(bench: SearchBench) -> anyhow::Result<()> {
    anyhow::ensure!(bench.orgs >= 1 && bench.repos >= bench.orgs, "need at least one org and one repo per org");
    let catalog = catalog(bench.repos, bench.orgs, 1);
    let queries = queries(&catalog, bench.queries.max(1), 2);

    let started = Instant::now();
    let index = SearchIndex::new(catalog);
    let build = started.elapsed();
    println!(
        "index of {} repos in {} orgs built in {:.1} ms",
        index.len(),
        index.org_count(),
        build.as_secs_f64() * 1e3
    );

    // Warm up: the first query on a thread sets up its matcher.
    for (_, query) in queries.iter().take(100) {
        std::hint::black_box(index.search(query, LIMIT));
    }
    let mut timed: Vec<(&str, Duration, usize)> = Vec::with_capacity(queries.len());
    for (kind, query) in &queries {
        let started = Instant::now();
        let hits = std::hint::black_box(index.search(query, LIMIT));
        timed.push((kind, started.elapsed(), hits.len()));
    }

    println!("{} queries, limit {LIMIT}, one thread:", queries.len());
    println!("  {:<12} {:>7} {:>9} {:>9} {:>9} {:>9}", "kind", "queries", "p50 ms", "p99 ms", "max ms", "avg hits");
    let mut kinds: Vec<&str> = timed.iter().map(|(kind, _, _)| *kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        report(kind, timed.iter().filter(|(k, _, _)| *k == kind));
    }
    report("all", timed.iter());
    Ok(())
}

fn report<'a>(kind: &str, rows: impl Iterator<Item = &'a (&'a str, Duration, usize)>) {
    let (mut times, mut hits) = (Vec::new(), 0);
    for (_, time, found) in rows {
        times.push(*time);
        hits += found;
    }
    times.sort_unstable();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "  {kind:<12} {:>7} {:>9.3} {:>9.3} {:>9.3} {:>9.1}",
        times.len(),
        ms(at(0.50)),
        ms(at(0.99)),
        ms(*times.last().unwrap_or(&Duration::ZERO)),
        hits as f64 / times.len().max(1) as f64
    );
}

/// A catalog shaped like a big Augur: `https://github.com/<org>/<name>` URLs, a few orgs
/// holding thousands of repos and most holding a handful. The same seed gives the same one.
pub fn catalog(repos: usize, orgs: usize, seed: u64) -> Vec<RepoEntry> {
    let mut rng = SplitMix(seed);
    let mut names: Vec<String> = FAMOUS.iter().take(orgs).map(|org| org.to_string()).collect();
    let mut taken: std::collections::HashSet<String> = names.iter().cloned().collect();
    while names.len() < orgs {
        let mut name = compose(&mut rng, &ORG_SUFFIXES);
        if taken.contains(&name) {
            name = format!("{name}{}", rng.below(1000));
        }
        if taken.insert(name.clone()) {
            names.push(name);
        }
    }

    // Zipf-like sizes: org i gets a share proportional to 1 / (i + 1)^0.8, at least one.
    let weights: Vec<f64> = (0..orgs).map(|i| 1.0 / ((i + 1) as f64).powf(0.8)).collect();
    let total: f64 = weights.iter().sum();
    let spare = repos - orgs;
    let mut sizes: Vec<usize> = weights.iter().map(|w| 1 + (w / total * spare as f64) as usize).collect();
    // What rounding left over goes to the biggest orgs, one each (fewer of it than orgs).
    let left = repos - sizes.iter().sum::<usize>();
    for size in sizes.iter_mut().take(left) {
        *size += 1;
    }

    let mut out = Vec::with_capacity(repos);
    for (org, size) in names.iter().zip(sizes) {
        let mut seen = std::collections::HashSet::new();
        let mut made = 0;
        while made < size {
            let mut name = match (made, rng.below(10)) {
                (0, _) => org.clone(),
                (_, 0..=1) => format!("{org}-{}", rng.pick(&REPO_SUFFIXES)),
                _ => compose(&mut rng, &REPO_SUFFIXES),
            };
            if !seen.insert(name.clone()) {
                name = format!("{name}-{}", made);
                if !seen.insert(name.clone()) {
                    continue;
                }
            }
            made += 1;
            out.push(RepoEntry {
                id: 20_000 + out.len() as i64,
                url: format!("https://github.com/{org}/{name}"),
                org: org.clone(),
            });
        }
    }
    out
}

/// `n` queries, an equal share of each kind, in a shuffled order.
pub fn queries(catalog: &[RepoEntry], n: usize, seed: u64) -> Vec<(&'static str, String)> {
    const KINDS: [&str; 10] =
        ["exact-name", "exact-slug", "exact-org", "url", "prefix", "substring", "typo", "org:", "repo:", "short"];
    let mut rng = SplitMix(seed);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let kind = KINDS[i % KINDS.len()];
        let repo = rng.pick(catalog);
        let slug = charts::repo_slug(&repo.url);
        let name = charts::repo_name(&repo.url);
        let query = match kind {
            "exact-name" => name.to_owned(),
            "exact-slug" => slug.to_owned(),
            "exact-org" => repo.org.clone(),
            "url" => repo.url.clone(),
            "prefix" => {
                let text = if rng.below(2) == 0 { name } else { &repo.org };
                prefix(&mut rng, text, 2, 6)
            }
            "substring" => {
                let len = (3 + rng.below(4) as usize).min(slug.len());
                let start = rng.below((slug.len() - len + 1) as u64) as usize;
                slug[start..start + len].to_owned()
            }
            "typo" => {
                let text = if rng.below(3) == 0 { slug } else { name };
                typo(&mut rng, text)
            }
            "org:" => format!("org:{}", prefix(&mut rng, &repo.org, 2, 8)),
            "repo:" => format!("repo: {}", prefix(&mut rng, name, 2, 10)),
            _ => {
                const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789-/._";
                let len = 1 + rng.below(3) as usize;
                (0..len).map(|_| *rng.pick(CHARS) as char).collect()
            }
        };
        out.push((kind, query));
    }
    out
}

fn prefix(rng: &mut SplitMix, text: &str, min: usize, max: usize) -> String {
    let len = (min + rng.below((max - min + 1) as u64) as usize).min(text.len());
    text[..len].to_owned()
}

/// One slip of the keyboard: a letter dropped, doubled, swapped with the next or replaced.
fn typo(rng: &mut SplitMix, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    if chars.len() < 3 {
        return text.to_owned();
    }
    let at = 1 + rng.below(chars.len() as u64 - 2) as usize;
    match rng.below(4) {
        0 => {
            chars.remove(at);
        }
        1 => chars.insert(at, chars[at]),
        2 => chars.swap(at, at + 1),
        _ => chars[at] = *rng.pick(&['a', 'e', 'i', 'o', 'u', 'n', 's', 't']),
    }
    chars.into_iter().collect()
}

/// One or two words, sometimes with a suffix: `cloudforge`, `data-pulse`, `graph-operator`.
fn compose(rng: &mut SplitMix, suffixes: &[&str]) -> String {
    let words: Vec<&str> = WORDS.split_whitespace().collect();
    let first = rng.pick(&words);
    match rng.below(6) {
        0 => first.to_string(),
        1 | 2 => format!("{first}{}", rng.pick(&words)),
        3 | 4 => format!("{first}-{}", rng.pick(&words)),
        _ => format!("{first}-{}", rng.pick(suffixes)),
    }
}

/// SplitMix64, fixed by its seed.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const FAMOUS: [&str; 16] = [
    "kubernetes",
    "apache",
    "microsoft",
    "google",
    "mozilla",
    "facebook",
    "rust-lang",
    "tensorflow",
    "chaoss",
    "cncf",
    "openstack",
    "eclipse",
    "hashicorp",
    "grafana",
    "oss-aspen",
    "kubernetes-sigs",
];

const ORG_SUFFIXES: [&str; 8] = ["labs", "io", "hq", "dev", "team", "project", "foundation", "org"];

const REPO_SUFFIXES: [&str; 14] = [
    "operator", "sdk", "docs", "cli", "api", "server", "client", "plugin", "action", "chart", "website", "go", "py",
    "rs",
];

const WORDS: &str = "\
    cloud data stream graph node core engine kit flow hub lab forge spark pulse beacon atlas nova orbit \
    vector matrix pixel quantum rust web api server client proxy mesh vault cache queue task worker \
    scheduler router gateway auth identity metrics logs trace monitor dashboard chart plot viz ml model \
    neural tensor vision speech text nlp search index query sql db store kv blob file fs disk net http \
    grpc rpc socket event bus signal sensor edge iot robot drone maps geo time calendar mail chat bot \
    game audio video image font theme ui react vue svelte kernel shell term editor lint format test \
    bench build deploy ops infra config secret policy audit ledger wallet token chain crypto compute \
    parallel async open micro";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_is_fixed_by_its_seed_and_sized_as_asked() {
        let a = catalog(2_000, 100, 1);
        assert_eq!(a.len(), 2_000);
        assert_eq!(a.iter().map(|r| &r.org).collect::<std::collections::HashSet<_>>().len(), 100);
        assert_eq!(a.iter().map(|r| &r.url).collect::<std::collections::HashSet<_>>().len(), 2_000);
        let b = catalog(2_000, 100, 1);
        assert!(a.iter().zip(&b).all(|(a, b)| a.url == b.url && a.id == b.id));
        assert_eq!(queries(&a, 50, 2), queries(&b, 50, 2));
    }
}
