use serde_json::json;
use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test, wait_for_event};

backend_test! {
    async fn changes_are_announced_to_signed_in_browsers_of_the_same_workspace(db) {
        let server = TestServer::start(&db).await;
        let (api, _) = server.api(Role::Manager).await;
        let watcher = server.user(Role::Field).await;
        let mut stream = server.event_stream(&watcher).await;
        // An admin of another workspace watches too: nothing of acme may reach her.
        let other_ws = tandem_app::auth::ensure_workspace(&server.store, "andere", "Andere GmbH")
            .await
            .unwrap();
        let stranger = server.user_in(other_ws, Role::Admin).await;
        let mut foreign = server.event_stream(&stranger).await;
        assert_eq!(stream.status(), 200);
        assert_eq!(stream.headers()["content-type"], "text/event-stream");

        let id = api
            .post("/api/v1/accounts", json!({"name": "Live GmbH"}))
            .await
            .body["id"]
            .as_str()
            .unwrap()
            .to_string();
        let seen = wait_for_event(&mut stream, &id)
            .await
            .expect("an event for the new account");
        assert!(
            seen.contains("event: change") && seen.contains("\"topic\":\"accounts\""),
            "{db}: {seen}"
        );

        // The other workspace's stream heard nothing of it (a change of its own
        // arrives, so the stream itself works).
        let other_api = server.api_for(&stranger).await;
        let theirs = other_api
            .post("/api/v1/accounts", json!({"name": "Eigene AG"}))
            .await
            .body["id"]
            .as_str()
            .unwrap()
            .to_string();
        let heard = wait_for_event(&mut foreign, &theirs)
            .await
            .expect("its own workspace's event");
        assert!(
            !heard.contains(&id),
            "{db}: another workspace's change leaked: {heard}"
        );
        drop(foreign);

        let anonymous = reqwest::get(server.url("/events")).await.unwrap();
        assert_eq!(anonymous.status(), 401);
        drop(stream);
        server.stop().await;
    }
}
