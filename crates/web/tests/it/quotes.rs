//! Quotes: Dieter's quote request answered with a quote over the guardrail, approved by
//! the team lead, sent as a PDF, revised, accepted into an order; bad input, expiry,
//! numbering under concurrency, letterhead and logo.

use serde_json::{Value, json};
use tandem_domain::{Instant, Role, time::Clock};
use tandem_testkit::{ApiClient, TestServer, backend_test, pdf_text};

/// Monday 23 November 2026, 09:00 in Berlin, plus `days`.
fn monday(days: i64, h: i64) -> Instant {
    Instant(1_795_420_800_000_i64 + ((days * 24 + h - 9) * 60) * 60_000)
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}

async fn product(
    api: &ApiClient,
    sku: &str,
    name: &str,
    unit: &str,
    minor: i64,
    tax: &str,
) -> String {
    let p = api
        .post(
            "/api/v1/products",
            json!({"sku": sku, "name": name, "unit": unit, "tax_rate": tax,
                   "list_price": {"minor": minor, "currency": "EUR"}}),
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.body);
    id(&p.body)
}

/// The PDF at `path`, checked to be one, and its text — empty when pdftotext is not
/// installed (then `shows` lets every text check pass; CI installs it).
async fn pdf(api: &ApiClient, path: &str) -> String {
    let (status, kind, bytes) = api.bytes(path).await;
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&bytes));
    assert_eq!(kind, "application/pdf", "{path}");
    assert!(bytes.starts_with(b"%PDF-"), "{path}");
    pdf_text(&bytes).unwrap_or_default()
}

fn shows(text: &str, expected: &str) -> bool {
    text.is_empty() || text.contains(expected)
}

