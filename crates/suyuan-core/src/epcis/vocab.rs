//! CBV 2.0 and GS1 vocabularies: business steps, dispositions, business transaction types,
//! source/destination types, error reasons and sensor measurement types.
//!
//! The terms come from GS1's EPCIS 2.0 JSON-LD context (`data/gs1/epcis-context.jsonld`,
//! embedded), so the center understands both published context forms offline. A value may be
//! given as a compact term (`shipping`), a Web URI (`https://ref.gs1.org/cbv/BizStep-shipping`)
//! or a URN (`urn:epcglobal:cbv:bizstep:shipping`); all three mean the same thing and compare
//! equal. Values outside the standard lists must be absolute URIs.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde_json::Value;

/// The full EPCIS 2.0 JSON-LD context, as GS1 publishes it.
pub const EPCIS_CONTEXT: &str = include_str!("../../data/gs1/epcis-context.jsonld");
/// The simple EPCIS 2.0 JSON-LD context, as GS1 publishes it.
pub const EPCIS_CONTEXT_SIMPLE: &str = include_str!("../../data/gs1/epcis-context-simple.jsonld");
/// The URL by which documents name the full context.
pub const EPCIS_CONTEXT_URL: &str =
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
pub const CBV_PREFIX: &str = "https://ref.gs1.org/cbv/";
pub const GS1_VOC_PREFIX: &str = "https://gs1.org/voc/";

/// A controlled vocabulary of EPCIS/CBV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vocabulary {
    BizStep,
    Disposition,
    BizTransactionType,
    SourceDestType,
    ErrorReason,
    MeasurementType,
    /// Sensor alert types (`exception` of a sensor report).
    SensorAlert,
    /// Components of a measurement (`component` of a sensor report).
    Component,
}

impl Vocabulary {
    const ALL: [Vocabulary; 8] = [
        Vocabulary::BizStep,
        Vocabulary::Disposition,
        Vocabulary::BizTransactionType,
        Vocabulary::SourceDestType,
        Vocabulary::ErrorReason,
        Vocabulary::MeasurementType,
        Vocabulary::SensorAlert,
        Vocabulary::Component,
    ];

