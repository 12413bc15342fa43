//! Store tests: schema parity of the two backends.

use tandem_store::Store;

#[tokio::test]
async fn both_backends_have_the_same_tables_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::connect(&format!("sqlite://{}", dir.path().join("t.db").display()))
        .await
        .unwrap();
    let sqlite_cols = sqlite.schema_columns().await.unwrap();
    assert!(sqlite_cols.contains(&("accounts".into(), "workspace_id".into())));
    let Ok(server) = std::env::var("TANDEM_TEST_POSTGRES_URL") else {
        eprintln!("TANDEM_TEST_POSTGRES_URL is not set: compared nothing with PostgreSQL");
        return;
    };
    use sqlx::Connection;
    let name = format!("tandem_parity_{}", uuid::Uuid::now_v7().simple());
    let mut admin = sqlx::PgConnection::connect(&server).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .unwrap();
    let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
    let pg = Store::connect(&format!("{base}/{name}")).await.unwrap();
    let pg_cols = pg.schema_columns().await.unwrap();
    pg.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE {name} WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
    assert_eq!(sqlite_cols, pg_cols);
}
