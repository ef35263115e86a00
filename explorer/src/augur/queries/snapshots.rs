//! The Repo Overview's queries: tables Augur fills by snapshot (scc runs, libyear,
//! OpenSSF Scorecard, repo_info), each read at its latest collection, and releases.
//! Snapshot dates are `timestamp without time zone` holding UTC, as Augur writes them.

use super::{query_row, AugurQuery};

/// Files and code lines per language of each repo's latest scc run, from Augur's
/// `explorer_repo_languages` view (the run is the repo_labor rows within five minutes of
/// the repo's newest collection, as Augur defines it).
pub struct RepoLanguages;

impl AugurQuery for RepoLanguages {
    const NAME: &'static str = "repo_languages";
    const VERSION: u32 = 1;
    type Row = LanguageRow;
    const SQL: &'static str = "
SELECT l.repo_id,
       COALESCE(NULLIF(btrim(l.programming_language), ''), 'Unknown') AS language,
       l.files::bigint AS files,
       COALESCE(l.code_lines, 0)::bigint AS code_lines
FROM augur_data.explorer_repo_languages l
WHERE l.repo_id = ANY($1)
ORDER BY l.repo_id, language";
}

query_row! {
    /// One language of one repo's latest scc run.
    pub struct LanguageRow {
        pub repo_id: i64,
        pub language: String,
        pub files: i64,
        pub code_lines: i64,
    }
}

/// Each repo's dependencies from its latest libyear collection: the rows collected within
/// an hour of the repo's newest (one collection writes its rows over seconds or minutes;
/// collections are days apart). libyear travels as text, "" when NULL, so that the chart
/// buckets the exact value (0.5 is a bucket edge).
pub struct PackageVersions;

impl AugurQuery for PackageVersions {
    const NAME: &'static str = "package_versions";
    const VERSION: u32 = 1;
    type Row = DependencyRow;
    const SQL: &'static str = "
SELECT d.repo_id,
       COALESCE(d.name, '') AS name,
       COALESCE(d.libyear::text, '') AS libyear
FROM augur_data.repo_deps_libyear d
JOIN (SELECT repo_id, max(data_collection_date) AS latest
      FROM augur_data.repo_deps_libyear
      WHERE repo_id = ANY($1)
      GROUP BY repo_id) newest
  ON newest.repo_id = d.repo_id AND d.data_collection_date >= newest.latest - interval '1 hour'
ORDER BY d.repo_id, name";
}

query_row! {
    /// One dependency of one repo at its latest collection.
    pub struct DependencyRow {
        pub repo_id: i64,
        pub name: String,
        /// Years behind the latest release, as PostgreSQL prints the float; "" when unknown.
        pub libyear: String,
    }
}

/// The latest row of each OpenSSF Scorecard check of each repo. Augur upserts one row per
/// (repo, check), each stamped to the second, so a run crossing a second boundary has
/// several stamps: taking each check's own latest row keeps them all.
pub struct Scorecard;

impl AugurQuery for Scorecard {
    const NAME: &'static str = "ossf_scorecard";
    const VERSION: u32 = 1;
    type Row = ScorecardRow;
    const SQL: &'static str = "
SELECT DISTINCT ON (s.repo_id, s.name)
       s.repo_id,
       s.name AS check_name,
       COALESCE(btrim(s.score), '') AS score,
       COALESCE(EXTRACT(EPOCH FROM s.data_collection_date)::bigint, 0) AS collected_at
FROM augur_data.repo_deps_scorecard s
WHERE s.repo_id = ANY($1) AND s.name IS NOT NULL
ORDER BY s.repo_id, s.name, s.data_collection_date DESC NULLS LAST";
}

query_row! {
    /// A check's latest score for one repo.
    pub struct ScorecardRow {
        pub repo_id: i64,
        pub check_name: String,
        /// As Augur stores it: "0" to "10", or "-1" when the check could not run.
        pub score: String,
        /// Seconds since the epoch, UTC; 0 when unknown.
        pub collected_at: i64,
    }
}

/// Each repo's latest `repo_info` snapshot with its published releases summed up: one row
/// per repo that has either. Drafts and releases without a publish date are left out.
/// Missing counts are -1, missing files "", missing dates 0.
pub struct RepoInfo;

impl AugurQuery for RepoInfo {
    const NAME: &'static str = "repo_info";
    const VERSION: u32 = 1;
    type Row = RepoInfoRow;
    const SQL: &'static str = "
SELECT r.repo_id,
       info.repo_id IS NOT NULL AS has_snapshot,
       COALESCE(info.license, '') AS license,
       COALESCE(info.code_of_conduct_file, '') AS code_of_conduct_file,
       COALESCE(info.security_issue_file, '') AS security_issue_file,
       COALESCE(info.stars_count, -1)::bigint AS stars,
       COALESCE(info.fork_count, -1)::bigint AS forks,
       COALESCE(info.watchers_count, -1)::bigint AS watchers,
       COALESCE(lower(btrim(info.issues_enabled)), '') AS issues_enabled,
       COALESCE(EXTRACT(EPOCH FROM info.data_collection_date)::bigint, 0) AS collected_at,
       rel.releases,
       COALESCE(EXTRACT(EPOCH FROM rel.first_published)::bigint, 0) AS first_release,
       COALESCE(EXTRACT(EPOCH FROM rel.last_published)::bigint, 0) AS last_release
FROM unnest($1::bigint[]) AS r(repo_id)
LEFT JOIN LATERAL (
    SELECT i.* FROM augur_data.repo_info i
    WHERE i.repo_id = r.repo_id
    ORDER BY i.data_collection_date DESC NULLS LAST
    LIMIT 1
) info ON true
CROSS JOIN LATERAL (
    SELECT count(*) AS releases, min(rl.release_published_at) AS first_published,
           max(rl.release_published_at) AS last_published
    FROM augur_data.releases rl
    WHERE rl.repo_id = r.repo_id
      AND rl.release_published_at IS NOT NULL
      AND NOT COALESCE(rl.release_is_draft, false)
) rel
WHERE info.repo_id IS NOT NULL OR rel.releases > 0
ORDER BY r.repo_id";
}

query_row! {
    /// One repo's latest snapshot and its releases.
    pub struct RepoInfoRow {
        pub repo_id: i64,
        /// Augur holds a `repo_info` row for the repo; without one only releases are known.
        pub has_snapshot: bool,
        pub license: String,
        /// The file's name, "" when Augur found none.
        pub code_of_conduct_file: String,
        pub security_issue_file: String,
        pub stars: i64,
        pub forks: i64,
        pub watchers: i64,
        /// "true", "false" or "" as Augur's varchar holds it, lower-cased.
        pub issues_enabled: String,
        /// Seconds since the epoch, UTC; 0 when unknown.
        pub collected_at: i64,
        /// Published, non-draft releases.
        pub releases: i64,
        pub first_release: i64,
        pub last_release: i64,
    }
}
