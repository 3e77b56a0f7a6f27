//! The XML binding of EPCIS: reading EPCIS 2.0 documents (`urn:epcglobal:epcis:xsd:2`) and the
//! EPCIS 1.2 documents many systems still send (`…:xsd:1`, with `extension`/`baseExtension`
//! wrappers), into the same model as the JSON-LD binding.
//!
//! Errors are named by the same pointers as JSON-LD documents
//! (`/epcisBody/eventList/3/eventTime`), so a capture job reads alike in either binding.

use quick_xml::NsReader;
use quick_xml::events::Event as XmlEvent;
use quick_xml::name::ResolveResult;

use super::hash::id_of_pre_hash;
use super::identifiers::check_identifier;
use super::jsonld::parse_time;
use super::model::*;
use super::vocab::Vocabulary;
use super::xml_hash;
use crate::validation::Violations;

const EPCIS_2: &str = "urn:epcglobal:epcis:xsd:2";
const EPCIS_1: &str = "urn:epcglobal:epcis:xsd:1";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const MASTER_DATA_2: &str = "urn:epcglobal:epcis-masterdata:xsd:2";
const MASTER_DATA_1: &str = "urn:epcglobal:epcis-masterdata:xsd:1";
const QUERY_2: &str = "urn:epcglobal:epcis-query:xsd:2";
const QUERY_1: &str = "urn:epcglobal:epcis-query:xsd:1";

/// An XML element with its namespace resolved.
#[derive(Debug, Clone, Default)]
pub(super) struct Element {
    pub(super) namespace: String,
    pub(super) prefix: Option<String>,
    pub(super) name: String,
    /// (namespace, prefix, local name, value)
    pub(super) attributes: Vec<(String, Option<String>, String, String)>,
    /// All character data directly inside the element.
    pub(super) text: String,
    /// How much of `text` came before the first child element.
    pub(super) head_len: Option<usize>,
    /// Whether the start tag is the bare name, `<name>`: no attributes, no blanks, not empty.
    pub(super) bare_tag: bool,
    pub(super) children: Vec<Element>,
}

impl Element {
    /// The character data before the first child element (ElementTree's `text`).
    pub(super) fn head_text(&self) -> &str {
        match self.head_len {
            Some(len) => self.text.get(..len).unwrap_or(&self.text),
            None => &self.text,
        }
    }

    fn push_child(&mut self, child: Element) {
        if self.head_len.is_none() {
            self.head_len = Some(self.text.len());
        }
        self.children.push(child);
    }

    fn child(&self, name: &str) -> Option<&Element> {
        self.children
            .iter()
            .find(|c| c.namespace.is_empty() && c.name == name)
    }

    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(ns, _, n, _)| ns.is_empty() && n == name)
            .map(|(_, _, _, v)| v.as_str())
    }

    fn text(&self) -> &str {
        self.text.trim()
    }

    /// Whether the element is `xsi:nil="true"` (present, but without a value).
    fn is_nil(&self) -> bool {
        self.attributes
            .iter()
            .any(|(ns, _, name, value)| ns == XSI && name == "nil" && value.trim() == "true")
    }
}

/// Builds an element from a start tag; namespace declarations of the root are collected.
fn element_from(
    reader: &NsReader<&[u8]>,
    start: &quick_xml::events::BytesStart<'_>,
    namespace: String,
    at_root: bool,
    declarations: &mut Vec<(String, String)>,
) -> Result<Element, String> {
    let position = reader.buffer_position();
    let mut element = Element {
        namespace,
        prefix: start
            .name()
            .prefix()
            .map(|p| String::from_utf8_lossy(p.as_ref()).into_owned()),
        name: String::from_utf8_lossy(start.local_name().as_ref()).into_owned(),
        ..Default::default()
    };
    for attribute in start.attributes() {
        let attribute =
            attribute.map_err(|e| format!("bad attribute near byte {position}: {e}"))?;
        let key = attribute.key;
        let raw_key = String::from_utf8_lossy(key.as_ref()).into_owned();
        let value = attribute
            .unescape_value()
            .map_err(|e| format!("bad attribute value near byte {position}: {e}"))?
            .into_owned();
        if raw_key == "xmlns" || raw_key.starts_with("xmlns:") {
            if at_root {
                declarations.push((
                    raw_key.strip_prefix("xmlns:").unwrap_or("").to_owned(),
                    value,
                ));
            }
            continue;
        }
        let (resolved, local) = reader.resolve_attribute(key);
        let attribute_namespace = match resolved {
            ResolveResult::Bound(ns) => String::from_utf8_lossy(ns.as_ref()).into_owned(),
            _ => String::new(),
        };
        element.attributes.push((
            attribute_namespace,
            key.prefix()
                .map(|p| String::from_utf8_lossy(p.as_ref()).into_owned()),
            String::from_utf8_lossy(local.as_ref()).into_owned(),
            value,
        ));
    }
    Ok(element)
}