    /// What a value of this vocabulary is called in messages.
    pub fn description(self) -> &'static str {
        match self {
            Vocabulary::BizStep => "a CBV business step",
            Vocabulary::Disposition => "a CBV disposition",
            Vocabulary::BizTransactionType => "a CBV business transaction type",
            Vocabulary::SourceDestType => "a CBV source/destination type",
            Vocabulary::ErrorReason => "a CBV error reason",
            Vocabulary::MeasurementType => "a GS1 measurement type",
            Vocabulary::SensorAlert => "a GS1 sensor alert type",
            Vocabulary::Component => "a CBV measurement component",
        }
    }

    /// The URN prefix of EPCIS 1.x/XML for this vocabulary, if it has one.
    pub fn urn_prefix(self) -> Option<&'static str> {
        match self {
            Vocabulary::BizStep => Some("urn:epcglobal:cbv:bizstep:"),
            Vocabulary::Disposition => Some("urn:epcglobal:cbv:disp:"),
            Vocabulary::BizTransactionType => Some("urn:epcglobal:cbv:btt:"),
            Vocabulary::SourceDestType => Some("urn:epcglobal:cbv:sdt:"),
            Vocabulary::ErrorReason => Some("urn:epcglobal:cbv:er:"),
            Vocabulary::MeasurementType | Vocabulary::SensorAlert | Vocabulary::Component => None,
        }
    }

    /// The path in the context to this vocabulary's term map.
    fn context_path(self) -> &'static [&'static str] {
        match self {
            Vocabulary::BizStep => &["bizStep", "@context"],
            Vocabulary::Disposition => &["disposition", "@context"],
            Vocabulary::BizTransactionType => {
                &["bizTransactionList", "@context", "type", "@context"]
            }
            Vocabulary::SourceDestType => &["sourceList", "@context", "type", "@context"],
            Vocabulary::ErrorReason => &["errorDeclaration", "@context", "reason", "@context"],
            Vocabulary::MeasurementType => &[
                "sensorElementList",
                "@context",
                "sensorReport",
                "@context",
                "type",
                "@context",
            ],
            Vocabulary::SensorAlert => &[
                "sensorElementList",
                "@context",
                "sensorReport",
                "@context",
                "exception",
                "@context",
            ],
            Vocabulary::Component => &[
                "sensorElementList",
                "@context",
                "sensorReport",
                "@context",
                "component",
                "@context",
            ],
        }
    }

    /// The term → Web URI map of this vocabulary.
    fn terms(self) -> &'static HashMap<String, String> {
        static TABLES: OnceLock<HashMap<Vocabulary, HashMap<String, String>>> = OnceLock::new();
        let tables = TABLES.get_or_init(|| {
            let context: Value = serde_json::from_str(EPCIS_CONTEXT).unwrap_or(Value::Null);
            let root = &context["@context"];
            Vocabulary::ALL
                .into_iter()
                .map(|vocabulary| {
                    let mut node = root;
                    for key in vocabulary.context_path() {
                        node = &node[*key];
                    }
                    let map = node
                        .as_object()
                        .map(|object| {
                            object
                                .iter()
                                .filter(|(term, _)| !term.starts_with('@'))
                                .filter_map(|(term, iri)| {
                                    Some((term.clone(), expand(iri.as_str()?)))
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    (vocabulary, map)
                })
                .collect()
        });
        tables.get(&self).unwrap_or_else(|| unreachable_table())
    }

    /// Every standard term of this vocabulary, sorted.
    pub fn standard_terms(self) -> Vec<&'static str> {
        let mut terms: Vec<&'static str> = self.terms().keys().map(String::as_str).collect();
        terms.sort_unstable();
        terms
    }

    /// Reads a value given as a compact term, Web URI or URN.
    pub fn parse(self, input: &str) -> Result<VocabValue, String> {
        let input = input.trim();
        let terms = self.terms();
        if let Some(uri) = terms.get(input) {
            return Ok(VocabValue::standard(self, input, uri));
        }
        if let Some(term) = self
            .urn_prefix()
            .and_then(|prefix| input.strip_prefix(prefix))
            && let Some(uri) = terms.get(term)
        {
            return Ok(VocabValue::standard(self, term, uri));
        }
        if let Some((term, uri)) = terms.iter().find(|(_, uri)| uri.as_str() == input) {
            return Ok(VocabValue::standard(self, term, uri));
        }
        if let Some(term) = input.strip_prefix("gs1:")
            && let Some(uri) = terms.get(term)
        {
            return Ok(VocabValue::standard(self, term, uri));
        }
        // An unknown term under a CBV URN prefix is a mistake; Web URIs are the user's own.
        let standard_namespace = self
            .urn_prefix()
            .is_some_and(|prefix| input.starts_with(prefix));
        if is_absolute_uri(input) && !standard_namespace {
            return Ok(VocabValue {
                vocabulary: self,
                term: None,
                uri: input.to_owned(),
            });
        }
        Err(format!(
            "expected {} (a term such as {:?}, its URI, or a URI of your own), found {input:?}",
            self.description(),
            self.standard_terms().first().copied().unwrap_or_default()
        ))
    }
}

impl Vocabulary {
    /// A value in the form the event model keeps: a standard term given by its Web URI or URN
    /// becomes the term; the term itself, a compact IRI such as `gs1:Temperature` and a URI of
    /// the user's own stay as written. The event hash tells these apart as the reference
    /// generator does: it hashes a term and its URIs alike, a compact IRI as written.
    pub fn written_form(self, input: &str) -> Result<String, String> {
        let value = self.parse(input)?;
        let input = input.trim();
        Ok(match value.term() {
            Some(term) if input.strip_prefix("gs1:") != Some(term) => term.to_owned(),
            _ => input.to_owned(),
        })
    }
}

fn unreachable_table() -> &'static HashMap<String, String> {
    static EMPTY: OnceLock<HashMap<String, String>> = OnceLock::new();
    EMPTY.get_or_init(HashMap::new)
}

/// Expands the `cbv:` and `gs1:` prefixes of the context.
fn expand(iri: &str) -> String {
    if let Some(rest) = iri.strip_prefix("cbv:") {
        format!("{CBV_PREFIX}{rest}")
    } else if let Some(rest) = iri.strip_prefix("gs1:") {
        format!("{GS1_VOC_PREFIX}{rest}")
    } else {
        iri.to_owned()
    }
}

