use serde_json::json;
use std::time::Duration;
use tandem_domain::Role;
use tandem_testkit::{TestServer, backends};

/// Reads the event stream until `needle` appears or the time is up.
pub async fn wait_for_event(resp: &mut reqwest::Response, needle: &str) -> String {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !seen.contains(needle) {
        let chunk = tokio::time::timeout_at(deadline, resp.chunk()).await;
        match chunk {
            Ok(Ok(Some(bytes))) => seen.push_str(&String::from_utf8_lossy(&bytes)),
            _ => panic!("no event with {needle:?}; got {seen:?}"),
        }
    }
    seen
}

#[tokio::test]
async fn changes_are_announced_to_signed_in_browsers_of_the_same_workspace() {
    for db in backends() {
        let server = TestServer::start(&db).await;
        let (api, _) = server.api(Role::Manager).await;
        let watcher = server.user(Role::Field).await;
        let token = tandem_web::services::auth::create_api_token(
            &server.store,
            watcher.workspace,
            watcher.id,
            "sse",
        )
        .await
        .unwrap();
        let http = reqwest::Client::new();
        let mut stream = http
            .get(server.url("/events"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(stream.status(), 200);
        assert_eq!(stream.headers()["content-type"], "text/event-stream");

        let id = api
            .post("/api/v1/accounts", json!({"name": "Live GmbH"}))
            .await
            .body["id"]
            .as_str()
            .unwrap()
            .to_string();
        let seen = wait_for_event(&mut stream, &id).await;
        assert!(
            seen.contains("event: change") && seen.contains("\"topic\":\"accounts\""),
            "{db}: {seen}"
        );

        let anonymous = http.get(server.url("/events")).send().await.unwrap();
        assert_eq!(anonymous.status(), 401);
        drop(stream);
        server.stop().await;
    }
}
