//! Query parameters and responses every list and create endpoint shares.

use axum::{
    Json,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use tandem_domain::FieldError;
use tandem_store::Sort;

pub struct ListBasics {
    pub limit: u64,
    pub sort: Sort,
    pub deleted: bool,
}

impl ListBasics {
    /// `limit` (default 50), `sort` and `deleted`; wrong values are added to `errors`.
    pub fn parse(
        limit: Option<String>,
        sort: Option<String>,
        deleted: Option<String>,
        errors: &mut Vec<FieldError>,
    ) -> ListBasics {
        let limit = self::limit(limit.as_deref(), errors);
        let sort = match sort.as_deref() {
            None | Some("") => Sort::default(),
            Some(s) => Sort::parse(s).unwrap_or_else(|| {
                errors.push(FieldError::new("sort", "invalid_choice"));
                Sort::default()
            }),
        };
        let deleted = flag("deleted", deleted.as_deref(), errors);
        ListBasics {
            limit,
            sort,
            deleted,
        }
    }
}

/// A page size (default 50); a wrong one is added to `errors`.
pub fn limit(value: Option<&str>, errors: &mut Vec<FieldError>) -> u64 {
    match value {
        None | Some("") => 50,
        Some(s) => s.parse().unwrap_or_else(|_| {
            errors.push(FieldError::new("limit", "out_of_range"));
            50
        }),
    }
}

/// An id query parameter; a malformed one is added to `errors`.
pub fn id<T: std::str::FromStr>(
    field: &str,
    value: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    match value {
        None | Some("") => None,
        Some(s) => s.parse().ok().or_else(|| {
            errors.push(FieldError::new(field, "invalid_id"));
            None
        }),
    }
}

/// A `true`/`false` query parameter (absent is false).
pub fn flag(field: &str, value: Option<&str>, errors: &mut Vec<FieldError>) -> bool {
    match value {
        None | Some("") | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            errors.push(FieldError::new(field, "invalid_choice"));
            false
        }
    }
}

/// 201 with `Location` and the new record.
pub fn created(location: &str, body: impl Serialize) -> Response {
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(location) {
        headers.insert(header::LOCATION, v);
    }
    (StatusCode::CREATED, headers, Json(body)).into_response()
}

/// The `custom.<key>=value` filters of a list's query string, typed by the fields.
pub async fn custom_filters(
    state: &crate::AppState,
    auth: &crate::auth::Auth,
    entity: tandem_domain::custom::Entity,
    raw: Option<String>,
) -> crate::error::AppResult<Vec<tandem_store::custom_fields::CustomFilter>> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or_default();
    Ok(tandem_app::custom_fields::filters(&state.store, auth, entity, &pairs).await?)
}
