//! The web form's HTML to embed on the company's site, and the lead export.

use super::*;

/// The plain HTML a company pastes into its website: no script, the honeypot hidden
/// by an inline style, the consent checkbox with the form's own sentence.
pub fn embed_html(f: &LeadForm, locale: Locale) -> String {
    let tr = Tr::new(locale);
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let field = |name: &str, key: &str, kind: &str, required: bool| {
        format!(
            "  <p><label>{}{}<br><input name=\"{name}\" type=\"{kind}\"{}></label></p>\n",
            esc(&tr.t(key)),
            if required { " *" } else { "" },
            if required { " required" } else { "" }
        )
    };
    let mut html = format!(
        "<form method=\"post\" action=\"{{TANDEM_URL}}/forms/{}\">\n",
        f.key
    );
    html.push_str(&field("first_name", "field-first-name", "text", false));
    html.push_str(&field("last_name", "field-last-name", "text", true));
    html.push_str(&field("email", "field-email", "email", true));
    html.push_str(&field("phone", "field-phone", "tel", false));
    html.push_str(&field("company", "field-company", "text", false));
    html.push_str(&field("postal_code", "field-postal-code", "text", false));
    html.push_str(&format!(
        "  <p><label>{}<br><textarea name=\"message\" rows=\"4\"></textarea></label></p>\n",
        esc(&tr.t("form-message"))
    ));
    html.push_str(&format!(
        "  <p style=\"position:absolute;left:-10000px\" aria-hidden=\"true\"><input name=\"{}\" tabindex=\"-1\" autocomplete=\"off\"></p>\n",
        tandem_app::campaigns::HONEYPOT
    ));
    html.push_str(&format!(
        "  <p><label><input name=\"consent\" type=\"checkbox\" value=\"yes\"> {}</label></p>\n",
        esc(&f.consent_text)
    ));
    html.push_str(&format!(
        "  <p><button type=\"submit\">{}</button></p>\n</form>\n",
        esc(&tr.t("form-send"))
    ));
    html
}

// ----- export -----

pub(super) const COLUMNS: [crate::views::table::ColumnDef; 12] = {
    use crate::views::table::ColumnDef as C;
    [
        C::new("name", "field-name", false, true),
        C::new("company", "field-company", false, true),
        C::new("email", "field-email", false, true),
        C::new("phone", "field-phone", false, true),
        C::new("postal_code", "field-postal-code", false, true),
        C::new("city", "field-city", false, true),
        C::new("status", "field-status", false, true),
        C::new("score", "lead-score", true, true),
        C::new("source", "lead-source", false, true),
        C::new("campaign", "lead-campaign", false, true),
        C::new("assignee", "lead-assignee", false, true),
        C::new("created", "field-created", false, true),
    ]
};

/// The leads the inbox shows (its filters, the caller's visibility) as CSV or Excel.
pub async fn export(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<Params>,
    uri: axum::http::Uri,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let f = filter_of(&p);
    let leads = crate::views::table::all_pages(|cursor| {
        let (store, auth, f) = (&state.store, &auth, f.clone());
        async move { svc::list(store, auth, &f, Sort::CreatedDesc, cursor.as_deref(), 200).await }
    })
    .await?;
    let chosen: Vec<&crate::views::table::ColumnDef> = COLUMNS.iter().collect();
    let table = crate::views::table::Table::new(
        tr,
        &COLUMNS,
        &chosen,
        &leads,
        |l| l.id.0.to_string(),
        |l, key| {
            let d = &l.data;
            let text = match key {
                "name" => d.name(),
                "company" => d.company.clone().unwrap_or_default(),
                "email" => d.email.clone().unwrap_or_default(),
                "phone" => d.phone.clone().unwrap_or_default(),
                "postal_code" => d.postal_code.clone().unwrap_or_default(),
                "city" => d.city.clone().unwrap_or_default(),
                "status" => status_label(&tr, l.status),
                "score" => l.score.to_string(),
                "source" => tr.t(&format!(
                    "lead-source-{}",
                    d.source.as_str().replace('_', "-")
                )),
                "campaign" => l.campaign_name.clone().unwrap_or_default(),
                "assignee" => l.assignee_name.clone().unwrap_or_default(),
                _ => tr.instant(&l.created_at),
            };
            crate::views::table::Cell::text(text)
        },
    );
    table.download(tr, &tr.t("leads-title"), &uri)
}
