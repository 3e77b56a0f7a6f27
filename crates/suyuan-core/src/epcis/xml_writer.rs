//! The XML binding of EPCIS, written: events of the model as an `epcis:EPCISDocument` or, for
//! the query interface, an `epcisq:EPCISQueryDocument`, so a query can be answered in XML as
//! well as in JSON-LD.
//!
//! Elements come in the order the EPCIS 2.0 XSD (`EPCglobal-epcis-2_0.xsd`) requires of each
//! event type, in their EPCIS 2.0 places (no 1.x `extension` wrappers, but for ILMD fields
//! without a namespace, which the XSD only allows there). Identifiers are written
//! as the model holds them; vocabulary values in the XML form (CBV URNs such as
//! `urn:epcglobal:cbv:bizstep:shipping`, `gs1:Temperature` for measurement types). User
//! extensions become elements in their namespace, with the prefix the model kept when it is
//! free, or `ext1`, `ext2`… otherwise; every namespace is declared on the root element.
//!
//! What the XML binding cannot carry: the JSON types of extension values (numbers and booleans
//! are written as text and read back as text), `null` (written `xsi:nil="true"`, read back as
//! empty text), lists of one item (read back as the item) and extension names that are not XML
//! names (JSON-LD keywords such as `@value`), which are left out.

use chrono::SecondsFormat;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event as XmlEvent};

use super::jsonld::Namespaces;
use super::model::*;
use super::vocab::Vocabulary;

const EPCIS_2: &str = "urn:epcglobal:epcis:xsd:2";
const EPCIS_QUERY_2: &str = "urn:epcglobal:epcis-query:xsd:2";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// Prefixes the writer uses itself, never given to an extension namespace.
const RESERVED_PREFIXES: [&str; 5] = ["epcis", "epcisq", "xsi", "xml", "xmlns"];

/// Writes a document in the XML binding, as an `epcis:EPCISDocument` of schema version 2.0.
pub fn encode_document(document: &Document) -> String {
    let prefixes = Prefixes::for_events(&document.namespaces, &document.events);
    let mut out = Out::new();
    let mut root = BytesStart::new("epcis:EPCISDocument");
    root.push_attribute(("xmlns:epcis", EPCIS_2));
    prefixes.declare_on(&mut root);
    root.push_attribute(("schemaVersion", "2.0"));
    root.push_attribute(("creationDate", time(&document.creation_date).as_str()));
    out.start(root);
    out.open("EPCISBody");
    write_event_list(&mut out, &document.events, &prefixes);
    out.close("EPCISBody");
    out.close("epcis:EPCISDocument");
    out.finish()
}

/// Writes the result of a query as an `epcisq:EPCISQueryDocument`:
/// `EPCISBody/epcisq:QueryResults` with the query's name, the subscription it answers (if any)
/// and the events as `resultsBody/EventList`.
///
/// Like [`super::jsonld::encode_query_document`], it takes the namespaces in force for the
/// events, and the document's creation date (`creationDate` is required of every EPCIS
/// document).
pub fn encode_query_document(
    events: &[Event],
    namespaces: &Namespaces,
    query_name: &str,
    subscription_id: Option<&str>,
    creation_date: &Timestamp,
) -> String {
    let prefixes = Prefixes::for_events(namespaces.declared(), events);
    let mut out = Out::new();
    let mut root = BytesStart::new("epcisq:EPCISQueryDocument");
    root.push_attribute(("xmlns:epcisq", EPCIS_QUERY_2));
    prefixes.declare_on(&mut root);
    root.push_attribute(("schemaVersion", "2.0"));
    root.push_attribute(("creationDate", time(creation_date).as_str()));
    out.start(root);
    out.open("EPCISBody");
    // QueryResults is a global element of the query schema, so it is qualified; its children
    // are local elements, unqualified like everything of the event schema.
    out.open("epcisq:QueryResults");
    out.text_element("queryName", query_name);
    if let Some(id) = subscription_id {
        out.text_element("subscriptionID", id);
    }
    out.open("resultsBody");
    write_event_list(&mut out, events, &prefixes);
    out.close("resultsBody");
    out.close("epcisq:QueryResults");
    out.close("EPCISBody");
    out.close("epcisq:EPCISQueryDocument");
    out.finish()
}

