//! The fields of SAMR's general traceability data requirements (重点工业产品质量安全追溯通用数据
//! 要求, 附件2) as they land in EPCIS events, with whether each is public by default.
//!
//! EPCIS and CBV have no terms for most of them (product name, spec/model, executive standard,
//! licence number, the buyer…), so Suyuan names them in its own extension namespace
//! [`SUYUAN_NAMESPACE`] (prefix [`SUYUAN_PREFIX`]); where CBV has a term (`cbvmda:lotNumber`,
//! `cbvmda:itemExpirationDate`) the CBV term is used.
//!
//! [`TRACE_FIELDS`] is the one table of these fields. SAMR marks the flow fields "是否公开": the
//! member chooses whether they are public. The buyer's, customer's and supplier's name, address
//! and contact are personal or commercial data and are not public unless the member says so;
//! the rest is public. An event records the member's choice for its flow fields in the
//! boolean extension `suyuan:flowPublic` (absent: the defaults hold); [`TraceField::is_public`]
//! applies it. Whoever shows events to callers without the right to see everything hides the
//! fields for which that answers `false`.

use super::model::{Event, Extension, ExtensionValue};

/// Suyuan's EPCIS extension namespace, for fields EPCIS and CBV lack.
pub const SUYUAN_NAMESPACE: &str = "https://ns.suyuan.dev/epcis/";
/// The prefix Suyuan writes its namespace with.
pub const SUYUAN_PREFIX: &str = "suyuan";
/// CBV's master data attribute namespace (prefix `cbvmda` in the EPCIS context).
pub const CBVMDA_NAMESPACE: &str = "urn:epcglobal:cbv:mda:";
/// The prefix of [`CBVMDA_NAMESPACE`].
pub const CBVMDA_PREFIX: &str = "cbvmda";

// Product information (产品信息), in an ObjectEvent ADD's ILMD.
pub const PRODUCT_NAME: &str = "productName";
pub const PRODUCT_TYPE: &str = "productType";
/// 规格型号: specification / model.
pub const SPECIFICATION: &str = "specification";
pub const PRODUCTION_DATE: &str = "productionDate";
/// 质保期限: the warranty or shelf-life term as the producer states it ("24个月").
pub const SHELF_LIFE: &str = "shelfLife";
pub const EXECUTIVE_STANDARD: &str = "executiveStandard";
/// 生产许可证号 / 强制性认证(CCC)证书编号.
pub const LICENCE_NUMBER: &str = "licenceNumber";
/// 出厂检验报告 / 型式检验报告: the report's number or URL.
pub const INSPECTION_REPORT: &str = "inspectionReport";
/// 出厂编号/批次号/序号, as CBV's `cbvmda:lotNumber`.
pub const LOT_NUMBER: &str = "lotNumber";
/// An expiry date, as CBV's `cbvmda:itemExpirationDate`.
pub const ITEM_EXPIRATION_DATE: &str = "itemExpirationDate";

// Flow information (流向信息), as extensions of the event that records the sale or purchase.
pub const BUYER_NAME: &str = "buyerName";
pub const BUYER_ADDRESS: &str = "buyerAddress";
pub const BUYER_CONTACT: &str = "buyerContact";
pub const SUPPLIER_NAME: &str = "supplierName";
pub const CUSTOMER_NAME: &str = "customerName";
/// The member's choice for the flow fields of one event (是否公开): a boolean.
pub const FLOW_PUBLIC: &str = "flowPublic";

// Fields that are standard EPCIS fields of the event, listed for their publicity.
pub const TRACE_CODE: &str = "traceCode";
pub const QUANTITY: &str = "quantity";
pub const SALE_TIME: &str = "saleTime";
pub const PURCHASE_TIME: &str = "purchaseTime";

/// Where a field lands in an EPCIS event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The trace code: `epcList`, or the `epcClass` of `quantityList` for a product- or
    /// batch-level code.
    Identifier,
    /// The `quantity` of the `quantityList` entry.
    Quantity,
    /// `eventTime`.
    EventTime,
    /// An ILMD field `{namespace}{name}`.
    Ilmd(&'static str),
    /// An extension field of the event, `{namespace}{name}`.
    Extension(&'static str),
}

/// One field of the SAMR data lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceField {
    /// The field's name: its local name in its namespace for ILMD and extension fields, and
    /// the English key of its ledger column.
    pub name: &'static str,
    /// SAMR's term.
    pub label: &'static str,
    pub place: Place,
    /// Whether the field is public when the member has not chosen.
    pub public_by_default: bool,
    /// Whether SAMR lets the member choose (是否公开).
    pub member_chooses: bool,
}

