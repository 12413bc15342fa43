use reqwest::StatusCode;
use serde_json::json;
use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test};

backend_test! {
    async fn admins_define_custom_fields_that_are_checked_shown_and_filterable(db) {
        let server = TestServer::start(&db).await;
        let (admin, _) = server.api(Role::Admin).await;
        let rep_user = server.user(Role::Field).await;
        let rep = server.api_for(&rep_user).await;
        let forbidden = rep
            .post(
                "/api/v1/custom-fields",
                json!({"entity": "account", "label": "X", "kind": "text"}),
            )
            .await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN, "{db}");
        for body in [
            json!({"entity": "account", "label": "Maschinenpark", "kind": "number"}),
            json!({"entity": "account", "label": "Zertifikate", "kind": "multi_select",
                   "options": ["ISO 9001", "ISO 14001", "IATF 16949"]}),
            json!({"entity": "account", "label": "Rahmenvertrag", "kind": "checkbox"}),
            json!({"entity": "deal", "label": "Budget freigegeben bis", "kind": "date", "required": true}),
            json!({"entity": "deal", "label": "Förderung", "kind": "money"}),
        ] {
            let r = admin.post("/api/v1/custom-fields", body).await;
            assert_eq!(r.status, StatusCode::CREATED, "{db}: {}", r.body);
        }
        let dup = admin
            .post(
                "/api/v1/custom-fields",
                json!({"entity": "account", "label": "Maschinenpark", "kind": "text"}),
            )
            .await;
        assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(dup.body["errors"][0]["field"], "key");
        let fields = rep.get("/api/v1/custom-fields?entity=account").await.body;
        assert_eq!(fields.as_array().unwrap().len(), 3);
        assert_eq!(fields[1]["key"], "zertifikate");

        // Values are checked by type; wrong ones are named and nothing is stored.
        let bad = rep
            .post(
                "/api/v1/accounts",
                json!({"name": "Brandt Feinmechanik", "custom": {"maschinenpark": "viele", "zertifikate": ["ISO 27001"], "farbe": "blau"}}),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{db}");
        let fields_named: Vec<&str> = bad.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(
            fields_named,
            ["custom.farbe", "custom.maschinenpark", "custom.zertifikate"]
        );
        let a = rep
            .post(
                "/api/v1/accounts",
                json!({"name": "Brandt Feinmechanik", "custom": {"maschinenpark": 42, "zertifikate": ["IATF 16949", "ISO 9001"], "rahmenvertrag": true}}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{db}: {}", a.body);
        assert_eq!(
            a.body["custom"]["zertifikate"],
            json!(["ISO 9001", "IATF 16949"])
        );
        rep.post(
            "/api/v1/accounts",
            json!({"name": "Ohne Zertifikat KG", "custom": {"maschinenpark": 3}}),
        )
        .await;

        let names = |body: serde_json::Value| -> Vec<String> {
            body["items"]
                .as_array()
                .unwrap_or_else(|| panic!("{body}"))
                .iter()
                .map(|x| x["name"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(
            names(
                rep.get("/api/v1/accounts?custom.zertifikate=ISO%209001")
                    .await
                    .body
            ),
            ["Brandt Feinmechanik"],
            "{db}: multi-select contains"
        );
        assert_eq!(
            names(
                rep.get("/api/v1/accounts?custom.maschinenpark=3")
                    .await
                    .body
            ),
            ["Ohne Zertifikat KG"],
            "{db}: number equals"
        );
        assert_eq!(
            names(
                rep.get("/api/v1/accounts?custom.rahmenvertrag=true")
                    .await
                    .body
            ),
            ["Brandt Feinmechanik"],
            "{db}: checkbox"
        );
        let unknown = rep.get("/api/v1/accounts?custom.groesse=3").await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(unknown.body["errors"][0]["field"], "custom.groesse");

        // A required deal field: a deal without it is refused.
        let missing = rep
            .post(
                "/api/v1/deals",
                json!({"title": "Prüfstand", "account_id": a.body["id"]}),
            )
            .await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            missing.body["errors"][0]["field"],
            "custom.budget_freigegeben_bis"
        );
        let deal = rep
            .post(
                "/api/v1/deals",
                json!({"title": "Prüfstand", "account_id": a.body["id"],
                       "custom": {"budget_freigegeben_bis": "2027-03-31", "foerderung": {"minor": 1_500_000, "currency": "EUR"}}}),
            )
            .await;
        assert_eq!(deal.status, StatusCode::CREATED, "{db}: {}", deal.body);

        // The pages show and edit them in German.
        let web = server.web(&rep_user).await;
        admin
            .post(
                "/api/v1/custom-fields",
                json!({"entity": "contact", "label": "Messebesucher", "kind": "checkbox"}),
            )
            .await;
        rep.post(
            "/api/v1/contacts",
            json!({"last_name": "Vogt", "custom": {"messebesucher": true}}),
        )
        .await;
        rep.post("/api/v1/contacts", json!({"last_name": "Lenz"}))
            .await;
        let contacts = web.get("/contacts?custom.messebesucher=true").await;
        let rows = contacts.select_all_text("table.list tbody tr");
        assert_eq!(rows.len(), 1, "{db}: {rows:?}");
        assert!(rows[0].contains("Vogt"));
        let list = web.get("/accounts?custom.zertifikate=ISO%209001").await;
        assert_eq!(list.select_all_text("table.list tbody tr").len(), 1, "{db}");
        assert!(list.text.contains("Brandt Feinmechanik"));
        assert_eq!(
            list.attr(
                "select[name='custom.zertifikate'] option[selected]",
                "value"
            )
            .as_deref(),
            Some("ISO 9001"),
            "the filter shows what is chosen"
        );
        let page = web
            .get(&format!("/deals/{}", deal.body["id"].as_str().unwrap()))
            .await;
        assert!(page.text.contains("15.000,00 €"), "{db}");
        assert!(page.text.contains("31.03.2027"), "{db}");
        let account_path = format!("/accounts/{}", a.body["id"].as_str().unwrap());
        let form = web.get(&format!("{account_path}/edit")).await;
        assert_eq!(
            form.attr("#cf_maschinenpark", "value").as_deref(),
            Some("42")
        );
        assert!(form.attr("#cf_zertifikate__0", "checked").is_some());
        let saved = web
            .post_form(
                &account_path,
                &form.csrf(),
                &[
                    ("version", "1"),
                    ("name", "Brandt Feinmechanik"),
                    ("lifecycle", "prospect"),
                    ("cf_maschinenpark", "viele"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::UNPROCESSABLE_ENTITY, "{db}");
        assert!(saved.select_text("#cf_maschinenpark-error").is_some());
        let saved = web
            .post_form(
                &account_path,
                &form.csrf(),
                &[
                    ("version", "1"),
                    ("name", "Brandt Feinmechanik"),
                    ("lifecycle", "prospect"),
                    ("cf_maschinenpark", "44"),
                    ("cf_zertifikate__1", "on"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{db}");
        let stored = rep.get(&format!("/api/v1{account_path}")).await.body;
        assert_eq!(
            stored["custom"],
            json!({"maschinenpark": 44, "zertifikate": ["ISO 14001"], "rahmenvertrag": false})
        );
        server.stop().await;
    }
}
