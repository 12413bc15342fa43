//! Imports from CSV and XLSX on both backends: the guessed mapping, preview and dry run
//! that keep nothing, the job with its result, duplicates skipped or updated, the undo
//! of the whole import, bad files refused by field, and exports that neutralise
//! formulas.

use reqwest::Method;
use serde_json::{Value, json};
use tandem_domain::Role;
use tandem_testkit::{ApiClient, TestServer, backend_test};

async fn upload(
    api: &ApiClient,
    kind: &str,
    name: &str,
    body: Vec<u8>,
) -> tandem_testkit::ApiResponse {
    api.raw(
        Method::POST,
        &format!("/api/v1/imports?kind={kind}&file_name={name}"),
        "text/csv",
        body,
    )
    .await
}

/// Polls the import until its job is through.
async fn finished(api: &ApiClient, id: &str) -> Value {
    for _ in 0..150 {
        let i = api.get(&format!("/api/v1/imports/{id}")).await.body;
        if i["status"] != "running" {
            return i;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("import {id} did not finish");
}

fn count(v: &Value) -> usize {
    v["items"].as_array().map_or(0, Vec::len)
}

backend_test! {
    async fn a_contact_spreadsheet_is_mapped_checked_imported_and_undone(db) {
        let server = TestServer::start(&db).await;
        let (boss, _) = server.api(Role::Manager).await;
        // Someone who exists already: the import must not make her twice.
        let acme = boss
            .post(
                "/api/v1/accounts",
                json!({"name": "Brunnenbau Köhler GmbH"}),
            )
            .await;
        let known = boss
            .post(
                "/api/v1/contacts",
                json!({"last_name": "Berg", "first_name": "Anna", "emails": ["anna@berg.example"], "account_id": acme.body["id"]}),
            )
            .await;
        assert_eq!(known.status, 201, "{db}: {}", known.body);
        // An Excel CSV export: Windows-1252, semicolons, German headers.
        let csv = "Anrede;Vorname;Nachname;Firma;E-Mail;Telefon;Lieblingsfarbe\r\n\
                   Herr;Jens;Köhler;Brunnenbau Köhler GmbH;jens@koehler.example;0251 123456;blau\r\n\
                   Frau;Anna;Berg;Brunnenbau Köhler GmbH;ANNA@berg.example;;grün\r\n\
                   ;Ohne;;Nirgends AG;ohne@x.example;;rot\r\n\
                   Frau;Maria;Lindner;Stadtwerke Lindenau;kein-at;;gelb\r\n\
                   Frau;Eva;Neu;Stadtwerke Lindenau;eva@lindenau.example;030 1;\r\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(csv);
        let up = upload(&boss, "contacts", "kontakte.csv", bytes.to_vec()).await;
        assert_eq!(up.status, 201, "{db}: {}", up.body);
        assert_eq!(
            up.body["mapping"],
            json!([
                "salutation",
                "first_name",
                "last_name",
                "account",
                "email",
                "phone",
                null
            ]),
            "{db}"
        );
        assert_eq!(up.body["total_rows"], 5, "{db}");
        let id = up.body["id"].as_str().unwrap().to_string();

        // The preview and the dry run name the bad rows and keep nothing.
        let preview = boss.get(&format!("/api/v1/imports/{id}/preview")).await;
        assert_eq!(preview.status, 200, "{db}: {}", preview.body);
        let errors: Vec<(u64, String)> = preview.body["outcome"]["row_errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["row"].as_u64().unwrap(),
                    e["field"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            errors,
            [(3, "last_name".to_string()), (4, "emails".to_string())],
            "{db}: {}",
            preview.body
        );
        let dry = boss
            .post(&format!("/api/v1/imports/{id}/dry-run"), json!({}))
            .await;
        assert_eq!(dry.status, 200, "{db}: {}", dry.body);
        assert_eq!(
            (
                dry.body["created"].as_i64(),
                dry.body["skipped"].as_i64(),
                dry.body["duplicates"].as_i64()
            ),
            (Some(2), Some(3), Some(1)),
            "{db}: {}",
            dry.body
        );
        assert_eq!(
            count(&boss.get("/api/v1/contacts").await.body),
            1,
            "{db}: the dry run kept nothing"
        );
        assert_eq!(count(&boss.get("/api/v1/accounts").await.body), 1, "{db}");

        // Mapping to an unknown field, or without the last name, is refused by field.
        let bad = boss
            .put(
                &format!("/api/v1/imports/{id}/mapping"),
                json!({"mapping": ["shoe_size"]}),
            )
            .await;
        assert_eq!(bad.status, 422, "{db}: {}", bad.body);
        let fields: Vec<&str> = bad.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["mapping[0]", "mapping.last_name"], "{db}");

        // The import: a job; the result counts what happened.
        let run = boss
            .post(&format!("/api/v1/imports/{id}/run"), json!({}))
            .await;
        assert_eq!(run.status, 202, "{db}: {}", run.body);
        let done = finished(&boss, &id).await;
        assert_eq!(done["status"], "done", "{db}: {done}");
        assert_eq!(
            (
                done["created"].as_i64(),
                done["skipped"].as_i64(),
                done["duplicates"].as_i64(),
                done["processed"].as_i64()
            ),
            (Some(2), Some(3), Some(1), Some(5)),
            "{db}: {done}"
        );
        assert_eq!(done["row_errors"].as_array().unwrap().len(), 2, "{db}");
        let contacts = boss.get("/api/v1/contacts?limit=50").await.body;
        assert_eq!(count(&contacts), 3, "{db}: {contacts}");
        let jens = contacts["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["last_name"] == "Köhler")
            .cloned()
            .unwrap();
        assert_eq!(jens["salutation"], "mr", "{db}");
        assert_eq!(
            jens["account_id"], acme.body["id"],
            "{db}: filed under the existing company"
        );
        assert_eq!(
            count(&boss.get("/api/v1/accounts").await.body),
            2,
            "{db}: Stadtwerke Lindenau was made"
        );
        // Imported contacts are found by the global search like any other.
        let found = boss.get("/api/v1/search?q=Lindenau%20Neu").await;
        assert!(
            found.body.to_string().contains("Neu"),
            "{db}: {}",
            found.body
        );
        // Started twice: refused.
        assert_eq!(
            boss.post(&format!("/api/v1/imports/{id}/run"), json!({}))
                .await
                .status,
            409,
            "{db}"
        );

        // Undo: what it made is gone again, what was there stays.
        let undone = boss
            .post(&format!("/api/v1/imports/{id}/undo"), json!({}))
            .await;
        assert_eq!(undone.status, 200, "{db}: {}", undone.body);
        assert_eq!(undone.body["status"], "undone", "{db}");
        let left = boss.get("/api/v1/contacts").await.body;
        assert_eq!(count(&left), 1, "{db}: {left}");
        assert_eq!(left["items"][0]["last_name"], "Berg", "{db}");
        assert_eq!(count(&boss.get("/api/v1/accounts").await.body), 1, "{db}");
        assert_eq!(
            boss.post(&format!("/api/v1/imports/{id}/undo"), json!({}))
                .await
                .status,
            409,
            "{db}: once"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn an_excel_file_updates_known_companies_and_the_undo_restores_them(db) {
        let server = TestServer::start(&db).await;
        let (boss, _) = server.api(Role::Manager).await;
        let old = boss
            .post("/api/v1/accounts", json!({"name": "Hansen Wassertechnik KG", "city": "Kiel", "website": "hansen-wasser.example"}))
            .await;
        assert_eq!(old.status, 201, "{db}: {}", old.body);
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["Firmenname", "PLZ", "Ort", "Mitarbeiter", "Website"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        let rows = [
            ["Hansen Wassertechnik KG", "24103", "Kiel-Mitte", "", ""],
            [
                "Krämer Tiefbau GmbH",
                "24105",
                "Kiel",
                "",
                "kraemer-tiefbau.example",
            ],
        ];
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    sheet.write_string((r + 1) as u32, c as u16, *v).unwrap();
                }
            }
        }
        sheet.write_number(1, 3, 55.0).unwrap();
        sheet.write_number(2, 3, 1200.0).unwrap();
        let up = upload(
            &boss,
            "accounts",
            "firmen.xlsx",
            book.save_to_buffer().unwrap(),
        )
        .await;
        assert_eq!(up.status, 201, "{db}: {}", up.body);
        let id = up.body["id"].as_str().unwrap().to_string();
        let mapped = boss
            .put(
                &format!("/api/v1/imports/{id}/mapping"),
                json!({"version": up.body["version"], "mapping": up.body["mapping"], "on_duplicate": "update"}),
            )
            .await;
        assert_eq!(mapped.status, 200, "{db}: {}", mapped.body);
        boss.post(&format!("/api/v1/imports/{id}/run"), json!({}))
            .await;
        let done = finished(&boss, &id).await;
        assert_eq!(
            (done["created"].as_i64(), done["updated"].as_i64()),
            (Some(1), Some(1)),
            "{db}: {done}"
        );
        let hansen = boss
            .get(&format!(
                "/api/v1/accounts/{}",
                old.body["id"].as_str().unwrap()
            ))
            .await
            .body;
        assert_eq!(
            (
                hansen["city"].as_str(),
                hansen["employees"].as_i64(),
                hansen["website"].as_str()
            ),
            (
                Some("Kiel-Mitte"),
                Some(55),
                Some("https://hansen-wasser.example")
            ),
            "{db}: empty cells change nothing: {hansen}"
        );
        boss.post(&format!("/api/v1/imports/{id}/undo"), json!({}))
            .await;
        let back = boss
            .get(&format!(
                "/api/v1/accounts/{}",
                old.body["id"].as_str().unwrap()
            ))
            .await
            .body;
        assert_eq!(
            (back["city"].as_str(), back["employees"].as_i64()),
            (Some("Kiel"), None),
            "{db}: {back}"
        );
        assert_eq!(count(&boss.get("/api/v1/accounts").await.body), 1, "{db}");
        server.stop().await;
    }
}

backend_test! {
    async fn leads_and_deals_come_in_too(db) {
        let server = TestServer::start(&db).await;
        let (boss, _) = server.api(Role::Manager).await;
        let (mia, _) = server.api(Role::Marketing).await;
        mia.post("/api/v1/campaigns", json!({"name": "Messe 2026"}))
            .await;
        let leads = "first_name,last_name,email,company,Kampagne,Quelle\n\
                     Jens,Köhler,jens@k.example,Köhler GmbH,Messe 2026,Messe\n\
                     Eva,Early,eva@e.example,Early KG,Unbekannt,\n";
        let up = upload(&mia, "leads", "leads.csv", leads.as_bytes().to_vec()).await;
        assert_eq!(up.status, 201, "{db}: {}", up.body);
        let id = up.body["id"].as_str().unwrap();
        mia.post(&format!("/api/v1/imports/{id}/run"), json!({}))
            .await;
        let done = finished(&mia, id).await;
        assert_eq!(done["created"], 1, "{db}: {done}");
        assert_eq!(done["row_errors"][0]["field"], "campaign", "{db}: {done}");
        let l = mia.get("/api/v1/leads").await.body;
        assert_eq!(
            (
                l["items"][0]["source"].as_str(),
                l["items"][0]["campaign_name"].as_str()
            ),
            (Some("trade_fair"), Some("Messe 2026")),
            "{db}: {l}"
        );
        // Marketing does not import deals; a manager does.
        assert_eq!(
            upload(&mia, "deals", "d.csv", b"Titel;Kunde\nX;Y\n".to_vec())
                .await
                .status,
            403,
            "{db}"
        );
        let deals = "Titel;Kunde;Betrag;Abschluss\nNeue Bohranlage;Köhler GmbH;12.500,00;31.03.2027\nZweite;Köhler GmbH;viel;\n";
        let up = upload(&boss, "deals", "deals.csv", deals.as_bytes().to_vec()).await;
        let id = up.body["id"].as_str().unwrap();
        boss.post(&format!("/api/v1/imports/{id}/run"), json!({}))
            .await;
        let done = finished(&boss, id).await;
        assert_eq!(
            (
                done["created"].as_i64(),
                done["row_errors"][0]["field"].as_str()
            ),
            (Some(1), Some("amount")),
            "{db}: {done}"
        );
        let d = boss.get("/api/v1/deals").await.body;
        assert_eq!(d["items"][0]["amount"]["minor"], 1_250_000, "{db}: {d}");
        assert_eq!(d["items"][0]["expected_close"], "2027-03-31", "{db}");
        server.stop().await;
    }
}

backend_test! {
    async fn bad_files_are_refused_and_exports_neutralise_formulas(db) {
        let server = TestServer::start(&db).await;
        let (boss, user) = server.api(Role::Manager).await;
        let (rep, _) = server.api(Role::Field).await;
        let wide: String = (0..150).map(|i| format!("c{i};")).collect::<String>() + "\nx\n";
        for (body, code) in [
            (vec![0u8, 159, 146, 150, 0, 1, 2], "not_a_table"),
            (b"   \n".to_vec(), "empty_file"),
            (b"Nachname;E-Mail\n".to_vec(), "no_rows"),
            (wide.into_bytes(), "too_many_columns"),
            (b"PK\x03\x04garbage".to_vec(), "not_a_table"),
        ] {
            let r = upload(&boss, "contacts", "x.csv", body).await;
            assert_eq!(r.status, 422, "{db}: {code}: {}", r.body);
            assert_eq!(
                (
                    r.body["errors"][0]["field"].as_str(),
                    r.body["errors"][0]["code"].as_str()
                ),
                (Some("file"), Some(code)),
                "{db}"
            );
        }
        let huge = vec![b'a'; 21 * 1024 * 1024];
        assert_eq!(
            upload(&boss, "contacts", "big.csv", huge).await.status,
            413,
            "{db}"
        );
        assert_eq!(
            upload(&boss, "sheep", "x.csv", b"a\nb\n".to_vec())
                .await
                .status,
            422,
            "{db}"
        );
        assert_eq!(
            upload(&rep, "contacts", "x.csv", b"Nachname\nX\n".to_vec())
                .await
                .status,
            403,
            "{db}"
        );
        assert_eq!(
            count(&boss.get("/api/v1/imports").await.body),
            0,
            "{db}: nothing was kept"
        );

        // An account whose name starts like a formula: the export makes it harmless.
        boss.post(
            "/api/v1/accounts",
            json!({"name": "=HYPERLINK(\"http://evil.example\")"}),
        )
        .await;
        let web = server.web(&user).await;
        let csv = web
            .http
            .get(server.url("/accounts/export.csv"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(csv.contains("'=HYPERLINK"), "{db}: {csv}");
        let xlsx = web
            .http
            .get(server.url("/accounts/export.xlsx"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            xlsx.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "{db}"
        );
        assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"), "{db}");
        server.stop().await;
    }
}

backend_test! {
    async fn vcards_go_out_and_come_back_in(db) {
        let server = TestServer::start(&db).await;
        let (boss, user) = server.api(Role::Manager).await;
        let acme = boss
            .post(
                "/api/v1/accounts",
                json!({"name": "Brunnenbau Köhler GmbH"}),
            )
            .await;
        let c = boss
            .post(
                "/api/v1/contacts",
                json!({"first_name": "Jens", "last_name": "Köhler", "title": "Dr.", "position": "Geschäftsführer",
                       "emails": ["jens@koehler.example"], "phones": ["0251 123456"], "account_id": acme.body["id"]}),
            )
            .await;
        let web = server.web(&user).await;
        let one = web
            .http
            .get(server.url(&format!(
                "/contacts/{}/vcard",
                c.body["id"].as_str().unwrap()
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(
            one.headers()["content-type"],
            "text/vcard; charset=utf-8",
            "{db}"
        );
        let card = one.text().await.unwrap();
        assert!(
            card.contains("N:Köhler;Jens;;Dr.;") && card.contains("ORG:Brunnenbau Köhler GmbH"),
            "{db}: {card}"
        );
        let all = web
            .http
            .get(server.url("/contacts/export.vcf"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(all.matches("BEGIN:VCARD").count(), 1, "{db}");
        // A phone's export with a new person and the known one: the known one is skipped.
        let file = format!(
            "{all}BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Berg\r\nORG:Stadtwerke Lindenau\r\nEMAIL:anna@lindenau.example\r\nEND:VCARD\r\n"
        );
        let up = upload(&boss, "contacts", "telefon.vcf", file.into_bytes()).await;
        assert_eq!(up.status, 201, "{db}: {}", up.body);
        let id = up.body["id"].as_str().unwrap();
        boss.post(&format!("/api/v1/imports/{id}/run"), json!({}))
            .await;
        let done = finished(&boss, id).await;
        assert_eq!(
            (done["created"].as_i64(), done["duplicates"].as_i64()),
            (Some(1), Some(1)),
            "{db}: {done}"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn the_import_pages_walk_through_without_javascript(db) {
        let server = TestServer::start(&db).await;
        let user = server.user(Role::Manager).await;
        let web = server.web(&user).await;
        let page = web.get("/imports?kind=contacts").await;
        assert_eq!(page.status, 200, "{db}");
        let csrf = page.csrf();
        let upload = |bytes: &'static [u8]| {
            let form = reqwest::multipart::Form::new()
                .text("_csrf", csrf.clone())
                .text("kind", "contacts")
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(bytes).file_name("kontakte.csv"),
                );
            web.http.post(server.url("/imports")).multipart(form).send()
        };
        // A binary file: the page explains.
        let refused = upload(b"\x00\x01\x02binary").await.unwrap();
        assert_eq!(refused.status(), 422, "{db}");
        assert!(
            refused
                .text()
                .await
                .unwrap()
                .contains("keine CSV- oder Excel-Datei"),
            "{db}"
        );
        let ok = upload(
            b"Nachname;Vorname;E-Mail\nK\xc3\xb6hler;Jens;jens@k.example\nBerg;Anna;kein-at\n",
        )
        .await
        .unwrap();
        assert_eq!(ok.status(), 200, "{db}");
        let at = ok.url().path().to_string();
        assert!(at.starts_with("/imports/"), "{db}: {at}");
        let mapping = web.get(&at).await;
        assert_eq!(
            mapping
                .attr("select[name='col.0'] option[selected]", "value")
                .as_deref(),
            Some("last_name"),
            "{db}"
        );
        let problems = mapping.select_all_text("#import-preview td.problems");
        assert!(
            problems.iter().any(|p| p.contains("E-Mail")),
            "{db}: {problems:?}"
        );
        // The dry run, then the import.
        let version = mapping.attr("input[name=version]", "value").unwrap();
        let fields = [
            ("version", version.as_str()),
            ("col.0", "last_name"),
            ("col.1", "first_name"),
            ("col.2", "email"),
            ("on_duplicate", "skip"),
        ];
        let mut dry = fields.to_vec();
        dry.push(("action", "dry_run"));
        let dried = web.submit(&at, &at, &dry).await;
        assert!(
            dried
                .select_text("#import-outcome")
                .unwrap_or_default()
                .contains("1 würden neu angelegt"),
            "{db}: {}",
            dried.text
        );
        let v2 = dried.attr("input[name=version]", "value").unwrap();
        let mut run: Vec<(&str, &str)> = fields.to_vec();
        run[0] = ("version", v2.as_str());
        run.push(("action", "run"));
        web.submit(&at, &at, &run).await;
        let mut result = web.get(&at).await;
        for _ in 0..100 {
            if result.select_text("#import-result").is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            result = web.get(&at).await;
        }
        let text = result.select_text("#import-result").unwrap_or_default();
        assert!(text.contains("1 neu"), "{db}: {}", result.text);
        assert!(
            result
                .select_text("#row-errors")
                .unwrap_or_default()
                .contains("Zeile 2"),
            "{db}"
        );
        let undone = web.submit(&at, &format!("{at}/undo"), &[]).await;
        assert_eq!(undone.status, 200, "{db}");
        assert!(undone.text.contains("rückgängig gemacht"), "{db}");
        server.stop().await;
    }
}

backend_test! {
    async fn the_preview_names_a_company_matched_in_another_spelling_and_lets_it_be_made_anew(db) {
        let server = TestServer::start(&db).await;
        let (boss, user) = server.api(Role::Manager).await;
        let existing = boss
            .post(
                "/api/v1/accounts",
                json!({"name": "Haering Metallbau GmbH"}),
            )
            .await
            .body;
        let csv = "Vorname;Nachname;Firma;E-Mail\n\
                   Jens;Kern;Häring Metallbau GmbH;jens@haering.example\n\
                   Ute;Lang;Haering Metallbau GmbH;ute@haering.example\n";
        let up = upload(&boss, "contacts", "k.csv", csv.as_bytes().to_vec()).await;
        let id = up.body["id"].as_str().unwrap().to_string();
        let preview = boss
            .get(&format!("/api/v1/imports/{id}/preview"))
            .await
            .body;
        assert_eq!(
            preview["outcome"]["company_spellings"],
            json!([{
                "given": "Häring Metallbau GmbH",
                "existing": "Haering Metallbau GmbH",
                "account_id": existing["id"],
                "made_new": false
            }]),
            "{db}: {preview}"
        );
        // In the browser the choice stands beside the mapping.
        let web = server.web(&user).await;
        let page = web.get(&format!("/imports/{id}")).await;
        assert!(
            page.select_text("#import-spellings")
                .is_some_and(|t| t.contains(
                    "„Häring Metallbau GmbH“ gehört zur vorhandenen Firma „Haering Metallbau GmbH“"
                )),
            "{db}"
        );
        // The importer decides it is another company.
        let mapped = boss
            .put(
                &format!("/api/v1/imports/{id}/mapping"),
                json!({"version": up.body["version"], "mapping": up.body["mapping"],
                       "new_companies": ["Häring Metallbau GmbH"]}),
            )
            .await;
        assert_eq!(mapped.status, 200, "{db}: {}", mapped.body);
        let preview = boss
            .get(&format!("/api/v1/imports/{id}/preview"))
            .await
            .body;
        assert_eq!(
            preview["outcome"]["company_spellings"][0]["made_new"], true,
            "{db}"
        );
        boss.post(&format!("/api/v1/imports/{id}/run"), json!({}))
            .await;
        let done = finished(&boss, &id).await;
        assert_eq!(done["created"], 2, "{db}: {done}");
        let companies = boss.get("/api/v1/accounts?q=Metallbau").await.body;
        let mut names: Vec<&str> = companies["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["Haering Metallbau GmbH", "Häring Metallbau GmbH"],
            "{db}"
        );
        let ute = boss
            .get("/api/v1/contacts?q=ute%40haering.example")
            .await
            .body;
        assert_eq!(ute["items"][0]["account_id"], existing["id"], "{db}: {ute}");
        let jens = boss
            .get("/api/v1/contacts?q=jens%40haering.example")
            .await
            .body;
        assert_ne!(
            jens["items"][0]["account_id"], existing["id"],
            "{db}: {jens}"
        );
        server.stop().await;
    }
}
