//! How quickly and how often pull requests get a response from someone other than their
//! author: the open PRs at each period end, and how many of them had a first response
//! within `response_days` of creation (`first_response`) or any response in the last
//! `response_days` (`engagement`).

use charts::{ChartControls, ChartId, TimeSeries};
use chrono::NaiveDate;

use super::{draw, grid::PeriodGrid, items::by_item, shown, spans::Spans, Transform};
use crate::augur::queries::{PrResponses, ResponseRow, NO_TIME};

const DAY: i64 = 86_400;

pub(super) fn transforms() -> Vec<Transform> {
    vec![
        draw(PrResponses, ChartId::PrFirstResponse, first_response),
        draw(PrResponses, ChartId::PrEngagement, engagement),
    ]
}

/// Open PRs at each period end, and those whose first response came within
/// `response_days` of creation and before that instant.
fn first_response(rows: &[ResponseRow], controls: &ChartControls, today: NaiveDate) -> TimeSeries {
    let window = i64::from(controls.response_days) * DAY;
    let mut open = Spans::default();
    let mut responded = Spans::default();
    let prs = prs(rows, controls);
    for pr in &prs {
        open.push(pr.created, pr.closed);
        // Only the first response counts: a late first one is never made up for.
        if let Some(&first) = pr.messages.first() {
            if first - pr.created <= window {
                responded.push(pr.created.max(first), pr.closed);
            }
        }
    }
    counted(&prs, controls, today, [("open", open), ("responded", responded)])
}

/// Open PRs at each period end, and those with a response in the `response_days` before it.
fn engagement(rows: &[ResponseRow], controls: &ChartControls, today: NaiveDate) -> TimeSeries {
    let window = i64::from(controls.response_days) * DAY;
    let mut open = Spans::default();
    let mut engaged = Spans::default();
    let prs = prs(rows, controls);
    for pr in &prs {
        open.push(pr.created, pr.closed);
        // A message at m engages the PR for the instants t in (m, m + window]; merging
        // the overlapping spans keeps each PR counted once per instant.
        let mut span: Option<(i64, i64)> = None;
        for &m in &pr.messages {
            span = match span {
                Some((from, until)) if m <= until => Some((from, m + window)),
                Some((from, until)) => {
                    engaged.push(from.max(pr.created), until.min(pr.closed));
                    Some((m, m + window))
                }
                None => Some((m, m + window)),
            };
        }
        if let Some((from, until)) = span {
            engaged.push(from.max(pr.created), until.min(pr.closed));
        }
    }
    counted(&prs, controls, today, [("open", open), ("engaged", engaged)])
}

/// The periods from the one of the first PR to today, with each series counted at every
/// period end.
fn counted<const N: usize>(
    prs: &[Pr],
    controls: &ChartControls,
    today: NaiveDate,
    series: [(&str, Spans); N],
) -> TimeSeries {
    let grid = PeriodGrid::to_today(controls.interval, prs.iter().map(|pr| pr.created).min(), today);
    let counts = series.map(|(name, spans)| (name, spans.counts_at(&grid.ends)));
    grid.series(counts)
}

/// A PR as these charts see it.
struct Pr {
    created: i64,
    /// `i64::MAX` while open.
    closed: i64,
    /// The times of the messages that count as a response, ascending.
    messages: Vec<i64>,
}

