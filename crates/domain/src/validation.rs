//! Field errors: the codes are stable (API clients match on them); the UI and the API
//! turn them into messages in the user's language.

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        Self {
            field: field.into(),
            code,
        }
    }
}

/// One or more invalid fields.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid input: {}", .0.iter().map(|e| format!("{} ({})", e.field, e.code)).collect::<Vec<_>>().join(", "))]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn one(field: impl Into<String>, code: &'static str) -> Self {
        Self(vec![FieldError::new(field, code)])
    }
}

/// Collects field errors while an input is checked.
#[derive(Default, Debug)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    pub fn add(&mut self, field: &str, code: &'static str) {
        self.errors.push(FieldError::new(field, code));
    }

    /// A required, trimmed text of at most `max` characters.
    pub fn required(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.add(field, "required");
        } else if v.chars().count() > max {
            self.add(field, "too_long");
        } else if crate::text::has_control_chars(v) {
            self.add(field, "control_characters");
        }
        v.to_string()
    }

    /// An optional trimmed text; empty becomes `None`.
    pub fn optional(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let v = value.map(str::trim).filter(|v| !v.is_empty())?;
        if v.chars().count() > max {
            self.add(field, "too_long");
        } else if crate::text::has_control_chars(v) {
            self.add(field, "control_characters");
        }
        Some(v.to_string())
    }

    /// Whether `field` has an error already.
    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    pub fn finish(self) -> Result<(), Invalid> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.errors))
        }
    }
}

impl Checker {
    /// An optional `YYYY-MM-DD` date between 2000 and 2100.
    pub fn date(&mut self, field: &str, value: Option<&str>) -> Option<jiff::civil::Date> {
        let v = value.map(str::trim).filter(|v| !v.is_empty())?;
        date(v).map_err(|code| self.add(field, code)).ok()
    }

    /// One of a fixed set of values (`parse` knows them); empty gives the default.
    pub fn choice<T: Default>(
        &mut self,
        field: &str,
        value: Option<&str>,
        parse: fn(&str) -> Option<T>,
    ) -> T {
        match value.map(str::trim) {
            None | Some("") => T::default(),
            Some(s) => parse(s).unwrap_or_else(|| {
                self.add(field, "invalid_choice");
                T::default()
            }),
        }
    }
}

/// A business date, `YYYY-MM-DD` between 2000 and 2100, or the error code.
pub fn date(s: &str) -> Result<jiff::civil::Date, &'static str> {
    match s.trim().parse::<jiff::civil::Date>() {
        Ok(d) if (2000..=2100).contains(&d.year()) => Ok(d),
        Ok(_) => Err("date_out_of_range"),
        Err(_) => Err("invalid_date"),
    }
}
