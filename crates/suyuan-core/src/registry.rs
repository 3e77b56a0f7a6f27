//! The registry: participants (共建方), their sites and products, and the review of a
//! registration (备案审核).
//!
//! Drafts hold what a client sent, as text; `validate` turns a draft into a spec whose every
//! field has passed its rule, or into the list of every field that failed.

use chrono::{DateTime, Utc};

use crate::catalog;
use crate::ids::{Gln, Gtin, RegionCode, Uscc};
use crate::validation::Violations;

/// What a participant is to the center (DESIGN §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParticipantKind {
    /// 溯源共建方: producers, importers, distributors, retailers.
    Enterprise,
    /// 服务共建方: logistics, test labs, certifiers.
    ServiceProvider,
    /// 协同共建方: third-party platforms and apps.
    Integrator,
    /// 支撑共建方: the center's operator.
    Operator,
    /// 监管部门.
    Regulator,
}

/// What a participant does in the supply chain; a participant may do several things.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BusinessRole {
    Producer,
    Importer,
    Distributor,
    Retailer,
    Logistics,
    TestLab,
    Certifier,
    Platform,
}

/// Where a registration stands in its review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegistrationStatus {
    Submitted,
    Approved,
    Rejected,
}

macro_rules! text_enum {
    ($name:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;

            fn from_str(input: &str) -> Result<Self, Self::Err> {
                match input {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "expected {} ({}), found {other:?}",
                        $what,
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;

text_enum!(ParticipantKind, "a participant kind", {
    Enterprise => "enterprise",
    ServiceProvider => "service_provider",
    Integrator => "integrator",
    Operator => "operator",
    Regulator => "regulator",
});

text_enum!(BusinessRole, "a business role", {
    Producer => "producer",
    Importer => "importer",
    Distributor => "distributor",
    Retailer => "retailer",
    Logistics => "logistics",
    TestLab => "test_lab",
    Certifier => "certifier",
    Platform => "platform",
});

text_enum!(RegistrationStatus, "a registration status", {
    Submitted => "submitted",
    Approved => "approved",
    Rejected => "rejected",
});

/// How to reach a participant's responsible person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
}

/// A participant as stored: its registration data and where its review stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub id: String,
    pub spec: ParticipantSpec,
    pub status: RegistrationStatus,
    /// The reviewer's reason for the last decision (required for a rejection).
    pub review_reason: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The validated registration data of a participant.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantSpec {
    pub name: String,
    pub uscc: Uscc,
    pub kind: ParticipantKind,
    pub business_roles: Vec<BusinessRole>,
    pub region: RegionCode,
    pub address: String,
    pub contact: Contact,
}

/// Registration data as a client sent it.
#[derive(Debug, Clone, Default)]
pub struct ParticipantDraft {
    pub name: String,
    pub uscc: String,
    pub kind: String,
    pub business_roles: Vec<String>,
    pub region_code: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: Option<String>,
}

impl ParticipantDraft {
    /// Checks every field; pointers are relative to `base` (e.g. `""` or `"/participant"`).
    pub fn validate(&self, base: &str, violations: &mut Violations) -> Option<ParticipantSpec> {
        let at = |field: &str| format!("{base}/{field}");
        let name = violations.require_text(&at("name"), &self.name, 200);
        let uscc = violations.check(&at("uscc"), self.uscc.trim().parse::<Uscc>());
        let kind = violations.check(&at("kind"), self.kind.parse::<ParticipantKind>());
        let mut business_roles = Vec::new();
        for (index, role) in self.business_roles.iter().enumerate() {
            if let Some(role) =
                violations.check(&at(&format!("businessRoles/{index}")), role.parse())
            {
                business_roles.push(role);
            }
        }
        business_roles.sort_unstable();
        business_roles.dedup();
        let region = violations.check(
            &at("regionCode"),
            self.region_code.trim().parse::<RegionCode>(),
        );
        let address = violations.require_text(&at("address"), &self.address, 300);
        let contact_name = violations.require_text(&at("contact/name"), &self.contact_name, 100);
        let contact_phone = violations
            .require_text(&at("contact/phone"), &self.contact_phone, 40)
            .and_then(|phone| violations.check(&at("contact/phone"), check_phone(&phone)));
        let contact_email = violations
            .optional_text(&at("contact/email"), self.contact_email.as_deref(), 200)
            .and_then(|email| violations.check(&at("contact/email"), check_email(&email)));
        if !violations.is_empty() {
            return None;
        }
        Some(ParticipantSpec {
            name: name?,
            uscc: uscc?,
            kind: kind?,
            business_roles,
            region: region?,
            address: address?,
            contact: Contact {
                name: contact_name?,
                phone: contact_phone?,
                email: contact_email,
            },
        })
    }
}

fn check_phone(phone: &str) -> Result<String, String> {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if allowed && (5..=20).contains(&digits) {
        Ok(phone.to_owned())
    } else {
        Err(format!(
            "expected a phone number of 5 to 20 digits (spaces, +, -, parentheses allowed), found {phone:?}"
        ))
    }
}

fn check_email(email: &str) -> Result<String, String> {
    match email.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !domain.contains('@') =>
        {
            Ok(email.to_owned())
        }
        _ => Err(format!("expected an e-mail address, found {email:?}")),
    }
}

/// A reviewer's decision on a submitted registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewDecision {
    Approve { note: Option<String> },
    Reject { reason: String },
}

impl ReviewDecision {
    /// Parses a decision; a rejection must give a reason.
    pub fn parse(decision: &str, reason: Option<&str>) -> Result<Self, Violations> {
        let mut violations = Violations::new();
        let reason = violations.optional_text("/reason", reason, 1000);
        match decision {
            "approve" => violations.finish(|| ReviewDecision::Approve { note: reason }),
            "reject" => match reason {
                Some(reason) => violations.finish(|| ReviewDecision::Reject { reason }),
                None => {
                    violations.add("/reason", "a rejection must give a reason");
                    Err(violations)
                }
            },
            other => {
                violations.add(
                    "/decision",
                    format!("expected \"approve\" or \"reject\", found {other:?}"),
                );
                Err(violations)
            }
        }
    }

    /// The status a registration takes after this decision.
    pub fn outcome(&self) -> RegistrationStatus {
        match self {
            ReviewDecision::Approve { .. } => RegistrationStatus::Approved,
            ReviewDecision::Reject { .. } => RegistrationStatus::Rejected,
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            ReviewDecision::Approve { note } => note.as_deref(),
            ReviewDecision::Reject { reason } => Some(reason),
        }
    }
}

impl RegistrationStatus {
    /// Only a submitted registration waits for a decision.
    pub fn can_be_reviewed(self) -> bool {
        self == RegistrationStatus::Submitted
    }

    /// The status after the participant changes its data: a rejected registration corrected
    /// by its owner goes back to review; others keep their status.
    pub fn after_owner_edit(self) -> RegistrationStatus {
        match self {
            RegistrationStatus::Rejected => RegistrationStatus::Submitted,
            status => status,
        }
    }
}

/// Latitude and longitude in WGS 84 decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coordinates {
    pub latitude: f64,
    pub longitude: f64,
}