/// Parses XML text into a tree, and the namespace declarations of the root.
pub(super) fn parse_tree(text: &str) -> Result<(Element, Vec<(String, String)>), String> {
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut declarations = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let position = reader.buffer_position();
        let (resolved, event) = reader
            .read_resolved_event()
            .map_err(|e| format!("not well-formed XML near byte {position}: {e}"))?;
        let namespace = match resolved {
            ResolveResult::Bound(ns) => String::from_utf8_lossy(ns.as_ref()).into_owned(),
            ResolveResult::Unbound => String::new(),
            ResolveResult::Unknown(prefix) => {
                return Err(format!(
                    "the namespace prefix {:?} is not declared (near byte {position})",
                    String::from_utf8_lossy(&prefix)
                ));
            }
        };
        let at_root = stack.is_empty() && root.is_none();
        match event {
            XmlEvent::Start(start) => {
                let mut element =
                    element_from(&reader, &start, namespace, at_root, &mut declarations)?;
                element.bare_tag = start.as_ref() == start.name().as_ref();
                stack.push(element);
            }
            XmlEvent::Empty(start) => {
                let element = element_from(&reader, &start, namespace, at_root, &mut declarations)?;
                match stack.last_mut() {
                    Some(parent) => parent.push_child(element),
                    None => root = Some(element),
                }
            }
            XmlEvent::End(_) => {
                let element = stack
                    .pop()
                    .ok_or_else(|| format!("unbalanced end tag near byte {position}"))?;
                match stack.last_mut() {
                    Some(parent) => parent.push_child(element),
                    None => root = Some(element),
                }
            }
            XmlEvent::Text(text) => {
                if let Some(top) = stack.last_mut() {
                    let text = text
                        .decode()
                        .map_err(|e| format!("bad text near byte {position}: {e}"))?;
                    top.text.push_str(&text);
                }
            }
            XmlEvent::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(ch)) => ch.to_string(),
                    _ => {
                        let name = reference
                            .decode()
                            .map_err(|e| format!("bad reference near byte {position}: {e}"))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| format!("unknown entity &{name}; near byte {position}"))?
                            .to_owned()
                    }
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            XmlEvent::CData(data) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&data));
                }
            }
            XmlEvent::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(format!(
            "the document ends inside <{}>",
            stack.last().map(|e| e.name.as_str()).unwrap_or("")
        ));
    }
    let root = root.ok_or("the document has no root element")?;
    Ok((root, declarations))
}

fn is_wrapper(element: &Element) -> bool {
    element.namespace.is_empty() && (element.name == "extension" || element.name == "baseExtension")
}

/// Elements with EPCIS 1.x `extension` and `baseExtension` wrappers spliced in, at this level.
fn splice_wrappers(elements: Vec<Element>) -> Vec<Element> {
    let mut out = Vec::with_capacity(elements.len());
    for element in elements {
        if is_wrapper(&element) {
            out.extend(splice_wrappers(element.children));
        } else {
            out.push(element);
        }
    }
    out
}

/// An element with EPCIS 1.x `extension` and `baseExtension` wrappers spliced into their
/// parents at every level.
fn unwrap_extensions(mut element: Element) -> Element {
    element.children = splice_wrappers(std::mem::take(&mut element.children))
        .into_iter()
        .map(unwrap_extensions)
        .collect();
    element
}