/// An XML writer into memory.
struct Out {
    writer: Writer<Vec<u8>>,
}

// Writing into a `Vec<u8>` cannot fail, so the results of `write_event` are not looked at.
impl Out {
    fn new() -> Out {
        let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
        let _ = writer.write_event(XmlEvent::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        Out { writer }
    }

    fn start(&mut self, start: BytesStart<'_>) {
        let _ = self.writer.write_event(XmlEvent::Start(start));
    }

    fn empty(&mut self, start: BytesStart<'_>) {
        let _ = self.writer.write_event(XmlEvent::Empty(start));
    }

    fn open(&mut self, name: &str) {
        self.start(BytesStart::new(name));
    }

    fn close(&mut self, name: &str) {
        let _ = self.writer.write_event(XmlEvent::End(BytesEnd::new(name)));
    }

    /// `<name>text</name>`, the text escaped.
    fn text_element(&mut self, name: &str, text: &str) {
        self.text_element_with(BytesStart::new(name), text);
    }

    fn text_element_with(&mut self, start: BytesStart<'_>, text: &str) {
        if text.is_empty() {
            self.empty(start);
            return;
        }
        let end = start.to_end().into_owned();
        self.start(start);
        let _ = self
            .writer
            .write_event(XmlEvent::Text(BytesText::new(text)));
        let _ = self.writer.write_event(XmlEvent::End(end));
    }

    fn finish(self) -> String {
        let mut bytes = self.writer.into_inner();
        bytes.push(b'\n');
        // Everything written came from `&str`s, so this is UTF-8.
        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into())
    }
}

/// The prefix of each extension namespace, all declared on the root element.
struct Prefixes {
    /// (prefix, namespace URI)
    bindings: Vec<(String, String)>,
    /// Whether some value is `null`, written with `xsi:nil`.
    uses_xsi: bool,
}

impl Prefixes {
    /// The namespaces a document declared (those with a usable prefix), then those its events
    /// use with the prefix each kept, or a generated one.
    fn for_events(declared: &[(String, String)], events: &[Event]) -> Prefixes {
        let mut prefixes = Prefixes {
            bindings: Vec::new(),
            uses_xsi: false,
        };
        for (prefix, uri) in declared {
            prefixes.bind(uri, Some(prefix));
        }
        for event in events {
            for extension in event_extensions(event) {
                prefixes.visit(extension);
            }
        }
        prefixes
    }

    fn visit(&mut self, extension: &Extension) {
        if !extension.namespace.is_empty() {
            self.bind(&extension.namespace, extension.prefix.as_deref());
        }
        self.visit_value(&extension.value);
    }

    fn visit_value(&mut self, value: &ExtensionValue) {
        match value {
            ExtensionValue::Null => self.uses_xsi = true,
            ExtensionValue::List(items) => items.iter().for_each(|item| self.visit_value(item)),
            ExtensionValue::Object(fields) => fields.iter().for_each(|field| self.visit(field)),
            ExtensionValue::Text(_) | ExtensionValue::Number(_) | ExtensionValue::Bool(_) => {}
        }
    }

    fn bind(&mut self, uri: &str, preferred: Option<&str>) {
        if uri.is_empty() || uri == XSI || self.prefix_of(uri).is_some() {
            return;
        }
        let free = |candidate: &str, bindings: &[(String, String)]| {
            is_xml_name(candidate)
                && !RESERVED_PREFIXES.contains(&candidate)
                && !candidate.to_ascii_lowercase().starts_with("xml")
                && !bindings.iter().any(|(p, _)| p == candidate)
        };
        let prefix = match preferred {
            Some(preferred) if free(preferred, &self.bindings) => preferred.to_owned(),
            _ => (1..)
                .map(|n| format!("ext{n}"))
                .find(|candidate| free(candidate, &self.bindings))
                .unwrap_or_default(),
        };
        self.bindings.push((prefix, uri.to_owned()));
    }

    fn prefix_of(&self, uri: &str) -> Option<&str> {
        self.bindings
            .iter()
            .find(|(_, u)| u == uri)
            .map(|(p, _)| p.as_str())
    }

