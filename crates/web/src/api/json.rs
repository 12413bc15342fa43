//! JSON bodies: malformed JSON is 400, a wrong field is 422 naming the field, too large
//! is 413 — always as problem+json.

use crate::error::{AppError, HttpError};
use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::header,
};
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, HttpError> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim();
                v == "application/json" || v.ends_with("+json")
            });
        if !json {
            return Err(AppError::UnsupportedMediaType.into());
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TooLarge
            } else {
                AppError::BadRequest(r.body_text())
            }
        })?;
        Ok(from_slice(&bytes).map(ApiJson)?)
    }
}

pub use tandem_app::json::{from_slice, from_value};

/// The schema of a `PATCH` body: a JSON merge patch of the record's fields (`T`, the
/// type a `POST` takes) with the `version` last read. Fields left out keep their value;
/// `null` clears one. The handlers merge the patch into the stored record's input and
/// check that as a whole, so the schema is `T`'s: the same fields, none required but
/// `version`.
pub fn patch_schema<T: utoipa::ToSchema>() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>
{
    use utoipa::openapi::{
        RefOr,
        schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type},
    };
    let mut schema = T::schema();
    if let RefOr::T(Schema::Object(o)) = &mut schema {
        o.required = vec!["version".into()];
        o.description = Some(format!(
            "A merge patch of {}: any of its fields (null clears one), and the version last \
             read.",
            T::name()
        ));
        let version = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .description(Some("The version last read; a stale one gets 409."));
        o.properties.insert("version".into(), version.into());
    }
    schema
}

/// `patch_body!(AccountPatch, AccountInput)`: a type that stands in the API document for
/// the `PATCH` body of a record whose `POST` takes `AccountInput` (see [`patch_schema`]).
macro_rules! patch_body {
    ($name:ident, $input:ty) => {
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::api::json::patch_schema::<$input>()
            }
        }

        impl utoipa::ToSchema for $name {
            fn schemas(
                schemas: &mut Vec<(
                    String,
                    utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
                )>,
            ) {
                <$input as utoipa::ToSchema>::schemas(schemas);
            }
        }
    };
}
pub(crate) use patch_body;
