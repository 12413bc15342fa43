use reqwest::StatusCode;
use serde_json::json;
use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test};

backend_test! {
    async fn likely_duplicates_are_found_and_merged_without_losing_anything(db) {
        let server = TestServer::start(&db).await;
        let (rep, _) = server.api(Role::Field).await;
        let (manager, _) = server.api(Role::Manager).await;
        let keep = rep
            .post(
                "/api/v1/accounts",
                json!({"name": "Müller Maschinenbau GmbH", "website": "mueller-maschinenbau.de",
                       "phone": "+49 711 123456", "city": "Stuttgart"}),
            )
            .await
            .body;
        let keep_id = keep["id"].as_str().unwrap().to_string();

        let found = |q: &'static str| {
            let rep = &rep;
            async move {
                rep.get(&format!("/api/v1/accounts/duplicates?{q}"))
                    .await
                    .body
            }
        };
        let by_name = found("name=Mueller%20Maschinenbau%20AG").await;
        assert_eq!(
            by_name[0]["account"]["id"],
            keep_id.as_str(),
            "{db}: {by_name}"
        );
        assert_eq!(by_name[0]["reasons"], json!(["similar_name"]));
        let by_domain =
            found("name=Irgendwas&website=https://www.mueller-maschinenbau.de/kontakt").await;
        assert_eq!(by_domain[0]["reasons"], json!(["same_domain"]), "{db}");
        let by_phone = found("name=Irgendwas&phone=0711%20/%2012%2034%2056").await;
        assert_eq!(by_phone[0]["reasons"], json!(["same_phone"]), "{db}");
        assert_eq!(
            found("name=Schmidt%20Logistik").await,
            json!([]),
            "{db}: unrelated names are not duplicates"
        );

        // The duplicate got created anyway (the API does not refuse), with its own records.
        let dup = rep
            .post(
                "/api/v1/accounts",
                json!({"name": "Müller Maschinenbau AG", "email": "info@mueller-maschinenbau.de",
                       "vat_id": "DE123456789", "tags": ["Messe"]}),
            )
            .await
            .body;
        let dup_id = dup["id"].as_str().unwrap().to_string();
        let contact = rep
            .post(
                "/api/v1/contacts",
                json!({"last_name": "Keller", "account_id": dup_id, "emails": ["s.keller@mueller-maschinenbau.de"]}),
            )
            .await
            .body;
        let deal = rep
            .post(
                "/api/v1/deals",
                json!({"title": "Retrofit", "account_id": dup_id}),
            )
            .await
            .body;
        rep.post(
            "/api/v1/activities",
            json!({"kind": "call", "subject": "Erstgespräch", "account_id": dup_id}),
        )
        .await;

        let forbidden = rep
            .post(
                &format!("/api/v1/accounts/{keep_id}/merge"),
                json!({"from": dup_id}),
            )
            .await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN, "{db}");
        let itself = manager
            .post(
                &format!("/api/v1/accounts/{keep_id}/merge"),
                json!({"from": keep_id}),
            )
            .await;
        assert_eq!(itself.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(itself.body["errors"][0]["code"], "same_record");

        let merged = manager
            .post(
                &format!("/api/v1/accounts/{keep_id}/merge"),
                json!({"from": dup_id}),
            )
            .await;
        assert_eq!(merged.status, StatusCode::OK, "{db}: {}", merged.body);
        assert_eq!(
            merged.body["name"], "Müller Maschinenbau GmbH",
            "keep's values win"
        );
        assert_eq!(
            merged.body["vat_id"], "DE123456789",
            "empty fields are filled"
        );
        assert_eq!(merged.body["tags"], json!(["Messe"]));
        let at = |what: &'static str| {
            let rep = &rep;
            let keep_id = keep_id.clone();
            async move {
                rep.get(&format!("/api/v1/{what}?account_id={keep_id}"))
                    .await
                    .body["items"]
                    .as_array()
                    .unwrap()
                    .len()
            }
        };
        assert_eq!(at("contacts").await, 1, "{db}");
        assert_eq!(at("deals").await, 1, "{db}");
        assert_eq!(at("activities").await, 1, "{db}");
        assert_eq!(
            rep.get(&format!("/api/v1/deals/{}", deal["id"].as_str().unwrap()))
                .await
                .body["account_name"],
            "Müller Maschinenbau GmbH"
        );
        let gone = rep.get(&format!("/api/v1/accounts/{dup_id}")).await.body;
        assert!(
            gone["deleted_at"].is_string(),
            "{db}: the duplicate is in the trash"
        );
        let history = rep
            .get(&format!("/api/v1/accounts/{keep_id}/history"))
            .await
            .body;
        assert_eq!(history[0]["action"], "merge");
        assert_eq!(
            history[0]["changes"]["merged_from"][1],
            "Müller Maschinenbau AG"
        );
        let old = rep
            .get(&format!("/api/v1/accounts/{dup_id}/history"))
            .await
            .body;
        assert_eq!(
            old[0]["changes"]["merged_into"][1],
            "Müller Maschinenbau GmbH"
        );
        assert_eq!(
            old.as_array().unwrap().len(),
            2,
            "{db}: its own history stays"
        );

        // Contacts: the same email is a duplicate; merging moves what hangs on it.
        let twin = rep
            .post(
                "/api/v1/contacts",
                json!({"last_name": "Keller", "first_name": "Sandra", "account_id": keep_id,
                       "emails": ["S.Keller@mueller-maschinenbau.de"], "phones": ["0711 99 88 77"]}),
            )
            .await
            .body;
        let same = rep
            .get("/api/v1/contacts/duplicates?last_name=Kehler&email=s.keller%40mueller-maschinenbau.de")
            .await
            .body;
        assert_eq!(same.as_array().unwrap().len(), 2, "{db}: {same}");
        rep.post(
            "/api/v1/activities",
            json!({"kind": "visit", "subject": "Besuch", "contact_id": twin["id"]}),
        )
        .await;
        let c_merged = manager
            .post(
                &format!("/api/v1/contacts/{}/merge", contact["id"].as_str().unwrap()),
                json!({"from": twin["id"]}),
            )
            .await;
        assert_eq!(c_merged.status, StatusCode::OK, "{db}: {}", c_merged.body);
        assert_eq!(c_merged.body["first_name"], "Sandra");
        assert_eq!(c_merged.body["phones"], json!(["0711 99 88 77"]));
        let acts = rep
            .get(&format!(
                "/api/v1/activities?contact_id={}",
                contact["id"].as_str().unwrap()
            ))
            .await
            .body;
        assert_eq!(acts["items"].as_array().unwrap().len(), 1, "{db}");
        server.stop().await;
    }
}