    /// The qualified name of an extension: `prefix:name`, or `name` without a namespace.
    fn qualified(&self, extension: &Extension) -> String {
        match self.prefix_of(&extension.namespace) {
            Some(prefix) => format!("{prefix}:{}", extension.name),
            None => extension.name.clone(),
        }
    }

    fn declare_on(&self, root: &mut BytesStart<'_>) {
        if self.uses_xsi {
            root.push_attribute(("xmlns:xsi", XSI));
        }
        for (prefix, uri) in &self.bindings {
            root.push_attribute((format!("xmlns:{prefix}").as_str(), uri.as_str()));
        }
    }
}

/// Every extension field of an event, at any level.
fn event_extensions(event: &Event) -> impl Iterator<Item = &Extension> {
    let locations = event
        .read_point
        .iter()
        .chain(&event.biz_location)
        .flat_map(|l| &l.extensions);
    let sensors = event.sensor_element_list.iter().flat_map(|s| {
        s.extensions
            .iter()
            .chain(s.metadata.iter().flat_map(|m| &m.extensions))
            .chain(s.reports.iter().flat_map(|r| &r.extensions))
    });
    event
        .extensions
        .iter()
        .chain(event.ilmd.iter().flatten())
        .chain(event.error_declaration.iter().flat_map(|e| &e.extensions))
        .chain(locations)
        .chain(sensors)
}

/// Whether `name` is an XML name without a colon, as prefixes and local names must be
/// (`[A-Za-z_][A-Za-z0-9._-]*`, non-ASCII letters allowed).
fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn time(time: &Timestamp) -> String {
    // Keep the offset as given: `+08:00` stays `+08:00`, and UTC is written `Z`.
    time.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A number as xsd:decimal and xsd:double read it: integers without a fraction, and never an
/// exponent (which xsd:decimal refuses).
fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 { "INF" } else { "-INF" }.into()
    } else if value.fract() == 0.0 && value.abs() < 9.0e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

fn write_event_list(out: &mut Out, events: &[Event], prefixes: &Prefixes) {
    if events.is_empty() {
        out.empty(BytesStart::new("EventList"));
        return;
    }
    out.open("EventList");
    for event in events {
        write_event(out, event, prefixes);
    }
    out.close("EventList");
}

/// One event, its elements in the sequence the XSD gives its type. Fields the type does not
/// have (which the validator refuses) are not written.
fn write_event(out: &mut Out, event: &Event, prefixes: &Prefixes) {
    let name = event.event_type.as_str();
    out.open(name);
    // EPCISEventType: the fields common to all types, in this order (eventTimeZoneOffset
    // after recordTime).
    out.text_element("eventTime", &time(&event.event_time));
    if let Some(record_time) = &event.record_time {
        out.text_element("recordTime", &time(record_time));
    }
    out.text_element("eventTimeZoneOffset", &event.event_time_zone_offset);
    if let Some(id) = &event.event_id {
        out.text_element("eventID", id);
    }
    if let Some(declaration) = &event.error_declaration {
        write_error_declaration(out, declaration, prefixes);
    }
    // The XSD allows one certificationInfo; the model (like JSON-LD) allows several, and all
    // are written rather than any lost.
    for info in &event.certification_info {
        out.text_element("certificationInfo", info);
    }
    match event.event_type {
        EventType::ObjectEvent => {
            write_epcs(out, "epcList", &event.epc_list);
            write_action(out, event);
            write_what_where_why(out, event, prefixes, true);
            write_quantities(out, "quantityList", &event.quantity_list);
            write_sources_to_persistent(out, event, prefixes);
            write_ilmd(out, event, prefixes);
        }
        EventType::AggregationEvent => {
            write_parent(out, event);
            write_epcs(out, "childEPCs", &event.child_epcs);
            write_action(out, event);
            write_what_where_why(out, event, prefixes, true);
            write_quantities(out, "childQuantityList", &event.child_quantity_list);
            write_sources_to_persistent(out, event, prefixes);
        }
        EventType::TransactionEvent => {
            // The one type whose bizTransactionList comes first, and is required.
            write_biz_transactions(out, &event.biz_transaction_list);
            write_parent(out, event);
            write_epcs(out, "epcList", &event.epc_list);
            write_action(out, event);
            write_what_where_why(out, event, prefixes, false);
            write_quantities(out, "quantityList", &event.quantity_list);
            write_sources_to_persistent(out, event, prefixes);
        }
        EventType::TransformationEvent => {
            write_epcs(out, "inputEPCList", &event.input_epc_list);
            write_quantities(out, "inputQuantityList", &event.input_quantity_list);
            write_epcs(out, "outputEPCList", &event.output_epc_list);
            write_quantities(out, "outputQuantityList", &event.output_quantity_list);
            if let Some(id) = &event.transformation_id {
                out.text_element("transformationID", id);
            }
            write_what_where_why(out, event, prefixes, true);
            write_sources_to_persistent(out, event, prefixes);
            write_ilmd(out, event, prefixes);
        }
        EventType::AssociationEvent => {
            write_parent(out, event);
            write_epcs(out, "childEPCs", &event.child_epcs);
            // Unlike AggregationEvent, the child quantities come before the action.
            write_quantities(out, "childQuantityList", &event.child_quantity_list);
            write_action(out, event);
            write_what_where_why(out, event, prefixes, true);
            write_sources_to_persistent(out, event, prefixes);
        }
    }
    // User extensions close the event (the XSD's trailing `##other` wildcard).
    write_extensions(out, &event.extensions, prefixes);
    out.close(name);
}

