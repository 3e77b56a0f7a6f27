//! The EPCIS 2.0 query parameters (`GET /events` and the resource endpoints) turned into an
//! event query, with every bad parameter named; and the page tokens that continue a query.

use data_encoding::BASE64URL_NOPAD;
use suyuan_core::epcis::identifiers::{check_identifier, index_key};
use suyuan_core::epcis::jsonld::parse_time;
use suyuan_core::epcis::vocab::Vocabulary;
use suyuan_core::epcis::{Action, EventType, index::IdentifierRole};
use suyuan_core::validation::Violations;
use suyuan_store::{
    CaptureJobCursor, EventCursor, EventFilter, EventOrder, EventQuery, IdentifierMatch,
};

/// Events a page holds when the client does not say.
pub const DEFAULT_PAGE_SIZE: i64 = 100;
/// Most events one page may hold.
pub const MAX_PAGE_SIZE: i64 = 1000;

/// A parsed query: the page to fetch, and the parameters that produced it (to build the next
/// page's link).
#[derive(Debug, Clone)]
pub struct ParsedQuery {
    pub query: EventQuery,
    /// `maxEventCount`: the query must fail rather than return more than this many events.
    pub max_event_count: Option<i64>,
}

fn split_values(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The identifier roles a `MATCH_…` parameter looks in.
fn match_roles(parameter: &str) -> Option<&'static [IdentifierRole]> {
    use IdentifierRole::*;
    Some(match parameter {
        "MATCH_epc" => &[Epc, Child],
        "MATCH_parentID" => &[Parent],
        "MATCH_inputEPC" => &[Input],
        "MATCH_outputEPC" => &[Output],
        "MATCH_anyEPC" => &[Epc, Child, Parent, Input, Output],
        "MATCH_epcClass" => &[Class],
        "MATCH_inputEPCClass" => &[InputClass],
        "MATCH_outputEPCClass" => &[OutputClass],
        "MATCH_anyEPCClass" => &[Class, InputClass, OutputClass],
        _ => return None,
    })
}

fn roles(list: &[IdentifierRole]) -> Vec<String> {
    list.iter().map(|r| r.as_str().to_owned()).collect()
}

fn identifiers(parameter: &str, value: &str, violations: &mut Violations) -> Vec<String> {
    split_values(value)
        .into_iter()
        .filter_map(|id| {
            violations.check(parameter, check_identifier(&id).map(|()| index_key(&id)))
        })
        .collect()
}

fn vocab_values(
    vocabulary: Vocabulary,
    parameter: &str,
    value: &str,
    violations: &mut Violations,
) -> Vec<String> {
    split_values(value)
        .into_iter()
        .filter_map(|v| {
            violations
                .check(parameter, vocabulary.parse(&v))
                .map(|v| v.uri().to_owned())
        })
        .collect()
}

fn timestamp(
    parameter: &str,
    value: &str,
    violations: &mut Violations,
) -> Option<chrono::DateTime<chrono::Utc>> {
    violations
        .check(parameter, parse_time(value))
        .map(|t| t.to_utc())
}

fn count(parameter: &str, value: &str, violations: &mut Violations) -> Option<i64> {
    violations.check(
        parameter,
        value
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| format!("expected a whole number of 1 or more, found {value:?}")),
    )
}

/// Encodes where a page ended, for the next page's `nextPageToken`.
pub fn page_token(cursor: EventCursor) -> String {
    BASE64URL_NOPAD.encode(format!("v1:{}:{}", cursor.sort_micros, cursor.seq).as_bytes())
}

fn parse_page_token(token: &str) -> Result<EventCursor, String> {
    let invalid = || format!("nextPageToken {token:?} is not a token this server issued");
    let bytes = BASE64URL_NOPAD
        .decode(token.as_bytes())
        .map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut parts = text.split(':');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("v1"), Some(sort), Some(seq), None) => Ok(EventCursor {
            sort_micros: sort.parse().map_err(|_| invalid())?,
            seq: seq.parse().map_err(|_| invalid())?,
        }),
        _ => Err(invalid()),
    }
}

/// A page of a sorted list (the identifiers, vocabulary values and capture jobs of the EPCIS
/// resource lists): the values after `after`, at most `limit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuePage {
    pub after: Option<String>,
    pub limit: i64,
}

/// Encodes the last value of a list page, for the next page's `nextPageToken`.
pub fn value_token(last: &str) -> String {
    BASE64URL_NOPAD.encode(format!("v1:value:{last}").as_bytes())
}