/// Reads an EPCIS XML document.
///
/// An event without an `eventID` is given the one its event hash assigns it. That hash is the
/// reference generator's, which reads the XML elements rather than the event model (see
/// [`super::xml_hash`]); it can only be computed here, from the XML.
pub fn decode_document(text: &str) -> Result<Document, Violations> {
    decode_document_with_pre_hashes(text).map(|(document, _)| document)
}

/// Reads an EPCIS XML document, with the pre-hash string of each of its events (in the order
/// of `events`) as the reference event hash generator reads it from the XML.
pub fn decode_document_with_pre_hashes(text: &str) -> Result<(Document, Vec<String>), Violations> {
    match decode(text, true) {
        Ok((document, pre_hashes, violations)) if violations.is_empty() => {
            Ok((document, pre_hashes))
        }
        Ok((_, _, violations)) | Err(violations) => Err(violations),
    }
}

/// Reads a document whose header is sound: its valid events and the problems of the others.
/// A query document (`EPCISQueryDocument`) is refused here: it is an answer, not something
/// to capture.
pub fn decode_document_partially(text: &str) -> Result<(Document, Violations), Violations> {
    decode(text, false).map(|(document, _, violations)| (document, violations))
}

/// The element named `name` (without namespace) taken out of `elements`.
fn take_child(elements: &mut Vec<Element>, name: &str) -> Option<Element> {
    let index = elements
        .iter()
        .position(|e| e.namespace.is_empty() && e.name == name)?;
    Some(elements.remove(index))
}

type Decoded = (Document, Vec<String>, Violations);

fn decode(text: &str, query_documents: bool) -> Result<Decoded, Violations> {
    let (mut root, declarations) =
        parse_tree(text).map_err(|message| Violations::single("", message))?;
    let mut violations = Violations::new();
    let master_data = root.name == "EPCISMasterDataDocument"
        && (root.namespace == MASTER_DATA_2 || root.namespace == MASTER_DATA_1);
    let query_results = root.name == "EPCISQueryDocument"
        && (root.namespace == QUERY_2 || root.namespace == QUERY_1);
    if query_results && !query_documents {
        return Err(Violations::single(
            "",
            "expected an epcis:EPCISDocument: a query document is an answer, not something to capture",
        ));
    }
    if !master_data
        && !query_results
        && (root.name != "EPCISDocument"
            || !(root.namespace == EPCIS_2 || root.namespace == EPCIS_1))
    {
        violations.add(
            "",
            format!(
                "expected an epcis:EPCISDocument in {EPCIS_2} (or {EPCIS_1}) or an \
                 epcisq:EPCISQueryDocument in {QUERY_2}, found <{}> in {:?}",
                root.name, root.namespace
            ),
        );
        return Err(violations);
    }
    let schema_version = root.attribute("schemaVersion").unwrap_or("").to_owned();
    if !matches!(schema_version.as_str(), "2.0" | "1.2" | "1.1" | "1.0") {
        violations.add(
            "/schemaVersion",
            format!("expected \"2.0\" or \"1.2\", found {schema_version:?}"),
        );
    }
    let creation_date = match root.attribute("creationDate") {
        Some(text) => violations.check("/creationDate", parse_time(text)),
        None => {
            violations.add("/creationDate", "is required");
            None
        }
    };
    let mut top = splice_wrappers(std::mem::take(&mut root.children));
    let Some(body) = take_child(&mut top, "EPCISBody") else {
        violations.add("/epcisBody", "is required (EPCISBody)");
        return Err(violations);
    };
    let mut body = splice_wrappers(body.children);
    if query_results {
        // A query's answer: EPCISBody/epcisq:QueryResults/resultsBody/EventList.
        let results = body
            .iter()
            .position(|e| e.name == "QueryResults")
            .map(|index| body.remove(index));
        let Some(mut results) = results else {
            violations.add("/epcisBody/queryResults", "is required (QueryResults)");
            return Err(violations);
        };
        let Some(results_body) = take_child(&mut results.children, "resultsBody") else {
            violations.add(
                "/epcisBody/queryResults/resultsBody",
                "is required (resultsBody)",
            );
            return Err(violations);
        };
        body = splice_wrappers(results_body.children);
    }
    // Master data documents and documents of master data only carry no events.
    let list = match take_child(&mut body, "EventList") {
        Some(list) => splice_wrappers(list.children),
        None if master_data
            || body
                .iter()
                .any(|e| e.namespace.is_empty() && e.name == "VocabularyList") =>
        {
            Vec::new()
        }
        None => {
            violations.add("/epcisBody/eventList", "is required (EPCISBody/EventList)");
            return Err(violations);
        }
    };
    let Some(creation_date) = creation_date.filter(|_| violations.is_empty()) else {
        return Err(violations);
    };
    let namespaces: Vec<(String, String)> = declarations
        .into_iter()
        .filter(|(prefix, uri)| {
            !prefix.is_empty()
                && uri != EPCIS_2
                && uri != EPCIS_1
                && uri != QUERY_2
                && uri != QUERY_1
                && uri != XSI
                && uri != "http://www.w3.org/2001/XMLSchema"
        })
        .collect();
    let mut events = Vec::new();
    let mut pre_hashes = Vec::new();
    for (index, element) in list.into_iter().enumerate() {
        let pointer = format!("/epcisBody/eventList/{index}");
        // The hash reads the elements as they came; the model reads them without wrappers.
        let pre_hash = xml_hash::pre_hash(&element);
        let element = unwrap_extensions(element);
        if let Some(mut event) = read_event(&element, &pointer, &mut violations) {
            if event.event_id.is_none() {
                event.event_id = Some(id_of_pre_hash(&pre_hash));
            }
            events.push(event);
            pre_hashes.push(pre_hash);
        }
    }
    Ok((
        Document {
            schema_version: "2.0".into(),
            creation_date,
            namespaces,
            events,
        },
        pre_hashes,
        violations,
    ))
}