impl TraceField {
    /// Whether the field is public in an event whose member chose `flow_public` (the event's
    /// `suyuan:flowPublic`, `None` when absent).
    pub fn is_public(&self, flow_public: Option<bool>) -> bool {
        match flow_public {
            Some(choice) if self.member_chooses => choice,
            _ => self.public_by_default,
        }
    }

    /// The namespace of an ILMD or extension field.
    pub fn namespace(&self) -> Option<&'static str> {
        match self.place {
            Place::Ilmd(namespace) | Place::Extension(namespace) => Some(namespace),
            _ => None,
        }
    }
}

const fn field(
    name: &'static str,
    label: &'static str,
    place: Place,
    public_by_default: bool,
    member_chooses: bool,
) -> TraceField {
    TraceField {
        name,
        label,
        place,
        public_by_default,
        member_chooses,
    }
}

const PUBLIC: bool = true;
const PRIVATE: bool = false;
const CHOOSES: bool = true;
const FIXED: bool = false;

/// Every field, in the order of SAMR's lists.
pub const TRACE_FIELDS: &[TraceField] = &[
    field(TRACE_CODE, "追溯码", Place::Identifier, PUBLIC, FIXED),
    field(
        PRODUCT_NAME,
        "产品名称",
        Place::Ilmd(SUYUAN_NAMESPACE),
        PUBLIC,
        FIXED,
    ),
    field(
        PRODUCT_TYPE,
        "产品类型",
        Place::Ilmd(SUYUAN_NAMESPACE),
        PUBLIC,
        FIXED,
    ),
    field(
        SPECIFICATION,
        "规格型号",
        Place::Ilmd(SUYUAN_NAMESPACE),
        PUBLIC,
        FIXED,
    ),
    field(
        PRODUCTION_DATE,
        "生产日期",
        Place::Ilmd(SUYUAN_NAMESPACE),
        PUBLIC,
        FIXED,
    ),
    field(
        SHELF_LIFE,
        "质保期限",
        Place::Ilmd(SUYUAN_NAMESPACE),
        PUBLIC,
        FIXED,
    ),
    field(
        LOT_NUMBER,
        "出厂编号/批次号/序号",
        Place::Ilmd(CBVMDA_NAMESPACE),
        PUBLIC,
        FIXED,
    ),
    field(
        EXECUTIVE_STANDARD,
        "执行标准",
        Place::Ilmd(SUYUAN_NAMESPACE),
        PUBLIC,
        FIXED,
    ),
    field(
        LICENCE_NUMBER,
        "生产许可证号/强制性认证证书编号",
        Place::Ilmd(SUYUAN_NAMESPACE),
        PUBLIC,
        FIXED,
    ),
    field(
        INSPECTION_REPORT,
        "出厂检验报告/型式检验报告",
        Place::Ilmd(SUYUAN_NAMESPACE),
        PUBLIC,
        FIXED,
    ),
    field(
        ITEM_EXPIRATION_DATE,
        "有效期至",
        Place::Ilmd(CBVMDA_NAMESPACE),
        PUBLIC,
        FIXED,
    ),
    field(QUANTITY, "数量", Place::Quantity, PUBLIC, FIXED),
    field(SALE_TIME, "销售时间", Place::EventTime, PUBLIC, CHOOSES),
    field(
        BUYER_NAME,
        "购方名称",
        Place::Extension(SUYUAN_NAMESPACE),
        PRIVATE,
        CHOOSES,
    ),
    field(
        BUYER_ADDRESS,
        "购方地址",
        Place::Extension(SUYUAN_NAMESPACE),
        PRIVATE,
        CHOOSES,
    ),
    field(
        BUYER_CONTACT,
        "购方联系方式",
        Place::Extension(SUYUAN_NAMESPACE),
        PRIVATE,
        CHOOSES,
    ),
    field(
        SUPPLIER_NAME,
        "供应商名称",
        Place::Extension(SUYUAN_NAMESPACE),
        PRIVATE,
        CHOOSES,
    ),
    field(PURCHASE_TIME, "采购时间", Place::EventTime, PUBLIC, CHOOSES),
    field(
        CUSTOMER_NAME,
        "客户名称",
        Place::Extension(SUYUAN_NAMESPACE),
        PRIVATE,
        CHOOSES,
    ),
    field(
        FLOW_PUBLIC,
        "是否公开",
        Place::Extension(SUYUAN_NAMESPACE),
        PUBLIC,
        FIXED,
    ),
];

