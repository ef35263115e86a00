//! The index built from Augur's repository list: every repo and org in rank order, with
//! the lower-case text, sorted lists and character masks the ranking reads.

use std::collections::{HashMap, HashSet};
use std::fmt;

use charts::RepoEntry;
use nucleo_matcher::Utf32String;

/// The substring scan tests blocks of about this many bytes of `owner/name` at once.
const BLOCK_BYTES: usize = 1024;

pub(super) struct Org {
    /// As Augur spells it (the smallest spelling when several differ only in case).
    pub(super) name: String,
    pub(super) lower: String,
    /// Sorted ids, for selections.
    pub(super) ids: Vec<i64>,
    /// Positions in `SearchIndex::repos`, for hits matched through the org.
    pub(super) members: Vec<u32>,
    pub(super) mask: u64,
    pub(super) wide: Option<Utf32String>,
}

pub(super) struct Repo {
    pub(super) entry: RepoEntry,
    /// The lower-case clone URL; the offsets below point into it.
    lower: Box<str>,
    /// Where the URL after its scheme starts (`github.com/owner/name`).
    pub(super) host: u32,
    /// Where `owner/name` starts.
    pub(super) slug: u32,
    /// Where the name starts.
    name: u32,
    /// Where `owner/name` ends (before a trailing `/` or `.git`).
    end: u32,
    /// `owner/name` as characters, when it is not ASCII.
    pub(super) wide: Option<Utf32String>,
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

    pub(super) fn slug(&self) -> &str {
        &self.lower[self.slug as usize..self.end as usize]
    }

    pub(super) fn name(&self) -> &str {
        &self.lower[self.name as usize..self.end as usize]
    }

    /// The URL without its scheme, up to the end of `owner/name`.
    pub(super) fn host_url(&self) -> &str {
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
    pub(super) repos: Vec<Repo>,
    /// The characters of each repo's `owner/name` (see [`char_mask`]), apart for a dense scan.
    pub(super) repo_masks: Vec<u64>,
    pub(super) orgs: Vec<Org>,
    by_id: HashMap<i64, u32>,
    org_by_name: HashMap<String, u32>,
    /// Repo positions sorted by `owner/name`, by name and by URL without scheme: a prefix
    /// query is a run of each, found by binary search.
    pub(super) by_slug: Vec<u32>,
    pub(super) by_name: Vec<u32>,
    pub(super) by_host_url: Vec<u32>,
    /// Every `owner/name` followed by `\n`, in position order, for the substring and fuzzy
    /// scans: `slug_starts[i]` is where repo `i`'s starts (one extra entry at the end), and
    /// `blocks` cuts the text into runs of about [`BLOCK_BYTES`], by position.
    pub(super) slugs: String,
    pub(super) slug_starts: Vec<u32>,
    pub(super) blocks: Vec<u32>,
    /// The union of the masks of each block's repos.
    pub(super) block_masks: Vec<u64>,
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

    /// `owner/name` of the repo at `at`, from the text of all of them.
    pub(super) fn slug_text(&self, at: usize) -> &str {
        &self.slugs[self.slug_starts[at] as usize..self.slug_starts[at + 1] as usize - 1]
    }

    /// The entries of `sorted` whose `text_of` starts with `prefix`.
    pub(super) fn prefix_run<'a>(&'a self, sorted: &'a [u32], text_of: fn(&Repo) -> &str, prefix: &str) -> &'a [u32] {
        let start = sorted.partition_point(|&at| text_of(&self.repos[at as usize]) < prefix);
        let len = sorted[start..].partition_point(|&at| text_of(&self.repos[at as usize]).starts_with(prefix));
        &sorted[start..start + len]
    }
}

/// The characters of a text as a bit set, so the fuzzy pass skips at once a haystack that
/// lacks one of the query's characters (a fuzzy match needs every one of them). Any
/// non-ASCII text gets every bit: the matcher may fold its accents.
pub(super) fn char_mask(text: &str) -> u64 {
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