fn read_event(element: &Element, pointer: &str, violations: &mut Violations) -> Option<Event> {
    let errors_before = violations.errors().len();
    let Some(event_type) = EventType::parse(&element.name).filter(|_| element.namespace.is_empty())
    else {
        violations.add(
            format!("{pointer}/type"),
            format!(
                "expected ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent or AssociationEvent, found <{}>",
                element.name
            ),
        );
        return None;
    };
    let event_time = match element.child("eventTime") {
        Some(time) => violations.check(&format!("{pointer}/eventTime"), parse_time(time.text())),
        None => {
            violations.add(format!("{pointer}/eventTime"), "is required");
            None
        }
    };
    let mut event = Event::new(event_type, event_time.unwrap_or_default());
    match element.child("eventTimeZoneOffset") {
        Some(offset) => event.event_time_zone_offset = offset.text().to_owned(),
        None => violations.add(format!("{pointer}/eventTimeZoneOffset"), "is required"),
    }
    for child in &element.children {
        let at = format!("{pointer}/{}", child.name);
        if !child.namespace.is_empty() {
            continue;
        }
        match child.name.as_str() {
            "eventTime" | "eventTimeZoneOffset" => {}
            "recordTime" => event.record_time = violations.check(&at, parse_time(child.text())),
            "eventID" => event.event_id = Some(child.text().to_owned()),
            "certificationInfo" => event.certification_info.push(child.text().to_owned()),
            "errorDeclaration" => {
                event.error_declaration = error_declaration(child, &at, violations)
            }
            "parentID" => event.parent_id = identifier(child.text(), &at, violations),
            "epcList" => event.epc_list = epcs(child, &at, violations),
            "childEPCs" => event.child_epcs = epcs(child, &at, violations),
            "inputEPCList" => event.input_epc_list = epcs(child, &at, violations),
            "outputEPCList" => event.output_epc_list = epcs(child, &at, violations),
            "quantityList" => event.quantity_list = quantities(child, &at, violations),
            "childQuantityList" => event.child_quantity_list = quantities(child, &at, violations),
            "inputQuantityList" => event.input_quantity_list = quantities(child, &at, violations),
            "outputQuantityList" => event.output_quantity_list = quantities(child, &at, violations),
            "action" => match Action::parse(child.text()) {
                Some(action) => event.action = Some(action),
                None => violations.add(
                    at,
                    format!("expected ADD, OBSERVE or DELETE, found {:?}", child.text()),
                ),
            },
            "transformationID" => event.transformation_id = Some(child.text().to_owned()),
            "bizStep" => {
                event.biz_step = violations.check(&at, Vocabulary::BizStep.parse(child.text()))
            }
            "disposition" => {
                event.disposition =
                    violations.check(&at, Vocabulary::Disposition.parse(child.text()))
            }
            "persistentDisposition" => {
                let mut persistent = PersistentDisposition::default();
                for item in &child.children {
                    let value = violations.check(
                        &format!("{at}/{}", item.name),
                        Vocabulary::Disposition.parse(item.text()),
                    );
                    match item.name.as_str() {
                        "set" => persistent.set.extend(value),
                        "unset" => persistent.unset.extend(value),
                        other => violations.add(
                            format!("{at}/{other}"),
                            "is not a field here; expected set or unset",
                        ),
                    }
                }
                event.persistent_disposition = Some(persistent);
            }
            "readPoint" => event.read_point = location(child, &at, violations),
            "bizLocation" => event.biz_location = location(child, &at, violations),
            "bizTransactionList" => {
                for (index, item) in child.children.iter().enumerate() {
                    let item_at = format!("{at}/{index}");
                    let kind = item.attribute("type").and_then(|t| {
                        violations.check(
                            &format!("{item_at}/type"),
                            Vocabulary::BizTransactionType.parse(t),
                        )
                    });
                    event.biz_transaction_list.push(BizTransaction {
                        kind,
                        value: item.text().to_owned(),
                    });
                }
            }
            "sourceList" | "destinationList" => {
                let mut list = Vec::new();
                for (index, item) in child.children.iter().enumerate() {
                    let item_at = format!("{at}/{index}");
                    match item.attribute("type") {
                        Some(t) => {
                            if let Some(kind) = violations.check(
                                &format!("{item_at}/type"),
                                Vocabulary::SourceDestType.parse(t),
                            ) {
                                list.push(SourceDest {
                                    kind,
                                    value: item.text().to_owned(),
                                });
                            }
                        }
                        None => violations.add(format!("{item_at}/type"), "is required"),
                    }
                }
                if child.name == "sourceList" {
                    event.source_list = list;
                } else {
                    event.destination_list = list;
                }
            }
            "sensorElementList" => {
                for (index, item) in child.children.iter().enumerate() {
                    event.sensor_element_list.push(sensor_element(
                        item,
                        &format!("{at}/{index}"),
                        violations,
                    ));
                }
            }
            "ilmd" => event.ilmd = Some(extensions(&child.children)),
            other => violations.add(
                at,
                format!("<{other}> is not a field of {}", event_type.as_str()),
            ),
        }
    }
    event.extensions = extensions(element.children.iter().filter(|c| !c.namespace.is_empty()));
    if event_type.has_action() && event.action.is_none() {
        violations.add(
            format!("{pointer}/action"),
            format!("is required for {}", event_type.as_str()),
        );
    }
    (violations.errors().len() == errors_before).then_some(event)
}