backend_test! {
    async fn the_account_form_warns_before_creating_a_duplicate(db) {
        let server = TestServer::start(&db).await;
        let rep = server.user(Role::Field).await;
        let api = server.api_for(&rep).await;
        let first = api
            .post(
                "/api/v1/accounts",
                json!({"name": "Schäfer Verpackung GmbH", "website": "schaefer-verpackung.de"}),
            )
            .await
            .body;
        let web = server.web(&rep).await;
        let warned = web
            .submit(
                "/accounts/new",
                "/accounts",
                &[("name", "Schaefer Verpackung"), ("country", "DE")],
            )
            .await;
        assert_eq!(warned.status, StatusCode::CONFLICT, "{db}");
        assert_eq!(
            warned.attr("#duplicates a", "href"),
            Some(format!("/accounts/{}", first["id"].as_str().unwrap()))
        );
        assert!(
            warned
                .select_text("#duplicates")
                .unwrap()
                .contains("ähnlicher Name")
        );
        assert_eq!(
            api.get("/api/v1/accounts").await.body["items"]
                .as_array()
                .unwrap()
                .len(),
            1,
            "{db}: nothing created yet"
        );
        // The form came back with the typed name and the confirmation set.
        assert_eq!(
            warned.attr("#name", "value").as_deref(),
            Some("Schaefer Verpackung")
        );
        let created = web
            .post_form(
                "/accounts",
                &warned.csrf(),
                &[
                    ("name", "Schaefer Verpackung"),
                    ("country", "DE"),
                    ("allow_duplicate", "1"),
                ],
            )
            .await;
        assert_eq!(created.status, StatusCode::OK);
        assert!(created.path.contains("notice=created"), "{}", created.path);

        // A manager merges them from the account page.
        let manager = server.user(Role::Manager).await;
        let mweb = server.web(&manager).await;
        let keep_path = format!("/accounts/{}", first["id"].as_str().unwrap());
        let page = mweb.get(&format!("{keep_path}/merge")).await;
        assert_eq!(page.status, StatusCode::OK, "{db}");
        let from = page
            .attr("form[action$='/merge'] input[name=from]", "value")
            .unwrap();
        let done = mweb
            .post_form(
                &format!("{keep_path}/merge"),
                &page.csrf(),
                &[("from", &from)],
            )
            .await;
        assert_eq!(done.status, StatusCode::OK);
        assert!(done.path.ends_with("notice=merged"), "{}", done.path);
        let trashed = mweb.get(&format!("/accounts/{from}")).await;
        assert!(trashed.text.contains("zusammengeführt in"), "{db}");
        server.stop().await;
    }
}
