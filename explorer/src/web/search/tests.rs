use super::*;
use charts::{RepoEntry, SearchHit};

fn entry(id: i64, url: &str, org: &str) -> RepoEntry {
    RepoEntry { id, url: url.to_owned(), org: org.to_owned() }
}

fn catalog() -> Vec<RepoEntry> {
    vec![
        entry(1, "https://github.com/chaoss/augur", "chaoss"),
        entry(2, "https://github.com/chaoss/grimoirelab", "chaoss"),
        entry(3, "https://github.com/chaoss/augur-community-reports", "chaoss"),
        entry(4, "https://github.com/kubernetes/kubernetes", "kubernetes"),
        entry(5, "https://github.com/kubernetes/website", "kubernetes"),
        entry(6, "https://github.com/kubernetes-sigs/kind", "kubernetes-sigs"),
        entry(7, "https://github.com/oss-aspen/8knot", "OSS-Aspen"),
        entry(8, "https://github.com/oss-aspen/infra", "oss-aspen"),
        entry(9, "https://github.com/augurlabs/tools", "augurlabs"),
        entry(10, "https://github.com/acme/the-augur-book", "acme"),
        entry(11, "https://github.com/acme/august-runner", "acme"),
    ]
}

fn index() -> SearchIndex {
    SearchIndex::new(catalog())
}

fn org(name: &str, repos: usize) -> SearchHit {
    SearchHit::Org { name: name.to_owned(), repos }
}

/// A hit as a short string: `org name` or the repo id.
fn short(hits: &[SearchHit]) -> Vec<String> {
    hits.iter()
        .map(|hit| match hit {
            SearchHit::Org { name, .. } => format!("org {name}"),
            SearchHit::Repo { id, .. } => id.to_string(),
        })
        .collect()
}

#[test]
fn tiers_go_exact_prefix_substring_fuzzy() {
    // 1 chaoss/augur: its name is the query. Prefix: the org augurlabs, then
    // augurlabs/tools and chaoss/augur-community-reports (shorter first). Substring:
    // acme/the-augur-book. Fuzzy: acme/august-runner (a-u-g-u-r in order).
    assert_eq!(short(&index().search("augur", 20)), ["1", "org augurlabs", "9", "3", "10", "11"]);
}

#[test]
fn orgs_come_first_within_a_tier_and_members_after_direct_matches() {
    let hits = index().search("kubernetes", 20);
    assert_eq!(hits[0], org("kubernetes", 2));
    // Exact: the org; kubernetes/kubernetes by its name; kubernetes/website by its org.
    // Prefix: the org kubernetes-sigs, then its repo.
    assert_eq!(short(&hits), ["org kubernetes", "4", "5", "org kubernetes-sigs", "6"]);
}

#[test]
fn kind_prefixes_keep_one_kind() {
    let index = index();
    assert_eq!(short(&index.search("org:kube", 20)), ["org kubernetes", "org kubernetes-sigs"]);
    // All three by prefix of owner/name, so shorter first.
    assert_eq!(short(&index.search("REPO:  kube", 20)), ["5", "6", "4"]);
    assert_eq!(short(&index.search("  Org: augur", 20)), ["org augurlabs"]);
    assert!(index.search("org:", 20).is_empty());
    assert!(index.search("repo:   ", 20).is_empty());
}

#[test]
fn case_does_not_matter() {
    let index = index();
    assert_eq!(index.search("CHAOSS/Augur", 1), [index.search("chaoss/augur", 1)[0].clone()]);
    assert_eq!(short(&index.search("CHAOSS/AUGUR", 20))[0], "1");
    // Two spellings of one org are one org, named by the smaller spelling.
    assert_eq!(index.search("oss-aspen", 1), [org("OSS-Aspen", 2)]);
    assert_eq!(index.org_repos("Oss-Aspen"), Some(&[7, 8][..]));
    assert_eq!(index.org_repos("ChAoSs"), Some(&[1, 2, 3][..]));
    assert_eq!(index.org_repos("chao"), None);
}

#[test]
fn owner_slash_name_and_urls_match() {
    let index = index();
    // chaoss/grimoirelab by prefix; chaoss/augur-community-reports has g, r, i in order
    // after the slash, so it follows as a fuzzy hit.
    assert_eq!(short(&index.search("chaoss/gri", 20)), ["2", "3"]);
    // Inside owner/name: chaoss/augur, then the longer chaoss/augur-community-reports.
    assert_eq!(short(&index.search("s/aug", 20)), ["1", "3"]);
    // A pasted URL: itself exactly, then the URL it begins.
    assert_eq!(short(&index.search("https://github.com/chaoss/augur", 20)), ["1", "3"]);
    assert_eq!(short(&index.search("http://github.com/chaoss/augur.git", 20)), ["1", "3"]);
    assert_eq!(short(&index.search("github.com/chaoss/g", 20)), ["2"]);
    // Only the host: matches nothing rather than everything.
    assert!(index.search("https://github.com/", 20).is_empty());
}

