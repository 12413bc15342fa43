use serde_json::json;
use std::time::Duration;
use tandem_domain::Role;
use tandem_testkit::{Db, TestServer, backends};

async fn wait_for(resp: &mut reqwest::Response, needle: &str) -> bool {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !seen.contains(needle) {
        match tokio::time::timeout_at(deadline, resp.chunk()).await {
            Ok(Ok(Some(b))) => seen.push_str(&String::from_utf8_lossy(&b)),
            _ => return false,
        }
    }
    true
}

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
    let token =
        tandem_web::services::auth::create_api_token(&second.store, user.workspace, user.id, "sse")
            .await
            .unwrap();
    let mut events_b = reqwest::Client::new()
        .get(second.url("/events"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();

    let created = api_a
        .post("/api/v1/accounts", json!({"name": "Geteilt AG"}))
        .await;
    let id = created.body["id"].as_str().unwrap().to_string();
    assert!(
        wait_for(&mut events_b, &id).await,
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

#[tokio::test]
async fn shutdown_ends_open_event_streams_and_returns() {
    for db in backends() {
        let server = TestServer::start(&db).await;
        let user = server.user(Role::Field).await;
        let token = tandem_web::services::auth::create_api_token(
            &server.store,
            user.workspace,
            user.id,
            "sse",
        )
        .await
        .unwrap();
        let stream = reqwest::Client::new()
            .get(server.url("/events"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(stream.status(), 200);
        tokio::time::timeout(Duration::from_secs(10), server.stop())
            .await
            .unwrap_or_else(|_| panic!("{db}: graceful shutdown waited for an endless stream"));
        drop(stream);
    }
}
