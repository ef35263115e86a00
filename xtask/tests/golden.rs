//! Every chart's data on the seeded tiny database, for a spread of controls, against the
//! answers recorded in tests/golden/charts.txt. A refactor of the queries or the transforms
//! must leave every line as it was; a deliberate change of a chart's numbers re-records the
//! file with `UPDATE_GOLDEN=1` and shows the difference in review.

use charts::{ChartControls, ChartId};
use chrono::{NaiveDate, TimeZone, Utc};
use explorer::{store::codec::Frame, Query, RepoSet};
use sqlx::postgres::PgPoolOptions;
use testkit::TestDb;
use xtask::generate;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/charts.txt");

/// Control sets each chart is drawn with, as API parameters; a chart reads those it knows.
const VARIANTS: [&[(&str, &str)]; 9] = [
    &[],
    &[("bots", "show"), ("measure", "lines")],
    &[("interval", "week"), ("from", "2024-01-01")],
    &[("interval", "day"), ("from", "2025-03-01"), ("to", "2025-04-15"), ("repo", "")],
    &[("interval", "year"), ("bots", "show")],
    &[
        ("staling_days", "3"),
        ("stale_days", "90"),
        ("response_days", "10"),
        ("assignments_required", "1"),
        ("view", "hour"),
    ],
    &[("interval", "month"), ("assignments_required", "2"), ("to", "2023-12-31")],
    &[("interval", "week"), ("response_days", "1"), ("from", "2025-06-01")],
    &[
        ("contributions_required", "2"),
        ("contributors_required", "1"),
        ("core_required", "1"),
        ("exclude", "gmail,github"),
        ("repo", "25482"),
    ],
];

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[tokio::test]
async fn every_chart_answers_as_recorded() {
    let mut db = TestDb::new().await;
    let anchor = Utc.with_ymd_and_hms(2025, 6, 15, 0, 0, 0).unwrap();
    generate::seed(&mut db.conn, generate::Scale::Tiny, 1, anchor).await.unwrap();
    let pool = PgPoolOptions::new().max_connections(2).connect(&db.url()).await.unwrap();
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT repo_id FROM augur_data.repo ORDER BY repo_id").fetch_all(&pool).await.unwrap();
    let repos = RepoSet::new(ids).unwrap();
    let mut frames: Vec<(Query, Frame)> = Vec::new();
    for &query in Query::ALL {
        frames.push((query, query.run(&pool, &repos).await.unwrap()));
    }
    // The day after the data ends, so open-at-period-end counts read a finished period too.
    let today = day(2025, 6, 16);

    let mut lines = Vec::new();
    let mut drawn_with_data = 0;
    for &chart in ChartId::ALL {
        let query = explorer::viz::query_for(chart);
        let frame = &frames.iter().find(|(q, _)| *q == query).unwrap().1;
        for variant in VARIANTS {
            let picked =
                ChartControls::from_params(chart, |name| variant.iter().find(|(k, _)| *k == name).map(|(_, v)| *v))
                    .and_then(|mut controls| controls.pick_repo_in(chart, repos.ids()).map(|()| controls));
            let controls = match picked {
                Ok(controls) => controls,
                // A chart that does not offer a control value says so; that is recorded too.
                Err(e) => {
                    lines.push(format!("{} {variant:?}\trejected: {e}", chart.slug()));
                    continue;
                }
            };
            let data = explorer::viz::build(chart, frame.clone(), &controls, today).unwrap();
            if !data.has_no_values() {
                drawn_with_data += 1;
            }
            let params: Vec<String> = controls.to_params(chart).iter().map(|(k, v)| format!("{k}={v}")).collect();
            lines.push(format!("{}?{}\t{}", chart.slug(), params.join("&"), serde_json::to_string(&data).unwrap()));
        }
    }
    db.drop().await;
    // A golden file of empty charts would prove little.
    assert!(drawn_with_data >= ChartId::ALL.len() * 4, "only {drawn_with_data} drawings hold data");

    let got = lines.join("\n") + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(std::path::Path::new(GOLDEN).parent().unwrap()).unwrap();
        std::fs::write(GOLDEN, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(GOLDEN).expect("tests/golden/charts.txt: record it with UPDATE_GOLDEN=1");
    for (n, (g, w)) in got.lines().zip(want.lines()).enumerate() {
        assert_eq!(g, w, "line {} of tests/golden/charts.txt differs", n + 1);
    }
    assert_eq!(got.lines().count(), want.lines().count(), "the number of drawings changed");
}