fn write_action(out: &mut Out, event: &Event) {
    if let Some(action) = event.action {
        out.text_element("action", action.as_str());
    }
}

fn write_parent(out: &mut Out, event: &Event) {
    if let Some(parent) = &event.parent_id {
        out.text_element("parentID", parent);
    }
}

/// bizStep, disposition, readPoint, bizLocation and, unless the type puts it first,
/// bizTransactionList.
fn write_what_where_why(
    out: &mut Out,
    event: &Event,
    prefixes: &Prefixes,
    with_transactions: bool,
) {
    if let Some(step) = &event.biz_step {
        out.text_element("bizStep", &step.xml_form());
    }
    if let Some(disposition) = &event.disposition {
        out.text_element("disposition", &disposition.xml_form());
    }
    if let Some(location) = &event.read_point {
        write_location(out, "readPoint", location, prefixes);
    }
    if let Some(location) = &event.biz_location {
        write_location(out, "bizLocation", location, prefixes);
    }
    if with_transactions {
        write_biz_transactions(out, &event.biz_transaction_list);
    }
}

/// sourceList, destinationList, sensorElementList and persistentDisposition, which every type
/// has in this order after its quantities.
fn write_sources_to_persistent(out: &mut Out, event: &Event, prefixes: &Prefixes) {
    write_source_dest(out, "sourceList", "source", &event.source_list);
    write_source_dest(
        out,
        "destinationList",
        "destination",
        &event.destination_list,
    );
    if !event.sensor_element_list.is_empty() {
        out.open("sensorElementList");
        for sensor in &event.sensor_element_list {
            write_sensor_element(out, sensor, prefixes);
        }
        out.close("sensorElementList");
    }
    if let Some(persistent) = &event.persistent_disposition {
        out.open("persistentDisposition");
        // The XSD puts `unset` before `set`.
        for value in &persistent.unset {
            out.text_element("unset", &value.xml_form());
        }
        for value in &persistent.set {
            out.text_element("set", &value.xml_form());
        }
        out.close("persistentDisposition");
    }
}

fn write_epcs(out: &mut Out, name: &str, epcs: &[String]) {
    if epcs.is_empty() {
        return;
    }
    out.open(name);
    for epc in epcs {
        out.text_element("epc", epc);
    }
    out.close(name);
}

fn write_quantities(out: &mut Out, name: &str, quantities: &[QuantityElement]) {
    if quantities.is_empty() {
        return;
    }
    out.open(name);
    for element in quantities {
        out.open("quantityElement");
        out.text_element("epcClass", &element.epc_class);
        match (element.quantity, &element.uom) {
            (Some(quantity), _) => out.text_element("quantity", &number(quantity)),
            // A uom needs a quantity before it: an unknown one is nil.
            (None, Some(_)) => {
                let mut nil = BytesStart::new("quantity");
                nil.push_attribute(("xsi:nil", "true"));
                nil.push_attribute(("xmlns:xsi", XSI));
                out.empty(nil);
            }
            (None, None) => {}
        }
        if let Some(uom) = &element.uom {
            out.text_element("uom", uom);
        }
        out.close("quantityElement");
    }
    out.close(name);
}