/// Encodes where a page of capture jobs ended.
pub fn capture_job_token(cursor: &CaptureJobCursor) -> String {
    BASE64URL_NOPAD.encode(format!("v1:job:{}:{}", cursor.created_micros, cursor.id).as_bytes())
}

fn decode_token(token: &str) -> Result<String, String> {
    let invalid = || format!("nextPageToken {token:?} is not a token this server issued");
    let bytes = BASE64URL_NOPAD
        .decode(token.as_bytes())
        .map_err(|_| invalid())?;
    String::from_utf8(bytes).map_err(|_| invalid())
}

/// Reads `perPage` and `nextPageToken` of a list resource; other parameters are ignored.
pub fn parse_value_page(pairs: &[(String, String)]) -> Result<ValuePage, Violations> {
    let mut violations = Violations::new();
    let mut page = ValuePage {
        after: None,
        limit: DEFAULT_PAGE_SIZE,
    };
    for (name, value) in pairs {
        match name.as_str() {
            "perPage" => page.limit = per_page(value, &mut violations).unwrap_or(page.limit),
            "nextPageToken" => {
                let after = decode_token(value).and_then(|text| {
                    text.strip_prefix("v1:value:")
                        .map(str::to_owned)
                        .ok_or_else(|| {
                            format!("nextPageToken {value:?} is not a token of this list")
                        })
                });
                page.after = violations.check("nextPageToken", after);
            }
            _ => {}
        }
    }
    violations.finish(|| page)
}

/// Reads `perPage` and `nextPageToken` of the capture job list.
pub fn parse_capture_job_page(
    pairs: &[(String, String)],
) -> Result<(Option<CaptureJobCursor>, i64), Violations> {
    let mut violations = Violations::new();
    let mut limit = DEFAULT_PAGE_SIZE;
    let mut after = None;
    for (name, value) in pairs {
        match name.as_str() {
            "perPage" => limit = per_page(value, &mut violations).unwrap_or(limit),
            "nextPageToken" => {
                let cursor = decode_token(value).and_then(|text| {
                    text.strip_prefix("v1:job:")
                        .and_then(|rest| rest.split_once(':'))
                        .and_then(|(micros, id)| {
                            Some(CaptureJobCursor {
                                created_micros: micros.parse().ok()?,
                                id: id.to_owned(),
                            })
                        })
                        .ok_or_else(|| {
                            format!(
                                "nextPageToken {value:?} is not a token of the capture job list"
                            )
                        })
                });
                after = violations.check("nextPageToken", cursor);
            }
            _ => {}
        }
    }
    violations.finish(|| (after, limit))
}

fn per_page(value: &str, violations: &mut Violations) -> Option<i64> {
    let n = count("perPage", value, violations)?;
    if n > MAX_PAGE_SIZE {
        violations.add(
            "perPage",
            format!("expected at most {MAX_PAGE_SIZE}, found {n}"),
        );
        return None;
    }
    Some(n)
}

