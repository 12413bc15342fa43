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

pub use tandem_app::AppError;

/// An `AppError` on its way to the client: the error type of every handler.
#[derive(Debug)]
pub struct HttpError(pub AppError);

impl From<AppError> for HttpError {
    fn from(e: AppError) -> Self {
        HttpError(e)
    }
}

impl From<tandem_store::StoreError> for HttpError {
    fn from(e: tandem_store::StoreError) -> Self {
        HttpError(e.into())
    }
}

impl From<Invalid> for HttpError {
    fn from(e: Invalid) -> Self {
        HttpError(e.into())
    }
}

/// What a handler returns.
pub type AppResult<T> = Result<T, HttpError>;

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

impl HttpError {
    pub fn status(&self) -> StatusCode {
        match &self.0 {
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
        match &self.0 {
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
        let errors = match &self.0 {
            AppError::Invalid(Invalid(errs)) | AppError::InUse(Invalid(errs)) => {
                errs.iter().map(|e| field(e, tr)).collect()
            }
            _ => vec![],
        };
        let detail = match &self.0 {
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
            current_version: match &self.0 {
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

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        if matches!(self.0, AppError::Store(_) | AppError::Internal(_)) {
            tracing::error!(error = %self.0, "request failed");
        }
        let mut response = (self.status(), Json(self.problem(Locale::En))).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let AppError::RateLimited { retry_after_s } = self.0
            && let Ok(v) = HeaderValue::from_str(&retry_after_s.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}
