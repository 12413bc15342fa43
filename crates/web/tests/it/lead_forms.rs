//! Web-to-lead forms and the lead pages without JavaScript: a website's plain HTML form
//! brings leads in (consent, honeypot, known addresses, flood), bad input is named by
//! field, and marketing and the rep work the lead in the browser.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test};

async fn post_form(server: &TestServer, key: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(server.url(&format!("/forms/{key}")))
        .form(fields)
        .send()
        .await
        .expect("post")
}

fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().cloned().unwrap_or_default()
}

backend_test! {
    async fn a_website_form_brings_leads_in_and_keeps_bots_out(db) {
        let server = TestServer::start(&db).await;
        let (mia, _) = server.api(Role::Marketing).await;
        let camp = mia
            .post(
                "/api/v1/campaigns",
                json!({"name": "Website 2026", "channel": "online"}),
            )
            .await;
        let form = mia
            .post(
                "/api/v1/forms",
                json!({"name": "Kontakt", "campaign_id": camp.body["id"]}),
            )
            .await;
        assert_eq!(form.status, 201, "{db}: {}", form.body);
        let key = form.body["key"].as_str().unwrap().to_string();
        let embed = form.body["embed_html"].as_str().unwrap();
        assert!(
            embed.contains(&format!("/forms/{key}"))
                && embed.contains("name=\"website_url\"")
                && !embed.contains("<script"),
            "{db}: {embed}"
        );

        // The hosted page renders the same form.
        let page = reqwest::get(server.url(&format!("/forms/{key}")))
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{db}");
        assert!(
            page.text().await.unwrap().contains("name=\"consent\""),
            "{db}"
        );

        // A person sends it with consent: a lead with source, campaign and consent.
        let sent = post_form(
            &server,
            &key,
            &[
                ("first_name", "Jens"),
                ("last_name", "Köhler"),
                ("email", "Jens@Koehler.example"),
                ("company", "Brunnenbau Köhler GmbH"),
                ("message", "Bitte um Rückruf"),
                ("consent", "yes"),
                ("website_url", ""),
            ],
        )
        .await;
        assert_eq!(sent.status(), StatusCode::OK, "{db}");
        assert!(sent.text().await.unwrap().contains("Vielen Dank"), "{db}");
        let leads = mia.get("/api/v1/leads").await;
        let all = items(&leads.body);
        assert_eq!(all.len(), 1, "{db}: {}", leads.body);
        let l = &all[0];
        assert_eq!(
            (
                l["source"].as_str(),
                l["campaign_id"].as_str(),
                l["consent_email"].as_bool()
            ),
            (Some("web_form"), camp.body["id"].as_str(), Some(true)),
            "{db}: {l}"
        );
        assert!(
            l["consent_source"]
                .as_str()
                .unwrap()
                .starts_with("Kontakt:"),
            "{db}"
        );
        assert_eq!(l["score"], 15, "{db}: the submission counts as engagement");

        // The same address again: no second lead, one more submission on the first.
        let again = post_form(
            &server,
            &key,
            &[("last_name", "Köhler"), ("email", "jens@koehler.example")],
        )
        .await;
        assert_eq!(again.status(), StatusCode::OK, "{db}");
        assert_eq!(items(&mia.get("/api/v1/leads").await.body).len(), 1, "{db}");
        let id = l["id"].as_str().unwrap();
        assert_eq!(
            mia.get(&format!("/api/v1/leads/{id}")).await.body["score"],
            30,
            "{db}"
        );

        // A bot fills the honeypot: answered like a success, nothing stored.
        let bot = post_form(
            &server,
            &key,
            &[
                ("last_name", "Bot"),
                ("email", "bot@spam.example"),
                ("website_url", "http://spam"),
            ],
        )
        .await;
        assert_eq!(bot.status(), StatusCode::OK, "{db}");
        assert_eq!(items(&mia.get("/api/v1/leads").await.body).len(), 1, "{db}");

        // Without an email address: 422 naming it; JSON clients get problem+json.
        let bad = post_form(&server, &key, &[("last_name", "Ohne")]).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY, "{db}");
        let json_bad = reqwest::Client::new()
            .post(server.url(&format!("/forms/{key}")))
            .json(&json!({"last_name": "X", "email": "kein-at"}))
            .send()
            .await
            .unwrap();
        assert_eq!(json_bad.status(), StatusCode::UNPROCESSABLE_ENTITY, "{db}");
        let problem: Value = json_bad.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "email", "{db}: {problem}");
        // Garbage and unknown keys never crash anything.
        let garbage = reqwest::Client::new()
            .post(server.url(&format!("/forms/{key}")))
            .header("content-type", "application/json")
            .body(vec![0xff, 0x00, 0x13])
            .send()
            .await
            .unwrap();
        assert_eq!(garbage.status(), StatusCode::BAD_REQUEST, "{db}");
        assert_eq!(
            post_form(&server, "nope", &[("email", "a@b.de")])
                .await
                .status(),
            StatusCode::NOT_FOUND,
            "{db}"
        );

        // A flood from one address is cut off after ten a minute.
        let mut limited = 0;
        for i in 0..15 {
            let r = post_form(
                &server,
                &key,
                &[
                    ("last_name", "Flut"),
                    ("email", &format!("f{i}@flood.example")),
                ],
            )
            .await;
            if r.status() == StatusCode::TOO_MANY_REQUESTS {
                limited += 1;
            }
        }
        assert!(limited >= 5, "{db}: {limited} refused");
        assert!(
            items(&mia.get("/api/v1/leads?limit=200").await.body).len() <= 11,
            "{db}"
        );

        // A deactivated form takes nothing.
        let v = form.body["version"].as_i64().unwrap();
        let off = mia
            .put(
                &format!("/api/v1/forms/{}", form.body["id"].as_str().unwrap()),
                json!({"version": v, "active": false}),
            )
            .await;
        assert_eq!(off.status, 200, "{db}: {}", off.body);
        assert_eq!(
            reqwest::get(server.url(&format!("/forms/{key}")))
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND,
            "{db}"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn bad_lead_input_is_named_and_changes_nothing(db) {
        let server = TestServer::start(&db).await;
        let (mia, _) = server.api(Role::Marketing).await;
        let (rep, _) = server.api(Role::Field).await;
        for (body, field, code) in [
            (json!({"last_name": ""}), "last_name", "required"),
            (
                json!({"last_name": "X", "email": "nope"}),
                "email",
                "invalid_email",
            ),
            (
                json!({"last_name": "X", "postal_code": "123"}),
                "postal_code",
                "invalid_postal_code",
            ),
            (
                json!({"last_name": "X", "source": "tv"}),
                "source",
                "invalid_choice",
            ),
            (
                json!({"last_name": "X", "campaign_id": "0190a0a0-0000-7000-8000-000000000000"}),
                "campaign_id",
                "not_found",
            ),
            (
                json!({"last_name": "X", "employees": -3}),
                "employees",
                "out_of_range",
            ),
            (
                json!({"last_name": "X", "shoe_size": 44}),
                "shoe_size",
                "unknown_field",
            ),
            (
                json!({"last_name": "X", "answers": {"budget": 5}}),
                "answers.budget",
                "invalid_type",
            ),
        ] {
            let r = mia.post("/api/v1/leads", body.clone()).await;
            assert_eq!(r.status, 422, "{db}: {body} → {}", r.body);
            assert_eq!(r.body["errors"][0]["field"], field, "{db}: {}", r.body);
            assert_eq!(r.body["errors"][0]["code"], code, "{db}: {}", r.body);
        }
        assert!(
            items(&mia.get("/api/v1/leads").await.body).is_empty(),
            "{db}"
        );
        // Field reps do not enter leads; impossible policies are refused by field.
        assert_eq!(
            rep.post("/api/v1/leads", json!({"last_name": "X"}))
                .await
                .status,
            403,
            "{db}"
        );
        let (boss, _) = server.api(Role::Manager).await;
        let mut p = boss.get("/api/v1/lead-settings").await.body;
        p["threshold"] = json!(5000);
        p["accept_sla_hours"] = json!(0);
        let r = boss.put("/api/v1/lead-settings", p).await;
        assert_eq!(r.status, 422, "{db}: {}", r.body);
        let fields: Vec<&str> = r.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["threshold", "accept_sla_hours"], "{db}");
        assert_eq!(
            mia.put(
                "/api/v1/lead-settings",
                boss.get("/api/v1/lead-settings").await.body
            )
            .await
            .status,
            403,
            "{db}"
        );
        // Engagement from the far future, a stale version, an unknown lead.
        let l = mia
            .post("/api/v1/leads", json!({"last_name": "Zeit"}))
            .await
            .body;
        let id = l["id"].as_str().unwrap();
        let far = mia
            .post(
                &format!("/api/v1/leads/{id}/events"),
                json!({"kind": "visit", "at": "2099-01-01T00:00:00Z"}),
            )
            .await;
        assert_eq!(
            (far.status.as_u16(), far.body["errors"][0]["field"].as_str()),
            (422, Some("at")),
            "{db}"
        );
        let ok = mia
            .post(
                &format!("/api/v1/leads/{id}/events"),
                json!({"kind": "event_attended"}),
            )
            .await;
        assert_eq!(ok.body["score"], 20, "{db}: {}", ok.body);
        let stale = mia
            .patch(
                &format!("/api/v1/leads/{id}"),
                json!({"version": 0, "city": "Köln"}),
            )
            .await;
        assert_eq!(stale.status, 409, "{db}: {}", stale.body);
        assert_eq!(
            mia.get("/api/v1/leads/not-a-uuid").await.status,
            404,
            "{db}"
        );
        // Nobody to take it: every field rep absent or none at all.
        let version = mia.get(&format!("/api/v1/leads/{id}")).await.body["version"].clone();
        let answered = mia
            .patch(
                &format!("/api/v1/leads/{id}"),
                json!({"version": version, "employees": 500, "phone": "030 1", "position": "GF",
                       "answers": {"budget": "a", "authority": "b", "need": "c", "timing": "d"}}),
            )
            .await;
        assert_eq!(answered.status, 200, "{db}: {}", answered.body);
        let r = mia
            .post(
                &format!("/api/v1/leads/{id}/handoff"),
                json!({"version": 999}),
            )
            .await;
        assert_eq!(r.status, 409, "{db}: a stale version: {}", r.body);
        server.stop().await;
    }
}