/// Reads the query parameters of the EPCIS REST binding. `fixed` adds conditions of the
/// resource path (e.g. `/bizSteps/{bizStep}/events`).
pub fn parse_event_query(pairs: &[(String, String)]) -> Result<ParsedQuery, Violations> {
    let mut violations = Violations::new();
    let mut filter = EventFilter::default();
    let mut order = EventOrder::EventTime;
    let mut descending = true;
    let mut limit = DEFAULT_PAGE_SIZE;
    let mut after = None;
    let mut max_event_count = None;
    let mut event_count_limit = None;
    for (name, value) in pairs {
        let name = name.as_str();
        if let Some(in_roles) = match_roles(name) {
            filter.identifiers.push(IdentifierMatch {
                roles: roles(in_roles),
                keys: identifiers(name, value, &mut violations),
                prefix: false,
            });
            continue;
        }
        match name {
            "eventType" => {
                for text in split_values(value) {
                    match EventType::parse(&text) {
                        Some(t) => filter.event_types.push(t.as_str().to_owned()),
                        None => violations.add(
                            name,
                            format!(
                                "expected an EPCIS event type such as ObjectEvent, found {text:?}"
                            ),
                        ),
                    }
                }
            }
            "GE_eventTime" => filter.ge_event_time = timestamp(name, value, &mut violations),
            "LT_eventTime" => filter.lt_event_time = timestamp(name, value, &mut violations),
            "GE_recordTime" => filter.ge_record_time = timestamp(name, value, &mut violations),
            "LT_recordTime" => filter.lt_record_time = timestamp(name, value, &mut violations),
            "EQ_action" => {
                for text in split_values(value) {
                    match Action::parse(&text) {
                        Some(action) => filter.actions.push(action.as_str().to_owned()),
                        None => violations.add(
                            name,
                            format!("expected ADD, OBSERVE or DELETE, found {text:?}"),
                        ),
                    }
                }
            }
            "EQ_bizStep" => filter.biz_steps.extend(vocab_values(
                Vocabulary::BizStep,
                name,
                value,
                &mut violations,
            )),
            "EQ_disposition" => filter.dispositions.extend(vocab_values(
                Vocabulary::Disposition,
                name,
                value,
                &mut violations,
            )),
            "EQ_readPoint" => filter
                .read_points
                .extend(identifiers(name, value, &mut violations)),
            "EQ_bizLocation" => {
                filter
                    .biz_locations
                    .extend(identifiers(name, value, &mut violations))
            }
            "EQ_eventID" => filter.event_ids.extend(split_values(value)),
            "EQ_transformationID" => filter
                .attributes
                .push(("transformationID".into(), split_values(value))),
            "EXISTS_errorDeclaration" => filter.attribute_exists.push("errorDeclaration".into()),
            "EQ_errorReason" => filter.attributes.push((
                "errorDeclaration".into(),
                vocab_values(Vocabulary::ErrorReason, name, value, &mut violations),
            )),
            "orderBy" => match value.as_str() {
                "eventTime" => order = EventOrder::EventTime,
                "recordTime" => order = EventOrder::RecordTime,
                other => violations.add(
                    name,
                    format!("expected eventTime or recordTime, found {other:?}"),
                ),
            },
            "orderDirection" => match value.as_str() {
                "ASC" => descending = false,
                "DESC" => descending = true,
                other => violations.add(name, format!("expected ASC or DESC, found {other:?}")),
            },
            "eventCountLimit" => event_count_limit = count(name, value, &mut violations),
            "maxEventCount" => max_event_count = count(name, value, &mut violations),
            "perPage" => {
                if let Some(n) = count(name, value, &mut violations) {
                    if n > MAX_PAGE_SIZE {
                        violations
                            .add(name, format!("expected at most {MAX_PAGE_SIZE}, found {n}"));
                    } else {
                        limit = n;
                    }
                }
            }
            "nextPageToken" => after = violations.check(name, parse_page_token(value)),
            other => {
                if let Some(kind) = other.strip_prefix("EQ_bizTransaction_") {
                    attribute(
                        &mut filter,
                        "bizTransaction",
                        Vocabulary::BizTransactionType,
                        kind,
                        value,
                        name,
                        &mut violations,
                        false,
                    );
                } else if let Some(kind) = other.strip_prefix("EQ_source_") {
                    attribute(
                        &mut filter,
                        "source",
                        Vocabulary::SourceDestType,
                        kind,
                        value,
                        name,
                        &mut violations,
                        true,
                    );
                } else if let Some(kind) = other.strip_prefix("EQ_destination_") {
                    attribute(
                        &mut filter,
                        "destination",
                        Vocabulary::SourceDestType,
                        kind,
                        value,
                        name,
                        &mut violations,
                        true,
                    );
                } else if let Some(field) = other
                    .strip_prefix("EQ_ILMD_")
                    .or_else(|| other.strip_prefix("EQ_INNER_ILMD_"))
                {
                    filter
                        .attributes
                        .push((format!("ilmd:{}", field_name(field)), split_values(value)));
                } else if let Some(field) = other.strip_prefix("EXISTS_ILMD_") {
                    filter
                        .attribute_exists
                        .push(format!("ilmd:{}", field_name(field)));
                } else if let Some(field) = other
                    .strip_prefix("EQ_INNER_")
                    .or_else(|| other.strip_prefix("EQ_"))
                {
                    if field.contains('#') || field.contains(':') {
                        filter
                            .attributes
                            .push((format!("ext:{}", field_name(field)), split_values(value)));
                    } else {
                        violations.add(
                            name,
                            format!("{name} is not a query parameter of EPCIS 2.0"),
                        );
                    }
                } else {
                    violations.add(
                        name,
                        format!("{name} is not a query parameter of EPCIS 2.0"),
                    );
                }
            }
        }
    }
    if let Some(cap) = event_count_limit {
        limit = limit.min(cap);
    }
    violations.finish(|| ParsedQuery {
        query: EventQuery {
            filter,
            order,
            descending,
            limit,
            after,
        },
        max_event_count,
    })
}

