//! The event hash of an event of the XML binding, read from its XML the way the reference
//! generator (`epcis-event-hash-generator` 1.9.3, `xml_to_py.py`) reads it.
//!
//! The reference does not map XML onto the event model: it hashes the element tree itself, and
//! so gives an XML event another pre-hash than the same event in JSON-LD wherever the two trees
//! differ. Event IDs must equal the reference's, so the XML decoder builds this tree from the
//! elements it has parsed and renders it with the canonical order of [`super::hash`]. The rules:
//!
//! - A node is an element: its name (`{namespace}local` when it has a namespace), its text
//!   (the character data before its first child element, trimmed), and its children: its
//!   attributes as leaves (`{namespace}local` when qualified, so `xsi:nil="true"` takes part),
//!   then its child elements, all sorted as Python sorts `(name, text, children)` tuples.
//! - Literal `<extension>` and `<baseExtension>` tags (no attributes, no blanks: the reference
//!   deletes these strings from the text before parsing) are spliced into their parent. Others,
//!   such as `<extension/>`, stay elements. Text around spliced tags, which the reference would
//!   join to its parent's, is left out: EPCIS documents have only white space there.
//! - A parent holding `bizTransaction`, `source` or `destination` children keeps only those,
//!   each as the pair (its first child in that order — its `type` attribute —, itself as a
//!   leaf). One without any child makes the reference fail; here it stays a leaf, as in JSON-LD.
//! - Values beginning `gs1:` or `cbv:` have that prefix (every occurrence of it) replaced by
//!   `https://gs1.org/voc/` or `https://ref.gs1.org/cbv/`; no other prefix is expanded. In a
//!   pair, only a `type` beginning `cbv:` is expanded (a `gs1:` type stays as written, and so
//!   does the value), and nothing below it.
//! - Values are otherwise as written: `true` stays `true` (JSON-LD gives Python's `True`),
//!   numbers and times are normalised later by the common rendering.

use std::cmp::Ordering;

use super::hash::{Item, Node, render_event};
use super::xml::Element;

const GS1_VOCABULARY: &str = "https://gs1.org/voc/";
const CBV: &str = "https://ref.gs1.org/cbv/";
/// Names whose elements the reference turns into (type, value) pairs.
const PAIR_NAMES: [&str; 3] = ["bizTransaction", "source", "destination"];

/// The pre-hash string of an event element (EPCIS 1.x wrappers not yet spliced), as the
/// reference computes it.
pub(crate) fn pre_hash(event: &Element) -> String {
    let node = expand_node(node(event));
    render_event(&node.name, node.kids)
}

/// The name ElementTree gives an element or attribute.
fn qualified(namespace: &str, local: &str) -> String {
    if namespace.is_empty() {
        local.to_owned()
    } else {
        format!("{{{namespace}}}{local}")
    }
}

fn is_literal_wrapper(element: &Element) -> bool {
    element.bare_tag
        && element.namespace.is_empty()
        && (element.name == "extension" || element.name == "baseExtension")
}

/// The child elements as the reference sees them: literal wrappers spliced in.
fn children<'a>(element: &'a Element, out: &mut Vec<&'a Element>) {
    for child in &element.children {
        if is_literal_wrapper(child) {
            children(child, out);
        } else {
            out.push(child);
        }
    }
}

fn node(element: &Element) -> Node {
    let mut kids: Vec<Item> = element
        .attributes
        .iter()
        .map(|(namespace, _, local, value)| {
            Item::Node(Node {
                name: qualified(namespace, local),
                text: value.clone(),
                kids: Vec::new(),
            })
        })
        .collect();
    let mut elements = Vec::new();
    children(element, &mut elements);
    kids.extend(elements.into_iter().map(|child| Item::Node(node(child))));
    kids.sort_by(python_order);
    let pairs: Vec<Item> = kids
        .iter()
        .filter_map(|kid| match kid {
            Item::Node(n) if PAIR_NAMES.contains(&n.name.as_str()) => Some(pair(n)),
            _ => None,
        })
        .collect();
    if !pairs.is_empty() {
        kids = pairs;
    }
    Node {
        name: qualified(&element.namespace, &element.name),
        text: element.head_text().trim().to_owned(),
        kids,
    }
}

/// `(first child, the node without children)`; a node without children stays a leaf.
fn pair(node: &Node) -> Item {
    let value = Node {
        name: node.name.clone(),
        text: node.text.clone(),
        kids: Vec::new(),
    };
    match node.kids.first() {
        Some(Item::Node(first)) => Item::Pair(first.clone(), value),
        _ => Item::Node(value),
    }
}

/// Python's order of the reference's tuples: name, then text, then children. A pair (a tuple
/// of two tuples) never meets a node where the reference does not fail; it sorts after.
fn python_order(a: &Item, b: &Item) -> Ordering {
    match (a, b) {
        (Item::Node(a), Item::Node(b)) => node_order(a, b),
        (Item::Pair(a1, a2), Item::Pair(b1, b2)) => {
            node_order(a1, b1).then_with(|| node_order(a2, b2))
        }
        (Item::Node(_), Item::Pair(..)) => Ordering::Less,
        (Item::Pair(..), Item::Node(_)) => Ordering::Greater,
    }
}

fn node_order(a: &Node, b: &Node) -> Ordering {
    a.name
        .cmp(&b.name)
        .then_with(|| a.text.cmp(&b.text))
        .then_with(|| {
            for (x, y) in a.kids.iter().zip(&b.kids) {
                let order = python_order(x, y);
                if order != Ordering::Equal {
                    return order;
                }
            }
            a.kids.len().cmp(&b.kids.len())
        })
}