/// The PRs of the rows (one row per message, or one without a message), with the messages
/// that count as a response: dated, not by the author, and not by a hidden bot.
fn prs(rows: &[ResponseRow], controls: &ChartControls) -> Vec<Pr> {
    let grouped = by_item(rows, |r| (r.repo_id, r.pr), |r| r.message_at);
    grouped
        .groups()
        .filter(|group| group[0].created != NO_TIME)
        .map(|group| Pr {
            created: group[0].created,
            closed: if group[0].closed == NO_TIME { i64::MAX } else { group[0].closed },
            messages: group
                .iter()
                .filter(|r| r.message_at != NO_TIME && !r.by_author && shown(controls, r.message_bot))
                .map(|r| r.message_at)
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viz::test_time::{at, d};
    use charts::Interval;

    /// One row per message: (pr, created, closed, message_at, by_author, message_bot).
    type Row = (i64, i64, i64, i64, i64, i64);

    fn frame(rows: &[Row]) -> Vec<ResponseRow> {
        rows.iter()
            .map(|&(pr, created, closed, message_at, by_author, message_bot)| ResponseRow {
                repo_id: 7,
                pr,
                created,
                closed,
                message_at,
                by_author: by_author == 1,
                message_bot: message_bot == 1,
            })
            .collect()
    }

    fn daily(response_days: u32, hide_bots: bool) -> ChartControls {
        ChartControls { interval: Interval::Day, response_days, hide_bots, ..ChartControls::default() }
    }

    fn values<'a>(series: &'a TimeSeries, name: &str) -> &'a [i64] {
        &series.series.iter().find(|s| s.name == name).unwrap().values
    }

    #[test]
    fn the_authors_own_comment_is_no_response_but_a_later_one_is() {
        let created = at("2024-01-01 10:00:00");
        let f = frame(&[
            (1, created, NO_TIME, at("2024-01-01 12:00:00"), 1, 0), // the author's own
            (1, created, NO_TIME, at("2024-01-02 09:00:00"), 0, 0), // 23 h after creation
            (2, created, NO_TIME, NO_TIME, 0, 0),                   // never a message
        ]);
        let out = first_response(&f, &daily(2, true), d("2024-01-04"));
        // Period ends: Jan 2, 3, 4, 5 at 00:00. Both PRs are open throughout; PR 1's first
        // response (Jan 2 09:00) is before the end of Jan 2 but after the end of Jan 1.
        assert_eq!(out.periods, vec![d("2024-01-01"), d("2024-01-02"), d("2024-01-03"), d("2024-01-04")]);
        assert_eq!(values(&out, "open"), [2, 2, 2, 2]);
        assert_eq!(values(&out, "responded"), [0, 1, 1, 1]);
    }

    #[test]
    fn a_first_response_after_response_days_never_counts() {
        let created = at("2024-01-01 00:00:00");
        let f = frame(&[
            (1, created, NO_TIME, at("2024-01-03 00:00:01"), 0, 0), // 2 days + 1 s: late
            (1, created, NO_TIME, at("2024-01-04 00:00:00"), 0, 0), // later still
            (2, created, NO_TIME, at("2024-01-03 00:00:00"), 0, 0), // exactly 2 days: in time
        ]);
        let out = first_response(&f, &daily(2, true), d("2024-01-04"));
        // Ends Jan 2, 3, 4, 5 at 00:00; PR 2's response counts once strictly before the end
        // (from the end of Jan 3 on); PR 1 never.
        assert_eq!(values(&out, "open"), [2, 2, 2, 2]);
        assert_eq!(values(&out, "responded"), [0, 0, 1, 1]);
    }

    #[test]
    fn bot_comments_count_only_when_bots_are_shown() {
        let created = at("2024-01-01 00:00:00");
        let f = frame(&[
            (1, created, NO_TIME, at("2024-01-01 06:00:00"), 0, 1), // a bot, within a day
            (1, created, NO_TIME, at("2024-01-05 00:00:00"), 0, 0), // a person, too late
        ]);
        // Ends Jan 2 and Jan 3 at 00:00. Hidden: the first response is the late one.
        let hidden = first_response(&f, &daily(2, true), d("2024-01-02"));
        assert_eq!(values(&hidden, "open"), [1, 1]);
        assert_eq!(values(&hidden, "responded"), [0, 0]);
        let shown = first_response(&f, &daily(2, false), d("2024-01-02"));
        assert_eq!(values(&shown, "responded"), [1, 1]);
    }

    #[test]
    fn a_response_late_on_the_31st_utc_belongs_to_january() {
        let f = frame(&[(1, at("2024-01-30 00:00:00"), NO_TIME, at("2024-01-31 23:30:00"), 0, 0)]);
        let controls = ChartControls { interval: Interval::Month, ..ChartControls::default() };
        // Ends: Feb 1 00:00 UTC, then the end of today (Feb 16 00:00).
        let out = first_response(&f, &controls, d("2024-02-15"));
        assert_eq!(out.periods, vec![d("2024-01-01"), d("2024-02-01")]);
        assert_eq!(values(&out, "responded"), [1, 1]);
    }

    #[test]
    fn engagement_counts_messages_in_the_window_before_each_period_end() {
        let jan1 = at("2024-01-01 00:00:00");
        let f = frame(&[
            (1, jan1, NO_TIME, at("2024-01-02 00:00:00"), 0, 0),
            (1, jan1, NO_TIME, at("2024-01-02 12:00:00"), 0, 0), // overlaps the one before
            (1, jan1, NO_TIME, at("2024-01-06 12:00:00"), 1, 0), // the author's: ignored
            (1, jan1, NO_TIME, at("2024-01-07 12:00:00"), 0, 0),
            (2, jan1, at("2024-01-03 00:00:00"), at("2024-01-02 06:00:00"), 0, 0),
        ]);
        let out = engagement(&f, &daily(2, true), d("2024-01-10"));
        // End t of day D is D+1 00:00; the window is [t - 2 days, t).
        // PR 1: Jan 1 (t=Jan 2): the Jan 2 00:00 message is not before t -> 0.
        //   Jan 2 (t=Jan 3): two messages, still one PR -> 1. Jan 3 (t=Jan 4, window from
        //   Jan 2 00:00, inclusive) -> 1. Jan 4..6 -> 0. Jan 7 (t=Jan 8) -> 1,
        //   Jan 8 (window [Jan 7, Jan 9)) -> 1, Jan 9 (window [Jan 8, Jan 10)) -> 0, Jan 10 -> 0.
        // PR 2: open at t=Jan 2 and t=Jan 3 (closed exactly then), engaged at t=Jan 3 only.
        assert_eq!(values(&out, "open"), [2, 2, 1, 1, 1, 1, 1, 1, 1, 1]);
        assert_eq!(values(&out, "engaged"), [0, 2, 1, 0, 0, 0, 1, 1, 0, 0]);
    }

    #[test]
    fn an_empty_frame_gives_named_empty_series() {
        let f = frame(&[]);
        let out = first_response(&f, &ChartControls::default(), d("2024-01-01"));
        assert!(out.periods.is_empty());
        assert_eq!(
            out.series.iter().map(|s| (s.name.as_str(), s.values.len())).collect::<Vec<_>>(),
            [("open", 0), ("responded", 0)]
        );
        let out = engagement(&f, &ChartControls::default(), d("2024-01-01"));
        assert!(out.periods.is_empty());
        assert_eq!(out.series.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["open", "engaged"]);
    }

    #[test]
    fn sweeps_agree_with_a_direct_count_from_the_definitions() {
        // Pseudo-random PRs over ~60 days, counted per day straight from the definitions.
        let mut seed = 12345u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) % n) as i64
        };
        let base = at("2024-01-01 00:00:00");
        let hour = 3600;
        let mut rows: Vec<Row> = Vec::new();
        for pr in 0..40 {
            let created = base + next(40 * 24) * hour;
            let closed = if next(3) == 0 { NO_TIME } else { created + next(20 * 24) * hour };
            rows.push((pr, created, closed, NO_TIME, 0, 0));
            for _ in 0..next(6) {
                rows.push((pr, created, closed, created + (next(10 * 24) - 24) * hour, next(3) / 2, next(4) / 3));
            }
        }
        let today = d("2024-03-01");
        for hide_bots in [true, false] {
            let controls = daily(3, hide_bots);
            let window = 3 * DAY;
            let first = first_response(&frame(&rows), &controls, today);
            let engaged = engagement(&frame(&rows), &controls, today);
            for (i, period) in first.periods.iter().enumerate() {
                // A day is read at the next midnight (the grid never passes today).
                let t = period.succ_opt().unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
                let (mut open, mut responded, mut active) = (0, 0, 0);
                let mut prs: Vec<i64> = rows.iter().map(|r| r.0).collect();
                prs.dedup();
                for pr in prs {
                    let own: Vec<&Row> = rows.iter().filter(|r| r.0 == pr).collect();
                    let (created, closed) = (own[0].1, own[0].2);
                    if !(created < t && (closed == NO_TIME || closed >= t)) {
                        continue;
                    }
                    open += 1;
                    let counts = |r: &&&Row| r.3 != NO_TIME && r.4 == 0 && !(hide_bots && r.5 == 1);
                    let firstm = own.iter().filter(counts).map(|r| r.3).min();
                    if firstm.is_some_and(|m| m - created <= window && m < t) {
                        responded += 1;
                    }
                    if own.iter().filter(counts).any(|r| t - window <= r.3 && r.3 < t) {
                        active += 1;
                    }
                }
                assert_eq!(values(&first, "open")[i], open, "{period}");
                assert_eq!(values(&first, "responded")[i], responded, "{period}");
                assert_eq!(values(&engaged, "engaged")[i], active, "{period}");
            }
            // The data must reach every case, or the comparison proves little.
            assert!(first.periods.len() > 50 && values(&first, "responded").iter().any(|v| *v > 0));
            assert!(values(&engaged, "engaged").iter().any(|v| *v > 0));
        }
    }
}
