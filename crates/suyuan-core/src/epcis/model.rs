//! The EPCIS 2.0 event model: the five event types with every standard field, and user
//! extensions kept as they came (namespace, name, value), so a document read in one binding is
//! written back in either without losing anything.

use chrono::{DateTime, FixedOffset};

use super::vocab::VocabValue;

/// The five EPCIS event types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    ObjectEvent,
    AggregationEvent,
    TransactionEvent,
    TransformationEvent,
    AssociationEvent,
}

impl EventType {
    pub const ALL: [EventType; 5] = [
        EventType::ObjectEvent,
        EventType::AggregationEvent,
        EventType::TransactionEvent,
        EventType::TransformationEvent,
        EventType::AssociationEvent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::ObjectEvent => "ObjectEvent",
            EventType::AggregationEvent => "AggregationEvent",
            EventType::TransactionEvent => "TransactionEvent",
            EventType::TransformationEvent => "TransformationEvent",
            EventType::AssociationEvent => "AssociationEvent",
        }
    }

    pub fn parse(text: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// Whether events of this type carry an `action` (all but TransformationEvent).
    pub fn has_action(self) -> bool {
        self != EventType::TransformationEvent
    }
}

/// ADD, OBSERVE or DELETE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Add,
    Observe,
    Delete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "ADD",
            Action::Observe => "OBSERVE",
            Action::Delete => "DELETE",
        }
    }

    pub fn parse(text: &str) -> Option<Action> {
        match text {
            "ADD" => Some(Action::Add),
            "OBSERVE" => Some(Action::Observe),
            "DELETE" => Some(Action::Delete),
            _ => None,
        }
    }
}

/// A point in time as the document gave it, offset included.
pub type Timestamp = DateTime<FixedOffset>;

/// A quantity of a class of objects (`quantityList` and its siblings).
#[derive(Debug, Clone, PartialEq)]
pub struct QuantityElement {
    pub epc_class: String,
    /// Absent when the class is counted in instances rather than measured.
    pub quantity: Option<f64>,
    /// UN/CEFACT Rec. 20 unit code.
    pub uom: Option<String>,
}

/// A business transaction an event belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct BizTransaction {
    pub kind: Option<VocabValue>,
    pub value: String,
}

/// A source or destination of a transfer of ownership, possession or location.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceDest {
    pub kind: VocabValue,
    pub value: String,
}

/// A read point or business location: its identifier and any extension fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub id: String,
    pub extensions: Vec<Extension>,
}

/// Dispositions that hold until unset, for every object of the event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersistentDisposition {
    pub set: Vec<VocabValue>,
    pub unset: Vec<VocabValue>,
}

/// A later statement that the event was in error.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorDeclaration {
    pub declaration_time: Timestamp,
    pub reason: Option<VocabValue>,
    pub corrective_event_ids: Vec<String>,
    pub extensions: Vec<Extension>,
}

/// One scalar of sensor data, as the document typed it.
#[derive(Debug, Clone, PartialEq)]
pub enum SensorValue {
    Time(Timestamp),
    Number(f64),
    Text(String),
    Bool(bool),
}

/// A sensor's metadata or one of its reports: standard attributes in document order, then
/// extensions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SensorFields {
    /// Standard attributes by their EPCIS name (`time`, `deviceID`, `type`, `value`, …).
    pub fields: Vec<(String, SensorValue)>,
    pub extensions: Vec<Extension>,
}

impl SensorFields {
    pub fn get(&self, name: &str) -> Option<&SensorValue> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// A sensor element: the sensor's metadata and its reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SensorElement {
    pub metadata: Option<SensorFields>,
    pub reports: Vec<SensorFields>,
    pub extensions: Vec<Extension>,
}

/// A user extension field: a name in a namespace and its value.
#[derive(Debug, Clone)]
pub struct Extension {
    /// The namespace URI (`http://ns.example.com/epcis/`), or empty for an unqualified name.
    pub namespace: String,
    /// The prefix the document used for the namespace, kept to write it back the same way.
    pub prefix: Option<String>,
    pub name: String,
    pub value: ExtensionValue,
}

/// Two extensions are the same field with the same value whatever prefix a document used.
impl PartialEq for Extension {
    fn eq(&self, other: &Self) -> bool {
        self.namespace == other.namespace && self.name == other.name && self.value == other.value
    }
}

