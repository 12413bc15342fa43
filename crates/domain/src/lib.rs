//! Tandem's domain: pure rules and types. No IO, no async.

pub mod account;
pub mod activity;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod contact;
pub mod cursor;
pub mod custom;
pub mod deal;
pub mod dedupe;
pub mod format;
pub mod handoff;
pub mod holidays;
pub mod ids;
pub mod jobs;
pub mod lead;
pub mod locale;
pub mod money;
pub mod notify;
pub mod pipeline;
pub mod product;
pub mod quote;
pub mod quoting;
pub mod request;
pub mod role;
pub mod task;
pub mod text;
pub mod time;
pub mod validation;

pub use ids::*;
pub use locale::Locale;
pub use role::Role;
pub use time::Instant;
pub use validation::{FieldError, Invalid};
