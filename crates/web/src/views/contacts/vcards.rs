//! Contacts as vCards, for the phone's address book.

use super::*;

/// The contacts as vCards, for phones and mail programs.
pub(super) fn vcards(contacts: &[Contact], filename: &str) -> Response {
    use axum::{http::header, response::IntoResponse};
    let text: String = contacts
        .iter()
        .map(|c| {
            let d = &c.data;
            tandem_domain::vcard::write(&tandem_domain::vcard::Card {
                first_name: d.first_name.clone(),
                last_name: d.last_name.clone(),
                title: d.title.clone(),
                organisation: c.account_name.clone(),
                position: d.position.clone(),
                emails: d.emails.clone(),
                phones: d.phones.clone(),
                note: None,
            })
        })
        .collect();
    (
        [
            (
                header::CONTENT_TYPE,
                "text/vcard; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        text,
    )
        .into_response()
}

/// One contact as a vCard.
pub async fn vcard(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    let c = svc::get(&state.store, &auth, id).await?;
    let name = tandem_domain::text::fold(&c.data.display_name()).replace(' ', "-");
    Ok(vcards(&[c], &format!("{name}.vcf")))
}