fn kinds(timeline: &Value) -> Vec<String> {
    timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

backend_test! {
    async fn dieters_quote_is_approved_sent_revised_and_ordered(db) {
        let clock = Clock::manual(monday(0, 9));
        let server = TestServer::start_at(&db, clock.clone()).await;
        let (admin, _) = server.api(Role::Admin).await;
        let letterhead = admin
            .put(
                "/api/v1/letterhead",
                json!({"company": "Muster Pumpen GmbH", "street": "Hafenweg 1", "postcode": "48155",
                       "city": "Münster", "register": "Amtsgericht Münster HRB 4711",
                       "vat_id": "DE123456789", "bank_name": "Sparkasse Münsterland",
                       "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}),
            )
            .await;
        assert_eq!(letterhead.status, 200, "{db}: {}", letterhead.body);
        assert_eq!(
            letterhead.body["iban"], "DE89 3704 0044 0532 0130 00",
            "{db}"
        );
        let settings = admin
            .put(
                "/api/v1/quote-settings",
                json!({"max_discount": {"field": "10", "inside": "10", "manager": "25"}}),
            )
            .await;
        assert_eq!(settings.status, 200, "{db}: {}", settings.body);
        assert_eq!(settings.body["quote_pattern"], "AN-{YYYY}-{####}", "{db}");

        let lead = server.user_in_team(Role::Manager, "Innendienst").await;
        let dieter = server.user_in_team(Role::Field, "Außendienst").await;
        let klaus = server.user_in_team(Role::Inside, "Innendienst").await;
        let (d, k, l) = (
            server.api_for(&dieter).await,
            server.api_for(&klaus).await,
            server.api_for(&lead).await,
        );
        let tandem = l
            .post(
                "/api/v1/tandems",
                json!({"field_id": dieter.id.to_string(), "inside_id": klaus.id.to_string()}),
            )
            .await;
        assert_eq!(tandem.status, 201, "{db}: {}", tandem.body);
        let pump = product(&l, "BP-200", "Brunnenpumpe 200", "Stk.", 129_900, "19").await;
        let hours = product(&l, "MONT-H", "Montage je Stunde", "Std.", 8_500, "19").await;
        let book = product(&l, "BUCH-1", "Handbuch Brunnenbau", "Stk.", 3_990, "7").await;

        let account = d
            .post(
                "/api/v1/accounts",
                json!({"name": "Brunnenbau Köhler GmbH", "street": "Industriestraße 4",
                       "postal_code": "48155", "city": "Münster", "country": "DE"}),
            )
            .await;
        assert_eq!(account.status, 201, "{db}: {}", account.body);
        let account_id = id(&account.body);
        let contact = d
            .post(
                "/api/v1/contacts",
                json!({"salutation": "mr", "first_name": "Jens", "last_name": "Köhler",
                       "account_id": account_id}),
            )
            .await;
        assert_eq!(contact.status, 201, "{db}: {}", contact.body);
        let contact_id = id(&contact.body);
        let deal = d
            .post(
                "/api/v1/deals",
                json!({"title": "Zwei Brunnenpumpen", "account_id": account_id,
                       "amount": {"minor": 250_000, "currency": "EUR"},
                       "contacts": [{"contact_id": contact_id, "role": "decision_maker"}]}),
            )
            .await;
        assert_eq!(deal.status, 201, "{db}: {}", deal.body);
        let deal_id = id(&deal.body);

        // Dieter asks Klaus for the quote.
        let types = d.get("/api/v1/request-types").await;
        let quote_type = types.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "Angebot erstellen")
            .map(id)
            .unwrap();
        let request = d
            .post(
                "/api/v1/requests",
                json!({"type_id": quote_type, "deal_id": deal_id,
                       "description": "2 Brunnenpumpen mit Montage, Kunde will 15 %"}),
            )
            .await;
        assert_eq!(request.status, 201, "{db}: {}", request.body);
        assert_eq!(request.body["assignee_id"], klaus.id.to_string(), "{db}");
        let request_id = id(&request.body);

        // Klaus builds the quote from the request: account and deal come with it.
        let draft = k
            .post(
                "/api/v1/quotes",
                json!({"request_id": request_id, "contact_id": contact_id,
                "lines": [
                    {"product_id": pump, "quantity": "2", "discount": "15"},
                    {"product_id": hours, "quantity": 3.5},
                    {"name": "Anfahrt", "unit_price": 4_500},
                    {"product_id": book, "quantity": 1}
                ]}),
            )
            .await;
        assert_eq!(draft.status, 201, "{db}: {}", draft.body);
        let q = &draft.body;
        let quote_id = id(q);
        assert_eq!(q["number"], "AN-2026-0001", "{db}");
        assert_eq!(q["status"], "draft", "{db}");
        assert_eq!(q["account_id"], account_id, "{db}");
        assert_eq!(q["deal_id"], deal_id, "{db}");
        assert_eq!(q["valid_until"], "2026-12-23", "{db}");
        assert_eq!(q["lines"][0]["name"], "Brunnenpumpe 200", "{db}");
        assert_eq!(q["lines"][0]["net"], 220_830, "{db}");
        assert_eq!(q["lines"][1]["quantity"], "3.5", "{db}");
        // 2,208.30 + 297.50 + 45.00 at 19 %, 39.90 at 7 %.
        assert_eq!(q["totals"]["net"]["minor"], 259_070, "{db}");
        assert_eq!(q["totals"]["taxes"][0]["tax"]["minor"], 48_465, "{db}");
        assert_eq!(q["totals"]["taxes"][1]["tax"]["minor"], 279, "{db}");
        assert_eq!(q["totals"]["gross"]["minor"], 307_814, "{db}");
        assert_eq!(q["effective_discount"], "15", "{db}");

        // 15 % is above Klaus's 10 %: it cannot go out without approval.
        let refused = k
            .post(&format!("/api/v1/quotes/{quote_id}/send"), json!({}))
            .await;
        assert_eq!(refused.status, 409, "{db}: {}", refused.body);
        assert_eq!(
            refused.body["errors"][0]["code"], "approval_required",
            "{db}"
        );
        let asked = k
            .post(
                &format!("/api/v1/quotes/{quote_id}/approval"),
                json!({"note": "Großkunde, Folgeauftrag wahrscheinlich"}),
            )
            .await;
        assert_eq!(asked.status, 200, "{db}: {}", asked.body);
        assert_eq!(asked.body["status"], "awaiting_approval", "{db}");
        let approval_id = asked.body["approval_request_id"]
            .as_str()
            .unwrap()
            .to_string();
        let approval = l.get(&format!("/api/v1/requests/{approval_id}")).await;
        assert_eq!(
            approval.body["assignee_id"],
            lead.id.to_string(),
            "{db}: {}",
            approval.body
        );
        assert_eq!(approval.body["type_name"], "Rabattfreigabe", "{db}");
        assert!(
            approval.body["due_at"].is_string(),
            "{db}: its own deadline"
        );
        // While the lead decides, the quote stays as it is.
        let frozen = k
            .patch(
                &format!("/api/v1/quotes/{quote_id}"),
                json!({"version": asked.body["version"], "discount": "2"}),
            )
            .await;
        assert_eq!(frozen.status, 409, "{db}: {}", frozen.body);
        assert_eq!(
            frozen.body["errors"][0]["code"], "awaiting_approval",
            "{db}"
        );
        // Klaus cannot approve his own quote; refusing needs a reason.
        let own = k
            .post(
                &format!("/api/v1/quotes/{quote_id}/approval/decision"),
                json!({"decision": "approve"}),
            )
            .await;
        assert_eq!(own.status, 403, "{db}: {}", own.body);
        let bare = l
            .post(
                &format!("/api/v1/quotes/{quote_id}/approval/decision"),
                json!({"decision": "reject"}),
            )
            .await;
        assert_eq!(bare.status, 422, "{db}: {}", bare.body);
        assert_eq!(bare.body["errors"][0]["field"], "comment", "{db}");
        let approved = l
            .post(
                &format!("/api/v1/quotes/{quote_id}/approval/decision"),
                json!({"decision": "approve", "comment": "Einverstanden, Rahmenvertrag folgt"}),
            )
            .await;
        assert_eq!(approved.status, 200, "{db}: {}", approved.body);
        assert_eq!(approved.body["status"], "approved", "{db}");
        assert_eq!(approved.body["approved_discount"], "15", "{db}");
        let done = l.get(&format!("/api/v1/requests/{approval_id}")).await;
        assert_eq!(done.body["status"], "done", "{db}");
        let klaus_news = k.get("/api/v1/notifications").await;
        assert!(
            klaus_news.body["items"][0]["title"]
                .as_str()
                .unwrap()
                .contains("freigegeben"),
            "{db}: {}",
            klaus_news.body
        );

        // Sent: the request Dieter made is done and he is told.
        let sent = k
            .post(
                &format!("/api/v1/quotes/{quote_id}/send"),
                json!({"version": approved.body["version"]}),
            )
            .await;
        assert_eq!(sent.status, 200, "{db}: {}", sent.body);
        assert_eq!(sent.body["status"], "sent", "{db}");
        let req = d.get(&format!("/api/v1/requests/{request_id}")).await;
        assert_eq!(req.body["status"], "done", "{db}: {}", req.body);
        assert_eq!(req.body["in_time"], true, "{db}");
        let dieter_news = d.get("/api/v1/notifications").await;
        assert!(
            dieter_news.body["items"][0]["title"]
                .as_str()
                .unwrap()
                .contains("AN-2026-0001"),
            "{db}: {}",
            dieter_news.body
        );

        // The PDF: sender, DIN address with the contact, number, lines, taxes, totals.
        let text = pdf(&d, &format!("/api/v1/quotes/{quote_id}/pdf")).await;
        for expected in [
            "Muster Pumpen GmbH",
            "Brunnenbau Köhler GmbH",
            "Herrn Jens Köhler",
            "Industriestraße 4",
            "48155 Münster",
            "Angebot AN-2026-0001",
            "Sehr geehrter Herr Köhler,",
            "Brunnenpumpe 200",
            "2.208,30 €",
            "3,5 Std.",
            "Anfahrt",
            "Summe netto",
            "2.590,70 €",
            "zzgl. USt. 19 % auf 2.550,80 €",
            "484,65 €",
            "zzgl. USt. 7 % auf 39,90 €",
            "3.078,14 €",
            "Gültig bis",
            "23.12.2026",
            "IBAN DE89 3704 0044 0532 0130 00",
            "Seite 1 von 1",
        ] {
            assert!(
                shows(&text, expected),
                "{db}: «{expected}» missing in\n{text}"
            );
        }

        // A sent revision is frozen; changing it makes revision 2.
        let frozen = k
            .patch(
                &format!("/api/v1/quotes/{quote_id}"),
                json!({"version": sent.body["version"], "discount": "2"}),
            )
            .await;
        assert_eq!(frozen.status, 409, "{db}: {}", frozen.body);
        assert_eq!(
            frozen.body["errors"][0]["code"], "sent_revision_frozen",
            "{db}"
        );
        let revised = k
            .post(
                &format!("/api/v1/quotes/{quote_id}/revisions"),
                json!({"version": sent.body["version"]}),
            )
            .await;
        assert_eq!(revised.status, 200, "{db}: {}", revised.body);
        assert_eq!(
            (
                revised.body["revision"].as_i64(),
                revised.body["status"].as_str()
            ),
            (Some(2), Some("draft")),
            "{db}"
        );
        let changed = k
            .patch(
                &format!("/api/v1/quotes/{quote_id}"),
                json!({"version": revised.body["version"], "lines": [
                    {"product_id": pump, "quantity": "2", "discount": "10"},
                    {"product_id": hours, "quantity": "4"}
                ]}),
            )
            .await;
        assert_eq!(changed.status, 200, "{db}: {}", changed.body);
        // 2,338.20 + 340.00 = 2,678.20 net; within Klaus's guardrail now.
        assert_eq!(changed.body["totals"]["net"]["minor"], 267_820, "{db}");
        let sent2 = k
            .post(
                &format!("/api/v1/quotes/{quote_id}/send"),
                json!({"version": changed.body["version"]}),
            )
            .await;
        assert_eq!(sent2.status, 200, "{db}: {}", sent2.body);
        let detail = d.get(&format!("/api/v1/quotes/{quote_id}")).await;
        assert_eq!(
            detail.body["revisions"].as_array().unwrap().len(),
            2,
            "{db}: {}",
            detail.body
        );
        let old = pdf(&d, &format!("/api/v1/quotes/{quote_id}/pdf?revision=1")).await;
        assert!(
            shows(&old, "3.078,14 €") && !old.contains("Rev. 2"),
            "{db}: {old}"
        );
        let new = pdf(&d, &format!("/api/v1/quotes/{quote_id}/pdf")).await;
        assert!(
            shows(&new, "AN-2026-0001 Rev. 2") && shows(&new, "3.187,06 €"),
            "{db}: {new}"
        );
        assert_eq!(
            d.bytes(&format!("/api/v1/quotes/{quote_id}/pdf?revision=7"))
                .await
                .0,
            404,
            "{db}"
        );

        // Accepted: an order with its own number, the deal won with the order amount.
        let past = k
            .post(
                &format!("/api/v1/quotes/{quote_id}/accept"),
                json!({"delivery_date": "2026-11-01"}),
            )
            .await;
        assert_eq!(past.status, 422, "{db}: {}", past.body);
        assert_eq!(past.body["errors"][0]["field"], "delivery_date", "{db}");
        let order = k
            .post(
                &format!("/api/v1/quotes/{quote_id}/accept"),
                json!({"delivery_date": "2026-12-10", "customer_reference": "Best.-Nr. 4711"}),
            )
            .await;
        assert_eq!(order.status, 201, "{db}: {}", order.body);
        assert_eq!(order.body["number"], "AB-2026-0001", "{db}");
        assert_eq!(order.body["net"]["minor"], 267_820, "{db}");
        let won = d.get(&format!("/api/v1/deals/{deal_id}")).await;
        assert_eq!(won.body["status"], "won", "{db}: {}", won.body);
        assert_eq!(won.body["amount"]["minor"], 267_820, "{db}");
        let order_id = id(&order.body);
        let confirmation = pdf(&d, &format!("/api/v1/orders/{order_id}/pdf")).await;
        for expected in [
            "Auftragsbestätigung AB-2026-0001",
            "AN-2026-0001",
            "Best.-Nr. 4711",
            "Liefertermin",
            "10.12.2026",
            "3.187,06 €",
        ] {
            assert!(
                shows(&confirmation, expected),
                "{db}: «{expected}» missing in\n{confirmation}"
            );
        }
        let orders = d.get("/api/v1/orders").await;
        assert_eq!(orders.body["items"].as_array().unwrap().len(), 1, "{db}");

        // Everything is on the quote's timeline.
        let timeline = d.get(&format!("/api/v1/quotes/{quote_id}/timeline")).await;
        assert_eq!(
            kinds(&timeline.body),
            [
                "created",
                "approval_requested",
                "approved",
                "sent",
                "revised",
                "edited",
                "sent",
                "accepted"
            ],
            "{db}: {}",
            timeline.body
        );
        assert_eq!(
            timeline.body[2]["data"]["comment"], "Einverstanden, Rahmenvertrag folgt",
            "{db}"
        );
    }
}

backend_test! {
    async fn bad_quotes_are_refused_by_field_and_nothing_changes(db) {
        let clock = Clock::manual(monday(0, 9));
        let server = TestServer::start_at(&db, clock.clone()).await;
        let (rep, _) = server.api(Role::Inside).await;
        let (marketing, _) = server.api(Role::Marketing).await;
        let account = rep
            .post("/api/v1/accounts", json!({"name": "Stadtwerke Telgte"}))
            .await;
        let account_id = id(&account.body);
        for (body, field, code) in [
            (json!({"lines": []}), "account_id", "required"),
            (
                json!({"account_id": account_id, "lines": [{"name": "x", "unit_price": 100, "quantity": "-1"}]}),
                "lines[0].quantity",
                "must_be_positive",
            ),
            (
                json!({"account_id": account_id, "lines": [{"name": "x", "unit_price": -100}]}),
                "lines[0].unit_price",
                "must_not_be_negative",
            ),
            (
                json!({"account_id": account_id, "lines": [{"name": "x", "unit_price": 100, "discount": "120"}]}),
                "lines[0].discount",
                "over_100_percent",
            ),
            (
                json!({"account_id": account_id, "lines": [{"name": "x", "unit_price": 100, "tax_rate": "16"}]}),
                "lines[0].tax_rate",
                "unknown_tax_rate",
            ),
            (
                json!({"account_id": account_id, "discount": "101"}),
                "discount",
                "over_100_percent",
            ),
            (
                json!({"account_id": account_id, "valid_until": "2026-11-01"}),
                "valid_until",
                "in_the_past",
            ),
            (
                json!({"account_id": account_id, "language": "fr"}),
                "language",
                "unknown_language",
            ),
            (
                json!({"account_id": account_id, "colour": "red"}),
                "colour",
                "unknown_field",
            ),
            (
                json!({"account_id": uuid::Uuid::now_v7().to_string()}),
                "account_id",
                "not_found",
            ),
        ] {
            let r = rep.post("/api/v1/quotes", body.clone()).await;
            assert_eq!(r.status, 422, "{db}: {body} → {}", r.body);
            assert_eq!(r.body["errors"][0]["field"], field, "{db}: {}", r.body);
            assert_eq!(r.body["errors"][0]["code"], code, "{db}: {}", r.body);
        }
        assert_eq!(
            marketing
                .post("/api/v1/quotes", json!({"account_id": account_id}))
                .await
                .status,
            403,
            "{db}"
        );
        let list = rep.get("/api/v1/quotes").await;
        assert_eq!(list.body["items"], json!([]), "{db}: nothing stored");

        // A quote valid until tomorrow expires by the job; then it cannot be accepted.
        let q = rep
            .post(
                "/api/v1/quotes",
                json!({"account_id": account_id, "valid_until": "2026-11-24",
                       "lines": [{"name": "Wartung", "unit_price": 50_000}]}),
            )
            .await;
        assert_eq!(q.status, 201, "{db}: {}", q.body);
        assert_eq!(
            q.body["number"], "AN-2026-0001",
            "{db}: the refused ones took no number"
        );
        let qid = id(&q.body);
        let sent = rep
            .post(&format!("/api/v1/quotes/{qid}/send"), json!({}))
            .await;
        assert_eq!(sent.status, 200, "{db}: {}", sent.body);
        clock.set(monday(1, 23));
        assert_eq!(
            server.expire_quotes().await,
            0,
            "{db}: valid all of its last day"
        );
        clock.set(monday(2, 9));
        let late = rep
            .post(
                &format!("/api/v1/quotes/{qid}/accept"),
                json!({"delivery_date": "2026-12-01"}),
            )
            .await;
        assert_eq!(late.status, 409, "{db}: {}", late.body);
        assert_eq!(late.body["errors"][0]["code"], "quote_expired", "{db}");
        assert_eq!(server.expire_quotes().await, 1, "{db}");
        assert_eq!(server.expire_quotes().await, 0, "{db}: once");
        let expired = rep.get(&format!("/api/v1/quotes/{qid}")).await;
        assert_eq!(expired.body["status"], "expired", "{db}");
        assert_eq!(expired.body["allowed"]["accept"], false, "{db}");
        let again = rep
            .post(
                &format!("/api/v1/quotes/{qid}/accept"),
                json!({"delivery_date": "2026-12-01"}),
            )
            .await;
        assert_eq!(again.status, 409, "{db}: {}", again.body);
        assert_eq!(
            rep.get("/api/v1/orders").await.body["items"],
            json!([]),
            "{db}"
        );
        // Sending a draft that is over the guardrail without approval is refused.
        let steep = rep
            .post(
                "/api/v1/quotes",
                json!({"account_id": account_id, "discount": "30",
                       "lines": [{"name": "Wartung", "unit_price": 50_000}]}),
            )
            .await;
        let sid = id(&steep.body);
        let r = rep
            .post(&format!("/api/v1/quotes/{sid}/send"), json!({}))
            .await;
        assert_eq!(r.status, 409, "{db}: {}", r.body);
        assert_eq!(
            rep.get(&format!("/api/v1/quotes/{sid}")).await.body["status"],
            "draft",
            "{db}"
        );
    }
}

backend_test! {
    async fn numbers_stay_unique_and_gapless_when_many_create_at_once(db) {
        let server = TestServer::start(&db).await;
        let (rep, _) = server.api(Role::Inside).await;
        let account = rep
            .post("/api/v1/accounts", json!({"name": "Parallel GmbH"}))
            .await;
        let account_id = id(&account.body);
        let mut tasks = vec![];
        for _ in 0..12 {
            let api = server.api_for(&server.user(Role::Inside).await).await;
            let account_id = account_id.clone();
            tasks.push(tokio::spawn(async move {
                api.post("/api/v1/quotes", json!({"account_id": account_id}))
                    .await
            }));
        }
        let mut numbers = vec![];
        for t in tasks {
            let r = t.await.unwrap();
            assert_eq!(r.status, 201, "{db}: {}", r.body);
            numbers.push(r.body["number"].as_str().unwrap().to_string());
        }
        numbers.sort();
        let want: Vec<String> = (1..=12).map(|n| format!("AN-2026-{n:04}")).collect();
        let year = jiff::Zoned::now().year();
        let want: Vec<String> = want
            .iter()
            .map(|n| n.replace("2026", &year.to_string()))
            .collect();
        assert_eq!(numbers, want, "{db}");
    }
}

backend_test! {
    async fn the_letterhead_takes_only_sane_values_and_real_images(db) {
        let server = TestServer::start(&db).await;
        let (admin, _) = server.api(Role::Admin).await;
        let (manager, _) = server.api(Role::Manager).await;
        let bad = admin
            .put(
                "/api/v1/letterhead",
                json!({"company": "", "iban": "DE00 1234 5678", "vat_id": "123"}),
            )
            .await;
        assert_eq!(bad.status, 422, "{db}: {}", bad.body);
        let mut fields: Vec<&str> = bad.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        fields.sort();
        assert_eq!(fields, ["company", "iban", "vat_id"], "{db}");
        assert_eq!(
            manager
                .put("/api/v1/letterhead", json!({"company": "X"}))
                .await
                .status,
            403,
            "{db}"
        );
        let default = admin.get("/api/v1/letterhead").await;
        assert_eq!(default.body["iban"], "", "{db}: nothing stored");

        let not_image = admin
            .raw(
                reqwest::Method::PUT,
                "/api/v1/letterhead/logo",
                "image/png",
                b"GIF89a nonsense".to_vec(),
            )
            .await;
        assert_eq!(not_image.status, 422, "{db}: {}", not_image.body);
        assert_eq!(not_image.body["errors"][0]["code"], "not_an_image", "{db}");
        // A PNG header on a broken file is no image either.
        let mut broken = b"\x89PNG\r\n\x1a\n".to_vec();
        broken.extend([0u8; 64]);
        let r = admin
            .raw(
                reqwest::Method::PUT,
                "/api/v1/letterhead/logo",
                "image/png",
                broken,
            )
            .await;
        assert_eq!(
            r.body["errors"][0]["code"], "not_an_image",
            "{db}: {}",
            r.body
        );
        let mut huge =
            br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><!--"#.to_vec();
        huge.extend(vec![b'x'; 2 * 1024 * 1024 + 10]);
        huge.extend(b"--></svg>");
        let r = admin
            .raw(
                reqwest::Method::PUT,
                "/api/v1/letterhead/logo",
                "image/svg+xml",
                huge,
            )
            .await;
        assert_eq!(r.status, 422, "{db}: {}", r.body);
        assert_eq!(r.body["errors"][0]["code"], "file_too_large", "{db}");
        assert_eq!(
            admin.bytes("/api/v1/letterhead/logo").await.0,
            404,
            "{db}: none stored"
        );
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="navy"/></svg>"#;
        let ok = admin
            .raw(
                reqwest::Method::PUT,
                "/api/v1/letterhead/logo",
                "image/svg+xml",
                svg.to_vec(),
            )
            .await;
        assert_eq!(ok.status, 204, "{db}: {}", ok.body);
        let (status, kind, bytes) = admin.bytes("/api/v1/letterhead/logo").await;
        assert_eq!(
            (status.as_u16(), kind.as_str(), bytes.len()),
            (200, "image/svg+xml", svg.len()),
            "{db}"
        );
    }
}

backend_test! {
    async fn english_and_long_quotes_read_right_on_paper(db) {
        let server = TestServer::start(&db).await;
        let (rep, _) = server.api(Role::Inside).await;
        let account = rep
            .post(
                "/api/v1/accounts",
                json!({"name": "Nordic Pumps AB", "street": "Hamngatan 3", "postal_code": "11147",
                       "city": "Stockholm", "country": "SE"}),
            )
            .await;
        let account_id = id(&account.body);
        // A Swedish customer gets an English quote by default.
        let q = rep
            .post(
                "/api/v1/quotes",
                json!({"account_id": account_id,
                       "lines": [{"name": "Well pump 200", "unit_price": 129_900, "quantity": "2"}]}),
            )
            .await;
        assert_eq!(q.status, 201, "{db}: {}", q.body);
        assert_eq!(q.body["language"], "en", "{db}");
        let text = pdf(&rep, &format!("/api/v1/quotes/{}/pdf", id(&q.body))).await;
        for expected in [
            "Quotation",
            "Valid until",
            "Dear Sir or Madam,",
            "Well pump 200",
            "€2,598.00",
            "plus VAT 19 % on €2,598.00",
            "€3,091.62",
            "SE",
            "Page 1 of 1",
        ] {
            assert!(
                shows(&text, expected),
                "{db}: «{expected}» missing in\n{text}"
            );
        }
        // Every fixed word comes from the English translation: none of the German
        // document's words is left.
        for german in [
            "Angebot",
            "Nummer",
            "Datum",
            "Gültig",
            "Kundennummer",
            "Ansprechpartner",
            "Pos.",
            "Artikel",
            "Menge",
            "Einzelpreis",
            "Rabatt",
            "Gesamt",
            "Summe",
            "zzgl.",
            "USt",
            "Seite",
            "von",
            "Zahlungsbedingungen",
            "Lieferbedingungen",
        ] {
            assert!(!text.contains(german), "{db}: «{german}» in\n{text}");
        }
        // Sixty lines: page breaks, the table header on every page, page numbers.
        let lines: Vec<Value> = (1..=60)
            .map(|i| json!({"name": format!("Ersatzteil {i}"), "unit_price": 1_000 + i}))
            .collect();
        let long = rep
            .post(
                "/api/v1/quotes",
                json!({"account_id": account_id, "language": "de", "lines": lines}),
            )
            .await;
        assert_eq!(long.status, 201, "{db}: {}", long.body);
        let text = pdf(&rep, &format!("/api/v1/quotes/{}/pdf", id(&long.body))).await;
        if !text.is_empty() {
            let pages = text.matches("Seite ").count();
            assert!(pages >= 3, "{db}: {pages} pages\n{text}");
            assert!(
                text.contains(&format!("Seite {pages} von {pages}")),
                "{db}: {text}"
            );
            // The table runs over at least two pages and repeats its header on each.
            let headers = text.matches("Einzelpreis").count();
            assert!(
                headers >= 2 && headers <= pages,
                "{db}: {headers} table headers"
            );
            let page_two = text.split("Seite 1 von").nth(1).unwrap_or_default();
            assert!(
                page_two.contains("Einzelpreis"),
                "{db}: no header after the break"
            );
            assert!(text.contains("Ersatzteil 60"), "{db}");
        }
    }
}

backend_test! {
    /// The approval request of a quote is decided, never just closed: "Erledigt" and
    /// "Abbrechen" are not offered or accepted for it, the approver grants or refuses the
    /// discount right on the request page, and an admin can still decide a quote whose
    /// approval request was closed without a decision before.
    async fn a_discount_approval_is_decided_on_the_request_and_never_left_stuck(db) {
        let server = TestServer::start(&db).await;
        let petra = server.person(Role::Manager, "Süd", "Petra Schulz").await;
        let dieter = server.person(Role::Field, "Süd", "Dieter Mayer").await;
        let (p, d) = (server.api_for(&petra).await, server.api_for(&dieter).await);
        let account = d
            .post(
                "/api/v1/accounts",
                json!({"name": "Brunnenbau Köhler GmbH"}),
            )
            .await;
        let quote = d
            .post(
                "/api/v1/quotes",
                json!({"account_id": account.body["id"],
                       "lines": [{"name": "Brunnenpumpe", "unit_price": 100_000, "discount": "15"}]}),
            )
            .await;
        assert_eq!(quote.status, 201, "{db}: {}", quote.body);
        let quote_id = id(&quote.body);
        let asked = d
            .post(
                &format!("/api/v1/quotes/{quote_id}/approval"),
                json!({"note": "Großkunde"}),
            )
            .await;
        assert_eq!(
            asked.body["status"], "awaiting_approval",
            "{db}: {}",
            asked.body
        );
        let approval_id = asked.body["approval_request_id"]
            .as_str()
            .unwrap()
            .to_string();

        // Petra cannot close it without deciding.
        let current = p.get(&format!("/api/v1/requests/{approval_id}")).await.body;
        for status in ["done", "cancelled"] {
            let closed = p
                .patch(
                    &format!("/api/v1/requests/{approval_id}"),
                    json!({"version": current["version"], "status": status}),
                )
                .await;
            assert!(
                closed.status.is_client_error(),
                "{db}: {status}: {}",
                closed.body
            );
        }
        let web = server.web(&petra).await;
        let page = web.get(&format!("/requests/{approval_id}")).await;
        let offered = page.select_all_attr("input[name=status]", "value");
        assert!(
            offered.iter().all(|o| o != "done" && o != "cancelled"),
            "{db}: {offered:?}"
        );
        // She grants it right there.
        assert!(
            page.select_text("#approval-decision").is_some(),
            "{db}: the decision is on the request"
        );
        let approved = web
            .post_form(
                &format!("/quotes/{quote_id}/approval/decision"),
                &page.csrf(),
                &[("decision", "approve"), ("note", "")],
            )
            .await;
        assert_eq!(approved.status, 200, "{db}");
        let after = d.get(&format!("/api/v1/quotes/{quote_id}")).await.body;
        assert_eq!(after["status"], "approved", "{db}");
        let request = p.get(&format!("/api/v1/requests/{approval_id}")).await.body;
        assert_eq!(request["status"], "done", "{db}");

        // A quote stuck the old way (its approval request closed without a decision):
        // an admin can still decide it.
        let second = d
            .post(
                "/api/v1/quotes",
                json!({"account_id": account.body["id"],
                       "lines": [{"name": "Pumpe", "unit_price": 50_000, "discount": "18"}]}),
            )
            .await;
        let second_id = id(&second.body);
        let asked = d
            .post(
                &format!("/api/v1/quotes/{second_id}/approval"),
                json!({"note": "bitte"}),
            )
            .await;
        let rid: uuid::Uuid = asked.body["approval_request_id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let mut tx = server.store.begin().await.unwrap();
        let stored = tandem_store::requests::get(
            &mut tx.conn(),
            server.workspace,
            tandem_domain::RequestId(rid),
        )
        .await
        .unwrap();
        tandem_store::requests::update(
            &mut tx.conn(),
            server.workspace,
            stored.id,
            tandem_store::requests::Guard::Version(stored.version),
            &tandem_store::requests::Change {
                status: Some(tandem_domain::request::Status::Done),
                ..Default::default()
            },
            Instant::now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let admin = server.user(Role::Admin).await;
        let admin_web = server.web(&admin).await;
        let stuck = admin_web.get(&format!("/quotes/{second_id}")).await;
        assert!(
            stuck
                .select_text("form[action$='/approval/decision']")
                .is_some(),
            "{db}: the admin may take back the stuck approval"
        );
        let rejected = admin_web
            .post_form(
                &format!("/quotes/{second_id}/approval/decision"),
                &stuck.csrf(),
                &[("decision", "reject"), ("note", "18 % geht nicht")],
            )
            .await;
        assert_eq!(rejected.status, 200, "{db}");
        let back = d.get(&format!("/api/v1/quotes/{second_id}")).await.body;
        assert_eq!(
            back["status"], "draft",
            "{db}: Dieter can change and resend it"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn units_read_in_the_plural_on_the_quote_and_its_pdf(db) {
        let server = TestServer::start(&db).await;
        let (k, user) = server.api(Role::Inside).await;
        let (boss, _) = server.api(Role::Manager).await;
        let day = product(&boss, "MON-1", "Montage vor Ort", "Tag", 95_000, "19").await;
        let account = k
            .post("/api/v1/accounts", json!({"name": "Köhler Brunnenbau"}))
            .await;
        let q = k
            .post(
                "/api/v1/quotes",
                json!({"account_id": account.body["id"],
                       "lines": [{"product_id": day, "quantity": 2}, {"product_id": day, "quantity": 1}]}),
            )
            .await;
        assert_eq!(q.status, 201, "{db}: {}", q.body);
        let quote_id = id(&q.body);
        let page = server
            .web(&user)
            .await
            .get(&format!("/quotes/{quote_id}"))
            .await;
        let calcs = page.select_all_text(".calc");
        assert!(calcs[0].starts_with("2 Tage × 950,00 €"), "{db}: {calcs:?}");
        assert!(calcs[1].starts_with("1 Tag × 950,00 €"), "{db}: {calcs:?}");
        let text = pdf(&k, &format!("/api/v1/quotes/{quote_id}/pdf")).await;
        assert!(
            shows(&text, "Tage") && !text.contains("2 Tag "),
            "{db}: {text}"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn a_second_quote_on_a_request_needs_a_deliberate_choice(db) {
        let server = TestServer::start(&db).await;
        let klaus = server.person(Role::Inside, "Süd", "Klaus Becker").await;
        let dieter = server.person(Role::Field, "Süd", "Dieter Mayer").await;
        let (k, d) = (server.api_for(&klaus).await, server.api_for(&dieter).await);
        let account = d
            .post(
                "/api/v1/accounts",
                json!({"name": "Brunnenbau Köhler GmbH"}),
            )
            .await;
        let types = d.get("/api/v1/request-types").await.body;
        let quote_type = types["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "Angebot erstellen")
            .map(id)
            .unwrap();
        let request = d
            .post(
                "/api/v1/requests",
                json!({"type_id": quote_type, "account_id": account.body["id"], "description": "Pumpen"}),
            )
            .await;
        let rid = id(&request.body);
        let first = k.post("/api/v1/quotes", json!({"request_id": rid})).await;
        assert_eq!(first.status, 201, "{db}: {}", first.body);
        let second = k.post("/api/v1/quotes", json!({"request_id": rid})).await;
        assert_eq!(second.status, 409, "{db}: {}", second.body);
        assert_eq!(second.body["errors"][0]["code"], "quote_exists", "{db}");
        // The browser shows the quote there is and asks for the choice.
        let web = server.web(&klaus).await;
        let form = web.get(&format!("/quotes/new?request_id={rid}")).await;
        assert!(
            form.select_text("#existing-quotes a")
                .is_some_and(|t| t.contains("AN-2026-0001") || t.contains("Entwurf")),
            "{db}: {:?}",
            form.select_text("#existing-quotes")
        );
        let refused = web
            .post_form(
                "/quotes",
                &form.csrf(),
                &[
                    ("request_id", &rid),
                    ("account_id", account.body["id"].as_str().unwrap()),
                ],
            )
            .await;
        assert_eq!(refused.status, 422, "{db}");
        let made = web
            .post_form(
                "/quotes",
                &form.csrf(),
                &[
                    ("request_id", &rid),
                    ("account_id", account.body["id"].as_str().unwrap()),
                    ("another", "on"),
                ],
            )
            .await;
        assert!(made.path.ends_with("/edit"), "{db}: {}", made.path);
        server.stop().await;
    }
}
