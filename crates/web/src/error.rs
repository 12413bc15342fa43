//! The one place where errors become responses: problem+json for the API; the HTML
//! layer (`views::errors`) turns the same bodies into pages in the user's language.

use crate::i18n::Tr;
use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use tandem_domain::{FieldError, Invalid, Locale};
use tandem_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid CSRF token")]
    Csrf,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("version conflict")]
    Conflict { current_version: i64 },
    /// The record is still used (a stage with deals): 409 naming the field and why.
    #[error("still in use: {0}")]
    InUse(Invalid),
    #[error("malformed request: {0}")]
    BadRequest(String),
    #[error("request body too large")]
    TooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("too many requests")]
    RateLimited { retry_after_s: u64 },
    #[error(transparent)]
    Store(StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict { current } => AppError::Conflict {
                current_version: current,
            },
            StoreError::Duplicate(field) => Invalid::one(field, "taken").into(),
            e => AppError::Store(e),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// RFC 9457 problem details.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// With 409: the version now stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict { .. } | AppError::InUse(_) => StatusCode::CONFLICT,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            AppError::NotFound => "not-found",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf",
            AppError::Invalid(_) => "invalid",
            AppError::Conflict { .. } => "conflict",
            AppError::InUse(_) => "in-use",
            AppError::BadRequest(_) => "malformed",
            AppError::TooLarge => "too-large",
            AppError::UnsupportedMediaType => "unsupported-media-type",
            AppError::RateLimited { .. } => "rate-limited",
            AppError::Store(_) | AppError::Internal(_) => "internal",
        }
    }

    pub fn problem(&self, locale: Locale) -> Problem {
        let tr = Tr::new(locale);
        let errors = match self {
            AppError::Invalid(Invalid(errs)) | AppError::InUse(Invalid(errs)) => {
                errs.iter().map(|e| field(e, tr)).collect()
            }
            _ => vec![],
        };
        let detail = match self {
            AppError::BadRequest(msg) => msg.clone(),
            AppError::Store(_) | AppError::Internal(_) => tr.t("problem-internal-detail"),
            _ => tr.t(&format!("problem-{}-detail", self.slug())),
        };
        Problem {
            kind: format!("/problems/{}", self.slug()),
            title: tr.t(&format!("problem-{}", self.slug())),
            status: self.status().as_u16(),
            detail,
            errors,
            current_version: match self {
                AppError::Conflict { current_version } => Some(*current_version),
                _ => None,
            },
        }
    }
}

fn field(e: &FieldError, tr: Tr) -> ProblemField {
    ProblemField {
        field: e.field.clone(),
        code: e.code.to_string(),
        message: tr.error(e.code),
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if matches!(self, AppError::Store(_) | AppError::Internal(_)) {
            tracing::error!(error = %self, "request failed");
        }
        let mut response = (self.status(), Json(self.problem(Locale::En))).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let AppError::RateLimited { retry_after_s } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_s.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}
