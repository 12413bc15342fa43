//! The list tools and the pages of the browser app without JavaScript: columns, saved
//! views, CSV export, bulk actions, the board's move menu, "My day", the typeahead.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test, backends};

async fn deal(api: &tandem_testkit::ApiClient, title: &str, account: &Value) -> Value {
    api.post(
        "/api/v1/deals",
        json!({"title": title, "account_id": account["id"],
               "amount": {"minor": 123_456, "currency": "EUR"},
               "next_step": "Rückruf", "next_step_due": "2020-01-02"}),
    )
    .await
    .body
}

backend_test! {
    async fn lists_choose_columns_save_views_and_export_what_the_user_may_see(db) {
        let server = TestServer::start(&db).await;
        let south = server.user_in_team(Role::Field, "Süd").await;
        let north = server.user_in_team(Role::Field, "Nord").await;
        let south_api = server.api_for(&south).await;
        let north_api = server.api_for(&north).await;
        let acc = south_api
            .post(
                "/api/v1/accounts",
                json!({"name": "Fähnrich; Söhne \"KG\""}),
            )
            .await
            .body;
        deal(&south_api, "Südlicher Deal", &acc).await;
        let other = north_api
            .post("/api/v1/accounts", json!({"name": "Nordlicht GmbH"}))
            .await
            .body;
        deal(&north_api, "Nördlicher Deal", &other).await;
        let web = server.web(&south).await;

        // Columns: only the chosen ones, in the list's order.
        let page = web.get("/deals?cols=next_step,title").await;
        assert_eq!(page.status, 200, "{db}");
        assert_eq!(
            page.select_all_text("table.list th:not(.pick)"),
            vec!["Titel", "Nächster Schritt"],
            "{db}"
        );
        assert!(page.text.contains("Rückruf"), "{db}");
        // No choice: the default columns.
        let page = web.get("/deals").await;
        assert_eq!(
            page.select_all_text("table.list th:not(.pick)"),
            vec![
                "Titel",
                "Phase",
                "Betrag",
                "Erwarteter Abschluss",
                "Verantwortlich"
            ],
            "{db}"
        );

        // CSV: what the user sees, in German spreadsheet format.
        let csv = web.get("/deals/export.csv?cols=title,amount,owner").await;
        assert_eq!(csv.status, 200, "{db}");
        assert!(
            csv.text.starts_with('\u{feff}'),
            "{db}: a byte-order mark for Excel"
        );
        let lines: Vec<&str> = csv.text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "Titel;Betrag;Verantwortlich", "{db}");
        assert_eq!(lines.len(), 2, "{db}: only the visible deal: {lines:?}");
        assert!(
            lines[1].starts_with("Südlicher Deal;1234,56;"),
            "{db}: {}",
            lines[1]
        );
        let csv = web.get("/accounts/export.csv?cols=name,city").await;
        assert!(
            csv.text.contains("\"Fähnrich; Söhne \"\"KG\"\"\""),
            "{db}: separators and quotes inside a value are quoted: {}",
            csv.text
        );
        assert!(!csv.text.contains("Nordlicht"), "{db}");

        // Saved views: stored per user, shown as links, deletable only by their owner.
        let saved = web
            .submit(
                "/deals",
                "/views",
                &[
                    ("list", "deals"),
                    ("name", "Rückrufe"),
                    (
                        "query",
                        "cols=title%2Cnext_step&status=open&cursor=abc&notice=saved",
                    ),
                ],
            )
            .await;
        assert_eq!(saved.status, 200, "{db}");
        assert!(saved.path.starts_with("/deals?"), "{db}");
        assert!(saved.select_text(".notice").is_some(), "{db}");
        let links = saved.select_all_attr(".view-chip a", "href");
        assert_eq!(
            links,
            vec!["/deals?cols=title%2Cnext_step&status=open"],
            "{db}"
        );
        let nameless = web
            .submit(
                "/deals",
                "/views",
                &[("list", "deals"), ("name", " "), ("query", "")],
            )
            .await;
        assert_eq!(nameless.status, 422, "{db}");
        let north_web = server.web(&north).await;
        assert!(
            north_web
                .get("/deals")
                .await
                .select_all_attr(".view-chip a", "href")
                .is_empty(),
            "{db}: views are personal"
        );
        let delete_action = saved
            .attr(".view-chip form", "action")
            .expect("a delete form");
        let refused = north_web
            .submit("/deals", &delete_action, &[("list", "deals")])
            .await;
        assert_eq!(refused.status, 404, "{db}");
        let deleted = web
            .submit("/deals", &delete_action, &[("list", "deals")])
            .await;
        assert_eq!(deleted.status, 200, "{db}");
        assert!(
            deleted.select_all_attr(".view-chip a", "href").is_empty(),
            "{db}"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn bulk_actions_change_all_chosen_records_or_none(db) {
        let server = TestServer::start(&db).await;
        let manager = server.user(Role::Manager).await;
        let colleague = server.user(Role::Field).await;
        let api = server.api_for(&manager).await;
        let a = api
            .post("/api/v1/accounts", json!({"name": "Erste AG"}))
            .await
            .body;
        let b = api
            .post(
                "/api/v1/accounts",
                json!({"name": "Zweite AG", "tags": ["A-Kunde"]}),
            )
            .await
            .body;
        let (a_id, b_id) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
        let web = server.web(&manager).await;

        let tagged = web
            .submit(
                "/accounts",
                "/accounts/bulk",
                &[
                    ("ids", a_id),
                    ("ids", b_id),
                    ("action", "tag"),
                    ("tag", "Messe 2027"),
                    ("back", "/accounts"),
                ],
            )
            .await;
        assert_eq!(tagged.status, 200, "{db}");
        assert!(tagged.select_text(".notice").is_some(), "{db}");
        let b_now = api.get(&format!("/api/v1/accounts/{b_id}")).await.body;
        assert_eq!(b_now["tags"], json!(["A-Kunde", "Messe 2027"]), "{db}");
        let history = api.get(&format!("/api/v1/accounts/{a_id}/history")).await;
        assert!(
            history.body.to_string().contains("Messe 2027"),
            "{db}: audited"
        );

        // One unknown record: nothing changes.
        let missing = uuid::Uuid::now_v7().to_string();
        let refused = web
            .submit(
                "/accounts",
                "/accounts/bulk",
                &[
                    ("ids", a_id),
                    ("ids", &missing),
                    ("action", "owner"),
                    ("owner", &colleague.id.to_string()),
                ],
            )
            .await;
        assert_eq!(refused.status, 404, "{db}");
        let a_now = api.get(&format!("/api/v1/accounts/{a_id}")).await.body;
        assert_ne!(a_now["owner_id"], json!(colleague.id.to_string()), "{db}");

        // Reassign deals; an unknown owner is refused with nothing changed.
        let d1 = deal(&api, "Deal eins", &a).await;
        let d2 = deal(&api, "Deal zwei", &b).await;
        let (d1, d2) = (d1["id"].as_str().unwrap(), d2["id"].as_str().unwrap());
        let bad = web
            .submit(
                "/deals",
                "/deals/bulk",
                &[
                    ("ids", d1),
                    ("ids", d2),
                    ("owner", &uuid::Uuid::now_v7().to_string()),
                ],
            )
            .await;
        assert_eq!(bad.status, 422, "{db}");
        assert_eq!(
            api.get(&format!("/api/v1/deals/{d1}")).await.body["owner_id"],
            json!(manager.id.to_string()),
            "{db}"
        );
        let moved = web
            .submit(
                "/deals",
                "/deals/bulk",
                &[
                    ("ids", d1),
                    ("ids", d2),
                    ("owner", &colleague.id.to_string()),
                    ("back", "/deals?status=open"),
                ],
            )
            .await;
        assert_eq!(moved.status, 200, "{db}");
        assert!(moved.path.starts_with("/deals?status=open"), "{db}");
        for d in [d1, d2] {
            assert_eq!(
                api.get(&format!("/api/v1/deals/{d}")).await.body["owner_id"],
                json!(colleague.id.to_string()),
                "{db}"
            );
        }
        server.stop().await;
    }
}

backend_test! {
    /// A bulk change is one transaction: a record refused halfway (one the user may not see,
    /// one that a later rule makes invalid) leaves the records before it unchanged too.
    async fn a_bulk_change_refused_halfway_changes_nothing(db) {
        let server = TestServer::start(&db).await;
        let south = server.person(Role::Field, "Süd", "Sabine Süd").await;
        let north = server.person(Role::Field, "Nord", "Norbert Nord").await;
        let admin = server.person(Role::Admin, "Zentrale", "Anna Admin").await;
        let (s, n, a) = (
            server.api_for(&south).await,
            server.api_for(&north).await,
            server.api_for(&admin).await,
        );
        let mine = s
            .post("/api/v1/accounts", json!({"name": "Süd Werkzeugbau GmbH"}))
            .await
            .body;
        let hidden = n
            .post("/api/v1/accounts", json!({"name": "Nord Stahl AG"}))
            .await
            .body;
        let mine_id = mine["id"].as_str().unwrap();
        let hidden_id = hidden["id"].as_str().unwrap();

        // Sabine lists her own account and one of the north team's: nothing changes.
        let web = server.web(&south).await;
        let refused = web
            .submit(
                "/accounts",
                "/accounts/bulk",
                &[
                    ("ids", mine_id),
                    ("ids", hidden_id),
                    ("action", "tag"),
                    ("tag", "Messe 2027"),
                ],
            )
            .await;
        assert_eq!(refused.status, 404, "{db}");
        let now = a.get(&format!("/api/v1/accounts/{mine_id}")).await.body;
        assert_eq!(
            (now["tags"].clone(), now["version"].clone()),
            (json!([]), json!(1)),
            "{db}"
        );

        // A required field added later: the first account has it, the second not. The
        // second is refused when saved, and the first stays as it was.
        let field = a
            .post(
                "/api/v1/custom-fields",
                json!({"entity": "account", "label": "ERP-Nummer", "kind": "text", "required": true}),
            )
            .await;
        assert_eq!(field.status, StatusCode::CREATED, "{db}: {}", field.body);
        let with_value = a
            .patch(
                &format!("/api/v1/accounts/{mine_id}"),
                json!({"version": 1, "custom": {"erp_nummer": "10042"}}),
            )
            .await;
        assert_eq!(
            with_value.status,
            StatusCode::OK,
            "{db}: {}",
            with_value.body
        );
        let admin_web = server.web(&admin).await;
        let refused = admin_web
            .submit(
                "/accounts",
                "/accounts/bulk",
                &[
                    ("ids", mine_id),
                    ("ids", hidden_id),
                    ("action", "tag"),
                    ("tag", "Messe 2027"),
                ],
            )
            .await;
        assert_eq!(refused.status, 422, "{db}");
        let now = a.get(&format!("/api/v1/accounts/{mine_id}")).await.body;
        assert_eq!(
            (now["tags"].clone(), now["version"].clone()),
            (json!([]), json!(2)),
            "{db}"
        );
        let history = a.get(&format!("/api/v1/accounts/{mine_id}/history")).await;
        assert!(
            !history.body.to_string().contains("Messe 2027"),
            "{db}: not audited"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn the_board_my_day_and_the_typeahead_work_without_javascript(db) {
        let server = TestServer::start(&db).await;
        let rep = server.user(Role::Field).await;
        let api = server.api_for(&rep).await;
        let acc = api
            .post("/api/v1/accounts", json!({"name": "Brückner Kältetechnik"}))
            .await
            .body;
        let d = deal(&api, "Kühlhaus Erweiterung", &acc).await;
        let id = d["id"].as_str().unwrap();
        api.post(
            "/api/v1/tasks",
            json!({"title": "Angebot nachfassen", "due_on": "2020-01-01", "assignee_id": rep.id.to_string()}),
        )
        .await;
        let web = server.web(&rep).await;

        // The board: columns with count and sums; the card's menu moves without script.
        let board = web.get("/board").await;
        assert_eq!(board.status, 200, "{db}");
        let heads = board.select_all_text(".column-head h2");
        assert_eq!(heads.len(), 6, "{db}");
        assert!(
            heads[0].starts_with("Erstkontakt") && heads[0].ends_with('1'),
            "{db}: {heads:?}"
        );
        let sums = board.select_text(".column:first-child .sums").unwrap();
        assert!(
            sums.contains("1.234,56 €") && sums.contains("61,73 €"),
            "{db}: {sums}"
        );
        let back = board.attr("input[name=back]", "value").unwrap();
        assert!(back.starts_with("/board?pipeline="), "{db}");
        let stages = board.select_all_attr(&format!("#to-{id} option"), "value");
        // The first stage needs a contact: the menu move explains it on the deal page.
        let refused = web
            .submit(
                "/board",
                &format!("/deals/{id}/stage"),
                &[("version", "1"), ("stage_id", &stages[1]), ("back", &back)],
            )
            .await;
        assert_eq!(refused.status, 422, "{db}");
        assert!(
            refused
                .select_text("#exit-criteria")
                .unwrap()
                .contains("Kontakt"),
            "{db}"
        );
        let contact = api
            .post(
                "/api/v1/contacts",
                json!({"last_name": "Brückner", "account_id": acc["id"]}),
            )
            .await
            .body;
        let current = api.get(&format!("/api/v1/deals/{id}")).await.body;
        api.patch(
            &format!("/api/v1/deals/{id}"),
            json!({"version": current["version"], "contacts": [{"contact_id": contact["id"], "role": "decision_maker"}]}),
        )
        .await;
        let version = api.get(&format!("/api/v1/deals/{id}")).await.body["version"].to_string();
        let moved = web
            .submit(
                "/board",
                &format!("/deals/{id}/stage"),
                &[
                    ("version", &version),
                    ("stage_id", &stages[1]),
                    ("back", &back),
                ],
            )
            .await;
        assert_eq!(moved.status, 200, "{db}");
        assert!(
            moved.path.starts_with("/board?pipeline="),
            "{db}: back on the board"
        );
        assert!(moved.select_text(".notice").is_some(), "{db}");
        assert!(
            moved
                .select_text(".column:nth-child(2)")
                .unwrap()
                .contains("Kühlhaus Erweiterung"),
            "{db}"
        );
        // A pipeline that does not exist is a 404, not an empty board.
        let gone = web
            .get(&format!("/board?pipeline={}", uuid::Uuid::now_v7()))
            .await;
        assert_eq!(gone.status, 404, "{db}");

        // My day: the overdue task and the overdue next step.
        let home = web.get("/").await;
        assert_eq!(home.select_text("h1").as_deref(), Some("Mein Tag"), "{db}");
        let text = home.select_text(".myday").unwrap();
        assert!(text.contains("Angebot nachfassen"), "{db}");
        assert!(
            text.contains("Kühlhaus Erweiterung") && text.contains("Rückruf"),
            "{db}"
        );

        // The typeahead fragment and the account names for forms.
        let hits = web.get("/search/suggest?q=Br%C3%BCck").await;
        assert_eq!(hits.status, 200, "{db}");
        let links = hits.select_all_attr("[role=option]", "href");
        assert!(
            links.contains(&format!("/accounts/{}", acc["id"].as_str().unwrap())),
            "{db}: {links:?}"
        );
        assert!(links.iter().any(|l| l.starts_with("/contacts/")), "{db}");
        let names = web.get("/search/accounts?q=K%C3%A4lte").await;
        assert_eq!(names.text, "[\"Brückner Kältetechnik\"]", "{db}");
        server.stop().await;
    }
}

#[tokio::test]
async fn admins_put_a_dragged_stage_at_its_new_place() {
    let db = backends().remove(0);
    let server = TestServer::start(&db).await;
    let (api, admin) = server.api(Role::Admin).await;
    let pipeline = &api.get("/api/v1/pipelines").await.body[0];
    let last = pipeline["stages"][5]["id"].as_str().unwrap().to_string();
    let web = server.web(&admin).await;
    let page = web
        .submit(
            "/admin/pipelines",
            &format!("/admin/stages/{last}/position"),
            &[("position", "0")],
        )
        .await;
    assert_eq!(page.status, 200);
    let after = &api.get("/api/v1/pipelines").await.body[0];
    assert_eq!(after["stages"][0]["id"], json!(last));
    let bad = web
        .submit(
            "/admin/pipelines",
            &format!("/admin/stages/{last}/position"),
            &[("position", "vorne")],
        )
        .await;
    assert_eq!(bad.status, 422);
    server.stop().await;
}

backend_test! {
    async fn the_boards_running_totals_follow_every_kind_of_deal_change(db) {
        let server = TestServer::start(&db).await;
        let (api, rep) = server.api(Role::Manager).await;
        let other = server.user(Role::Field).await;
        let acc = api
            .post("/api/v1/accounts", json!({"name": "Summen GmbH"}))
            .await
            .body;
        let contact = api
            .post(
                "/api/v1/contacts",
                json!({"last_name": "Zahl", "account_id": acc["id"]}),
            )
            .await
            .body;
        let mut ids = vec![];
        for (title, minor, p) in [
            ("A", 100_000, None),
            ("B", 250_050, Some(3_333)),
            ("C", 0, None),
        ] {
            let mut body = json!({"title": title, "account_id": acc["id"], "next_step": "Termin",
                "contacts": [{"contact_id": contact["id"], "role": "decision_maker"}]});
            if minor > 0 {
                body["amount"] = json!({"minor": minor, "currency": "EUR"});
            }
            if let Some(p) = p {
                body["probability_bp"] = json!(p);
            }
            ids.push(
                api.post("/api/v1/deals", body).await.body["id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
        let stages = api.get("/api/v1/pipelines").await.body[0]["stages"].clone();
        let patch = |id: &str, change: Value| {
            let api = &api;
            let id = id.to_string();
            async move {
                let current = api.get(&format!("/api/v1/deals/{id}")).await.body;
                let mut body = change;
                body["version"] = current["version"].clone();
                let r = api.patch(&format!("/api/v1/deals/{id}"), body).await;
                assert_eq!(r.status, 200, "{}", r.body);
            }
        };
        // Move, change amount and currency, change owner and partner, win, reopen.
        patch(&ids[0], json!({"stage_id": stages[1]["id"]})).await;
        patch(
            &ids[1],
            json!({"amount": {"minor": 99_999, "currency": "CHF"}, "probability_bp": null}),
        )
        .await;
        patch(
            &ids[2],
            json!({"owner_id": other.id.to_string(), "inside_partner_id": rep.id.to_string()}),
        )
        .await;
        patch(&ids[0], json!({"status": "won"})).await;
        patch(&ids[0], json!({"status": "open"})).await;
        patch(&ids[1], json!({"status": "lost", "lost_reason": "Preis"})).await;
        // Trash and restore.
        assert_eq!(
            api.delete(&format!("/api/v1/deals/{}", ids[2]))
                .await
                .status,
            204
        );
        let restored = api
            .post(&format!("/api/v1/deals/{}/restore", ids[2]), json!({}))
            .await;
        assert!(restored.status.is_success(), "{db}: {}", restored.body);

        let ws = server.workspace;
        let mut c = server.store.read().await.unwrap();
        let running: Vec<_> = tandem_store::deals::totals(&mut c.conn(), ws)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| {
                if r.deals == 0 {
                    assert_eq!(
                        (r.amount_minor, r.weighted_own, r.amount_default),
                        (0, 0, 0),
                        "{db}"
                    );
                }
                r.deals != 0
            })
            .collect();
        drop(c);
        let mut tx = server.store.begin().await.unwrap();
        tandem_store::deals::rebuild_totals(&mut tx.conn(), Some(ws))
            .await
            .unwrap();
        let rebuilt = tandem_store::deals::totals(&mut tx.conn(), ws)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(running, rebuilt, "{db}: running totals equal a recount");
        assert_eq!(
            rebuilt.iter().map(|r| r.deals).sum::<i64>(),
            2,
            "{db}: two open deals"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn deals_without_an_amount_add_no_currency_less_zero_to_the_board(db) {
        let server = TestServer::start(&db).await;
        let (api, rep) = server.api(Role::Manager).await;
        let acc = api
            .post("/api/v1/accounts", json!({"name": "Ohne Betrag GmbH"}))
            .await
            .body;
        for (title, amount) in [
            (
                "Mit Betrag",
                Some(json!({"minor": 5_000_000, "currency": "EUR"})),
            ),
            ("Aus einem Lead", None),
        ] {
            let mut body = json!({"title": title, "account_id": acc["id"]});
            if let Some(a) = amount {
                body["amount"] = a;
            }
            assert_eq!(api.post("/api/v1/deals", body).await.status, 201, "{db}");
        }
        let web = server.web(&rep).await;
        let board = web.get("/board").await;
        let sums = board.select_all_text(".column-head .sum");
        assert_eq!(sums[0], "50.000,00 €", "{db}: {sums:?}");
        assert!(sums.iter().all(|s| !s.contains(" · ")), "{db}: {sums:?}");
        assert_eq!(
            board.select_text(".pagehead .lead strong").as_deref(),
            Some("50.000,00 €"),
            "{db}: the page total"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn a_stale_or_edited_pager_link_starts_the_list_again_at_the_first_page(db) {
        let server = TestServer::start(&db).await;
        let rep = server.user(Role::Field).await;
        let api = server.api_for(&rep).await;
        let acc = api
            .post("/api/v1/accounts", json!({"name": "Zeppelin Hydraulik GmbH"}))
            .await
            .body;
        api.post(
            "/api/v1/contacts",
            json!({"first_name": "Jutta", "last_name": "Riemer", "account_id": acc["id"]}),
        )
        .await;
        deal(&api, "Hydraulikaggregate 2027", &acc).await;
        let web = server.web(&rep).await;
        // A cursor made for another sort, and one that is not a cursor at all.
        let other_sort = web.get("/accounts?sort=name").await;
        assert_eq!(other_sort.status, 200, "{db}");
        for (list, name) in [
            ("/accounts", "Zeppelin Hydraulik GmbH"),
            ("/contacts", "Jutta Riemer"),
            ("/deals", "Hydraulikaggregate 2027"),
        ] {
            for cursor in ["abc", "eyJzIjoieCJ9"] {
                let page = web.get(&format!("{list}?cursor={cursor}")).await;
                assert_eq!(page.status, 200, "{list} {cursor} {db}");
                assert!(
                    page.select_all_text("table.list td a.strong")
                        .iter()
                        .any(|t| t == name),
                    "{list} {cursor} shows the first page: {db}"
                );
            }
        }
        server.stop().await;
    }
}