fn identifier(text: &str, pointer: &str, violations: &mut Violations) -> Option<String> {
    violations.check(pointer, check_identifier(text).map(|()| text.to_owned()))
}

fn epcs(element: &Element, pointer: &str, violations: &mut Violations) -> Vec<String> {
    element
        .children
        .iter()
        .enumerate()
        .filter_map(|(index, epc)| {
            identifier(epc.text(), &format!("{pointer}/{index}"), violations)
        })
        .collect()
}

fn quantities(
    element: &Element,
    pointer: &str,
    violations: &mut Violations,
) -> Vec<QuantityElement> {
    let mut list = Vec::new();
    for (index, item) in element.children.iter().enumerate() {
        let at = format!("{pointer}/{index}");
        let epc_class = match item.child("epcClass") {
            Some(class) => identifier(class.text(), &format!("{at}/epcClass"), violations),
            None => {
                violations.add(format!("{at}/epcClass"), "is required");
                None
            }
        };
        let quantity = item
            .child("quantity")
            .filter(|q| !q.is_nil())
            .and_then(|q| {
                violations.check(
                    &format!("{at}/quantity"),
                    q.text()
                        .parse::<f64>()
                        .ok()
                        .filter(|v| *v >= 0.0 && v.is_finite())
                        .ok_or_else(|| {
                            format!("expected a number of 0 or more, found {:?}", q.text())
                        }),
                )
            });
        let uom = item.child("uom").map(|u| u.text().to_owned());
        if let Some(epc_class) = epc_class {
            list.push(QuantityElement {
                epc_class,
                quantity,
                uom,
            });
        }
    }
    list
}

