//! The product catalogue: kept by admins and managers, read by everyone, checked by field.

use serde_json::json;
use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test};

backend_test! {
    async fn the_catalogue_is_kept_by_managers_and_checked_by_field(db) {
        let server = TestServer::start(&db).await;
        let (manager, _) = server.api(Role::Manager).await;
        let (rep, rep_user) = server.api(Role::Field).await;
        let pump = manager
            .post(
                "/api/v1/products",
                json!({"sku": "BP-200", "name": "Brunnenpumpe 200", "unit": "Stk.",
                       "list_price": {"minor": 129_900, "currency": "EUR"}}),
            )
            .await;
        assert_eq!(pump.status, 201, "{db}: {}", pump.body);
        assert_eq!(pump.body["tax_rate"], "19", "{db}");
        let id = pump.body["id"].as_str().unwrap().to_string();
        manager
            .post(
                "/api/v1/products",
                json!({"sku": "MONT-H", "name": "Montage je Stunde", "unit": "Std.", "tax_rate": "19",
                       "list_price": {"minor": 8_500, "currency": "EUR"}}),
            )
            .await;
        // Everyone reads and searches it (umlaut-tolerant, SKU or name words).
        let found = rep.get("/api/v1/products?q=brunnen").await;
        assert_eq!(
            found.body["items"].as_array().unwrap().len(),
            1,
            "{db}: {}",
            found.body
        );
        assert_eq!(
            rep.get("/api/v1/products?q=mont").await.body["items"][0]["sku"],
            "MONT-H",
            "{db}"
        );
        // Field reps do not change it.
        let refused = rep
            .post(
                "/api/v1/products",
                json!({"sku": "X", "name": "X", "list_price": {"minor": 1, "currency": "EUR"}}),
            )
            .await;
        assert_eq!(refused.status, 403, "{db}");
        // Bad input, by field; nothing stored.
        for (body, field, code) in [
            (
                json!({"sku": "BP-200", "name": "Doppelt", "list_price": {"minor": 1, "currency": "EUR"}}),
                "sku",
                "taken",
            ),
            (
                json!({"sku": "A B", "name": "x", "list_price": {"minor": 1, "currency": "EUR"}}),
                "sku",
                "no_spaces",
            ),
            (
                json!({"sku": "N1", "name": "x", "list_price": {"minor": -5, "currency": "EUR"}}),
                "list_price",
                "must_not_be_negative",
            ),
            (
                json!({"sku": "N2", "name": "x", "list_price": {"minor": 5, "currency": "EUR"}, "tax_rate": "16"}),
                "tax_rate",
                "unknown_tax_rate",
            ),
            (json!({"sku": "N3", "name": "x"}), "list_price", "required"),
            (
                json!({"sku": "N4", "name": "x", "list_price": {"minor": 5, "currency": "EUR"}, "colour": 1}),
                "colour",
                "unknown_field",
            ),
        ] {
            let r = manager.post("/api/v1/products", body).await;
            assert_eq!(r.status, 422, "{db}: {}", r.body);
            assert_eq!(r.body["errors"][0]["field"], field, "{db}: {}", r.body);
            assert_eq!(r.body["errors"][0]["code"], code, "{db}: {}", r.body);
        }
        assert_eq!(
            manager.get("/api/v1/products").await.body["items"]
                .as_array()
                .unwrap()
                .len(),
            2,
            "{db}"
        );
        // Change with the version; a stale one is a conflict; deactivate; delete.
        let path = format!("/api/v1/products/{id}");
        let changed = manager
            .patch(
                &path,
                json!({"version": 1, "tax_rate": "7", "active": false}),
            )
            .await;
        assert_eq!(changed.status, 200, "{db}: {}", changed.body);
        assert_eq!(
            (
                changed.body["tax_rate"].as_str(),
                changed.body["active"].as_bool()
            ),
            (Some("7"), Some(false)),
            "{db}"
        );
        assert_eq!(
            manager
                .patch(&path, json!({"version": 1, "name": "y"}))
                .await
                .status,
            409,
            "{db}"
        );
        assert_eq!(
            rep.get("/api/v1/products?active=true").await.body["items"]
                .as_array()
                .unwrap()
                .len(),
            1,
            "{db}"
        );
        assert_eq!(manager.delete(&path).await.status, 204, "{db}");
        assert_eq!(rep.get(&path).await.status, 404, "{db}");
        // The SKU is free again once the product is gone.
        let again = manager
            .post("/api/v1/products", json!({"sku": "BP-200", "name": "Brunnenpumpe 200 II", "list_price": {"minor": 139_900, "currency": "EUR"}}))
            .await;
        assert_eq!(again.status, 201, "{db}: {}", again.body);

        // The page: everyone sees the catalogue; a manager adds one, a typo in the
        // price is explained at the field.
        let web = server.web(&rep_user).await;
        let page = web.get("/products").await;
        assert!(
            page.text.contains("Brunnenpumpe 200 II") && page.text.contains("1.399,00 €"),
            "{db}"
        );
        assert!(
            page.select_text("form[action='/products'] h2").is_none(),
            "{db}: no form for field reps"
        );
        let boss = server.web(&server.user(Role::Manager).await).await;
        let typo = boss
            .submit(
                "/products",
                "/products",
                &[
                    ("sku", "SCH-1"),
                    ("name", "Schachtabdeckung"),
                    ("price", "12,3,4"),
                    ("currency", "EUR"),
                    ("tax_rate", "19"),
                    ("active", "on"),
                ],
            )
            .await;
        assert_eq!(typo.status, 422, "{db}");
        assert!(
            typo.select_text(".field-error").unwrap().contains("Betrag"),
            "{db}"
        );
        let ok = boss
            .submit(
                "/products",
                "/products",
                &[
                    ("sku", "SCH-1"),
                    ("name", "Schachtabdeckung"),
                    ("price", "249,50"),
                    ("currency", "EUR"),
                    ("tax_rate", "19"),
                    ("active", "on"),
                ],
            )
            .await;
        assert!(ok.text.contains("249,50 €"), "{db}");
        server.stop().await;
    }
}