backend_test! {
    async fn marketing_and_the_rep_work_a_lead_in_the_browser(db) {
        let server = TestServer::start(&db).await;
        let mia = server
            .person(Role::Marketing, "Marketing", "Mia Marketing")
            .await;
        let rep = server
            .person(Role::Field, "Außendienst", "Bernd Berg")
            .await;
        let web = server.web(&mia).await;
        // A new lead from the form; a typo is explained at the field.
        let typo = web
            .submit(
                "/leads",
                "/leads",
                &[("last_name", "Köhler"), ("email", "kein-at")],
            )
            .await;
        assert_eq!(typo.status, 422, "{db}");
        assert!(
            typo.select_text("#new-lead .field-error")
                .unwrap_or_default()
                .contains("E-Mail"),
            "{db}: {}",
            typo.text
        );
        let made = web
            .submit(
                "/leads",
                "/leads",
                &[
                    ("first_name", "Jens"),
                    ("last_name", "Köhler"),
                    ("company", "Brunnenbau Köhler GmbH"),
                    ("source", "referral"),
                ],
            )
            .await;
        assert_eq!(made.status, 200, "{db}: {}", made.text);
        assert!(made.path.starts_with("/leads/"), "{db}: {}", made.path);
        let here = made.path.split('?').next().unwrap().to_string();
        // The early handoff: refused, everything missing listed in words.
        let early = web.submit(&here, &format!("{here}/handoff"), &[]).await;
        assert_eq!(early.status, 200, "{db}");
        assert_eq!(
            early.path,
            format!("{here}?refused=handoff"),
            "{db}: the page lives at a GET address, a reload posts nothing"
        );
        let missing = early.select_text("#lead-errors").unwrap_or_default();
        assert!(
            missing.contains("Score") && missing.contains("Budget"),
            "{db}: {missing}"
        );
        // The answers and enough data: the gate opens; the handoff goes to Bernd.
        let answered = web
            .submit(
                &here,
                &format!("{here}/answers"),
                &[
                    ("answer.budget", "40.000 €"),
                    ("answer.authority", "GF"),
                    ("answer.need", "Pumpe"),
                    ("answer.timing", "Q1"),
                ],
            )
            .await;
        assert_eq!(answered.status, 200, "{db}: {}", answered.text);
        let page = web.get(&here).await;
        let version = page
            .attr("form[action$='/answers'] input[name=version]", "value")
            .unwrap();
        let edit = web
            .submit(
                &here,
                &here,
                &[
                    ("version", &version),
                    ("first_name", "Jens"),
                    ("last_name", "Köhler"),
                    ("company", "Brunnenbau Köhler GmbH"),
                    ("source", "referral"),
                    ("employees", "80"),
                    ("phone", "0251 1"),
                    ("position", "Geschäftsführer"),
                ],
            )
            .await;
        assert_eq!(edit.status, 200, "{db}: {}", edit.text);
        assert!(
            edit.select_text(".ok").is_some(),
            "{db}: the gate passes: {}",
            edit.text
        );
        let handed = web.submit(&here, &format!("{here}/handoff"), &[]).await;
        assert_eq!(handed.status, 200, "{db}: {}", handed.text);
        assert!(handed.text.contains("Bernd Berg"), "{db}");
        // Bernd sees it among his requests, rejects without a reason: explained.
        let bernd = server.web(&rep).await;
        let inbox = bernd.get("/leads").await;
        assert!(
            inbox.text.contains("Köhler"),
            "{db}: the rep sees his leads"
        );
        let bare = bernd
            .submit(&here, &format!("{here}/reject"), &[("comment", "")])
            .await;
        assert_eq!(bare.status, 422, "{db}");
        assert!(
            bare.select_text("#reject-reason + .field-error").is_some(),
            "{db}: {}",
            bare.text
        );
        let done = bernd
            .submit(
                &here,
                &format!("{here}/reject"),
                &[("reason", "no_budget"), ("comment", "Kein Budget vor 2028")],
            )
            .await;
        assert_eq!(done.status, 200, "{db}");
        assert!(done.text.contains("Kein Budget vor 2028"), "{db}");
        // Marketing sees the reason on the campaign report's source line.
        let report = web.get("/campaigns").await;
        let sources = report.select_text("#report-sources").unwrap_or_default();
        assert!(
            sources.contains("Empfehlung") && sources.contains("Kein Budget"),
            "{db}: {sources}"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn a_form_refuses_control_characters_and_outlives_its_deactivated_owner(db) {
        let server = TestServer::start(&db).await;
        let miriam = server
            .person(Role::Marketing, "Marketing", "Miriam Ott")
            .await;
        let mia = server.api_for(&miriam).await;
        let admin = server.person(Role::Admin, "Verwaltung", "Anna Admin").await;
        let boss = server.api_for(&admin).await;
        let form = mia.post("/api/v1/forms", json!({"name": "Kontakt"})).await;
        let key = form.body["key"].as_str().unwrap().to_string();

        let nul = post_form(
            &server,
            &key,
            &[
                ("email", "a@b.example"),
                ("last_name", "Null\u{0}"),
                ("consent", "yes"),
            ],
        )
        .await;
        assert_eq!(nul.status(), StatusCode::UNPROCESSABLE_ENTITY, "{db}");

        // Miriam leaves the company; her form keeps bringing leads, in the admin's name.
        let admin_web = server.web(&admin).await;
        let page = admin_web.get(&format!("/admin/users/{}", miriam.id)).await;
        let version = page.attr("input[name=version]", "value").unwrap();
        admin_web
            .post_form(
                &format!("/admin/users/{}", miriam.id),
                &page.csrf(),
                &[
                    ("version", &version),
                    ("name", "Miriam Ott"),
                    ("role", "marketing"),
                ],
            )
            .await;
        let sent = post_form(
            &server,
            &key,
            &[
                ("email", "neu@kunde.example"),
                ("last_name", "Neu"),
                ("consent", "yes"),
            ],
        )
        .await;
        assert!(
            sent.status().is_success() || sent.status().is_redirection(),
            "{db}"
        );
        let leads = boss.get("/api/v1/leads?q=neu%40kunde.example").await.body;
        let lead = &items(&leads)[0];
        assert_eq!(lead["owner_id"], json!(admin.id.0), "{db}: {lead}");
        server.stop().await;
    }
}
