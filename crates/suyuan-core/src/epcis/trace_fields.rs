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
}