#[test]
fn the_limit_caps_the_hits() {
    let index = index();
    assert_eq!(short(&index.search("augur", 2)), ["1", "org augurlabs"]);
    assert!(index.search("augur", 0).is_empty());
    assert_eq!(index.search("a", 3).len(), 3);
}

#[test]
fn the_substring_scan_keeps_the_best_ranked() {
    // 25 repos hold "zz" inside their names, between 300 that do not (several blocks of
    // text). Their labels are all as long, so the first 20 alphabetically win.
    let mut repos: Vec<RepoEntry> =
        (0..300).map(|i| entry(1000 + i, &format!("https://github.com/owner{i:03}/filler-{i:03}"), "fill")).collect();
    for i in 0..25 {
        repos.insert(12 * i as usize, entry(100 - i, &format!("https://github.com/team/x-zz-{i:02}"), "team"));
    }
    let index = SearchIndex::new(repos);
    let expected: Vec<String> = (0..20).map(|i| (100 - i).to_string()).collect();
    assert_eq!(short(&index.search("zz", 20)), expected);
    assert_eq!(index.search("zz", 100).len(), 25);
    assert_eq!(short(&index.search("filler-299", 20)), ["1299"]);
}

#[test]
fn blank_queries_find_nothing() {
    let index = index();
    assert!(index.search("", 20).is_empty());
    assert!(index.search("  \t ", 20).is_empty());
}

#[test]
fn fuzzy_finds_a_typo() {
    let hits = index().search("kubrnetes", 20);
    assert_eq!(hits[0], org("kubernetes", 2));
    assert_eq!(hits[1], org("kubernetes-sigs", 1));
    let mut repos: Vec<String> = short(&hits[2..]);
    repos.sort();
    assert_eq!(repos, ["4", "5", "6"]);
    // Words match separately: a blank stands for the slash.
    assert_eq!(short(&index().search("chaoss grimoire", 20)), ["2"]);
}

#[test]
fn answers_do_not_depend_on_the_input_order() {
    let mut reversed = catalog();
    reversed.reverse();
    let (a, b) = (index(), SearchIndex::new(reversed));
    for query in ["augur", "kube", "a", "s", "kubrnetes", "oss", "8"] {
        assert_eq!(a.search(query, 20), b.search(query, 20), "{query}");
    }
}

#[test]
fn repos_are_looked_up_by_id() {
    let index = index();
    assert_eq!(index.repo(6).map(|r| r.url.as_str()), Some("https://github.com/kubernetes-sigs/kind"));
    assert!(index.repo(999).is_none());
    assert_eq!((index.len(), index.org_count()), (11, 6));
}

#[test]
fn repeated_ids_keep_their_first_entry() {
    let index = SearchIndex::new(vec![
        entry(1, "https://github.com/chaoss/augur", "chaoss"),
        entry(1, "https://github.com/other/thing", "other"),
    ]);
    assert_eq!(index.len(), 1);
    assert_eq!(index.org_repos("other"), None);
    assert!(index.search("thing", 20).is_empty());
}

#[test]
fn a_replaced_index_is_seen_by_every_clone() {
    let live = LiveIndex::new();
    let reader = live.clone();
    assert!(!reader.loaded());
    assert!(reader.current().is_empty());
    let before = reader.current();
    live.replace(index());
    assert!(reader.loaded());
    assert_eq!(reader.current().len(), 11);
    assert_eq!(short(&reader.current().search("chaoss/augur", 1)), ["1"]);
    assert!(before.is_empty(), "an index already handed out stays as it was");
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_old_index() {
    let live = LiveIndex::new();
    assert!(!live.refresh(async { Err(sqlx::Error::PoolTimedOut) }).await);
    assert!(!live.loaded(), "a failed first load leaves the index unloaded");

    live.replace(index());
    let reader = live.clone();
    assert!(!live.refresh(async { Err(sqlx::Error::PoolTimedOut) }).await);
    assert!(reader.loaded());
    assert_eq!(reader.current().len(), 11);
    assert_eq!(short(&reader.current().search("chaoss/augur", 1)), ["1"]);

    // A later good load replaces it.
    assert!(live.refresh(async { Ok(vec![entry(42, "https://github.com/acme/fresh", "acme")]) }).await);
    assert_eq!(reader.current().len(), 1);
    assert_eq!(short(&reader.current().search("fresh", 20)), ["42"]);
    assert!(reader.current().search("chaoss/augur", 20).is_empty());
}
