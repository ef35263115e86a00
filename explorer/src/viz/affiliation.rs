//! Who the work comes from: commits and contributors by email domain, organizations'
//! activity and core contributors by domain, and contributors by GitHub profile company.
//! A contributor counts once per distinct domain of their aliases (the query lower-cases
//! them and removes repeats), never once per address. Unresolved contributors count for
//! nobody.

use std::collections::{HashMap, HashSet};

use charts::{Categories, ChartControls, ChartId};
use chrono::NaiveDate;

use super::{draw, in_range, shown, Transform};
use crate::augur::queries::{AffiliationRow, CommitDomainRow, CommitDomains, ContributorAffiliations, TextId};

pub(super) fn transforms() -> Vec<Transform> {
    vec![
        draw(CommitDomains, ChartId::CommitDomains, commit_domains),
        draw(ContributorAffiliations, ChartId::ContributorDomains, contributor_domains),
        draw(ContributorAffiliations, ChartId::OrgActivity, org_activity),
        draw(ContributorAffiliations, ChartId::OrgCoreContributors, org_core_contributors),
        draw(ContributorAffiliations, ChartId::CompanyAffiliation, company_affiliation),
    ]
}

const NOT_REPORTED: &str = "Not reported";

/// Distinct commits in the date range per author email domain; domains with at most
/// `contributions_required` commits make up "Other". Commits whose address has no domain
/// are left out and counted in the note.
fn commit_domains(rows: &[CommitDomainRow], controls: &ChartControls, _today: NaiveDate) -> Categories {
    let mut seen = HashSet::with_capacity(rows.len());
    let mut per_domain: HashMap<&str, i64> = HashMap::new();
    let mut without_domain = 0;
    for row in rows
        .iter()
        .filter(|r| shown(controls, r.author_bot) && in_range(controls, r.author_ts))
        .filter(|r| seen.insert(r.commit))
    {
        if row.domain.is_empty() {
            without_domain += 1;
        } else {
            *per_domain.entry(row.domain.as_str()).or_default() += 1;
        }
    }
    let ranked = ranked(per_domain);
    let (shown_domains, rest): (Vec<_>, Vec<_>) =
        ranked.into_iter().partition(|(_, n)| *n > i64::from(controls.contributions_required));
    let other = rest.iter().map(|(_, n)| n).sum();
    let mut pie = Categories::one_series("commits", shown_domains, other);
    if without_domain > 0 {
        pie.note = match without_domain {
            1 => "1 commit whose author address has no '@' is left out.".to_owned(),
            n => format!("{n} commits whose author address has no '@' are left out."),
        };
    }
    pie
}

/// The rows a contributor chart counts: resolved contributors, bots as the filter says,
/// days in the date range.
fn counted<'a>(rows: &'a [AffiliationRow], controls: &'a ChartControls) -> impl Iterator<Item = &'a AffiliationRow> {
    rows.iter().filter(|r| r.contributor != TextId::NONE && shown(controls, r.bot) && in_range(controls, r.day))
}

fn domains_of(row: &AffiliationRow) -> impl Iterator<Item = &str> {
    row.domains.split(' ').filter(|d| !d.is_empty())
}

/// Each counted contributor's contributions over the whole selection, with their row (for
/// the domains and company, which are the contributor's in every row).
fn per_contributor<'a>(
    rows: &'a [AffiliationRow],
    controls: &'a ChartControls,
) -> HashMap<TextId, (i64, &'a AffiliationRow)> {
    let mut out: HashMap<TextId, (i64, &AffiliationRow)> = HashMap::new();
    for row in counted(rows, controls) {
        out.entry(row.contributor).or_insert((0, row)).0 += row.contributions;
    }
    out
}

/// Distinct contributors active in the date range per domain of their aliases; domains with
/// at most `contributors_required` contributors make up "Other" (its people counted once).
fn contributor_domains(rows: &[AffiliationRow], controls: &ChartControls, _today: NaiveDate) -> Categories {
    let mut per_domain: HashMap<&str, HashSet<TextId>> = HashMap::new();
    for row in counted(rows, controls) {
        for domain in domains_of(row) {
            per_domain.entry(domain).or_default().insert(row.contributor);
        }
    }
    let needed = controls.contributors_required as usize;
    let mut other = HashSet::new();
    let mut named = HashMap::new();
    for (domain, people) in per_domain {
        if people.len() > needed {
            named.insert(domain, people.len() as i64);
        } else {
            other.extend(people);
        }
    }
    Categories::one_series("contributors", ranked(named), other.len() as i64)
}

