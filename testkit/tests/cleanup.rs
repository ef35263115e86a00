//! A test's database and key prefix are gone after their `drop()`, and nothing else is.

use redis::AsyncCommands;
use sqlx::{postgres::PgConnectOptions, ConnectOptions};
use testkit::{required_env, TestDb, TestRedis};

#[tokio::test]
async fn a_test_database_has_augurs_schema_and_is_gone_after_drop() {
    let mut db = TestDb::new().await;
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'augur_data' AND table_name = 'commits'",
    )
    .fetch_one(&mut db.conn)
    .await
    .unwrap();
    assert_eq!(tables, 1);
    let name: String = sqlx::query_scalar("SELECT current_database()::text").fetch_one(&mut db.conn).await.unwrap();
    // A second session, as the app under test would hold: dropping ends it.
    let _app: sqlx::PgConnection = db.url().parse::<PgConnectOptions>().unwrap().connect().await.unwrap();

    db.drop().await;
    let mut server = required_env("TEST_DATABASE_URL").parse::<PgConnectOptions>().unwrap().connect().await.unwrap();
    let left: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(&name)
        .fetch_one(&mut server)
        .await
        .unwrap();
    assert!(!left, "{name} outlived its test");
}

#[tokio::test]
async fn dropping_a_prefix_deletes_its_keys_and_the_queues_and_nothing_else() {
    let (mine, other) = (TestRedis::new("mine"), TestRedis::new("other"));
    let mut conn = redis::Client::open(mine.url.as_str()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let keys = [format!("{}result:1", mine.prefix), format!("{{{}jobs}}:active", mine.prefix)];
    for key in &keys {
        let _: () = conn.set(key, 1).await.unwrap();
    }
    let kept = format!("{}result:1", other.prefix);
    let _: () = conn.set(&kept, 1).await.unwrap();

    assert_eq!(mine.drop().await, 2);
    for key in &keys {
        assert!(!conn.exists::<_, bool>(key).await.unwrap(), "{key} outlived its test");
    }
    assert!(conn.exists::<_, bool>(&kept).await.unwrap(), "another test's key went too");
    assert_eq!(other.drop().await, 1);
}
