//! Collecting every failing field of an input at once, each named by a JSON pointer.

use std::fmt;

/// One failing field: where it is (an RFC 6901 JSON pointer into the request body, or a
/// query parameter's name) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub pointer: String,
    pub message: String,
}

/// Every failing field of one input. Empty means the input passed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Violations(Vec<FieldError>);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    /// A single violation, for inputs with one field.
    pub fn single(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        let mut violations = Self::new();
        violations.add(pointer, message);
        violations
    }

    pub fn add(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            pointer: pointer.into(),
            message: message.into(),
        });
    }

    /// Keeps the value of a parse, or records its error under `pointer`.
    pub fn check<T, E: fmt::Display>(&mut self, pointer: &str, parsed: Result<T, E>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(pointer, error.to_string());
                None
            }
        }
    }

    /// Records an error when a required text is blank, or longer than `max` characters.
    pub fn require_text(&mut self, pointer: &str, value: &str, max: usize) -> Option<String> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.add(pointer, "is required and must not be blank");
            None
        } else if trimmed.chars().count() > max {
            self.add(
                pointer,
                format!(
                    "must be at most {max} characters, found {}",
                    trimmed.chars().count()
                ),
            );
            None
        } else {
            Some(trimmed.to_owned())
        }
    }

    /// Like [`Violations::require_text`] for a field that may be absent.
    pub fn optional_text(
        &mut self,
        pointer: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        match value.map(str::trim) {
            None | Some("") => None,
            Some(text) => self.require_text(pointer, text, max),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }

    /// `Ok(value)` when nothing failed. `value` is only evaluated then, so it may unwrap the
    /// options [`Violations::check`] returned.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Violations> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", error.pointer, error.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

/// Escapes one reference token of a JSON pointer (RFC 6901 §3).
pub fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_failure() {
        let mut violations = Violations::new();
        assert_eq!(violations.require_text("/name", "  ", 10), None);
        assert_eq!(violations.require_text("/address", "abcdefghijk", 10), None);
        assert_eq!(
            violations.require_text("/ok", " fine ", 10),
            Some("fine".into())
        );
        assert_eq!(violations.optional_text("/note", Some(""), 10), None);
        let pointers: Vec<_> = violations
            .errors()
            .iter()
            .map(|e| e.pointer.as_str())
            .collect();
        assert_eq!(pointers, ["/name", "/address"]);
        assert!(violations.finish(|| ()).is_err());
    }

    #[test]
    fn escapes_pointer_tokens() {
        assert_eq!(pointer_token("a/b~c"), "a~1b~0c");
    }
}