/// Whether the chosen exclusions leave out this domain.
fn excluded(controls: &ChartControls, chart: ChartId, domain: &str) -> bool {
    let choice = controls.choice_of(chart);
    (choice.contains("gmail") && domain == "gmail.com")
        || (choice.contains("github") && domain == "users.noreply.github.com")
}

/// Contributions in the date range per domain, each credited once to every distinct domain
/// of its contributor; domains with at most `contributions_required` are left out, as are
/// the excluded ones.
fn org_activity(rows: &[AffiliationRow], controls: &ChartControls, _today: NaiveDate) -> Categories {
    let mut per_domain: HashMap<&str, i64> = HashMap::new();
    for row in counted(rows, controls) {
        for domain in domains_of(row) {
            *per_domain.entry(domain).or_default() += row.contributions;
        }
    }
    let kept = ranked(per_domain).into_iter().filter(|(domain, n)| {
        *n > i64::from(controls.contributions_required) && !excluded(controls, ChartId::OrgActivity, domain)
    });
    Categories::one_series("contributions", kept, 0)
}

/// Distinct core contributors per domain: a core contributor made at least
/// `contributions_required` contributions in the date range over the whole selection.
/// Domains with at least `core_required` of them are shown, the excluded ones never.
fn org_core_contributors(rows: &[AffiliationRow], controls: &ChartControls, _today: NaiveDate) -> Categories {
    let mut per_domain: HashMap<&str, i64> = HashMap::new();
    for (total, row) in per_contributor(rows, controls).into_values() {
        if total >= i64::from(controls.contributions_required) {
            for domain in domains_of(row) {
                *per_domain.entry(domain).or_default() += 1;
            }
        }
    }
    let kept = ranked(per_domain).into_iter().filter(|(domain, n)| {
        *n >= i64::from(controls.core_required) && !excluded(controls, ChartId::OrgCoreContributors, domain)
    });
    Categories::one_series("core contributors", kept, 0)
}

/// Distinct contributors active in the date range per GitHub profile company, the names
/// normalised and fuzzy-merged ([`merge_companies`]); companies whose contributors made at
/// most `contributions_required` contributions together make up "Other".
fn company_affiliation(rows: &[AffiliationRow], controls: &ChartControls, _today: NaiveDate) -> Categories {
    let people = per_contributor(rows, controls);
    // Per spelling as typed: contributors and their contributions.
    let mut spellings: HashMap<&str, (i64, i64)> = HashMap::new();
    for (total, row) in people.values() {
        let entry = spellings.entry(row.company.trim()).or_default();
        entry.0 += 1;
        entry.1 += total;
    }
    let groups = merge_companies(spellings.iter().map(|(name, (people, _))| (*name, *people)));
    let mut per_group: HashMap<String, (i64, i64)> = HashMap::new();
    for (name, (people, contributions)) in &spellings {
        let entry = per_group.entry(groups[name].clone()).or_default();
        entry.0 += people;
        entry.1 += contributions;
    }
    let needed = i64::from(controls.contributions_required);
    let (named, rest): (Vec<_>, Vec<_>) =
        per_group.into_iter().partition(|(_, (_, contributions))| *contributions > needed);
    let other = rest.iter().map(|(_, (people, _))| people).sum();
    let named = ranked(named.into_iter().map(|(name, (people, _))| (name, people)).collect());
    Categories::one_series("contributors", named, other)
}

/// Legal suffixes a company name is compared without.
const SUFFIXES: &[&str] = &["inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co", "gmbh"];

/// A company name as compared: lower case, letters and digits only, without a leading '@'
/// or a trailing legal suffix ("RedHat Inc." and "@redhat" are both "redhat").
fn company_key(name: &str) -> String {
    let lower = name.trim().trim_start_matches('@').to_lowercase();
    let mut words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    while words.len() > 1 && words.last().is_some_and(|w| SUFFIXES.contains(w)) {
        words.pop();
    }
    words.concat()
}

/// Names whose keys are at least this similar (Damerau-Levenshtein, normalised) are merged.
const SAME_COMPANY: f64 = 0.8;
/// Keys shorter than this are merged with the same key only: "hp" is not "hpe".
const SHORTEST_FUZZY: usize = 4;

