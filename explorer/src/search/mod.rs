//! The repo and org typeahead: an in-memory index over Augur's repository list, and a
//! handle that keeps a fresh one loaded without making readers wait.
//!
//! A query is matched, case-insensitively, against each org's name and each repository's
//! `owner/name`, name, clone URL and org name. Hits come in tiers: exact, prefix, substring
//! (of an org name or `owner/name`), then fuzzy (nucleo, on an org name or `owner/name`).
//! Within a tier orgs come first, then repos matched on their own text, then repos matched
//! through their org; then the better fuzzy score; then the shorter text, alphabetically.
//!
//! The cheap tiers run first, over lower-case text computed once when the index is built,
//! and each later tier only runs while fewer than `limit` hits were found, so the fuzzy
//! matcher (the costly part) only sees queries the other tiers could not answer. Even then
//! it scores a bounded pool: the first matches in rank order (see [`FUZZY_POOL_MIN`]).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt;

use charts::{RepoEntry, SearchHit};
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str, Utf32String};

/// Longer queries are cut to this many characters: nothing in Augur is longer, and it
/// bounds the matcher's work on a pasted paragraph.
const MAX_QUERY_CHARS: usize = 200;

/// The substring scan tests blocks of about this many bytes of `owner/name` at once.
const BLOCK_BYTES: usize = 1024;

/// The fuzzy tier scores, per kind, the first `FUZZY_POOL_PER_HIT` matches per hit still
/// wanted (at least `FUZZY_POOL_MIN`) in rank order, and keeps the best-scored of them.
const FUZZY_POOL_PER_HIT: usize = 25;
const FUZZY_POOL_MIN: usize = 500;

/// How good a match is, best first. Part of every hit's sort key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Exact = 0,
    Prefix = 1,
    Substring = 2,
    Fuzzy = 3,
}

/// Which kinds of hit a query asks for (`org:` and `repo:` narrow it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    All,
    Orgs,
    Repos,
}

/// A hit's place in the answer as one integer, smaller first:
/// tier (2 bits) | kind (org 0, repo 1) | matched through its org (repos) | 0xffff - fuzzy
/// score (16 bits) | position (32 bits: the index keeps each kind sorted by shorter text,
/// then text). Positions are unique per kind, so no two hits share a key.
fn sort_key(tier: Tier, repo: bool, via_org: bool, score: u32, at: u32) -> u64 {
    let score = u64::from(0xffff - score.min(0xffff));
    (tier as u64) << 62 | u64::from(repo) << 61 | u64::from(via_org) << 60 | score << 32 | u64::from(at)
}

const NO_KEY: u64 = u64::MAX;
const REPO_BIT: u64 = 1 << 61;

struct Org {
    /// As Augur spells it (the smallest spelling when several differ only in case).
    name: String,
    lower: String,
    /// Sorted ids, for selections.
    ids: Vec<i64>,
    /// Positions in `SearchIndex::repos`, for hits matched through the org.
    members: Vec<u32>,
    mask: u64,
    wide: Option<Utf32String>,
}

struct Repo {
    entry: RepoEntry,
    /// The lower-case clone URL; the offsets below point into it.
    lower: Box<str>,
    /// Where the URL after its scheme starts (`github.com/owner/name`).
    host: u32,
    /// Where `owner/name` starts.
    slug: u32,
    /// Where the name starts.
    name: u32,
    /// Where `owner/name` ends (before a trailing `/` or `.git`).
    end: u32,
    /// `owner/name` as characters, when it is not ASCII.
    wide: Option<Utf32String>,
}

impl Repo {
    fn slug(&self) -> &str {
        &self.lower[self.slug as usize..self.end as usize]
    }

    fn name(&self) -> &str {
        &self.lower[self.name as usize..self.end as usize]
    }

    /// The URL without its scheme, up to the end of `owner/name`.
    fn host_url(&self) -> &str {
        &self.lower[self.host as usize..self.end as usize]
    }
}

impl Org {
    fn new(lower: &str, name: &str) -> Org {
        Org {
            name: name.to_owned(),
            lower: lower.to_owned(),
            ids: Vec::new(),
            members: Vec::new(),
            mask: char_mask(lower),
            wide: (!lower.is_ascii()).then(|| Utf32String::from(lower)),
        }
    }
}

