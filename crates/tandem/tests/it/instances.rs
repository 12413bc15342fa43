use serde_json::json;
use std::time::Duration;
use tandem_domain::Role;
use tandem_testkit::{Db, TestServer, backend_test, backends, wait_for_event};

#[tokio::test]
async fn two_instances_serve_one_postgres_database_and_hear_each_other() {
    let Some(db) = backends()
        .into_iter()
        .find(|d| matches!(d, Db::Postgres(_)))
    else {
        eprintln!("TANDEM_TEST_POSTGRES_URL is not set: two-instance test needs PostgreSQL");
        return;
    };
    let first = TestServer::start(&db).await;
    let second = TestServer::start_on(first.db.share(), 30).await;
    let user = first.user(Role::Manager).await;
    let api_a = first.api_for(&user).await;
    let api_b = second.api_for(&user).await;
    let mut events_b = second.event_stream(&user).await;

    let created = api_a
        .post("/api/v1/accounts", json!({"name": "Geteilt AG"}))
        .await;
    let id = created.body["id"].as_str().unwrap().to_string();
    assert!(
        wait_for_event(&mut events_b, &id).await.is_some(),
        "instance B announces a change made on A"
    );
    let seen_by_b = api_b.get(&format!("/api/v1/accounts/{id}")).await;
    assert_eq!(seen_by_b.body["name"], "Geteilt AG");
    let changed_by_b = api_b
        .patch(
            &format!("/api/v1/accounts/{id}"),
            json!({"version": 1, "city": "Jena"}),
        )
        .await;
    assert_eq!(changed_by_b.status, 200);
    let stale_on_a = api_a
        .patch(
            &format!("/api/v1/accounts/{id}"),
            json!({"version": 1, "city": "Gera"}),
        )
        .await;
    assert_eq!(
        stale_on_a.status, 409,
        "optimistic locking holds across instances"
    );
    drop(events_b);
    second.stop_keep_db().await;
    first.stop().await;
}

backend_test! {
    async fn shutdown_ends_open_event_streams_and_returns(db) {
        let server = TestServer::start(&db).await;
        let user = server.user(Role::Field).await;
        let stream = server.event_stream(&user).await;
        assert_eq!(stream.status(), 200);
        tokio::time::timeout(Duration::from_secs(10), server.stop())
            .await
            .unwrap_or_else(|_| panic!("{db}: graceful shutdown waited for an endless stream"));
        drop(stream);
    }
}