/// Each spelling's company, named by its most common spelling (ties: one without a leading
/// '@', then the first alphabetically): spellings with the same key
/// are one company; then, greedily from the company with the most contributors, every
/// other whose key is similar enough joins it. "" is "Not reported" and joins no one.
fn merge_companies<'a>(spellings: impl Iterator<Item = (&'a str, i64)>) -> HashMap<&'a str, String> {
    // Per key: its spellings with their contributors.
    let mut keys: HashMap<String, Vec<(&str, i64)>> = HashMap::new();
    let mut out = HashMap::new();
    for (name, people) in spellings {
        let key = company_key(name);
        if key.is_empty() {
            out.insert(name, NOT_REPORTED.to_owned());
        } else {
            keys.entry(key).or_default().push((name, people));
        }
    }
    let weight = |spellings: &[(&str, i64)]| spellings.iter().map(|s| s.1).sum::<i64>();
    let mut order: Vec<(String, Vec<(&str, i64)>)> = keys.into_iter().collect();
    order.sort_by(|a, b| weight(&b.1).cmp(&weight(&a.1)).then(a.0.cmp(&b.0)));
    let mut taken = vec![false; order.len()];
    for leader in 0..order.len() {
        if taken[leader] {
            continue;
        }
        let mut members = vec![leader];
        let key = &order[leader].0;
        if key.chars().count() >= SHORTEST_FUZZY {
            for other in leader + 1..order.len() {
                let candidate = &order[other].0;
                if !taken[other]
                    && candidate.chars().count() >= SHORTEST_FUZZY
                    && strsim::normalized_damerau_levenshtein(key, candidate) >= SAME_COMPANY
                {
                    taken[other] = true;
                    members.push(other);
                }
            }
        }
        let spellings: Vec<(&str, i64)> = members.iter().flat_map(|m| order[*m].1.iter().copied()).collect();
        // Ties go to a spelling without a leading '@', then to the first alphabetically.
        let rank = |s: &(&str, i64)| (s.1, !s.0.starts_with('@'));
        let name =
            spellings.iter().max_by(|a, b| rank(a).cmp(&rank(b)).then(b.0.cmp(a.0))).map_or("", |s| s.0).to_owned();
        for (spelling, _) in spellings {
            out.insert(spelling, name.clone());
        }
    }
    out
}