/// Every repository and org Augur knows, ready to be searched. Built once per catalog load
/// (a few tenths of a second for 100,000 repositories) and then only read.
///
/// Repos and orgs are stored in rank order: shorter `owner/name` (org name) first, then
/// alphabetically (then by id), so a position is also the order of hits within a tier.
pub struct SearchIndex {
    repos: Vec<Repo>,
    /// The characters of each repo's `owner/name` (see [`char_mask`]), apart for a dense scan.
    repo_masks: Vec<u64>,
    orgs: Vec<Org>,
    by_id: HashMap<i64, u32>,
    org_by_name: HashMap<String, u32>,
    /// Repo positions sorted by `owner/name`, by name and by URL without scheme: a prefix
    /// query is a run of each, found by binary search.
    by_slug: Vec<u32>,
    by_name: Vec<u32>,
    by_host_url: Vec<u32>,
    /// Every `owner/name` followed by `\n`, in position order, for the substring and fuzzy
    /// scans: `slug_starts[i]` is where repo `i`'s starts (one extra entry at the end), and
    /// `blocks` cuts the text into runs of about [`BLOCK_BYTES`], by position.
    slugs: String,
    slug_starts: Vec<u32>,
    blocks: Vec<u32>,
    /// The union of the masks of each block's repos.
    block_masks: Vec<u64>,
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchIndex").field("repos", &self.repos.len()).field("orgs", &self.orgs.len()).finish()
    }
}

impl Default for SearchIndex {
    fn default() -> Self {
        SearchIndex::new(Vec::new())
    }
}

impl SearchIndex {
    /// Indexes `repos`. A repeated id keeps its first entry; orgs whose names differ only in
    /// case are one org.
    pub fn new(repos: Vec<RepoEntry>) -> SearchIndex {
        let mut seen = HashSet::with_capacity(repos.len());
        let mut rows: Vec<Repo> = repos.into_iter().filter(|entry| seen.insert(entry.id)).map(Repo::new).collect();
        drop(seen);
        rows.sort_by(|a, b| (a.slug().len(), a.slug(), a.entry.id).cmp(&(b.slug().len(), b.slug(), b.entry.id)));

        let mut named: HashMap<String, Org> = HashMap::new();
        for (at, repo) in rows.iter().enumerate() {
            let spelling = &repo.entry.org;
            let org = named.entry(spelling.to_lowercase()).or_insert_with_key(|lower| Org::new(lower, spelling));
            if *spelling < org.name {
                org.name.clone_from(spelling);
            }
            org.ids.push(repo.entry.id);
            org.members.push(at as u32);
        }
        let mut orgs: Vec<Org> = named.into_values().collect();
        orgs.sort_by(|a, b| (a.lower.len(), &a.lower).cmp(&(b.lower.len(), &b.lower)));
        for org in &mut orgs {
            org.ids.sort_unstable();
        }

        let sorted_by = |text: fn(&Repo) -> &str| {
            let mut order: Vec<u32> = (0..rows.len() as u32).collect();
            order.sort_by(|&a, &b| (text(&rows[a as usize]), a).cmp(&(text(&rows[b as usize]), b)));
            order
        };
        let (by_slug, by_name, by_host_url) = (sorted_by(Repo::slug), sorted_by(Repo::name), sorted_by(Repo::host_url));

        let mut slugs = String::with_capacity(rows.iter().map(|r| r.slug().len() + 1).sum());
        let mut slug_starts = Vec::with_capacity(rows.len() + 1);
        let (mut blocks, mut block_from) = (vec![0], 0);
        for (at, repo) in rows.iter().enumerate() {
            if slugs.len() - block_from >= BLOCK_BYTES {
                blocks.push(at as u32);
                block_from = slugs.len();
            }
            slug_starts.push(slugs.len() as u32);
            slugs.push_str(repo.slug());
            slugs.push('\n');
        }
        slug_starts.push(slugs.len() as u32);
        if *blocks.last().unwrap_or(&0) as usize != rows.len() {
            blocks.push(rows.len() as u32);
        }

        let repo_masks: Vec<u64> = rows.iter().map(|repo| char_mask(repo.slug())).collect();
        let block_masks = blocks
            .windows(2)
            .map(|run| repo_masks[run[0] as usize..run[1] as usize].iter().fold(0, |a, m| a | m))
            .collect();

        SearchIndex {
            repo_masks,
            block_masks,
            by_id: rows.iter().enumerate().map(|(at, repo)| (repo.entry.id, at as u32)).collect(),
            org_by_name: orgs.iter().enumerate().map(|(at, org)| (org.lower.clone(), at as u32)).collect(),
            repos: rows,
            orgs,
            by_slug,
            by_name,
            by_host_url,
            slugs,
            slug_starts,
            blocks,
        }
    }