fn write_location(out: &mut Out, name: &str, location: &Location, prefixes: &Prefixes) {
    out.open(name);
    out.text_element("id", &location.id);
    write_extensions(out, &location.extensions, prefixes);
    out.close(name);
}

fn write_biz_transactions(out: &mut Out, list: &[BizTransaction]) {
    if list.is_empty() {
        return;
    }
    out.open("bizTransactionList");
    for transaction in list {
        let mut start = BytesStart::new("bizTransaction");
        if let Some(kind) = &transaction.kind {
            start.push_attribute(("type", kind.xml_form().as_str()));
        }
        out.text_element_with(start, &transaction.value);
    }
    out.close("bizTransactionList");
}

fn write_source_dest(out: &mut Out, list_name: &str, name: &str, list: &[SourceDest]) {
    if list.is_empty() {
        return;
    }
    out.open(list_name);
    for item in list {
        let mut start = BytesStart::new(name);
        start.push_attribute(("type", item.kind.xml_form().as_str()));
        out.text_element_with(start, &item.value);
    }
    out.close(list_name);
}

fn write_error_declaration(out: &mut Out, declaration: &ErrorDeclaration, prefixes: &Prefixes) {
    out.open("errorDeclaration");
    out.text_element("declarationTime", &time(&declaration.declaration_time));
    if let Some(reason) = &declaration.reason {
        out.text_element("reason", &reason.xml_form());
    }
    if !declaration.corrective_event_ids.is_empty() {
        out.open("correctiveEventIDs");
        for id in &declaration.corrective_event_ids {
            out.text_element("correctiveEventID", id);
        }
        out.close("correctiveEventIDs");
    }
    write_extensions(out, &declaration.extensions, prefixes);
    out.close("errorDeclaration");
}

fn write_sensor_element(out: &mut Out, sensor: &SensorElement, prefixes: &Prefixes) {
    out.open("sensorElement");
    if let Some(metadata) = &sensor.metadata {
        write_sensor_fields(out, "sensorMetadata", metadata, prefixes);
    }
    for report in &sensor.reports {
        write_sensor_fields(out, "sensorReport", report, prefixes);
    }
    write_extensions(out, &sensor.extensions, prefixes);
    out.close("sensorElement");
}

/// sensorMetadata and sensorReport carry their data as attributes (the XSD gives them simple
/// content), extensions included.
fn write_sensor_fields(out: &mut Out, name: &str, fields: &SensorFields, prefixes: &Prefixes) {
    let mut start = BytesStart::new(name);
    for (field, value) in &fields.fields {
        let text = match value {
            SensorValue::Time(t) => time(t),
            SensorValue::Number(n) => number(*n),
            SensorValue::Bool(b) => b.to_string(),
            SensorValue::Text(text) => sensor_text(field, text),
        };
        start.push_attribute((field.as_str(), text.as_str()));
    }
    let mut nested = Vec::new();
    for extension in &fields.extensions {
        let text = match &extension.value {
            ExtensionValue::Text(text) => text.clone(),
            ExtensionValue::Number(n) => number(*n),
            ExtensionValue::Bool(b) => b.to_string(),
            ExtensionValue::Null | ExtensionValue::List(_) | ExtensionValue::Object(_) => {
                nested.push(extension.clone());
                continue;
            }
        };
        if is_xml_name(&extension.name) {
            let qualified = prefixes.qualified(extension);
            start.push_attribute((qualified.as_str(), text.as_str()));
        }
    }
    if nested.is_empty() {
        out.empty(start);
    } else {
        // Structured extension values cannot be attributes; they are written as child
        // elements, which the reader takes back although the XSD's simple content does not
        // allow them.
        let end = start.to_end().into_owned();
        out.start(start);
        write_extensions(out, &nested, prefixes);
        let _ = out.writer.write_event(XmlEvent::End(end));
    }
}