/// Whether a text looks like an absolute URI: a scheme, a colon, and something after it.
pub fn is_absolute_uri(text: &str) -> bool {
    match text.split_once(':') {
        Some((scheme, rest)) => {
            !rest.is_empty()
                && !text.chars().any(char::is_whitespace)
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// A value of a vocabulary: a standard term or a URI of the user's own.
#[derive(Debug, Clone)]
pub struct VocabValue {
    vocabulary: Vocabulary,
    term: Option<String>,
    uri: String,
}

impl VocabValue {
    fn standard(vocabulary: Vocabulary, term: &str, uri: &str) -> VocabValue {
        VocabValue {
            vocabulary,
            term: Some(term.to_owned()),
            uri: uri.to_owned(),
        }
    }

    pub fn vocabulary(&self) -> Vocabulary {
        self.vocabulary
    }

    /// The standard term, if the value is one (`shipping`).
    pub fn term(&self) -> Option<&str> {
        self.term.as_deref()
    }

    /// The Web URI of a standard term, or the user's URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The form of the JSON-LD binding: the compact term, or the user's URI.
    pub fn compact(&self) -> &str {
        self.term.as_deref().unwrap_or(&self.uri)
    }

    /// The form of the XML binding: the CBV URN of a standard term (`gs1:` for measurement
    /// types), or the user's URI.
    pub fn xml_form(&self) -> String {
        match (&self.term, self.vocabulary.urn_prefix()) {
            (Some(term), Some(prefix)) => format!("{prefix}{term}"),
            (Some(term), None) if self.vocabulary == Vocabulary::Component => term.clone(),
            (Some(term), None) => format!("gs1:{term}"),
            (None, _) => self.uri.clone(),
        }
    }
}

impl PartialEq for VocabValue {
    fn eq(&self, other: &Self) -> bool {
        self.vocabulary == other.vocabulary && self.uri == other.uri
    }
}

impl fmt::Display for VocabValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.compact())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_forms_of_a_term_are_equal() {
        let compact = Vocabulary::BizStep.parse("shipping").unwrap();
        let urn = Vocabulary::BizStep
            .parse("urn:epcglobal:cbv:bizstep:shipping")
            .unwrap();
        let web = Vocabulary::BizStep
            .parse("https://ref.gs1.org/cbv/BizStep-shipping")
            .unwrap();
        assert_eq!(compact, urn);
        assert_eq!(compact, web);
        assert_eq!(web.compact(), "shipping");
        assert_eq!(compact.xml_form(), "urn:epcglobal:cbv:bizstep:shipping");
    }

    #[test]
    fn every_vocabulary_has_its_terms() {
        assert!(
            Vocabulary::BizStep
                .standard_terms()
                .contains(&"commissioning")
        );
        assert!(
            Vocabulary::Disposition
                .standard_terms()
                .contains(&"recalled")
        );
        assert!(
            Vocabulary::BizTransactionType
                .standard_terms()
                .contains(&"po")
        );
        assert!(
            Vocabulary::SourceDestType
                .standard_terms()
                .contains(&"owning_party")
        );
        assert!(
            Vocabulary::ErrorReason
                .standard_terms()
                .contains(&"incorrect_data")
        );
        assert!(
            Vocabulary::MeasurementType
                .standard_terms()
                .contains(&"Temperature")
        );
        assert_eq!(
            Vocabulary::MeasurementType
                .parse("gs1:Temperature")
                .unwrap()
                .uri(),
            "https://gs1.org/voc/Temperature"
        );
    }

    #[test]
    fn the_written_form_keeps_compact_iris() {
        let kind = Vocabulary::MeasurementType;
        assert_eq!(kind.written_form("Temperature").unwrap(), "Temperature");
        assert_eq!(
            kind.written_form("https://gs1.org/voc/Temperature")
                .unwrap(),
            "Temperature"
        );
        assert_eq!(
            kind.written_form("gs1:Temperature").unwrap(),
            "gs1:Temperature"
        );
        assert_eq!(kind.written_form("example:x").unwrap(), "example:x");
        assert!(kind.written_form("NoSuchType").is_err());
    }

    #[test]
    fn own_uris_are_kept_and_bare_words_refused() {
        let own = Vocabulary::BizStep
            .parse("https://example.com/steps/brewing")
            .unwrap();
        assert_eq!(own.compact(), "https://example.com/steps/brewing");
        assert!(Vocabulary::BizStep.parse("brewing").is_err());
        assert!(
            Vocabulary::Disposition
                .parse("urn:epcglobal:cbv:disp:no_such")
                .is_err()
        );
        // GS1's own examples use a misspelt CBV Web URI; Web URIs are accepted as given.
        assert!(
            Vocabulary::Disposition
                .parse("https://ref.gs1.org/cbv/Disp-no_such")
                .is_ok()
        );
    }
}