    /// How many repositories the index holds.
    pub fn len(&self) -> usize {
        self.repos.len()
    }

    pub fn is_empty(&self) -> bool {
        self.repos.is_empty()
    }

    /// How many orgs the index holds.
    pub fn org_count(&self) -> usize {
        self.orgs.len()
    }

    pub fn repo(&self, id: i64) -> Option<&RepoEntry> {
        self.by_id.get(&id).map(|&at| &self.repos[at as usize].entry)
    }

    /// The ids of an org's repositories, sorted; the name is matched exactly but for case.
    pub fn org_repos(&self, org: &str) -> Option<&[i64]> {
        self.org_by_name.get(&org.to_lowercase()).map(|&at| self.orgs[at as usize].ids.as_slice())
    }

    /// A selection as repository ids: the chosen repos and every repo of the chosen orgs,
    /// sorted and without repeats. Ids and orgs the index does not know are left out.
    pub fn resolve(&self, repos: &[i64], orgs: &[String]) -> Vec<i64> {
        let mut ids: Vec<i64> = repos.iter().copied().filter(|id| self.by_id.contains_key(id)).collect();
        for org in orgs {
            ids.extend_from_slice(self.org_repos(org).unwrap_or_default());
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The best `limit` hits for what was typed, best first (see the module docs).
    /// `org:` or `repo:` in front keeps one kind; a blank query finds nothing.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let Some(query) = Query::parse(query) else { return Vec::new() };
        if limit == 0 {
            return Vec::new();
        }
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => self.search_with(&query, limit, &mut scratch),
            Err(_) => self.search_with(&query, limit, &mut Scratch::default()),
        })
    }

    fn search_with(&self, query: &Query, limit: usize, s: &mut Scratch) -> Vec<SearchHit> {
        s.reset(self.repos.len(), self.orgs.len());
        let text = query.text.as_str();
        let (want_orgs, want_repos) = (query.scope != Scope::Repos, query.scope != Scope::Orgs);

        // Any match needs every character of the query (but blanks) in the text matched.
        let needs = char_mask(text);

        // Orgs are few (thousands): one pass sorts each into its tier.
        let mut org_tiers: Vec<(u32, Tier)> = Vec::new();
        for (at, org) in self.orgs.iter().enumerate() {
            let tier = if org.mask & needs != needs {
                continue;
            } else if org.lower == text {
                Tier::Exact
            } else if org.lower.starts_with(text) {
                Tier::Prefix
            } else if org.lower.contains(text) {
                Tier::Substring
            } else {
                continue;
            };
            org_tiers.push((at as u32, tier));
        }

        // Exact and prefix: runs of the sorted lists.
        for (at, tier) in org_tiers.iter().copied().filter(|(_, tier)| *tier <= Tier::Prefix) {
            self.offer_org_and_members(s, at, tier, want_orgs, want_repos);
        }
        if want_repos {
            for (sorted, text_of) in [(&self.by_slug, Repo::slug as fn(&Repo) -> &str), (&self.by_name, Repo::name)] {
                for &at in self.prefix_run(sorted, text_of, text) {
                    let tier =
                        if text_of(&self.repos[at as usize]).len() == text.len() { Tier::Exact } else { Tier::Prefix };
                    self.offer_repo(s, at, tier, false, 0);
                }
            }
            // A URL counts once the query reaches past the host into `owner/name`, so that
            // `https://` or `github.com` do not match every repository.
            let url = query.url_text();
            if url.contains('/') {
                for &at in self.prefix_run(&self.by_host_url, Repo::host_url, url) {
                    let repo = &self.repos[at as usize];
                    if repo.host_url().len() == url.len() {
                        self.offer_repo(s, at, Tier::Exact, false, 0);
                    } else if url.len() > (repo.slug - repo.host) as usize {
                        self.offer_repo(s, at, Tier::Prefix, false, 0);
                    }
                }
            }
        }
        if s.hits() >= limit {
            return self.answer(s, limit);
        }

        // Substring: of an org's name, then of `owner/name`, then repos through their org.
        let substring_orgs = || org_tiers.iter().filter(|(_, tier)| *tier == Tier::Substring).map(|(at, _)| *at);
        if want_orgs {
            for at in substring_orgs() {
                self.offer_org(s, at, Tier::Substring, 0);
            }
        }
        if want_repos && s.hits() < limit {
            self.scan_slugs(s, text, needs, limit);
            if s.hits() < limit {
                for at in substring_orgs() {
                    self.offer_org_and_members(s, at, Tier::Substring, false, true);
                }
            }
        }
        if s.hits() >= limit {
            return self.answer(s, limit);
        }

        // Fuzzy, over what is left: an org's name, a repository's `owner/name`. Each kind is
        // taken in rank order and stops at a pool of matches, so a short query that fuzzily
        // matches half the catalog costs no more than one that matches a few.
        let needle = FuzzyNeedle::new(text, needs);
        let pool = (limit - s.hits()).saturating_mul(FUZZY_POOL_PER_HIT).max(FUZZY_POOL_MIN);
        let Scratch { matcher, org_keys, repo_keys, .. } = s;
        let mut fuzzy_orgs = Vec::new();
        if want_orgs {
            for (at, org) in self.orgs.iter().enumerate() {
                if fuzzy_orgs.len() == pool {
                    break;
                }
                if org_keys[at] == NO_KEY {
                    if let Some(score) = needle.score(&org.lower, org.mask, org.wide.as_ref(), matcher) {
                        fuzzy_orgs.push((at as u32, score));
                    }
                }
            }
        }
        let mut fuzzy_repos = Vec::new();
        if want_repos {
            for (at, &mask) in self.repo_masks.iter().enumerate() {
                if fuzzy_repos.len() == pool {
                    break;
                }
                if mask & needs == needs && repo_keys[at] == NO_KEY {
                    if let Some(score) = needle.score(self.slug_text(at), mask, self.repos[at].wide.as_ref(), matcher) {
                        fuzzy_repos.push((at as u32, score));
                    }
                }
            }
        }
        for (at, score) in fuzzy_orgs {
            self.offer_org(s, at, Tier::Fuzzy, score);
        }
        for (at, score) in fuzzy_repos {
            self.offer_repo(s, at, Tier::Fuzzy, false, score);
        }
        self.answer(s, limit)
    }

    /// `owner/name` of the repo at `at`, from the text of all of them.
    fn slug_text(&self, at: usize) -> &str {
        &self.slugs[self.slug_starts[at] as usize..self.slug_starts[at + 1] as usize - 1]
    }

    /// Offers the repos whose `owner/name` holds `text`, best first, until the answer is
    /// full: the rest would rank below every hit already found. Blocks without the text are
    /// skipped whole, by the standard library's vectorised `contains`.
    fn scan_slugs(&self, s: &mut Scratch, text: &str, needs: u64, limit: usize) {
        let start = |at: u32| self.slug_starts[at as usize] as usize;
        // `contains` is vectorised for needles of up to 32 bytes: a longer one tests blocks
        // by its head.
        let mut head = text.len().min(32);
        while !text.is_char_boundary(head) {
            head -= 1;
        }
        let head = &text[..head];
        for (block, run) in self.blocks.windows(2).enumerate() {
            if self.block_masks[block] & needs != needs || !self.slugs[start(run[0])..start(run[1])].contains(head) {
                continue;
            }
            for at in run[0]..run[1] {
                if self.repo_masks[at as usize] & needs == needs && self.slug_text(at as usize).contains(text) {
                    self.offer_repo(s, at, Tier::Substring, false, 0);
                    if s.hits() >= limit {
                        return;
                    }
                }
            }
        }
    }

    /// The entries of `sorted` whose `text_of` starts with `prefix`.
    fn prefix_run<'a>(&'a self, sorted: &'a [u32], text_of: fn(&Repo) -> &str, prefix: &str) -> &'a [u32] {
        let start = sorted.partition_point(|&at| text_of(&self.repos[at as usize]) < prefix);
        let len = sorted[start..].partition_point(|&at| text_of(&self.repos[at as usize]).starts_with(prefix));
        &sorted[start..start + len]
    }

    fn offer_org(&self, s: &mut Scratch, at: u32, tier: Tier, score: u32) {
        let key = sort_key(tier, false, false, score, at);
        let best = &mut s.org_keys[at as usize];
        if *best == NO_KEY {
            s.orgs_touched.push(at);
        }
        *best = (*best).min(key);
    }

    fn offer_repo(&self, s: &mut Scratch, at: u32, tier: Tier, via_org: bool, score: u32) {
        let key = sort_key(tier, true, via_org, score, at);
        let best = &mut s.repo_keys[at as usize];
        if *best == NO_KEY {
            s.repos_touched.push(at);
        }
        *best = (*best).min(key);
    }

    /// An org that matched, and its repositories as matched through it.
    fn offer_org_and_members(&self, s: &mut Scratch, at: u32, tier: Tier, want_org: bool, want_repos: bool) {
        if want_org {
            self.offer_org(s, at, tier, 0);
        }
        if want_repos {
            for &member in &self.orgs[at as usize].members {
                self.offer_repo(s, member, tier, true, 0);
            }
        }
    }

    fn answer(&self, s: &Scratch, limit: usize) -> Vec<SearchHit> {
        let mut keys: Vec<u64> = s.orgs_touched.iter().map(|&at| s.org_keys[at as usize]).collect();
        keys.extend(s.repos_touched.iter().map(|&at| s.repo_keys[at as usize]));
        if keys.len() > limit {
            keys.select_nth_unstable(limit - 1);
            keys.truncate(limit);
        }
        keys.sort_unstable();
        keys.into_iter()
            .map(|key| {
                let at = (key & 0xffff_ffff) as usize;
                if key & REPO_BIT == 0 {
                    let org = &self.orgs[at];
                    SearchHit::Org { name: org.name.clone(), repos: org.ids.len() }
                } else {
                    let entry = &self.repos[at].entry;
                    SearchHit::Repo { id: entry.id, url: entry.url.clone(), org: entry.org.clone() }
                }
            })
            .collect()
    }
}