fn location(element: &Element, pointer: &str, violations: &mut Violations) -> Option<Location> {
    let id = match element.child("id") {
        Some(id) => identifier(id.text(), &format!("{pointer}/id"), violations),
        None => {
            violations.add(format!("{pointer}/id"), "is required");
            None
        }
    };
    let extensions = extensions(element.children.iter().filter(|c| !c.namespace.is_empty()));
    Some(Location {
        id: id?,
        extensions,
    })
}

fn error_declaration(
    element: &Element,
    pointer: &str,
    violations: &mut Violations,
) -> Option<ErrorDeclaration> {
    let declaration_time = match element.child("declarationTime") {
        Some(time) => violations.check(
            &format!("{pointer}/declarationTime"),
            parse_time(time.text()),
        ),
        None => {
            violations.add(format!("{pointer}/declarationTime"), "is required");
            None
        }
    };
    let reason = element.child("reason").and_then(|r| {
        violations.check(
            &format!("{pointer}/reason"),
            Vocabulary::ErrorReason.parse(r.text()),
        )
    });
    let corrective_event_ids = element
        .child("correctiveEventIDs")
        .map(|list| {
            list.children
                .iter()
                .map(|id| id.text().to_owned())
                .collect()
        })
        .unwrap_or_default();
    let extensions = extensions(element.children.iter().filter(|c| !c.namespace.is_empty()));
    Some(ErrorDeclaration {
        declaration_time: declaration_time?,
        reason,
        corrective_event_ids,
        extensions,
    })
}

fn sensor_element(element: &Element, pointer: &str, violations: &mut Violations) -> SensorElement {
    let mut sensor = SensorElement {
        extensions: extensions(element.children.iter().filter(|c| !c.namespace.is_empty())),
        ..Default::default()
    };
    for child in element.children.iter().filter(|c| c.namespace.is_empty()) {
        let at = format!("{pointer}/{}", child.name);
        match child.name.as_str() {
            "sensorMetadata" => sensor.metadata = Some(sensor_fields(child, &at, violations)),
            "sensorReport" => sensor.reports.push(sensor_fields(child, &at, violations)),
            other => violations.add(at, format!("<{other}> is not a field of a sensor element")),
        }
    }
    sensor
}

fn sensor_fields(element: &Element, pointer: &str, violations: &mut Violations) -> SensorFields {
    let mut fields = SensorFields::default();
    for (namespace, prefix, name, value) in &element.attributes {
        let at = format!("{pointer}/{name}");
        if !namespace.is_empty() {
            fields.extensions.push(Extension {
                namespace: namespace.clone(),
                prefix: prefix.clone(),
                name: name.clone(),
                value: ExtensionValue::Text(value.clone()),
            });
            continue;
        }
        let parsed = match name.as_str() {
            "time" | "startTime" | "endTime" => violations
                .check(&at, parse_time(value))
                .map(SensorValue::Time),
            "value" | "minValue" | "maxValue" | "meanValue" | "sDev" | "percRank" | "percValue" => {
                violations
                    .check(
                        &at,
                        value
                            .trim()
                            .parse::<f64>()
                            .map_err(|_| format!("expected a number, found {value:?}")),
                    )
                    .map(SensorValue::Number)
            }
            "booleanValue" => match value.trim() {
                "true" | "1" => Some(SensorValue::Bool(true)),
                "false" | "0" => Some(SensorValue::Bool(false)),
                other => {
                    violations.add(at, format!("expected true or false, found {other:?}"));
                    None
                }
            },
            "type" => violations
                .check(&at, Vocabulary::MeasurementType.written_form(value))
                .map(SensorValue::Text),
            "exception" => violations
                .check(&at, Vocabulary::SensorAlert.written_form(value))
                .map(SensorValue::Text),
            "component" => violations
                .check(&at, Vocabulary::Component.written_form(value))
                .map(SensorValue::Text),
            _ => Some(SensorValue::Text(value.clone())),
        };
        if let Some(parsed) = parsed {
            fields.fields.push((name.clone(), parsed));
        }
    }
    fields.extensions.extend(extensions(
        element.children.iter().filter(|c| !c.namespace.is_empty()),
    ));
    fields
}