backend_test! {
    async fn running_numbers_are_gapless_and_unique_under_concurrency(db) {
        use tandem_store::sequences::next;
        let server = TestServer::start(&db).await;
        let ws = server.workspace;
        // Twenty writers at once: each gets its own number, none is skipped.
        let mut tasks = vec![];
        for _ in 0..20 {
            let store = server.store.clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = store.begin().await.unwrap();
                let n = next(&mut tx.conn(), ws, "quote", 2026).await.unwrap();
                tx.commit().await.unwrap();
                n
            }));
        }
        let mut got = vec![];
        for t in tasks {
            got.push(t.await.unwrap());
        }
        got.sort();
        assert_eq!(got, (1..=20).collect::<Vec<i64>>(), "{db}");
        // A transaction that fails gives its number back.
        {
            let mut tx = server.store.begin().await.unwrap();
            assert_eq!(
                next(&mut tx.conn(), ws, "quote", 2026).await.unwrap(),
                21,
                "{db}"
            );
            drop(tx); // rolled back
        }
        let mut tx = server.store.begin().await.unwrap();
        assert_eq!(
            next(&mut tx.conn(), ws, "quote", 2026).await.unwrap(),
            21,
            "{db}"
        );
        // Another year and another sequence start at one.
        assert_eq!(
            next(&mut tx.conn(), ws, "quote", 2027).await.unwrap(),
            1,
            "{db}"
        );
        assert_eq!(
            next(&mut tx.conn(), ws, "order", 2026).await.unwrap(),
            1,
            "{db}"
        );
        tx.commit().await.unwrap();
        server.stop().await;
    }
}

backend_test! {
    async fn a_merchandise_csv_fills_and_updates_the_catalogue_all_or_nothing(db) {
        let server = TestServer::start(&db).await;
        let (manager, _) = server.api(Role::Manager).await;
        let (rep, _) = server.api(Role::Field).await;
        let csv = |text: &str| encoding_rs::WINDOWS_1252.encode(text).0.into_owned();
        async fn post(
            api: &tandem_testkit::ApiClient,
            body: Vec<u8>,
        ) -> tandem_testkit::ApiResponse {
            api.raw(
                reqwest::Method::POST,
                "/api/v1/products/import",
                "text/csv",
                body,
            )
            .await
        }
        // An Excel export: semicolons, German headers and numbers, Windows-1252.
        let first = csv(
            "Artikelnummer;Bezeichnung;Einheit;Preis;Steuersatz;Aktiv\r\n\
             BP-200;Brunnenpumpe 200;Stk.;1.299,00;19;ja\r\n\
             FB-1;Fachbuch Brunnenbau;Stk.;39,90;7;ja\r\n\
             ;;;;;\r\n\
             MONT-H;Montage je Stunde (Geselle, Ölbrenner);Std.;85,00;19;nein\r\n",
        );
        let r = post(&manager, first).await;
        assert_eq!(r.status, 200, "{db}: {}", r.body);
        assert_eq!(r.body, json!({"created": 3, "updated": 0}), "{db}");
        let all = rep.get("/api/v1/products").await;
        let names: Vec<&str> = all.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(
            names.contains(&"Montage je Stunde (Geselle, Ölbrenner)"),
            "{db}: {names:?}"
        );
        let book = rep.get("/api/v1/products?q=fachbuch").await;
        assert_eq!(book.body["items"][0]["list_price"]["minor"], 3_990, "{db}");
        assert_eq!(book.body["items"][0]["tax_rate"], "7", "{db}");
        // A second file: one price changes, one product is new — and one row is bad,
        // so nothing at all is taken over.
        let bad = b"sku,name,price\nBP-200,Brunnenpumpe 200,1399.00\nNEU-1,Neu,zwoelf\nBP-200,Doppelt,1.00\n"
            .to_vec();
        let r = post(&manager, bad).await;
        assert_eq!(r.status, 422, "{db}: {}", r.body);
        let fields: Vec<&str> = r.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(
            fields,
            ["rows[2].list_price", "rows[3].sku"],
            "{db}: {}",
            r.body
        );
        let pump = rep.get("/api/v1/products?q=BP-200").await;
        assert_eq!(
            pump.body["items"][0]["list_price"]["minor"], 129_900,
            "{db}: unchanged"
        );
        let good = b"sku,name,price\nBP-200,Brunnenpumpe 200,1399.00\nNEU-1,Neu,12.00\n".to_vec();
        let r = post(&manager, good).await;
        assert_eq!(
            r.body,
            json!({"created": 1, "updated": 1}),
            "{db}: {}",
            r.body
        );
        let missing = post(&manager, b"Bezeichnung;Preis\nX;1,00\n".to_vec()).await;
        assert_eq!(missing.status, 422, "{db}");
        assert_eq!(missing.body["errors"][0]["field"], "columns.sku", "{db}");
        assert_eq!(
            post(&rep, b"sku;name;price\n".to_vec()).await.status,
            403,
            "{db}"
        );
    }
}