impl Repo {
    fn new(entry: RepoEntry) -> Repo {
        let lower: Box<str> = entry.url.to_lowercase().into();
        let slug = charts::repo_slug(&lower);
        let slug_start = slug.as_ptr() as usize - lower.as_ptr() as usize;
        let end = slug_start + slug.len();
        let name = slug_start + slug.rfind('/').map_or(0, |at| at + 1);
        let host = lower.find("://").map_or(0, |at| at + 3).min(slug_start);
        let wide = (!slug.is_ascii()).then(|| Utf32String::from(slug));
        Repo { entry, host: host as u32, slug: slug_start as u32, name: name as u32, end: end as u32, lower, wide }
    }
}

/// The characters of a text as a bit set, so the fuzzy pass skips at once a haystack that
/// lacks one of the query's characters (a fuzzy match needs every one of them). Any
/// non-ASCII text gets every bit: the matcher may fold its accents.
fn char_mask(text: &str) -> u64 {
    if !text.is_ascii() {
        return u64::MAX;
    }
    text.bytes().fold(0, |mask, byte| {
        mask | match byte {
            b' ' => 0,
            b'a'..=b'z' => 1 << (byte - b'a'),
            b'0'..=b'9' => 1 << (26 + byte - b'0'),
            b'-' => 1 << 36,
            b'_' => 1 << 37,
            b'.' => 1 << 38,
            b'/' => 1 << 39,
            other => 1 << (40 + other % 24),
        }
    })
}