/// Counts most first, ties by name, so the same data always draws the same chart.
fn ranked<K: AsRef<str> + Ord>(counts: HashMap<K, i64>) -> Vec<(K, i64)> {
    let mut out: Vec<(K, i64)> = counts.into_iter().collect();
    out.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viz::test_actions::controls_of;
    use crate::viz::test_time::{at, d};

    /// (repo, contributor, day, contributions, bot, company, domains); contributor 0 is
    /// unresolved.
    fn rows(spec: &[(i64, i64, &str, i64, bool, &str, &str)]) -> Vec<AffiliationRow> {
        spec.iter()
            .map(|&(repo_id, who, day, contributions, bot, company, domains)| AffiliationRow {
                repo_id,
                contributor: TextId(who),
                day: at(&format!("{day} 00:00:00")),
                contributions,
                bot,
                company: company.to_owned(),
                domains: domains.to_owned(),
            })
            .collect()
    }

    fn commits(spec: &[(i64, &str, &str, bool, &str)]) -> Vec<CommitDomainRow> {
        spec.iter()
            .map(|&(repo_id, hash, time, bot, domain)| CommitDomainRow {
                repo_id,
                commit: TextId::from(hash.to_owned()),
                author_ts: at(time),
                author_bot: bot,
                domain: domain.to_owned(),
            })
            .collect()
    }

    fn pairs(c: &Categories) -> Vec<(&str, i64)> {
        c.categories.iter().map(String::as_str).zip(c.series[0].values.iter().copied()).collect()
    }

    const TODAY: &str = "2025-01-01";

    #[test]
    fn commit_domains_count_each_commit_once_and_note_addresses_without_a_domain() {
        // redhat.com: c1 (in repos 10 and 11: once), c2, c3 = 3; gmail.com: c4, c5 = 2;
        // example.org: c6 = 1; c7 has no '@'; c8 is a bot's; c9 is after the range's end day.
        let rows = commits(&[
            (10, "c1", "2024-03-01 10:00:00", false, "redhat.com"),
            (11, "c1", "2024-03-01 10:00:00", false, "redhat.com"),
            (10, "c2", "2024-03-02 10:00:00", false, "redhat.com"),
            (10, "c3", "2024-03-31 23:59:59", false, "redhat.com"),
            (10, "c4", "2024-03-03 10:00:00", false, "gmail.com"),
            (11, "c5", "2024-03-04 10:00:00", false, "gmail.com"),
            (11, "c6", "2024-03-05 10:00:00", false, "example.org"),
            (11, "c7", "2024-03-05 11:00:00", false, ""),
            (11, "c8", "2024-03-05 12:00:00", true, "github.com"),
            (11, "c9", "2024-04-01 00:00:00", false, "redhat.com"),
        ]);
        let controls = controls_of(&[("contributions_required", "1"), ("to", "2024-03-31")], ChartId::CommitDomains);
        let pie = commit_domains(&rows, &controls, d(TODAY));
        // At most 1 commit is "Other": example.org.
        assert_eq!(pairs(&pie), [("redhat.com", 3), ("gmail.com", 2), ("Other", 1)]);
        assert_eq!(pie.note, "1 commit whose author address has no '@' is left out.");
        // Bots shown: the bot's commit counts (github.com, 1, into Other).
        let with_bots = controls_of(
            &[("contributions_required", "1"), ("to", "2024-03-31"), ("bots", "show")],
            ChartId::CommitDomains,
        );
        assert_eq!(
            pairs(&commit_domains(&rows, &with_bots, d(TODAY))),
            [("redhat.com", 3), ("gmail.com", 2), ("Other", 2)]
        );
        // The default, 10: every domain is "Other".
        let all = commit_domains(&rows, &controls_of(&[], ChartId::CommitDomains), d(TODAY));
        assert_eq!(pairs(&all), [("Other", 7)]);
        // No rows: nothing to draw.
        let empty = commit_domains(&[], &controls, d(TODAY));
        assert!(charts::ChartData::from(empty).has_no_values());
    }

    /// Contributors: 1 has two redhat.com addresses and a gmail one (the query gives each
    /// domain once); 2 is at redhat.com; 3 at gmail.com and the noreply domain; 4 at
    /// example.org; 5 is a bot at redhat.com; 0 is unresolved.
    fn people() -> Vec<AffiliationRow> {
        rows(&[
            (10, 1, "2024-03-01", 6, false, "Red Hat", "gmail.com redhat.com"),
            (11, 1, "2024-03-02", 6, false, "Red Hat", "gmail.com redhat.com"),
            (10, 2, "2024-03-31", 3, false, "@redhat", "redhat.com"),
            (10, 3, "2024-03-10", 9, false, "", "gmail.com users.noreply.github.com"),
            (10, 4, "2024-03-10", 1, false, "HP", "example.org"),
            (10, 5, "2024-03-10", 50, true, "", "redhat.com"),
            (10, 0, "2024-03-10", 70, false, "", ""),
            // After the range's end day.
            (10, 4, "2024-04-01", 40, false, "HP", "example.org"),
        ])
    }

    fn in_march(extra: &[(&str, &str)], chart: ChartId) -> ChartControls {
        let mut pairs = vec![("from", "2024-03-01"), ("to", "2024-03-31")];
        pairs.extend_from_slice(extra);
        controls_of(&pairs, chart)
    }

    #[test]
    fn contributor_domains_count_people_not_addresses() {
        // redhat.com: 1, 2 (the bot hidden) = 2; gmail.com: 1, 3 = 2; noreply: 3; example.org: 4.
        let controls = in_march(&[("contributors_required", "1")], ChartId::ContributorDomains);
        let pie = contributor_domains(&people(), &controls, d(TODAY));
        assert_eq!(pairs(&pie), [("gmail.com", 2), ("redhat.com", 2), ("Other", 2)]);
        // With 2 required everyone is "Other": contributors 1 to 4, each once.
        let controls = in_march(&[("contributors_required", "2")], ChartId::ContributorDomains);
        assert_eq!(pairs(&contributor_domains(&people(), &controls, d(TODAY))), [("Other", 4)]);
        assert!(charts::ChartData::from(contributor_domains(&[], &controls, d(TODAY))).has_no_values());
    }

    #[test]
    fn org_activity_credits_each_contribution_once_per_distinct_domain() {
        // Contributor 1's 12 go to redhat.com and gmail.com once each; redhat.com 12 + 3 = 15,
        // gmail.com 12 + 9 = 21, noreply 9, example.org 1 (April's 40 are outside the range).
        let controls = in_march(&[("contributions_required", "1")], ChartId::OrgActivity);
        let bars = org_activity(&people(), &controls, d(TODAY));
        assert_eq!(pairs(&bars), [("gmail.com", 21), ("redhat.com", 15), ("users.noreply.github.com", 9)]);
        let controls = in_march(&[("contributions_required", "9"), ("exclude", "gmail,github")], ChartId::OrgActivity);
        assert_eq!(pairs(&org_activity(&people(), &controls, d(TODAY))), [("redhat.com", 15)]);
        let controls = in_march(&[("contributions_required", "1"), ("exclude", "github")], ChartId::OrgActivity);
        assert_eq!(pairs(&org_activity(&people(), &controls, d(TODAY))), [("gmail.com", 21), ("redhat.com", 15)]);
        // The bot's 50 count when bots are shown.
        let controls = in_march(&[("contributions_required", "1"), ("bots", "show")], ChartId::OrgActivity);
        assert_eq!(pairs(&org_activity(&people(), &controls, d(TODAY)))[0], ("redhat.com", 65));
    }

    #[test]
    fn org_core_contributors_need_what_the_thresholds_say() {
        // Totals over both repos: 1 has 12, 3 has 9, 2 has 3, 4 has 1. At least 9: 1 and 3.
        let controls =
            in_march(&[("contributions_required", "9"), ("core_required", "1")], ChartId::OrgCoreContributors);
        let bars = org_core_contributors(&people(), &controls, d(TODAY));
        assert_eq!(pairs(&bars), [("gmail.com", 2), ("redhat.com", 1), ("users.noreply.github.com", 1)]);
        // At least 2 core contributors: gmail.com only; and none once gmail is excluded.
        let controls =
            in_march(&[("contributions_required", "9"), ("core_required", "2")], ChartId::OrgCoreContributors);
        assert_eq!(pairs(&org_core_contributors(&people(), &controls, d(TODAY))), [("gmail.com", 2)]);
        let controls = in_march(
            &[("contributions_required", "9"), ("core_required", "2"), ("exclude", "gmail")],
            ChartId::OrgCoreContributors,
        );
        assert!(charts::ChartData::from(org_core_contributors(&people(), &controls, d(TODAY))).has_no_values());
        // Twelve needs contributor 1's actions in both repos together.
        let controls =
            in_march(&[("contributions_required", "12"), ("core_required", "1")], ChartId::OrgCoreContributors);
        assert_eq!(pairs(&org_core_contributors(&people(), &controls, d(TODAY))).len(), 2);
    }

    #[test]
    fn company_names_are_normalised_and_merged_but_short_ones_stay_apart() {
        assert_eq!(company_key("RedHat Inc."), "redhat");
        assert_eq!(company_key("@redhat"), "redhat");
        assert_eq!(company_key("Red Hat"), "redhat");
        assert_eq!(company_key("VMware, Inc."), "vmware");
        let groups = merge_companies(
            [("Red Hat", 3), ("@redhat", 1), ("RedHat Inc.", 1), ("Red Hatt", 1), ("HP", 2), ("HPE", 1), ("", 4)]
                .into_iter(),
        );
        for spelling in ["Red Hat", "@redhat", "RedHat Inc.", "Red Hatt"] {
            assert_eq!(groups[spelling], "Red Hat", "{spelling}");
        }
        assert_eq!((groups["HP"].as_str(), groups["HPE"].as_str()), ("HP", "HPE"));
        assert_eq!(groups[""], NOT_REPORTED);
        // Google and Googel are one company; Microsoft and Microchip are not.
        let groups = merge_companies([("Google", 2), ("Googel", 1), ("Microsoft", 1), ("Microchip", 1)].into_iter());
        assert_eq!(groups["Googel"], "Google");
        assert_ne!(groups["Microchip"], groups["Microsoft"]);
    }

    #[test]
    fn company_affiliation_counts_contributors_per_merged_company() {
        // In March, with bots hidden: Red Hat = contributors 1 ("Red Hat", 12) and 2
        // ("@redhat", 3): 2 people, 15 contributions; Not reported = 3 (9); HP = 4 (1).
        let controls = in_march(&[("contributions_required", "1")], ChartId::CompanyAffiliation);
        let pie = company_affiliation(&people(), &controls, d(TODAY));
        assert_eq!(pairs(&pie), [("Red Hat", 2), ("Not reported", 1), ("Other", 1)]);
        // Ten required: "Not reported" (9) joins HP in Other.
        let controls = in_march(&[("contributions_required", "10")], ChartId::CompanyAffiliation);
        assert_eq!(pairs(&company_affiliation(&people(), &controls, d(TODAY))), [("Red Hat", 2), ("Other", 2)]);
        // The whole history: HP's April contributions count, and bots shown add contributor 5.
        let controls = controls_of(&[("contributions_required", "1"), ("bots", "show")], ChartId::CompanyAffiliation);
        let pie = company_affiliation(&people(), &controls, d(TODAY));
        assert_eq!(pairs(&pie), [("Not reported", 2), ("Red Hat", 2), ("HP", 1)]);
        assert!(charts::ChartData::from(company_affiliation(&[], &controls, d(TODAY))).has_no_values());
    }
}
