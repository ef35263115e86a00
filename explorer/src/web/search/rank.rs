//! Ranking: the tiers (exact, prefix, substring, then fuzzy), each hit's sort key, and the
//! per-thread working memory that collects each candidate's best key.

use std::cell::RefCell;

use charts::SearchHit;
use nucleo_matcher::Matcher;

use super::fuzzy;
use super::index::{char_mask, Repo, SearchIndex};
use super::parse::{Query, Scope};

/// How good a match is, best first. Part of every hit's sort key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Tier {
    Exact = 0,
    Prefix = 1,
    Substring = 2,
    Fuzzy = 3,
}

/// A hit's place in the answer as one integer, smaller first:
/// tier (2 bits) | kind (org 0, repo 1) | matched through its org (repos) | 0xffff - fuzzy
/// score (16 bits) | position (32 bits: the index keeps each kind sorted by shorter text,
/// then text). Positions are unique per kind, so no two hits share a key.
fn sort_key(tier: Tier, repo: bool, via_org: bool, score: u32, at: u32) -> u64 {
    let score = u64::from(0xffff - score.min(0xffff));
    (tier as u64) << 62 | u64::from(repo) << 61 | u64::from(via_org) << 60 | score << 32 | u64::from(at)
}

pub(super) const NO_KEY: u64 = u64::MAX;
const REPO_BIT: u64 = 1 << 61;

impl SearchIndex {
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

        // Fuzzy, over what is left.
        self.offer_fuzzy(s, text, needs, limit, want_orgs, want_repos);
        self.answer(s, limit)
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

    pub(super) fn offer_org(&self, s: &mut Scratch, at: u32, tier: Tier, score: u32) {
        let key = sort_key(tier, false, false, score, at);
        let best = &mut s.org_keys[at as usize];
        if *best == NO_KEY {
            s.orgs_touched.push(at);
        }
        *best = (*best).min(key);
    }

    pub(super) fn offer_repo(&self, s: &mut Scratch, at: u32, tier: Tier, via_org: bool, score: u32) {
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

/// Per-thread working memory, kept between queries: the fuzzy matcher (about 135 KB of
/// its own) and each candidate's best sort key so far.
pub(super) struct Scratch {
    pub(super) matcher: Matcher,
    pub(super) org_keys: Vec<u64>,
    pub(super) repo_keys: Vec<u64>,
    orgs_touched: Vec<u32>,
    repos_touched: Vec<u32>,
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch {
            matcher: fuzzy::matcher(),
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

    pub(super) fn hits(&self) -> usize {
        self.repos_touched.len() + self.orgs_touched.len()
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}