/// An extension element: its text, or the object of its child elements.
fn extension(element: &Element) -> Extension {
    let value = if element.children.is_empty() {
        ExtensionValue::Text(element.text().to_owned())
    } else {
        ExtensionValue::Object(extensions(&element.children))
    };
    Extension {
        namespace: element.namespace.clone(),
        prefix: element.prefix.clone(),
        name: element.name.clone(),
        value,
    }
}

/// Extension elements, with repeated siblings of one name gathered into a list (the JSON-LD
/// binding's array).
fn extensions<'a>(elements: impl IntoIterator<Item = &'a Element>) -> Vec<Extension> {
    let mut out: Vec<Extension> = Vec::new();
    for element in elements {
        let next = extension(element);
        match out
            .iter_mut()
            .find(|e| e.namespace == next.namespace && e.name == next.name)
        {
            Some(existing) => match &mut existing.value {
                ExtensionValue::List(items) => items.push(next.value),
                other => {
                    let first = std::mem::replace(other, ExtensionValue::Null);
                    *other = ExtensionValue::List(vec![first, next.value]);
                }
            },
            None => out.push(next),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCUMENT: &str = "<epcis:EPCISDocument xmlns:epcis=\"urn:epcglobal:epcis:xsd:2\" \
        schemaVersion=\"2.0\" creationDate=\"2020-01-01T00:00:00Z\"><EPCISBody><EventList>\
        <ObjectEvent><eventTime>2020-01-01T00:00:00Z</eventTime>\
        <eventTimeZoneOffset>+00:00</eventTimeZoneOffset><action>OBSERVE</action>\
        <extension><quantityList><quantityElement>\
        <epcClass>urn:epc:class:lgtin:4012345.012345.998877</epcClass>\
        <quantity>5</quantity></quantityElement></quantityList></extension></ObjectEvent>\
        <ObjectEvent><eventTime>2020-01-01T00:00:00Z</eventTime>\
        <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>\
        <baseExtension><eventID>urn:uuid:6a9f0f4e-3e0b-4b43-9b43-3c1f0a0c2d11</eventID>\
        </baseExtension><action>OBSERVE</action></ObjectEvent>\
        </EventList></EPCISBody></epcis:EPCISDocument>";

    #[test]
    fn events_without_an_id_get_the_hash_of_their_xml() {
        let (document, pre_hashes) =
            decode_document_with_pre_hashes(DOCUMENT).expect("a valid document");
        assert_eq!(
            pre_hashes[0],
            "eventType=ObjectEventeventTime=2020-01-01T00:00:00.000ZeventTimeZoneOffset=+00:00\
             quantityListquantityElementepcClass=https://id.gs1.org/01/04012345123456/10/998877\
             quantity=5action=OBSERVE"
        );
        assert_eq!(document.events[0].quantity_list[0].quantity, Some(5.0));
        assert_eq!(
            document.events[0].event_id.as_deref(),
            Some(id_of_pre_hash(&pre_hashes[0]).as_str())
        );
        // A declared eventID stays, though the hash is still computed.
        assert_eq!(
            document.events[1].event_id.as_deref(),
            Some("urn:uuid:6a9f0f4e-3e0b-4b43-9b43-3c1f0a0c2d11")
        );
        assert_eq!(
            pre_hashes[1],
            "eventType=ObjectEventeventTime=2020-01-01T00:00:00.000ZeventTimeZoneOffset=+00:00\
             action=OBSERVE"
        );
    }
}