/// The fuzzy tier's needle: nucleo's pattern, behind two cheap tests that every fuzzy
/// match passes (the matcher's own scoring is what costs).
struct FuzzyNeedle<'q> {
    pattern: Pattern,
    needs: u64,
    /// The query's words, when all ASCII: each must be a subsequence of a matching text.
    words: Option<Vec<&'q [u8]>>,
}

impl<'q> FuzzyNeedle<'q> {
    fn new(text: &'q str, needs: u64) -> FuzzyNeedle<'q> {
        let plain = text.is_ascii() && !text.contains('\\');
        FuzzyNeedle {
            pattern: Pattern::new(text, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy),
            needs,
            words: plain.then(|| text.split(' ').map(str::as_bytes).collect()),
        }
    }

    /// `text` is lower case; `wide` its characters when it is not ASCII.
    fn score(&self, text: &str, mask: u64, wide: Option<&Utf32String>, matcher: &mut Matcher) -> Option<u32> {
        if mask & self.needs != self.needs {
            return None;
        }
        let haystack = match wide {
            Some(wide) => wide.slice(..),
            None => {
                let words = self.words.as_deref().unwrap_or_default();
                if !words.iter().all(|word| is_subsequence(word, text.as_bytes())) {
                    return None;
                }
                Utf32Str::Ascii(text.as_bytes())
            }
        };
        self.pattern.score(haystack, matcher)
    }
}

/// Whether `needle`'s bytes all occur in `haystack`, in order.
fn is_subsequence(needle: &[u8], haystack: &[u8]) -> bool {
    let mut rest = haystack.iter();
    needle.iter().all(|byte| rest.any(|b| b == byte))
}

/// A query, parsed.
struct Query {
    scope: Scope,
    /// Lower case, blanks collapsed to one space, at most [`MAX_QUERY_CHARS`].
    text: String,
}

impl Query {
    fn parse(raw: &str) -> Option<Query> {
        let raw = raw.trim_start();
        let (scope, rest) = [("org:", Scope::Orgs), ("repo:", Scope::Repos)]
            .into_iter()
            .find_map(|(prefix, scope)| {
                let head = raw.get(..prefix.len())?;
                head.eq_ignore_ascii_case(prefix).then(|| (scope, &raw[prefix.len()..]))
            })
            .unwrap_or((Scope::All, raw));
        let mut text = String::new();
        for word in rest.split_whitespace() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&word.to_lowercase());
        }
        if let Some((cut, _)) = text.char_indices().nth(MAX_QUERY_CHARS) {
            text.truncate(cut);
        }
        (!text.is_empty()).then_some(Query { scope, text })
    }

    /// The query as compared with URLs: without a scheme, a trailing `/` or `.git`.
    fn url_text(&self) -> &str {
        let Some(at) = self.text.find("://") else { return &self.text };
        let url = self.text[at + 3..].trim_end_matches('/');
        url.strip_suffix(".git").unwrap_or(url)
    }
}