/// The field of this name, if SAMR's lists have it.
pub fn trace_field(name: &str) -> Option<&'static TraceField> {
    TRACE_FIELDS.iter().find(|f| f.name == name)
}

/// Whether the field of this name is public when the member has not chosen. A name outside
/// the table is not public: an unknown field is hidden rather than disclosed.
pub fn is_public_by_default(name: &str) -> bool {
    trace_field(name).is_some_and(|f| f.public_by_default)
}

/// The member's publicity choice recorded on an event (`suyuan:flowPublic`), if any.
pub fn flow_public(event: &Event) -> Option<bool> {
    event.extensions.iter().find_map(|e| {
        (e.namespace == SUYUAN_NAMESPACE && e.name == FLOW_PUBLIC).then_some(match e.value {
            ExtensionValue::Bool(choice) => Some(choice),
            _ => None,
        })?
    })
}

/// Whether an ILMD or extension field is shown to callers who may not see everything: Suyuan's
/// fields by the table and the member's choice; CBV master data (lot number, expiry, …) is
/// product information and public; any other namespace is the member's own and not public.
fn extension_is_public(extension: &Extension, flow_public: Option<bool>) -> bool {
    match extension.namespace.as_str() {
        SUYUAN_NAMESPACE => {
            extension.name == FLOW_PUBLIC
                || trace_field(&extension.name).is_some_and(|f| f.is_public(flow_public))
        }
        namespace => namespace.trim_end_matches(':') == CBVMDA_NAMESPACE.trim_end_matches(':'),
    }
}