backend_test! {
    async fn dealers_get_their_price_list_on_quotes(db) {
        let server = TestServer::start(&db).await;
        let (manager, _) = server.api(Role::Manager).await;
        let (inside, _) = server.api(Role::Inside).await;
        let (rep, _) = server.api(Role::Field).await;
        let pump = manager
            .post(
                "/api/v1/products",
                json!({"sku": "BP-200", "name": "Brunnenpumpe 200",
                       "list_price": {"minor": 129_900, "currency": "EUR"}}),
            )
            .await;
        let pump_id = pump.body["id"].as_str().unwrap().to_string();
        let list = manager
            .post(
                "/api/v1/price-lists",
                json!({"name": "Händlerpreise", "customer_group": "Händler"}),
            )
            .await;
        assert_eq!(list.status, 201, "{db}: {}", list.body);
        let list_id = list.body["id"].as_str().unwrap().to_string();
        let same = manager
            .post(
                "/api/v1/price-lists",
                json!({"name": "Zweite", "customer_group": "Händler"}),
            )
            .await;
        assert_eq!(same.status, 422, "{db}: {}", same.body);
        assert_eq!(same.body["errors"][0]["field"], "customer_group", "{db}");
        let negative = manager
            .put(
                &format!("/api/v1/price-lists/{list_id}/prices"),
                json!({"prices": [{"product_id": pump_id, "price": -1}]}),
            )
            .await;
        assert_eq!(negative.status, 422, "{db}: {}", negative.body);
        assert_eq!(
            negative.body["errors"][0]["field"],
            format!("prices.{pump_id}"),
            "{db}"
        );
        assert_eq!(
            rep.put(
                &format!("/api/v1/price-lists/{list_id}/prices"),
                json!({"prices": [{"product_id": pump_id, "price": 1}]}),
            )
            .await
            .status,
            403,
            "{db}"
        );
        let set = manager
            .put(
                &format!("/api/v1/price-lists/{list_id}/prices"),
                json!({"prices": [{"product_id": pump_id, "price": 109_900}]}),
            )
            .await;
        assert_eq!(set.status, 204, "{db}: {}", set.body);
        let detail = manager.get(&format!("/api/v1/price-lists/{list_id}")).await;
        assert_eq!(detail.body["prices"][0]["price"], 109_900, "{db}");

        let dealer = inside
            .post(
                "/api/v1/accounts",
                json!({"name": "Pumpenhandel Nord", "tags": ["Händler"]}),
            )
            .await;
        let end_user = inside
            .post("/api/v1/accounts", json!({"name": "Hof Schulte"}))
            .await;
        for (account, price) in [(&dealer, 109_900), (&end_user, 129_900)] {
            let q = inside
                .post(
                    "/api/v1/quotes",
                    json!({"account_id": account.body["id"],
                           "lines": [{"product_id": pump_id, "quantity": "1"}]}),
                )
                .await;
            assert_eq!(q.status, 201, "{db}: {}", q.body);
            assert_eq!(
                q.body["lines"][0]["unit_price"], price,
                "{db}: {}",
                account.body["name"]
            );
        }
    }
}