/// An extension field name of a query, `namespace#name`, as the index names it.
fn field_name(field: &str) -> String {
    match field.rsplit_once('#') {
        Some((namespace, name)) => suyuan_core::epcis::index::extension_key(namespace, name),
        None => field.to_owned(),
    }
}

#[allow(clippy::too_many_arguments)] // one call per family of EQ_ parameters
fn attribute(
    filter: &mut EventFilter,
    family: &str,
    vocabulary: Vocabulary,
    kind: &str,
    value: &str,
    parameter: &str,
    violations: &mut Violations,
    identifiers_as_keys: bool,
) {
    let Some(kind) = violations.check(parameter, vocabulary.parse(kind)) else {
        return;
    };
    let values = if identifiers_as_keys {
        split_values(value).iter().map(|v| index_key(v)).collect()
    } else {
        split_values(value)
    };
    filter
        .attributes
        .push((format!("{family}:{}", kind.uri()), values));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn reads_the_standard_parameters() {
        let parsed = parse_event_query(&pairs(&[
            ("eventType", "ObjectEvent,AggregationEvent"),
            ("EQ_bizStep", "shipping"),
            ("MATCH_epc", "urn:epc:id:sgtin:0614141.107346.2017"),
            (
                "EQ_bizTransaction_po",
                "http://transaction.acme.com/po/12345678",
            ),
            ("orderBy", "recordTime"),
            ("orderDirection", "ASC"),
            ("perPage", "10"),
        ]))
        .unwrap();
        let filter = &parsed.query.filter;
        assert_eq!(filter.event_types, ["ObjectEvent", "AggregationEvent"]);
        assert_eq!(
            filter.biz_steps,
            ["https://ref.gs1.org/cbv/BizStep-shipping"]
        );
        assert_eq!(
            filter.identifiers[0].keys,
            ["https://id.gs1.org/01/10614141073464/21/2017"]
        );
        assert_eq!(
            filter.attributes[0].0,
            "bizTransaction:https://ref.gs1.org/cbv/BTT-po"
        );
        assert_eq!(parsed.query.limit, 10);
        assert!(!parsed.query.descending);
    }

    #[test]
    fn names_every_bad_parameter() {
        let violations = parse_event_query(&pairs(&[
            ("eventType", "CheeseEvent"),
            ("GE_eventTime", "yesterday"),
            ("MATCH_epc", "urn:epc:id:sgtin:123"),
            ("perPage", "0"),
            ("EQ_colour", "red"),
        ]))
        .unwrap_err();
        let names: Vec<_> = violations
            .errors()
            .iter()
            .map(|e| e.pointer.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "eventType",
                "GE_eventTime",
                "MATCH_epc",
                "perPage",
                "EQ_colour"
            ]
        );
    }

    #[test]
    fn list_page_tokens_round_trip() {
        let token = value_token("https://id.gs1.org/414/0614141000005");
        let page =
            parse_value_page(&pairs(&[("nextPageToken", &token), ("perPage", "5")])).unwrap();
        assert_eq!(
            page.after.as_deref(),
            Some("https://id.gs1.org/414/0614141000005")
        );
        assert_eq!(page.limit, 5);
        let cursor = CaptureJobCursor {
            created_micros: 1_700_000_000_000_000,
            id: "c_abc".into(),
        };
        let token = capture_job_token(&cursor);
        let (after, _) = parse_capture_job_page(&pairs(&[("nextPageToken", &token)])).unwrap();
        assert_eq!(after, Some(cursor));
        // A token of one list is refused by another.
        assert!(parse_value_page(&pairs(&[("nextPageToken", &token)])).is_err());
        assert!(parse_value_page(&pairs(&[("perPage", "0")])).is_err());
    }

    #[test]
    fn page_tokens_round_trip_and_forgeries_are_refused() {
        let cursor = EventCursor {
            sort_micros: 1_700_000_000_000_000,
            seq: 42,
        };
        assert_eq!(parse_page_token(&page_token(cursor)), Ok(cursor));
        assert!(parse_page_token("not-a-token").is_err());
    }
}