/// A value with `prefix` at its start has every occurrence of it replaced by `uri`.
fn expand_prefix(text: &mut String, prefix: &str, uri: &str) {
    if text.starts_with(prefix) {
        *text = text.replace(prefix, uri);
    }
}

fn expand_node(mut node: Node) -> Node {
    expand_prefix(&mut node.text, "gs1:", GS1_VOCABULARY);
    expand_prefix(&mut node.text, "cbv:", CBV);
    node.kids = node.kids.into_iter().map(expand).collect();
    node
}

fn expand(item: Item) -> Item {
    match item {
        Item::Node(node) => Item::Node(expand_node(node)),
        Item::Pair(mut first, mut second) => {
            for part in [&mut first, &mut second] {
                if part.name == "type" {
                    expand_prefix(&mut part.text, "cbv:", CBV);
                }
            }
            Item::Pair(first, second)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::epcis::xml::parse_tree;

    /// The pre-hash of an ObjectEvent with `fields` after its time and action. The expected
    /// strings are what the reference generator prints for the same event.
    fn pre_hash_of(fields: &str) -> String {
        let xml = format!(
            "<ObjectEvent xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
             xmlns:ex=\"http://ns.example.com/epcis/\">\
             <eventTime>2020-01-01T00:00:00Z</eventTime>\
             <eventTimeZoneOffset>+00:00</eventTimeZoneOffset><action>OBSERVE</action>\
             {fields}</ObjectEvent>"
        );
        let (event, _) = parse_tree(&xml).expect("well-formed");
        pre_hash(&event)
    }

    const START: &str = "eventType=ObjectEventeventTime=2020-01-01T00:00:00.000Z\
                         eventTimeZoneOffset=+00:00";

    #[test]
    fn attributes_are_children_xsi_ones_too() {
        assert_eq!(
            pre_hash_of(
                "<extension><quantityList><quantityElement>\
                 <epcClass>urn:epc:class:lgtin:4012345.012345.998877</epcClass>\
                 <quantity xsi:nil=\"true\"/></quantityElement></quantityList></extension>"
            ),
            format!(
                "{START}quantityListquantityElementepcClass=https://id.gs1.org/01/\
                 04012345123456/10/998877action=OBSERVEquantityListquantityElementquantity\
                 {{http://www.w3.org/2001/XMLSchema-instance}}nil=true"
            )
        );
    }

    #[test]
    fn only_gs1_and_cbv_values_are_expanded_and_booleans_stay_as_written() {
        assert_eq!(
            pre_hash_of(
                "<sensorElementList><sensorElement><sensorReport type=\"gs1:Temperature\" \
                 value=\"26.0\" booleanValue=\"true\" component=\"ex:x\" \
                 stringValue=\"cbv:a cbv:b\"/></sensorElement></sensorElementList>"
            ),
            format!(
                "{START}action=OBSERVEsensorElementListsensorElementsensorReport\
                 type=https://gs1.org/voc/Temperaturevalue=26component=ex:x\
                 stringValue=https://ref.gs1.org/cbv/a https://ref.gs1.org/cbv/b\
                 booleanValue=true"
            )
        );
    }

    #[test]
    fn pairs_expand_only_a_cbv_type() {
        assert_eq!(
            pre_hash_of(
                "<bizTransactionList>\
                 <bizTransaction type=\"gs1:x\">gs1:one</bizTransaction>\
                 <bizTransaction type=\"cbv:BTT-po\">cbv:two</bizTransaction>\
                 </bizTransactionList>"
            ),
            format!(
                "{START}action=OBSERVEbizTransactionListtype=gs1:xbizTransaction=gs1:one\
                 type=https://ref.gs1.org/cbv/BTT-pobizTransaction=cbv:two"
            )
        );
        // Only the first child in order (the type) and the value make the pair.
        assert_eq!(
            pre_hash_of(
                "<sourceList><source type=\"cbv:SDT-owning_party\" ex:flag=\"1\">\
                 urn:epc:id:pgln:0614141.00777</source></sourceList>"
            ),
            format!(
                "{START}action=OBSERVEsourceListtype=https://ref.gs1.org/cbv/SDT-owning_party\
                 source=https://id.gs1.org/417/0614141007776"
            )
        );
    }

    #[test]
    fn only_literal_extension_tags_are_spliced() {
        assert_eq!(
            pre_hash_of(
                "<readPoint><id>urn:epc:id:sgln:0614141.00777.0</id>\
                 <extension kind=\"x\"><ex:a>1</ex:a></extension ><extension/>\
                 <baseExtension><ex:c>3</ex:c></baseExtension></readPoint>"
            ),
            format!(
                "{START}action=OBSERVEreadPointid=https://id.gs1.org/414/0614141007776\
                 {{http://ns.example.com/epcis/}}c=3readPointextensionextensionkind=x\
                 {{http://ns.example.com/epcis/}}a=1"
            )
        );
    }

    #[test]
    fn the_text_is_what_comes_before_the_first_child() {
        assert_eq!(
            pre_hash_of("<ex:note>head<ex:b>2</ex:b>tail</ex:note>"),
            format!(
                "{START}action=OBSERVE{{http://ns.example.com/epcis/}}note=head\
                 {{http://ns.example.com/epcis/}}b=2"
            )
        );
    }

    #[test]
    fn a_transaction_without_type_stays_a_leaf() {
        assert_eq!(
            pre_hash_of(
                "<bizTransactionList><bizTransaction>urn:epc:id:gdti:0614141.00001.1618034\
                 </bizTransaction></bizTransactionList>"
            ),
            format!(
                "{START}action=OBSERVEbizTransactionListbizTransaction=\
                 https://id.gs1.org/253/06141410000121618034"
            )
        );
    }
}