/// A place of a participant: a factory, warehouse, shop, port or lab.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub id: String,
    pub participant_id: String,
    pub spec: SiteSpec,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SiteSpec {
    pub name: String,
    pub gln: Option<Gln>,
    pub address: String,
    pub region: RegionCode,
    pub coordinates: Option<Coordinates>,
}

#[derive(Debug, Clone, Default)]
pub struct SiteDraft {
    pub name: String,
    pub gln: Option<String>,
    pub address: String,
    pub region_code: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

impl SiteDraft {
    pub fn validate(&self) -> Result<SiteSpec, Violations> {
        let mut violations = Violations::new();
        let name = violations.require_text("/name", &self.name, 200);
        let gln = match self.gln.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(gln) => violations.check("/gln", gln.parse::<Gln>()),
        };
        let address = violations.require_text("/address", &self.address, 300);
        let region = violations.check("/regionCode", self.region_code.trim().parse::<RegionCode>());
        let coordinates = match (self.latitude, self.longitude) {
            (None, None) => None,
            (Some(latitude), Some(longitude)) => {
                if !(-90.0..=90.0).contains(&latitude) {
                    violations.add(
                        "/latitude",
                        format!("expected −90 to 90 degrees, found {latitude}"),
                    );
                }
                if !(-180.0..=180.0).contains(&longitude) {
                    violations.add(
                        "/longitude",
                        format!("expected −180 to 180 degrees, found {longitude}"),
                    );
                }
                Some(Coordinates {
                    latitude,
                    longitude,
                })
            }
            (None, Some(_)) => {
                violations.add("/latitude", "is required when longitude is given");
                None
            }
            (Some(_), None) => {
                violations.add("/longitude", "is required when latitude is given");
                None
            }
        };
        if !violations.is_empty() {
            return Err(violations);
        }
        violations.finish(|| SiteSpec {
            name: name.unwrap_or_default(),
            gln,
            address: address.unwrap_or_default(),
            region: region.expect("checked above"),
            coordinates,
        })
    }
}