/// What of an event a caller sees who may not see everything (another member, the public):
/// the standard facts of what happened where and when, product master data, sensor readings
/// and certifications, without the private flow fields, the trading partners (sources,
/// destinations) unless the member made its flow public, the business transactions
/// (commercial documents), and extensions in namespaces other than CBV's and Suyuan's.
pub fn public_view(event: &Event) -> Event {
    let choice = flow_public(event);
    let mut view = event.clone();
    view.extensions.retain(|e| extension_is_public(e, choice));
    if let Some(ilmd) = &mut view.ilmd {
        ilmd.retain(|e| extension_is_public(e, choice));
    }
    view.biz_transaction_list.clear();
    if choice != Some(true) {
        view.source_list.clear();
        view.destination_list.clear();
    }
    for location in [&mut view.read_point, &mut view.biz_location]
        .into_iter()
        .flatten()
    {
        location
            .extensions
            .retain(|e| extension_is_public(e, choice));
    }
    if let Some(declaration) = &mut view.error_declaration {
        declaration.extensions.clear();
    }
    for element in &mut view.sensor_element_list {
        element.extensions.clear();
    }
    view
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parties_of_a_sale_are_private_unless_the_member_chooses() {
        for name in [
            BUYER_NAME,
            BUYER_ADDRESS,
            BUYER_CONTACT,
            SUPPLIER_NAME,
            CUSTOMER_NAME,
        ] {
            assert!(!is_public_by_default(name), "{name}");
            let field = trace_field(name).unwrap();
            assert!(field.member_chooses);
            assert!(field.is_public(Some(true)));
            assert!(!field.is_public(None));
        }
        for name in [PRODUCT_NAME, LOT_NUMBER, TRACE_CODE, SALE_TIME] {
            assert!(is_public_by_default(name), "{name}");
        }
        // The member's choice cannot hide product information.
        assert!(trace_field(PRODUCT_NAME).unwrap().is_public(Some(false)));
        assert!(!trace_field(SALE_TIME).unwrap().is_public(Some(false)));
        assert!(!is_public_by_default("noSuchField"));
    }

    #[test]
    fn names_are_unique_and_cbv_terms_use_cbv() {
        for (index, field) in TRACE_FIELDS.iter().enumerate() {
            assert!(
                TRACE_FIELDS[index + 1..]
                    .iter()
                    .all(|f| f.name != field.name),
                "{} twice",
                field.name
            );
        }
        assert_eq!(
            trace_field(LOT_NUMBER).unwrap().namespace(),
            Some(CBVMDA_NAMESPACE)
        );
        assert_eq!(
            trace_field(BUYER_NAME).unwrap().namespace(),
            Some(SUYUAN_NAMESPACE)
        );
    }

    fn extension(namespace: &str, name: &str, value: ExtensionValue) -> Extension {
        Extension {
            namespace: namespace.into(),
            prefix: None,
            name: name.into(),
            value,
        }
    }

    fn sale(flow_public: Option<bool>) -> Event {
        use crate::epcis::model::{BizTransaction, EventType, Location, SourceDest};
        use crate::epcis::vocab::Vocabulary;
        let time = chrono::DateTime::parse_from_rfc3339("2026-03-01T10:00:00+08:00").unwrap();
        let mut event = Event::new(EventType::ObjectEvent, time);
        event.epc_list = vec!["https://id.gs1.org/01/06901234567892/21/A1".into()];
        event.biz_location = Some(Location {
            id: "https://id.gs1.org/414/6901234500017".into(),
            extensions: vec![extension(
                "https://ns.example.com/",
                "dock",
                ExtensionValue::Text("7".into()),
            )],
        });
        event.biz_transaction_list = vec![BizTransaction {
            kind: None,
            value: "urn:epcglobal:cbv:bt:6901234500017:PO-1".into(),
        }];
        event.destination_list = vec![SourceDest {
            kind: Vocabulary::SourceDestType.parse("owning_party").unwrap(),
            value: "https://id.gs1.org/417/6901234500024".into(),
        }];
        event.ilmd = Some(vec![
            extension(
                CBVMDA_NAMESPACE,
                LOT_NUMBER,
                ExtensionValue::Text("L1".into()),
            ),
            extension(
                SUYUAN_NAMESPACE,
                PRODUCT_NAME,
                ExtensionValue::Text("电缆".into()),
            ),
        ]);
        event.extensions = vec![
            extension(
                SUYUAN_NAMESPACE,
                BUYER_NAME,
                ExtensionValue::Text("某某商店".into()),
            ),
            extension(
                SUYUAN_NAMESPACE,
                BUYER_CONTACT,
                ExtensionValue::Text("13800000000".into()),
            ),
            extension(
                "https://ns.example.com/",
                "margin",
                ExtensionValue::Number(0.3),
            ),
        ];
        if let Some(choice) = flow_public {
            event.extensions.push(extension(
                SUYUAN_NAMESPACE,
                FLOW_PUBLIC,
                ExtensionValue::Bool(choice),
            ));
        }
        event
    }

    fn names(extensions: &[Extension]) -> Vec<&str> {
        extensions.iter().map(|e| e.name.as_str()).collect()
    }

    #[test]
    fn the_public_view_hides_the_parties_and_commerce_unless_the_member_made_them_public() {
        let view = public_view(&sale(None));
        assert!(names(&view.extensions).is_empty(), "{:?}", view.extensions);
        assert_eq!(
            names(view.ilmd.as_deref().unwrap()),
            [LOT_NUMBER, PRODUCT_NAME]
        );
        assert!(view.biz_transaction_list.is_empty());
        assert!(view.destination_list.is_empty());
        let location = view.biz_location.as_ref().unwrap();
        assert!(location.extensions.is_empty());
        assert_eq!(view.epc_list, sale(None).epc_list);

        let view = public_view(&sale(Some(true)));
        assert_eq!(
            names(&view.extensions),
            [BUYER_NAME, BUYER_CONTACT, FLOW_PUBLIC]
        );
        assert_eq!(view.destination_list.len(), 1);
        assert!(view.biz_transaction_list.is_empty());

        let view = public_view(&sale(Some(false)));
        assert_eq!(names(&view.extensions), [FLOW_PUBLIC]);
        assert_eq!(flow_public(&sale(Some(false))), Some(false));
    }
}
