//! Marketing to sales: the early handoff refused with the missing list, the handoff to
//! an available rep past an absent one, a rejection with its reason, an acceptance
//! into account, contact and deal, and the campaign report — on both backends.

use serde_json::{Value, json};
use tandem_domain::{Instant, Role, time::Clock};
use tandem_testkit::{ApiClient, TestServer, backend_test};

/// Monday 23 November 2026, 09:00 in Berlin.
const MONDAY_9: Instant = Instant(1_795_420_800_000);

fn fields_of(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn lead(api: &ApiClient, body: Value) -> Value {
    let r = api.post("/api/v1/leads", body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

backend_test! {
    async fn an_early_lead_is_refused_then_routed_rejected_and_reported(db) {
        let clock = Clock::manual(MONDAY_9);
        let server = TestServer::start_at(&db, clock.clone()).await;
        let boss_user = server
            .person(Role::Manager, "Außendienst", "Petra Schulz")
            .await;
        let boss = server.api_for(&boss_user).await;
        let marketing_user = server
            .person(Role::Marketing, "Marketing", "Mia Marketing")
            .await;
        let mia = server.api_for(&marketing_user).await;
        let anna = server
            .person(Role::Field, "Außendienst", "Anna Außen")
            .await;
        let bernd = server
            .person(Role::Field, "Außendienst", "Bernd Berg")
            .await;
        let carl = server
            .person(Role::Field, "Außendienst", "Carl Christ")
            .await;
        // Anna covers postal codes 48xxx, but she is on holiday this week.
        let policy = boss.get("/api/v1/lead-settings").await;
        assert_eq!(policy.status, 200, "{db}: {}", policy.body);
        assert_eq!(policy.body["threshold"], 50, "{db}");
        let mut p = policy.body.clone();
        p["territories"] = json!([{"user_id": anna.id.to_string(), "postal_from": "48"}]);
        let saved = boss.put("/api/v1/lead-settings", p).await;
        assert_eq!(saved.status, 200, "{db}: {}", saved.body);
        let away = boss
            .post(
                "/api/v1/absences",
                json!({"user_id": anna.id.to_string(), "kind": "vacation",
                       "from": "2026-11-23", "to": "2026-11-27"}),
            )
            .await;
        assert_eq!(away.status, 201, "{db}: {}", away.body);

        let fair = mia
            .post(
                "/api/v1/campaigns",
                json!({"name": "Messe Brunnenbau 2026", "channel": "trade_fair",
                       "starts_on": "2026-11-10", "ends_on": "2026-11-12",
                       "cost": {"minor": 600_000, "currency": "EUR"}}),
            )
            .await;
        assert_eq!(fair.status, 201, "{db}: {}", fair.body);
        let fair_id = fair.body["id"].as_str().unwrap().to_string();

        // Marketing hands over too early: the score is too low and BANT is unanswered.
        let koehler = lead(
            &mia,
            json!({"first_name": "Jens", "last_name": "Köhler", "company": "Brunnenbau Köhler GmbH",
                   "email": "jens@brunnenbau-koehler.de", "postal_code": "48143",
                   "source": "trade_fair", "campaign_id": fair_id}),
        )
        .await;
        assert_eq!(
            koehler["status"], "new",
            "{db}: trade fair (15) is below 50"
        );
        let id = koehler["id"].as_str().unwrap().to_string();
        let early = mia
            .post(&format!("/api/v1/leads/{id}/handoff"), json!({}))
            .await;
        assert_eq!(early.status, 422, "{db}: {}", early.body);
        assert_eq!(
            fields_of(&early.body),
            [
                "score",
                "answers.budget",
                "answers.authority",
                "answers.need",
                "answers.timing"
            ],
            "{db}: every missing thing at once"
        );
        let still = mia.get(&format!("/api/v1/leads/{id}")).await;
        assert_eq!(
            (
                still.body["status"].as_str(),
                still.body["assignee_id"].is_null()
            ),
            (Some("new"), true),
            "{db}: nothing changed"
        );

        // Qualified: answers and more data; the score passes, it becomes an MQL.
        let v = still.body["version"].as_i64().unwrap();
        let q = mia
            .patch(
                &format!("/api/v1/leads/{id}"),
                json!({"version": v, "employees": 80, "phone": "0251 123456", "position": "Geschäftsführer",
                       "answers": {"budget": "40.000 €", "authority": "Geschäftsführer",
                                   "need": "Neue Bohranlage", "timing": "Q1 2027"}}),
            )
            .await;
        assert_eq!(q.status, 200, "{db}: {}", q.body);
        assert_eq!(q.body["status"], "mql", "{db}: {}", q.body);
        let shown = mia.get(&format!("/api/v1/leads/{id}")).await.body;
        assert_eq!(shown["score"], 55, "{db}: 20 + 10 + 10 + 15 = {shown}");
        assert_eq!(shown["missing"], json!([]), "{db}");
        let reasons: Vec<&str> = shown["score_parts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["reason"].as_str().unwrap())
            .collect();
        assert!(
            reasons.contains(&"Empfehlung oder Messe")
                || reasons.contains(&"Referral or trade fair"),
            "{db}: {reasons:?}"
        );

        // The handoff skips Anna (territory, but away) and goes round robin to Bernd.
        let handed = mia
            .post(&format!("/api/v1/leads/{id}/handoff"), json!({}))
            .await;
        assert_eq!(handed.status, 200, "{db}: {}", handed.body);
        assert_eq!(handed.body["status"], "handed_over", "{db}");
        assert_eq!(
            handed.body["assignee_id"],
            bernd.id.to_string(),
            "{db}: {}",
            handed.body
        );
        let rid = handed.body["request_id"].as_str().unwrap().to_string();
        let b = server.api_for(&bernd).await;
        let request = b.get(&format!("/api/v1/requests/{rid}")).await;
        assert_eq!(request.status, 200, "{db}: {}", request.body);
        assert_eq!(request.body["assignee_id"], bernd.id.to_string(), "{db}");
        assert!(
            request.body["due_at"].is_string(),
            "{db}: the acceptance clock runs"
        );
        // The request is decided on the lead, not closed on its own.
        let closed = b
            .patch(
                &format!("/api/v1/requests/{rid}"),
                json!({"version": request.body["version"], "status": "done"}),
            )
            .await;
        assert_eq!(closed.status, 409, "{db}: {}", closed.body);
        assert_eq!(closed.body["errors"][0]["code"], "decide_on_lead", "{db}");
        let still = b.get(&format!("/api/v1/requests/{rid}")).await;
        assert_eq!(
            still.body["status"], request.body["status"],
            "{db}: still open"
        );
        // Carl does not see a lead that is not his.
        let c = server.api_for(&carl).await;
        assert_eq!(
            c.get(&format!("/api/v1/leads/{id}")).await.status,
            404,
            "{db}"
        );
        assert_eq!(
            c.post(&format!("/api/v1/leads/{id}/accept"), json!({}))
                .await
                .status,
            404,
            "{db}"
        );

        // Bernd accepts two hours later: account, contact and deal appear, request done.
        clock.set(MONDAY_9.plus_ms(2 * 3_600_000));
        let accepted = b
            .post(
                &format!("/api/v1/leads/{id}/accept"),
                json!({"amount": {"minor": 4_000_000, "currency": "EUR"}}),
            )
            .await;
        assert_eq!(accepted.status, 200, "{db}: {}", accepted.body);
        assert_eq!(accepted.body["lead"]["status"], "converted", "{db}");
        let deal = b
            .get(&format!(
                "/api/v1/deals/{}",
                accepted.body["deal_id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(deal.status, 200, "{db}: {}", deal.body);
        assert_eq!(deal.body["owner_id"], bernd.id.to_string(), "{db}");
        assert_eq!(deal.body["source"], "trade_fair", "{db}");
        let account = b
            .get(&format!(
                "/api/v1/accounts/{}",
                accepted.body["account_id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(account.body["name"], "Brunnenbau Köhler GmbH", "{db}");
        let request = b.get(&format!("/api/v1/requests/{rid}")).await;
        assert_eq!(request.body["status"], "done", "{db}");

        // The next lead: Bernd had the last one, so Carl's turn; Carl rejects it.
        let other = lead(
            &mia,
            json!({"first_name": "Eva", "last_name": "Early", "company": "Früh & Co KG",
                   "email": "eva@frueh.example", "employees": 120, "phone": "030 1", "position": "Einkauf",
                   "source": "trade_fair", "campaign_id": fair_id,
                   "answers": {"budget": "unklar", "authority": "Einkauf", "need": "vielleicht", "timing": "2028"}}),
        )
        .await;
        assert_eq!(other["status"], "mql", "{db}");
        let oid = other["id"].as_str().unwrap().to_string();
        let second = mia
            .post(&format!("/api/v1/leads/{oid}/handoff"), json!({}))
            .await;
        assert_eq!(
            second.body["assignee_id"],
            carl.id.to_string(),
            "{db}: {}",
            second.body
        );
        // A rejection needs a reason and a comment.
        let bare = c
            .post(&format!("/api/v1/leads/{oid}/reject"), json!({}))
            .await;
        assert_eq!(bare.status, 422, "{db}: {}", bare.body);
        assert_eq!(fields_of(&bare.body), ["reason", "comment"], "{db}");
        let rejected = c
            .post(
                &format!("/api/v1/leads/{oid}/reject"),
                json!({"reason": "too_early", "comment": "Budget erst 2028, bitte nurturen"}),
            )
            .await;
        assert_eq!(rejected.status, 200, "{db}: {}", rejected.body);
        assert_eq!(rejected.body["status"], "rejected", "{db}");
        // Marketing hears of it.
        let told = mia.get("/api/v1/notifications").await;
        let titles = told.body.to_string();
        assert!(
            titles.contains("Carl Christ hat den Lead Eva Early abgelehnt: Zu früh")
                || titles.contains("Carl Christ rejected the lead Eva Early: Too early"),
            "{db}: {titles}"
        );

        // The report: 2 leads, 1 of 2 decisions accepted, the reason, the cost split.
        let report = mia
            .get(&format!("/api/v1/campaigns/{fair_id}/report"))
            .await;
        assert_eq!(report.status, 200, "{db}: {}", report.body);
        let r = &report.body;
        assert_eq!(
            (r["leads"].as_u64(), r["sqls"].as_u64()),
            (Some(2), Some(1)),
            "{db}: {r}"
        );
        assert_eq!(r["acceptance_rate_bp"], 5000, "{db}");
        assert_eq!(
            r["rejection_reasons"],
            json!([{"reason": "too_early", "count": 1}]),
            "{db}"
        );
        assert_eq!(r["median_time_to_accept_ms"], 2 * 3_600_000, "{db}");
        assert_eq!(r["cost_per_lead"]["minor"], 300_000, "{db}");
        assert_eq!(r["roi_bp"], -10000, "{db}: nothing won yet: −100 %");
        let all = mia.get("/api/v1/lead-report").await;
        let fair_source = all.body["by_source"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["key"] == "trade_fair")
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            fair_source["acceptance_rate_bp"], 5000,
            "{db}: {}",
            all.body
        );
        assert_eq!(
            fair_source["cost"]["minor"], 600_000,
            "{db}: the campaign's cost follows its leads"
        );

        // The page shows the same figures to marketing.
        let web = server.web(&marketing_user).await;
        let page = web.get(&format!("/campaigns/{fair_id}")).await;
        assert_eq!(page.status, 200, "{db}");
        let figures = page.select_text("#campaign-figures").unwrap_or_default();
        assert!(figures.contains("50 %"), "{db}: {figures}");
        let reasons = page.select_text("#campaign-reasons").unwrap_or_default();
        assert!(reasons.contains("Zu früh"), "{db}: {reasons}");
        server.stop().await;
    }
}

backend_test! {
    async fn a_refused_rejection_keeps_what_was_typed(db) {
        let server = TestServer::start(&db).await;
        server
            .person(Role::Manager, "Außendienst", "Petra Schulz")
            .await;
        let mia = server
            .person(Role::Marketing, "Marketing", "Mia Marketing")
            .await;
        let bernd = server
            .person(Role::Field, "Außendienst", "Bernd Berg")
            .await;
        let m = server.api_for(&mia).await;
        let lead = m
            .post(
                "/api/v1/leads",
                json!({"first_name": "Eva", "last_name": "Early", "company": "Früh KG", "employees": 80,
                       "phone": "030 1", "position": "Einkauf", "source": "trade_fair",
                       "answers": {"budget": "?", "authority": "?", "need": "?", "timing": "2028"}}),
            )
            .await;
        let id = lead.body["id"].as_str().unwrap().to_string();
        let handed = m
            .post(&format!("/api/v1/leads/{id}/handoff"), json!({}))
            .await;
        assert_eq!(
            handed.body["assignee_id"],
            bernd.id.to_string(),
            "{db}: {}",
            handed.body
        );
        let web = server.web(&bernd).await;
        let page = web.get(&format!("/leads/{id}")).await;
        let no_reason = web
            .post_form(
                &format!("/leads/{id}/reject"),
                &page.csrf(),
                &[("reason", ""), ("comment", "Kein Budget vor 2028")],
            )
            .await;
        assert_eq!(no_reason.status, 422, "{db}");
        assert_eq!(
            no_reason.select_text("#reject-comment").as_deref(),
            Some("Kein Budget vor 2028"),
            "{db}: the comment stays"
        );
        let no_comment = web
            .post_form(
                &format!("/leads/{id}/reject"),
                &page.csrf(),
                &[("reason", "no_budget"), ("comment", "")],
            )
            .await;
        assert_eq!(no_comment.status, 422, "{db}: a rejection needs a comment");
        assert_eq!(
            no_comment
                .attr("#reject-reason option[selected]", "value")
                .as_deref(),
            Some("no_budget"),
            "{db}: the reason stays"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn new_lead_is_at_the_top_of_the_list(db) {
        let server = TestServer::start(&db).await;
        let mia = server
            .person(Role::Marketing, "Marketing", "Mia Marketing")
            .await;
        let page = server.web(&mia).await.get("/leads").await;
        let new_lead = page
            .text
            .find("id=\"new-lead\"")
            .expect("the new-lead form");
        let list = page.text.find("<table").unwrap_or(page.text.len());
        assert!(new_lead < list, "{db}: Neuer Lead stands above the list");
        assert_eq!(
            page.select_text("#new-lead summary").as_deref(),
            Some("Neuer Lead"),
            "{db}"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn marketing_logs_what_a_lead_did_on_its_page_and_the_score_counts_it(db) {
        let server = TestServer::start(&db).await;
        let mia = server
            .person(Role::Marketing, "Marketing", "Mia Marketing")
            .await;
        let rep = server.person(Role::Field, "Außendienst", "Rolf Reise").await;
        let m = server.api_for(&mia).await;
        let l = lead(
            &m,
            json!({"first_name": "Wiebke", "last_name": "Webinar", "company": "Pumpen Nord GmbH",
                   "source": "web_form"}),
        )
        .await;
        let id = l["id"].as_str().unwrap().to_string();
        let before = l["score"].as_i64().unwrap();
        let path = format!("/leads/{id}");
        let web = server.web(&mia).await;
        let page = web.get(&path).await;
        assert_eq!(
            page.select_all_attr("#engagement-kind option", "value"),
            vec!["form_submitted", "email_clicked", "visit", "event_attended"],
            "{db}"
        );
        let done = web
            .submit(&path, &format!("{path}/engagements"), &[("kind", "event_attended")])
            .await;
        assert_eq!(done.status, 200, "{db}: followed to the lead");
        assert_eq!(
            done.select_text(".notice").as_deref(),
            Some("Aktivität erfasst."),
            "{db}"
        );
        assert!(
            done.select_all_text(".score-parts td")
                .iter()
                .any(|t| t == "Veranstaltung besucht"),
            "{db}: the score shows the event"
        );
        let after = m.get(&format!("/api/v1/leads/{id}")).await.body;
        assert_eq!(after["score"].as_i64().unwrap(), before + 20, "{db}: {after}");
        // An unknown kind changes nothing and says why.
        let bad = web
            .submit(&path, &format!("{path}/engagements"), &[("kind", "teleported")])
            .await;
        assert_eq!(bad.status, 422, "{db}");
        let same = m.get(&format!("/api/v1/leads/{id}")).await.body;
        assert_eq!(same["score"], after["score"], "{db}");
        // A field rep may not log it on a lead not handed to them.
        let rep_web = server.web(&rep).await;
        let csrf = rep_web.get("/").await.csrf();
        let refused = rep_web
            .post_form(&format!("{path}/engagements"), &csrf, &[("kind", "visit")])
            .await;
        assert!(
            [403, 404].contains(&refused.status.as_u16()),
            "{db}: {}",
            refused.status
        );
        server.stop().await;
    }
}

backend_test! {
    async fn fit_rules_show_and_take_lead_sources_by_their_names(db) {
        let server = TestServer::start(&db).await;
        let boss = server
            .person(Role::Manager, "Vertrieb", "Petra Schulz")
            .await;
        let web = server.web(&boss).await;
        let page = web.get("/leads/settings").await;
        let values = page.select_all_attr("input[name$='.value']", "value");
        assert!(
            values.iter().any(|v| v == "Empfehlung, Messe"),
            "{db}: the default rule names its sources: {values:?}"
        );
        assert!(!values.iter().any(|v| v.contains("trade_fair")), "{db}: {values:?}");
        let saved = web
            .submit(
                "/leads/settings",
                "/leads/settings",
                &[
                    ("threshold", "50"),
                    ("half_life_days", "30"),
                    ("accept_sla_hours", "8"),
                    ("rules.0.label", "Messe oder Formular"),
                    ("rules.0.field", "source"),
                    ("rules.0.op", "one_of"),
                    ("rules.0.value", "messe, Webformular, referral"),
                    ("rules.0.points", "15"),
                ],
            )
            .await;
        assert_eq!(saved.status, 200, "{db}: {}", saved.text);
        let api = server.api_for(&boss).await;
        let settings = api.get("/api/v1/lead-settings").await.body;
        let rule = settings["fit_rules"][0].to_string();
        for code in ["trade_fair", "web_form", "referral"] {
            assert!(rule.contains(code), "{db}: {code} in {rule}");
        }
        assert!(!rule.contains("Webformular"), "{db}: {rule}");
        server.stop().await;
    }
}