/// A product a participant makes, imports or sells.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub id: String,
    pub participant_id: String,
    pub spec: ProductSpec,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The product data of SAMR's general data requirements (通用数据要求 一(二)).
#[derive(Debug, Clone, PartialEq)]
pub struct ProductSpec {
    pub gtin: Gtin,
    pub name: String,
    pub category: &'static catalog::Category,
    /// 产品单元 within the category, when the category lists units.
    pub unit: Option<String>,
    /// 规格型号.
    pub model: String,
    /// 执行标准.
    pub standard: Option<String>,
    /// 生产许可证号 / 强制性认证证书编号.
    pub license_no: Option<String>,
    /// 质保期限 in days.
    pub shelf_life_days: Option<u32>,
    /// Declared country of origin, ISO 3166-1 alpha-2.
    pub origin_country: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ProductDraft {
    pub gtin: String,
    pub name: String,
    pub category: String,
    pub unit: Option<String>,
    pub model: String,
    pub standard: Option<String>,
    pub license_no: Option<String>,
    pub shelf_life_days: Option<i64>,
    pub origin_country: Option<String>,
    pub description: Option<String>,
}

impl ProductDraft {
    pub fn validate(&self) -> Result<ProductSpec, Violations> {
        let mut violations = Violations::new();
        let gtin = violations.check("/gtin", self.gtin.trim().parse::<Gtin>());
        let name = violations.require_text("/name", &self.name, 200);
        let category = catalog::category(self.category.trim());
        if category.is_none() {
            let known: Vec<_> = catalog::CATEGORIES.iter().map(|c| c.code).collect();
            violations.add(
                "/category",
                format!(
                    "expected one of {}, found {:?}",
                    known.join(", "),
                    self.category
                ),
            );
        }
        let unit = violations.optional_text("/unit", self.unit.as_deref(), 100);
        if let (Some(category), Some(unit)) = (category, unit.as_deref())
            && !category.units_zh.is_empty()
            && !category.units_zh.contains(&unit)
        {
            violations.add(
                "/unit",
                format!(
                    "expected a product unit of {} ({}), found {unit:?}",
                    category.name_zh,
                    category.units_zh.join("、")
                ),
            );
        }
        let model = violations.require_text("/model", &self.model, 200);
        let standard = violations.optional_text("/standard", self.standard.as_deref(), 200);
        let license_no = violations.optional_text("/licenseNo", self.license_no.as_deref(), 100);
        if category.is_some_and(|c| c.license_required) && license_no.is_none() {
            violations.add(
                "/licenseNo",
                "is required for this category (生产许可证号或强制性认证证书编号)",
            );
        }
        let shelf_life_days = match self.shelf_life_days {
            None => None,
            Some(days) => violations.check(
                "/shelfLifeDays",
                u32::try_from(days)
                    .ok()
                    .filter(|days| (1..=36_500).contains(days))
                    .ok_or_else(|| format!("expected 1 to 36500 days, found {days}")),
            ),
        };
        let origin_country = match self.origin_country.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(code) if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) => {
                Some(code.to_owned())
            }
            Some(code) => {
                violations.add(
                    "/originCountry",
                    format!("expected an ISO 3166-1 alpha-2 code such as \"CN\" or \"NZ\", found {code:?}"),
                );
                None
            }
        };
        let description =
            violations.optional_text("/description", self.description.as_deref(), 4000);
        if !violations.is_empty() {
            return Err(violations);
        }
        violations.finish(|| ProductSpec {
            gtin: gtin.expect("checked above"),
            name: name.unwrap_or_default(),
            category: category.expect("checked above"),
            unit,
            model: model.unwrap_or_default(),
            standard,
            license_no,
            shelf_life_days,
            origin_country,
            description,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ParticipantDraft {
        ParticipantDraft {
            name: "广州南沙进口贸易有限公司".into(),
            uscc: "91350100M000100Y43".into(),
            kind: "enterprise".into(),
            business_roles: vec!["importer".into()],
            region_code: "440115".into(),
            address: "广州市南沙区港前大道1号".into(),
            contact_name: "李明".into(),
            contact_phone: "020-12345678".into(),
            contact_email: Some("li@example.cn".into()),
        }
    }

    #[test]
    fn valid_participant_draft_passes() {
        let mut violations = Violations::new();
        let spec = draft().validate("", &mut violations).expect("valid");
        assert_eq!(spec.kind, ParticipantKind::Enterprise);
        assert_eq!(spec.business_roles, [BusinessRole::Importer]);
    }

    #[test]
    fn invalid_participant_draft_names_every_field() {
        let mut bad = draft();
        bad.uscc = "91350100M000100Y44".into();
        bad.region_code = "449999".into();
        bad.kind = "company".into();
        bad.contact_phone = "call me".into();
        let mut violations = Violations::new();
        assert!(bad.validate("", &mut violations).is_none());
        let pointers: Vec<_> = violations
            .errors()
            .iter()
            .map(|e| e.pointer.as_str())
            .collect();
        assert_eq!(
            pointers,
            ["/uscc", "/kind", "/regionCode", "/contact/phone"]
        );
        assert!(violations.errors()[0].message.contains("expected '3'"));
    }

    #[test]
    fn rejection_needs_a_reason() {
        assert!(ReviewDecision::parse("reject", None).is_err());
        assert!(ReviewDecision::parse("reject", Some("  ")).is_err());
        assert_eq!(
            ReviewDecision::parse("reject", Some("营业执照模糊")).map(|d| d.outcome()),
            Ok(RegistrationStatus::Rejected)
        );
        assert!(ReviewDecision::parse("maybe", None).is_err());
    }

    #[test]
    fn only_submitted_registrations_are_reviewed() {
        assert!(RegistrationStatus::Submitted.can_be_reviewed());
        assert!(!RegistrationStatus::Approved.can_be_reviewed());
        assert_eq!(
            RegistrationStatus::Rejected.after_owner_edit(),
            RegistrationStatus::Submitted
        );
    }

    #[test]
    fn product_needs_license_in_licensed_categories() {
        let draft = ProductDraft {
            gtin: "6901234567892".into(),
            name: "电动自行车".into(),
            category: "e-bike".into(),
            unit: Some("电动自行车".into()),
            model: "TDT-1200".into(),
            ..Default::default()
        };
        let violations = draft.validate().unwrap_err();
        assert_eq!(violations.errors()[0].pointer, "/licenseNo");
    }

    #[test]
    fn product_unit_must_belong_to_category() {
        let draft = ProductDraft {
            gtin: "6901234567892".into(),
            name: "安全帽".into(),
            category: "safety-helmet".into(),
            unit: Some("架空绞线".into()),
            model: "A1".into(),
            license_no: Some("XK16-123-00001".into()),
            ..Default::default()
        };
        assert_eq!(draft.validate().unwrap_err().errors()[0].pointer, "/unit");
    }

    #[test]
    fn site_coordinates_come_in_pairs_and_ranges() {
        let draft = SiteDraft {
            name: "南沙仓".into(),
            address: "南沙区".into(),
            region_code: "440115".into(),
            latitude: Some(95.0),
            longitude: None,
            ..Default::default()
        };
        let violations = draft.validate().unwrap_err();
        assert_eq!(violations.errors()[0].pointer, "/longitude");
        let draft = SiteDraft {
            latitude: Some(95.0),
            longitude: Some(113.6),
            ..draft
        };
        assert_eq!(
            draft.validate().unwrap_err().errors()[0].pointer,
            "/latitude"
        );
    }
}
