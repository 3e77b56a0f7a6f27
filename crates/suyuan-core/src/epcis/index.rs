//! What the center indexes of an event, so every standard query is a lookup: identifiers by
//! role in their canonical Digital Link form, and the attributes `EQ_…` queries compare.

use super::identifiers::index_key;
use super::model::{Event, Extension, ExtensionValue};

/// The role an identifier plays in an event, as `MATCH_…` queries name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentifierRole {
    /// `epcList` of Object and Transaction events.
    Epc,
    /// `parentID`.
    Parent,
    /// `childEPCs`.
    Child,
    /// `inputEPCList`.
    Input,
    /// `outputEPCList`.
    Output,
    /// `epcClass` of `quantityList`/`childQuantityList`.
    Class,
    /// `epcClass` of `inputQuantityList`.
    InputClass,
    /// `epcClass` of `outputQuantityList`.
    OutputClass,
}

impl IdentifierRole {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentifierRole::Epc => "epc",
            IdentifierRole::Parent => "parent",
            IdentifierRole::Child => "child",
            IdentifierRole::Input => "input",
            IdentifierRole::Output => "output",
            IdentifierRole::Class => "class",
            IdentifierRole::InputClass => "input_class",
            IdentifierRole::OutputClass => "output_class",
        }
    }
}

/// One indexed identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedIdentifier {
    pub role: IdentifierRole,
    /// The canonical form ([`index_key`]).
    pub key: String,
}

/// One indexed attribute: `name` is what `EQ_…` queries call it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedAttribute {
    pub name: String,
    pub value: String,
}

/// The identifiers of an event, by role, deduplicated.
pub fn identifiers(event: &Event) -> Vec<IndexedIdentifier> {
    let mut out: Vec<IndexedIdentifier> = Vec::new();
    let mut push = |role, text: &str| {
        let key = index_key(text);
        if !out.iter().any(|i| i.role == role && i.key == key) {
            out.push(IndexedIdentifier { role, key });
        }
    };
    if let Some(parent) = &event.parent_id {
        push(IdentifierRole::Parent, parent);
    }
    for epc in &event.epc_list {
        push(IdentifierRole::Epc, epc);
    }
    for epc in &event.child_epcs {
        push(IdentifierRole::Child, epc);
    }
    for epc in &event.input_epc_list {
        push(IdentifierRole::Input, epc);
    }
    for epc in &event.output_epc_list {
        push(IdentifierRole::Output, epc);
    }
    for q in event.quantity_list.iter().chain(&event.child_quantity_list) {
        push(IdentifierRole::Class, &q.epc_class);
    }
    for q in &event.input_quantity_list {
        push(IdentifierRole::InputClass, &q.epc_class);
    }
    for q in &event.output_quantity_list {
        push(IdentifierRole::OutputClass, &q.epc_class);
    }
    out
}

/// The attributes of an event that `EQ_bizTransaction_…`, `EQ_source_…`,
/// `EQ_destination_…`, `EQ_INNER_ILMD_…`/`EQ_ILMD_…`, extension-field, `EQ_transformationID`,
/// `EQ_persistentDisposition` and `EQ_errorReason` queries compare.
pub fn attributes(event: &Event) -> Vec<IndexedAttribute> {
    let mut out = Vec::new();
    let mut push = |name: String, value: String| {
        if !out
            .iter()
            .any(|a: &IndexedAttribute| a.name == name && a.value == value)
        {
            out.push(IndexedAttribute { name, value });
        }
    };
    for bt in &event.biz_transaction_list {
        let kind = bt
            .kind
            .as_ref()
            .map(|k| k.uri().to_owned())
            .unwrap_or_default();
        push(format!("bizTransaction:{kind}"), bt.value.clone());
    }
    for sd in &event.source_list {
        push(format!("source:{}", sd.kind.uri()), index_key(&sd.value));
    }
    for sd in &event.destination_list {
        push(
            format!("destination:{}", sd.kind.uri()),
            index_key(&sd.value),
        );
    }
    if let Some(id) = &event.transformation_id {
        push("transformationID".into(), id.clone());
    }
    if let Some(persistent) = &event.persistent_disposition {
        for value in &persistent.set {
            push("persistentDisposition:set".into(), value.uri().to_owned());
        }
        for value in &persistent.unset {
            push("persistentDisposition:unset".into(), value.uri().to_owned());
        }
    }
    if let Some(declaration) = &event.error_declaration {
        push(
            "errorDeclaration".into(),
            declaration
                .reason
                .as_ref()
                .map(|r| r.uri().to_owned())
                .unwrap_or_default(),
        );
    }
    for extension in event.ilmd.iter().flatten() {
        extension_attributes("ilmd:", extension, &mut push);
    }
    for extension in &event.extensions {
        extension_attributes("ext:", extension, &mut push);
    }
    out
}

/// Top-level scalar extension fields, by `{namespace}name`; lists give one row a value.
fn extension_attributes(
    prefix: &str,
    extension: &Extension,
    push: &mut impl FnMut(String, String),
) {
    let name = format!(
        "{prefix}{}",
        extension_key(&extension.namespace, &extension.name)
    );
    let scalar = |value: &ExtensionValue| match value {
        ExtensionValue::Text(text) => Some(text.clone()),
        ExtensionValue::Number(n) => Some(format_number(*n)),
        ExtensionValue::Bool(flag) => Some(flag.to_string()),
        _ => None,
    };
    match &extension.value {
        ExtensionValue::List(items) => {
            for item in items {
                if let Some(value) = scalar(item) {
                    push(name.clone(), value);
                }
            }
        }
        other => {
            if let Some(value) = scalar(other) {
                push(name, value);
            }
        }
    }
}

/// How an extension field is named in the index and in query parameters: `{namespace}#{name}`,
/// with a URN namespace's trailing `:` dropped, because JSON-LD contexts declare
/// `cbvmda: urn:epcglobal:cbv:mda:` where XML writes `xmlns:cbvmda="urn:epcglobal:cbv:mda"`.
pub fn extension_key(namespace: &str, name: &str) -> String {
    let namespace = if namespace.starts_with("urn:") {
        namespace.trim_end_matches(':')
    } else {
        namespace
    };
    format!("{namespace}#{name}")
}

/// A number as queries compare it: integers without a fraction.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
