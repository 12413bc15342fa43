use tandem_testkit::{TestServer, backends};

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let db = backends().remove(0);
    let server = TestServer::start(&db).await;
    let doc: serde_json::Value = reqwest::get(server.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/accounts",
        "/accounts/{id}",
        "/accounts/{id}/restore",
        "/accounts/{id}/history",
        "/contacts",
        "/contacts/{id}",
        "/activities",
        "/activities/{id}",
        "/me",
        "/search",
        "/tasks",
        "/tasks/{id}/complete",
        "/users",
        "/teams",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    insta::assert_json_snapshot!("openapi", doc);
    server.stop().await;
}
