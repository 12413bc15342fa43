use tandem_web::i18n::{I18n, SOURCES};

fn keys(i: usize) -> Vec<String> {
    I18n::keys(SOURCES[i].1)
}

#[test]
fn german_and_english_have_the_same_keys() {
    let (de, en) = (keys(0), keys(1));
    let missing_en: Vec<_> = de.iter().filter(|k| !en.contains(k)).collect();
    let missing_de: Vec<_> = en.iter().filter(|k| !de.contains(k)).collect();
    assert!(
        missing_en.is_empty() && missing_de.is_empty(),
        "only de: {missing_en:?}, only en: {missing_de:?}"
    );
}

/// No key is defined twice (the second would silently replace the first).
#[test]
fn no_key_is_defined_twice() {
    for (locale, source) in SOURCES {
        let all = I18n::keys(source);
        let mut seen = std::collections::HashSet::new();
        let twice: Vec<_> = all.iter().filter(|k| !seen.insert(*k)).collect();
        assert!(twice.is_empty(), "{locale:?}: defined twice: {twice:?}");
    }
}

/// Every literal key the code and the templates use exists.
#[test]
fn every_key_used_exists() {
    let de = keys(0);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = vec![];
    for dir in ["src", "templates"] {
        for file in walk(&root.join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for marker in ["tr.t(\"", "tr.t1(\""] {
                for piece in text.split(marker).skip(1) {
                    let key = piece.split('"').next().unwrap();
                    let is_key = !key.is_empty()
                        && key
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                    if is_key && !de.contains(&key.to_string()) {
                        missing.push(format!("{}: {key}", file.display()));
                    }
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys used but not defined: {missing:#?}"
    );
}

/// Keys built at run time from codes and enum values exist too.
#[test]
fn every_generated_key_exists() {
    let de = keys(0);
    let mut wanted: Vec<String> = vec![];
    for l in tandem_domain::account::Lifecycle::ALL {
        wanted.push(format!("lifecycle-{}", l.as_str()));
    }
    for r in tandem_domain::Role::ALL {
        wanted.push(format!("role-{}", r.as_str().replace('_', "-")));
    }
    for slug in [
        "not-found",
        "unauthenticated",
        "forbidden",
        "csrf",
        "invalid",
        "conflict",
        "malformed",
        "too-large",
        "unsupported-media-type",
        "rate-limited",
        "in-use",
        "internal",
    ] {
        wanted.push(format!("problem-{slug}"));
        wanted.push(format!("problem-{slug}-detail"));
    }
    use tandem_domain::{deal, pipeline::ExitCriterion};
    for x in deal::DealStatus::ALL {
        wanted.push(format!("deal-status-{}", x.as_str()));
    }
    for x in deal::Source::ALL {
        wanted.push(format!("deal-source-{}", x.as_str()));
    }
    for x in deal::ContactRole::ALL {
        wanted.push(format!("deal-role-{}", x.as_str()));
    }
    for c in ExitCriterion::ALL {
        wanted.push(format!("exit-{}", c.as_str().replace('_', "-")));
        wanted.push(format!("error-{}", deal::exit_code(c).replace('_', "-")));
    }
    for a in ["create", "update", "delete", "restore"] {
        wanted.push(format!("history-{a}"));
    }
    for s in tandem_domain::request::Status::ALL {
        let slug = s.as_str().replace('_', "-");
        wanted.push(format!("request-status-{slug}"));
        wanted.push(format!("request-to-{slug}"));
    }
    for s in tandem_domain::request::EscalationStep::ALL {
        wanted.push(format!("escalation-{}", s.as_str().replace('_', "-")));
    }
    for k in tandem_domain::notify::Kind::ALL {
        let slug = k.as_str().replace('_', "-");
        wanted.push(format!("notify-{slug}"));
        wanted.push(format!("pref-{slug}"));
    }
    for s in tandem_domain::notify::Security::ALL {
        wanted.push(format!("mail-security-{}", s.as_str()));
    }
    for v in tandem_app::requests::View::ALL {
        wanted.push(format!("requests-view-{}", v.as_str()));
    }
    for s in tandem_domain::quoting::Status::ALL {
        wanted.push(format!("quote-status-{}", s.as_str().replace('_', "-")));
    }
    for e in [
        "created",
        "edited",
        "approval-requested",
        "approved",
        "rejected",
        "sent",
        "revised",
        "accepted",
        "declined",
        "expired",
    ] {
        wanted.push(format!("quote-event-{e}"));
    }
    for f in [
        "company",
        "street",
        "postcode",
        "city",
        "country",
        "phone",
        "email",
        "website",
        "register",
        "managing-directors",
        "vat-id",
        "bank-name",
        "iban",
        "bic",
    ] {
        wanted.push(format!("letterhead-{f}"));
    }
    for l in tandem_domain::Locale::ALL {
        wanted.push(format!("language-{}", l.as_str()));
    }
    for n in [
        "notify-approval-approved",
        "notify-approval-rejected",
        "notify-quote-sent",
        "notify-lead-accepted",
        "notify-lead-rejected",
        "error-sent-revision-frozen",
        "error-awaiting-approval",
        "error-approval-required",
        "error-approval-not-needed",
        "error-no-approver",
        "error-not-a-draft",
        "error-no-lines",
        "error-not-awaiting-approval",
        "error-already-sent",
        "error-cannot-revise",
        "error-quote-expired",
        "error-already-accepted",
        "error-not-sent",
        "error-quote-accepted",
    ] {
        wanted.push(n.to_string());
    }
    for n in [
        "claimed",
        "commented",
        "approval-requested",
        "approved",
        "rejected",
        "sent",
        "revised",
    ] {
        wanted.push(format!("notice-{n}"));
    }
    use tandem_domain::{campaign::Channel, lead, lead_record};
    for s in lead::Status::ALL {
        wanted.push(format!("lead-status-{}", s.as_str().replace('_', "-")));
    }
    for s in lead_record::Source::ALL {
        wanted.push(format!("lead-source-{}", s.as_str().replace('_', "-")));
    }
    for r in lead_record::RejectReason::ALL {
        wanted.push(format!("lead-reason-{}", r.as_str().replace('_', "-")));
    }
    for e in lead::Engagement::ALL {
        wanted.push(format!("lead-engagement-{}", e.as_str().replace('_', "-")));
    }
    for c in Channel::ALL {
        wanted.push(format!("channel-{}", c.as_str().replace('_', "-")));
    }
    for f in lead_record::FIT_FIELDS {
        wanted.push(format!("fit-field-{}", f.replace('_', "-")));
    }
    for o in ["present", "equals", "one-of", "at-least"] {
        wanted.push(format!("fit-op-{o}"));
    }
    for r in ["territory", "round-robin"] {
        wanted.push(format!("lead-route-{r}"));
    }
    for p in [
        "threshold",
        "half-life-days",
        "accept-sla-hours",
        "criteria",
        "fit-rules",
        "territories",
        "part-key",
        "part-label",
        "part-field",
        "part-value",
        "part-points",
        "part-user-id",
        "part-postal-from",
        "part-postal-to",
        "part-states",
    ] {
        wanted.push(format!("lead-settings-{p}"));
    }
    for f in lead_record::FIT_FIELDS
        .iter()
        .chain(&["first_name", "last_name", "message"])
    {
        wanted.push(format!("field-{}", f.replace('_', "-")));
    }
    use tandem_domain::import::{Kind, OnDuplicate};
    for k in Kind::ALL {
        wanted.push(format!("import-kind-{}", k.as_str()));
        for f in k.fields() {
            wanted.push(format!("import-field-{}", f.key.replace('_', "-")));
        }
    }
    for m in OnDuplicate::ALL {
        wanted.push(format!("import-duplicates-{}", m.as_str()));
    }
    for s in ["uploaded", "running", "done", "failed", "undone"] {
        wanted.push(format!("import-status-{s}"));
    }
    for s in ["queued", "running", "done", "failed"] {
        wanted.push(format!("job-status-{s}"));
    }
    for m in tandem_domain::metrics::Metric::ALL {
        let slug = m.key().replace('_', "-");
        wanted.push(format!("metric-{slug}"));
        wanted.push(format!("metric-{slug}-def"));
    }
    for k in tandem_domain::metrics::PeriodKind::ALL {
        wanted.push(format!("period-{}", k.as_str()));
    }
    for k in ["weeks", "months"] {
        wanted.push(format!("period-{k}"));
    }
    for a in ["each-user", "each-team"] {
        wanted.push(format!("rule-{a}"));
    }
    // Column headings of the record lists: `ColumnDef::new("key", "label-key", …)`.
    let views = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/views");
    for file in walk(&views) {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text
            .lines()
            .filter(|l| l.trim_start().starts_with("ColumnDef::new(\""))
        {
            if let Some(label) = line.split('"').nth(3) {
                wanted.push(label.to_string());
            }
        }
    }
    // Field error codes: every code the sources emit.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for file in walk(&root)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
    {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines() {
            if ["Invalid::one(", "FieldError::new(", ".add(\"", "bad(\""]
                .iter()
                .any(|m| line.contains(m))
            {
                let literals: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
                // The code is the literal that closes the call: `add("field", "code")`.
                let code = literals
                    .last()
                    .filter(|c| line.contains(&format!("\"{c}\")")));
                if let Some(code) =
                    code.filter(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'))
                {
                    wanted.push(format!("error-{}", code.replace('_', "-")));
                }
            }
        }
    }
    let missing: Vec<_> = wanted.iter().filter(|k| !de.contains(k)).collect();
    assert!(
        missing.is_empty(),
        "generated keys without a message: {missing:?}"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.ends_with("target") || p.ends_with("tests") {
            continue;
        }
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