/// A textual sensor attribute: vocabulary values of `type` and `exception` in their XML form
/// (`gs1:Temperature`), anything else as held.
fn sensor_text(field: &str, text: &str) -> String {
    let vocabulary = match field {
        "type" => Vocabulary::MeasurementType,
        "exception" => Vocabulary::SensorAlert,
        "component" => Vocabulary::Component,
        _ => return text.to_owned(),
    };
    match vocabulary.parse(text) {
        Ok(value) if value.term().is_some() => value.xml_form(),
        _ => text.to_owned(),
    }
}

fn write_ilmd(out: &mut Out, event: &Event, prefixes: &Prefixes) {
    let Some(fields) = &event.ilmd else {
        return;
    };
    if fields.is_empty() {
        out.empty(BytesStart::new("ilmd"));
        return;
    }
    out.open("ilmd");
    // Fields without a namespace are only allowed inside ILMD's `extension` (`##local`), and
    // come first.
    let (local, namespaced): (Vec<Extension>, Vec<Extension>) = fields
        .iter()
        .filter(|f| is_xml_name(&f.name))
        .cloned()
        .partition(|f| f.namespace.is_empty());
    if !local.is_empty() {
        out.open("extension");
        write_extensions(out, &local, prefixes);
        out.close("extension");
    }
    write_extensions(out, &namespaced, prefixes);
    out.close("ilmd");
}

fn write_extensions(out: &mut Out, extensions: &[Extension], prefixes: &Prefixes) {
    for extension in extensions {
        if is_xml_name(&extension.name) {
            let name = prefixes.qualified(extension);
            write_extension_value(out, &name, &extension.value, prefixes);
        }
    }
}

