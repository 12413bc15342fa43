//! UI text in German and English from Fluent files compiled into the binary.

use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use std::{collections::HashMap, sync::LazyLock};
use tandem_domain::{Instant, Locale, format};

pub const SOURCES: [(Locale, &str); 2] = [
    (Locale::De, include_str!("../locales/de.ftl")),
    (Locale::En, include_str!("../locales/en.ftl")),
];

pub struct I18n {
    bundles: HashMap<Locale, FluentBundle<FluentResource>>,
}

static I18N: LazyLock<I18n> = LazyLock::new(I18n::load);

/// The compiled-in messages (immutable data, loaded once).
pub fn i18n() -> &'static I18n {
    &I18N
}

impl I18n {
    fn load() -> I18n {
        let mut bundles = HashMap::new();
        for (locale, source) in SOURCES {
            let resource =
                FluentResource::try_new(source.to_string()).unwrap_or_else(|(res, errors)| {
                    tracing::error!(?errors, locale = locale.as_str(), "Fluent syntax errors");
                    res
                });
            let lang = locale.as_str().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![lang]);
            // No bidi isolation marks: our languages are both left-to-right.
            bundle.set_use_isolating(false);
            if let Err(errors) = bundle.add_resource(resource) {
                tracing::error!(?errors, "duplicate Fluent keys");
            }
            bundles.insert(locale, bundle);
        }
        I18n { bundles }
    }

    pub fn message(&self, locale: Locale, key: &str, args: Option<&FluentArgs>) -> String {
        let Some(bundle) = self.bundles.get(&locale) else {
            return key.to_string();
        };
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            return key.to_string();
        };
        let mut errors = vec![];
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }

    /// Every message key of one locale (for the parity test).
    pub fn keys(source: &str) -> Vec<String> {
        let resource = match FluentResource::try_new(source.to_string()) {
            Ok(r) | Err((r, _)) => r,
        };
        let mut keys: Vec<String> = resource
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                _ => None,
            })
            .collect();
        keys.sort();
        keys
    }
}

/// The translator handed to templates: `{{ tr.t(KEY) }}`.
#[derive(Clone, Copy)]
pub struct Tr {
    pub locale: Locale,
}

impl Tr {
    pub fn new(locale: Locale) -> Tr {
        Tr { locale }
    }

    pub fn t(&self, key: &str) -> String {
        i18n().message(self.locale, key, None)
    }

    /// A message with one named argument.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(value.to_string()));
        i18n().message(self.locale, key, Some(&args))
    }

    /// A message with several named arguments.
    pub fn tn(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut fa = FluentArgs::new();
        for (name, value) in args {
            fa.set(*name, FluentValue::from(value.to_string()));
        }
        i18n().message(self.locale, key, Some(&fa))
    }

    pub fn lang(&self) -> &'static str {
        self.locale.as_str()
    }

    pub fn instant(&self, at: &Instant) -> String {
        format::instant(*at, self.locale)
    }

    pub fn number(&self, n: &i64) -> String {
        format::integer(*n, self.locale)
    }

    /// The message for a field error code, e.g. `error-required`.
    pub fn error(&self, code: &str) -> String {
        self.t(&format!("error-{}", code.replace('_', "-")))
    }
}