impl Extension {
    /// `namespace` + `name`: the extension's identity across bindings.
    pub fn expanded_name(&self) -> String {
        format!("{}{}", self.namespace, self.name)
    }
}

/// The value of an extension field.
#[derive(Debug, Clone, PartialEq)]
pub enum ExtensionValue {
    Text(String),
    Number(f64),
    Bool(bool),
    Null,
    List(Vec<ExtensionValue>),
    Object(Vec<Extension>),
}

/// One EPCIS event of any type. Fields a type does not use stay empty; the validator checks
/// that each type has what it needs and nothing it must not have.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub event_type: EventType,
    pub event_time: Timestamp,
    /// `±hh:mm`, as the document gave it.
    pub event_time_zone_offset: String,
    pub record_time: Option<Timestamp>,
    pub event_id: Option<String>,
    pub error_declaration: Option<ErrorDeclaration>,
    pub certification_info: Vec<String>,

    pub parent_id: Option<String>,
    pub epc_list: Vec<String>,
    pub child_epcs: Vec<String>,
    pub input_epc_list: Vec<String>,
    pub output_epc_list: Vec<String>,
    pub quantity_list: Vec<QuantityElement>,
    pub child_quantity_list: Vec<QuantityElement>,
    pub input_quantity_list: Vec<QuantityElement>,
    pub output_quantity_list: Vec<QuantityElement>,
    pub action: Option<Action>,
    pub transformation_id: Option<String>,

    pub biz_step: Option<VocabValue>,
    pub disposition: Option<VocabValue>,
    pub persistent_disposition: Option<PersistentDisposition>,
    pub read_point: Option<Location>,
    pub biz_location: Option<Location>,
    pub biz_transaction_list: Vec<BizTransaction>,
    pub source_list: Vec<SourceDest>,
    pub destination_list: Vec<SourceDest>,
    pub sensor_element_list: Vec<SensorElement>,
    /// Instance/lot master data, present on ObjectEvent ADD and TransformationEvent.
    pub ilmd: Option<Vec<Extension>>,
    /// User extension fields of the event, in document order.
    pub extensions: Vec<Extension>,
}

impl Event {
    /// An event with only its type and time set.
    pub fn new(event_type: EventType, event_time: Timestamp) -> Event {
        Event {
            event_type,
            event_time_zone_offset: event_time.offset().to_string(),
            event_time,
            record_time: None,
            event_id: None,
            error_declaration: None,
            certification_info: Vec::new(),
            parent_id: None,
            epc_list: Vec::new(),
            child_epcs: Vec::new(),
            input_epc_list: Vec::new(),
            output_epc_list: Vec::new(),
            quantity_list: Vec::new(),
            child_quantity_list: Vec::new(),
            input_quantity_list: Vec::new(),
            output_quantity_list: Vec::new(),
            action: None,
            transformation_id: None,
            biz_step: None,
            disposition: None,
            persistent_disposition: None,
            read_point: None,
            biz_location: None,
            biz_transaction_list: Vec::new(),
            source_list: Vec::new(),
            destination_list: Vec::new(),
            sensor_element_list: Vec::new(),
            ilmd: None,
            extensions: Vec::new(),
        }
    }

    /// Every instance identifier the event names, in any role.
    pub fn all_epcs(&self) -> impl Iterator<Item = &str> {
        self.parent_id
            .iter()
            .chain(&self.epc_list)
            .chain(&self.child_epcs)
            .chain(&self.input_epc_list)
            .chain(&self.output_epc_list)
            .map(String::as_str)
    }

    /// Every class identifier the event names, in any quantity list.
    pub fn all_epc_classes(&self) -> impl Iterator<Item = &str> {
        self.quantity_list
            .iter()
            .chain(&self.child_quantity_list)
            .chain(&self.input_quantity_list)
            .chain(&self.output_quantity_list)
            .map(|q| q.epc_class.as_str())
    }
}

/// An EPCIS document: header data and its events.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub schema_version: String,
    pub creation_date: Timestamp,
    /// Namespace prefixes the document declared, kept to write extensions back alike.
    pub namespaces: Vec<(String, String)>,
    pub events: Vec<Event>,
}