/// An extension value as elements named `name`: a list is the element repeated, an object its
/// fields as child elements.
fn write_extension_value(out: &mut Out, name: &str, value: &ExtensionValue, prefixes: &Prefixes) {
    match value {
        ExtensionValue::Text(text) => out.text_element(name, text),
        ExtensionValue::Number(n) => out.text_element(name, &number(*n)),
        ExtensionValue::Bool(b) => out.text_element(name, &b.to_string()),
        ExtensionValue::Null => {
            let mut nil = BytesStart::new(name);
            nil.push_attribute(("xsi:nil", "true"));
            out.empty(nil);
        }
        ExtensionValue::List(items) => {
            for item in items {
                write_extension_value(out, name, item, prefixes);
            }
        }
        ExtensionValue::Object(fields) if fields.is_empty() => out.empty(BytesStart::new(name)),
        ExtensionValue::Object(fields) => {
            out.open(name);
            write_extensions(out, fields, prefixes);
            out.close(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::jsonld::parse_time;
    use super::super::xml::{self, parse_tree};
    use super::*;

    fn at(text: &str) -> Timestamp {
        parse_time(text).expect("a time")
    }

    fn ext(namespace: &str, prefix: Option<&str>, name: &str, value: ExtensionValue) -> Extension {
        Extension {
            namespace: namespace.into(),
            prefix: prefix.map(Into::into),
            name: name.into(),
            value,
        }
    }

    fn document(events: Vec<Event>) -> Document {
        Document {
            schema_version: "2.0".into(),
            creation_date: at("2024-05-01T08:00:00+08:00"),
            namespaces: Vec::new(),
            events,
        }
    }

    /// The names of the child elements of the first event.
    fn event_children(text: &str) -> Vec<String> {
        let (root, _) = parse_tree(text).expect("well-formed");
        root.children[0].children[0].children[0]
            .children
            .iter()
            .map(|c| c.name.clone())
            .collect()
    }

    fn transaction_event() -> Event {
        let mut event = Event::new(EventType::TransactionEvent, at("2024-05-01T10:00:00+08:00"));
        event.action = Some(Action::Add);
        event.epc_list = vec!["urn:epc:id:sgtin:0614141.107346.2018".into()];
        event.biz_step = Vocabulary::BizStep.parse("shipping").ok();
        event.biz_transaction_list = vec![BizTransaction {
            kind: Vocabulary::BizTransactionType.parse("po").ok(),
            value: "urn:epc:id:gdti:0614141.00001.1618034".into(),
        }];
        event.persistent_disposition = Some(PersistentDisposition {
            set: Vocabulary::Disposition
                .parse("completeness_verified")
                .into_iter()
                .collect(),
            unset: Vocabulary::Disposition
                .parse("completeness_inferred")
                .into_iter()
                .collect(),
        });
        event
    }

    #[test]
    fn elements_come_in_the_order_of_the_xsd() {
        let text = encode_document(&document(vec![transaction_event()]));
        assert_eq!(
            event_children(&text),
            [
                "eventTime",
                "eventTimeZoneOffset",
                "bizTransactionList",
                "epcList",
                "action",
                "bizStep",
                "persistentDisposition"
            ]
        );
        assert!(text.contains("<bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>"));
        assert!(text.contains("<bizTransaction type=\"urn:epcglobal:cbv:btt:po\">"));
        let unset = text.find("<unset>").expect("unset");
        assert!(unset < text.find("<set>").expect("set"));
        assert!(text.contains("<eventTime>2024-05-01T10:00:00+08:00</eventTime>"));

        let mut association = Event::new(EventType::AssociationEvent, at("2024-05-01T10:00:00Z"));
        association.parent_id = Some("urn:epc:id:grai:4012345.55555.987".into());
        association.action = Some(Action::Add);
        association.child_quantity_list = vec![QuantityElement {
            epc_class: "urn:epc:class:lgtin:4012345.012345.998877".into(),
            quantity: None,
            uom: None,
        }];
        let text = encode_document(&document(vec![association]));
        assert_eq!(
            event_children(&text)[2..],
            ["parentID", "childQuantityList", "action"]
        );
    }

    #[test]
    fn text_and_attributes_are_escaped_and_read_back() {
        let mut event = transaction_event();
        event.biz_transaction_list[0].value = "https://example.com/po?a=1&b=<2>".into();
        event.extensions = vec![ext(
            "https://ns.example.com/epcis/",
            Some("example"),
            "note",
            ExtensionValue::Text("\"fish\" & <chips> 's".into()),
        )];
        event.sensor_element_list = vec![SensorElement {
            metadata: None,
            reports: vec![SensorFields {
                fields: vec![
                    ("type".into(), SensorValue::Text("Temperature".into())),
                    ("stringValue".into(), SensorValue::Text("a\"b<c>&d".into())),
                    ("value".into(), SensorValue::Number(-2.5)),
                ],
                extensions: Vec::new(),
            }],
            extensions: Vec::new(),
        }];
        let text = encode_document(&document(vec![event.clone()]));
        assert!(text.contains("&amp;b=&lt;2&gt;"));
        assert!(text.contains("type=\"gs1:Temperature\""));
        let again = xml::decode_document(&text).expect("valid");
        let read = &again.events[0];
        assert_eq!(read.biz_transaction_list, event.biz_transaction_list);
        assert_eq!(read.extensions, event.extensions);
        assert_eq!(
            read.sensor_element_list[0].reports[0].get("stringValue"),
            Some(&SensorValue::Text("a\"b<c>&d".into()))
        );
        assert_eq!(
            read.sensor_element_list[0].reports[0].get("value"),
            Some(&SensorValue::Number(-2.5))
        );
    }

    #[test]
    fn extension_namespaces_keep_their_prefix_or_get_one() {
        let mut event = transaction_event();
        event.extensions = vec![
            ext(
                "https://a.example/",
                Some("a"),
                "x",
                ExtensionValue::Number(1.0),
            ),
            ext("https://b.example/", None, "y", ExtensionValue::Bool(true)),
            // A prefix the writer needs itself is not kept.
            ext(
                "https://c.example/",
                Some("epcis"),
                "z",
                ExtensionValue::Null,
            ),
            ext(
                "https://a.example/",
                Some("a"),
                "list",
                ExtensionValue::List(vec![
                    ExtensionValue::Text("one".into()),
                    ExtensionValue::Object(vec![ext(
                        "https://b.example/",
                        None,
                        "inner",
                        ExtensionValue::Text("two".into()),
                    )]),
                ]),
            ),
        ];
        let text = encode_document(&document(vec![event.clone()]));
        assert!(text.contains("xmlns:a=\"https://a.example/\""));
        assert!(text.contains("xmlns:ext1=\"https://b.example/\""));
        assert!(text.contains("xmlns:ext2=\"https://c.example/\""));
        assert!(text.contains("<a:x>1</a:x>"));
        assert!(text.contains("<ext1:y>true</ext1:y>"));
        assert!(text.contains("<ext2:z xsi:nil=\"true\"/>"));
        let again = xml::decode_document(&text).expect("valid");
        let names: Vec<String> = again.events[0]
            .extensions
            .iter()
            .map(Extension::expanded_name)
            .collect();
        assert_eq!(
            names,
            [
                "https://a.example/x",
                "https://b.example/y",
                "https://c.example/z",
                "https://a.example/list"
            ]
        );
        assert_eq!(again.events[0].extensions[3], event.extensions[3]);
    }

    #[test]
    fn names_that_are_not_xml_names_are_left_out() {
        let mut event = transaction_event();
        event.ilmd = Some(vec![
            ext("", None, "@value", ExtensionValue::Text("x".into())),
            ext(
                "https://a.example/",
                None,
                "a:b",
                ExtensionValue::Text("y".into()),
            ),
            ext(
                "https://a.example/",
                None,
                "ok",
                ExtensionValue::Text("z".into()),
            ),
        ]);
        event.event_type = EventType::TransformationEvent;
        event.action = None;
        let text = encode_document(&document(vec![event]));
        assert!(!text.contains("@value") && !text.contains("a:b"));
        assert!(!text.contains("<extension"));
        let again = xml::decode_document(&text).expect("valid");
        assert_eq!(again.events[0].ilmd.as_ref().map(Vec::len), Some(1));
    }

    #[test]
    fn ilmd_and_quantities_without_a_quantity() {
        let mut event = Event::new(EventType::ObjectEvent, at("2024-05-01T10:00:00Z"));
        event.action = Some(Action::Add);
        event.quantity_list = vec![QuantityElement {
            epc_class: "urn:epc:class:lgtin:4012345.012345.998877".into(),
            quantity: None,
            uom: Some("KGM".into()),
        }];
        event.ilmd = Some(vec![
            ext(
                "urn:epcglobal:cbv:mda:",
                Some("cbvmda"),
                "lotNumber",
                ExtensionValue::Text("LOT-1".into()),
            ),
            ext("", None, "plain", ExtensionValue::Text("kept".into())),
        ]);
        let text = encode_document(&document(vec![event.clone()]));
        assert!(text.contains("<quantity xsi:nil=\"true\""));
        // A field without a namespace goes into ILMD's `extension`, which comes first.
        let plain = text.find("<plain>").expect("plain");
        assert!(text.find("<extension>").is_some_and(|e| e < plain));
        assert!(plain < text.find("<cbvmda:lotNumber>").expect("lot"));
        let again = xml::decode_document(&text).expect("valid");
        assert_eq!(again.events[0].quantity_list, event.quantity_list);
        let mut ilmd = event.ilmd.clone().unwrap_or_default();
        ilmd.reverse();
        assert_eq!(again.events[0].ilmd, Some(ilmd));
    }

    #[test]
    fn a_query_document_carries_its_name_subscription_and_events() {
        let event = transaction_event();
        let text = encode_query_document(
            &[event],
            &Namespaces::default(),
            "SimpleEventQuery",
            Some("sub-7"),
            &at("2024-05-01T08:00:00Z"),
        );
        let (root, _) = parse_tree(&text).expect("well-formed");
        assert_eq!(root.name, "EPCISQueryDocument");
        assert_eq!(root.namespace, EPCIS_QUERY_2);
        let results = &root.children[0].children[0];
        assert_eq!(
            (results.name.as_str(), results.namespace.as_str()),
            ("QueryResults", EPCIS_QUERY_2)
        );
        let names: Vec<&str> = results.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["queryName", "subscriptionID", "resultsBody"]);
        assert_eq!(results.children[0].text, "SimpleEventQuery");
        assert_eq!(results.children[2].children[0].name, "EventList");
        assert_eq!(results.children[2].children[0].children.len(), 1);

        let without = encode_query_document(
            &[],
            &Namespaces::default(),
            "SimpleEventQuery",
            None,
            &at("2024-05-01T08:00:00Z"),
        );
        assert!(!without.contains("subscriptionID"));
        assert!(without.contains("<EventList/>"));
    }
}