/// Per-thread working memory, kept between queries: the fuzzy matcher (about 135 KB of
/// its own) and each candidate's best sort key so far.
struct Scratch {
    matcher: Matcher,
    org_keys: Vec<u64>,
    repo_keys: Vec<u64>,
    orgs_touched: Vec<u32>,
    repos_touched: Vec<u32>,
}

impl Default for Scratch {
    fn default() -> Self {
        let mut config = Config::DEFAULT;
        config.prefer_prefix = true;
        Scratch {
            matcher: Matcher::new(config),
            org_keys: Vec::new(),
            repo_keys: Vec::new(),
            orgs_touched: Vec::new(),
            repos_touched: Vec::new(),
        }
    }
}

impl Scratch {
    /// Forgets the last query (touching only what it touched) and fits an index's size.
    fn reset(&mut self, repos: usize, orgs: usize) {
        for at in self.repos_touched.drain(..) {
            self.repo_keys[at as usize] = NO_KEY;
        }
        for at in self.orgs_touched.drain(..) {
            self.org_keys[at as usize] = NO_KEY;
        }
        self.repo_keys.resize(repos, NO_KEY);
        self.org_keys.resize(orgs, NO_KEY);
    }

    fn hits(&self) -> usize {
        self.repos_touched.len() + self.orgs_touched.len()
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

mod live;
#[cfg(test)]
mod tests;

pub use live::LiveIndex;
