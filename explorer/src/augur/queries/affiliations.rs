use super::{query_row, AugurQuery, TextId};

/// One row per distinct commit and repo with its author's email domain: the text after the
/// last '@' of `lower(cmt_author_email)`, "" for an address without '@' (the chart counts
/// and leaves those out). Dates and the bot flag as in [`Commits`](super::Commits).
pub struct CommitDomains;

impl AugurQuery for CommitDomains {
    const NAME: &'static str = "commit_domains";
    const VERSION: u32 = 1;
    type Row = CommitDomainRow;
    const SQL: &'static str = "
SELECT c.repo_id,
       c.cmt_commit_hash,
       EXTRACT(EPOCH FROM min(c.cmt_author_timestamp))::bigint AS author_ts,
       bool_or(bot.cntrb_id IS NOT NULL) AS author_bot,
       COALESCE(substring(lower(min(c.cmt_author_email)) FROM '@([^@]*)$'), '') AS domain
FROM augur_data.commits c
LEFT JOIN augur_data.contributors bot ON bot.cntrb_id = c.cmt_ght_author_id AND bot.gh_type = 'Bot'
WHERE c.repo_id = ANY($1)
  AND c.cmt_author_timestamp < now()
  AND c.cmt_author_timestamp >= TIMESTAMPTZ '1971-01-01 00:00:00+00'
GROUP BY c.repo_id, c.cmt_commit_hash
ORDER BY c.repo_id, author_ts, c.cmt_commit_hash";
}

query_row! {
    /// A distinct commit of a repo and its author's email domain.
    pub struct CommitDomainRow {
        pub repo_id: i64,
        pub commit: TextId as String,
        /// Seconds since the epoch, UTC.
        pub author_ts: i64,
        pub author_bot: bool,
        /// Lower case; "" when the address has no '@'.
        pub domain: String,
    }
}

/// Contributors' activity with their affiliation: one row per repo, resolved contributor and
/// UTC day they acted on (any action of `explorer_contributor_actions`), with how many
/// actions, the GitHub profile company and the distinct domains of their aliases. Days,
/// not actions, keep the rows few (a maintainer's thousand comments a year are at most 365
/// rows) while the date range, whole UTC days, still applies exactly. Unresolved actions
/// have no aliases or company and are left out here. The contributor id is the one
/// [`ContributorActions`](super::ContributorActions) gives.
pub struct ContributorAffiliations;

impl AugurQuery for ContributorAffiliations {
    const NAME: &'static str = "contributor_affiliations";
    const VERSION: u32 = 1;
    type Row = AffiliationRow;
    const SQL: &'static str = "
WITH activity AS (
    SELECT a.repo_id, a.cntrb_id, date_trunc('day', a.created_at AT TIME ZONE 'UTC') AS day, count(*) AS contributions
    FROM augur_data.explorer_contributor_actions a
    WHERE a.repo_id = ANY($1)
      AND a.cntrb_id IS NOT NULL
      AND a.created_at < now()
      AND a.created_at >= TIMESTAMPTZ '1971-01-01 00:00:00+00'
    GROUP BY a.repo_id, a.cntrb_id, day
), domains AS (
    SELECT al.cntrb_id, string_agg(DISTINCT al.domain, ' ' ORDER BY al.domain) AS domains
    FROM (SELECT cntrb_id, substring(lower(alias_email) FROM '@([^@]*)$') AS domain
          FROM augur_data.contributors_aliases
          WHERE cntrb_id IN (SELECT cntrb_id FROM activity)) al
    WHERE al.domain <> ''
    GROUP BY al.cntrb_id
)
SELECT act.repo_id,
       COALESCE(NULLIF(hashtextextended(act.cntrb_id::text, 0), 0), 1) AS contributor,
       EXTRACT(EPOCH FROM act.day)::bigint AS day,
       act.contributions,
       COALESCE(c.gh_type = 'Bot', false) AS bot,
       COALESCE(btrim(c.cntrb_company), '') AS company,
       COALESCE(d.domains, '') AS domains
FROM activity act
LEFT JOIN augur_data.contributors c ON c.cntrb_id = act.cntrb_id
LEFT JOIN domains d ON d.cntrb_id = act.cntrb_id
ORDER BY act.repo_id, contributor, day";
}

query_row! {
    /// A contributor's actions in one repo on one UTC day, with their affiliation.
    pub struct AffiliationRow {
        pub repo_id: i64,
        pub contributor: TextId as i64,
        /// The day's start, seconds since the epoch, UTC.
        pub day: i64,
        pub contributions: i64,
        /// The contributor's GitHub account is a Bot.
        pub bot: bool,
        /// The GitHub profile's company as typed, "" when none.
        pub company: String,
        /// The distinct lower-cased domains of the contributor's aliases, sorted, separated by
        /// spaces; "" when none.
        pub domains: String,
    }
}
