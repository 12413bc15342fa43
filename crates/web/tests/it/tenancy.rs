use reqwest::StatusCode;
use serde_json::json;
use tandem_app::auth::ensure_workspace;
use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test};

backend_test! {
    async fn another_workspace_sees_nothing_and_gets_404_everywhere(db) {
        let server = TestServer::start(&db).await;
        let (api_a, _) = server.api(Role::Admin).await;
        let id = api_a
            .post("/api/v1/accounts", json!({"name": "Geheim GmbH"}))
            .await
            .body["id"]
            .as_str()
            .unwrap()
            .to_string();

        let other = ensure_workspace(&server.store, "rival", "Rival AG")
            .await
            .unwrap();
        let intruder = server.user_in(other, Role::Admin).await;
        let api_b = server.api_for(&intruder).await;
        let path = format!("/api/v1/accounts/{id}");
        assert_eq!(api_b.get(&path).await.status, StatusCode::NOT_FOUND, "{db}");
        assert_eq!(
            api_b
                .patch(&path, json!({"version": 1, "name": "Mine"}))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(api_b.delete(&path).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            api_b
                .post(&format!("{path}/restore"), json!({}))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            api_b.get(&format!("{path}/history")).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(
            api_b.get("/api/v1/accounts").await.body["items"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        assert!(
            api_b.get("/api/v1/accounts?q=geheim").await.body["items"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        // Owner ids of another workspace are unknown users.
        let user_a = server.user(Role::Field).await;
        let colleagues = api_b.get("/api/v1/users").await.body;
        let emails: Vec<&str> = colleagues
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap())
            .collect();
        assert_eq!(
            emails,
            vec![intruder.email.as_str()],
            "{db}: only the own workspace's users"
        );
        let r = api_b
            .post(
                "/api/v1/accounts",
                json!({"name": "X", "owner_id": user_a.id.to_string()}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        let web_b = server.web(&intruder).await;
        assert_eq!(
            web_b.get(&format!("/accounts/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            web_b.get(&format!("/accounts/{id}/edit")).await.status,
            StatusCode::NOT_FOUND
        );
        let page = web_b
            .submit("/accounts", &format!("/accounts/{id}/delete"), &[])
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        let list = web_b.get("/accounts").await;
        assert!(
            !list.text.contains("Geheim"),
            "{db}: the list shows only the own workspace"
        );

        let unchanged = api_a.get(&path).await.body;
        assert_eq!(unchanged["name"], "Geheim GmbH");
        assert!(unchanged["deleted_at"].is_null());
        server.stop().await;
    }
}
