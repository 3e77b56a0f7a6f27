//! The wire types of the registry and accounts API and their conversions from and to the
//! domain. Field names are camelCase; times are RFC 3339.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use suyuan_core::accounts::{ApiKey, User};
use suyuan_core::ids::region_name;
use suyuan_core::registry::{
    Participant, ParticipantDraft, Product, ProductDraft, Site, SiteDraft,
};
use suyuan_service::accounts::NewUserDraft;
use suyuan_service::registry::RegistrationRequest;
use suyuan_store::{AuditEntry, HistoryEntry};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactPayload {
    /// Responsible person.
    pub name: String,
    pub phone: String,
    #[serde(default)]
    pub email: Option<String>,
}

/// A participant's registration data.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParticipantPayload {
    /// Registered name (单位名称).
    #[schema(example = "广州南沙进口贸易有限公司")]
    pub name: String,
    /// 统一社会信用代码 (GB 32100), 18 characters with its check character.
    #[schema(example = "91350100M000100Y43")]
    pub uscc: String,
    /// enterprise, service_provider, integrator, operator or regulator.
    #[schema(example = "enterprise")]
    pub kind: String,
    /// producer, importer, distributor, retailer, logistics, test_lab, certifier, platform.
    #[serde(default)]
    pub business_roles: Vec<String>,
    /// GB/T 2260 region code of the registered address.
    #[schema(example = "440115")]
    pub region_code: String,
    pub address: String,
    pub contact: ContactPayload,
}

impl From<ParticipantPayload> for ParticipantDraft {
    fn from(p: ParticipantPayload) -> Self {
        ParticipantDraft {
            name: p.name,
            uscc: p.uscc,
            kind: p.kind,
            business_roles: p.business_roles,
            region_code: p.region_code,
            address: p.address,
            contact_name: p.contact.name,
            contact_phone: p.contact.phone,
            contact_email: p.contact.email,
        }
    }
}

/// A new user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewUserPayload {
    pub username: String,
    pub display_name: String,
    /// At least 10 characters of two kinds.
    pub password: String,
    /// Defaults to member_staff for members (member_admin for a registration's first user).
    #[serde(default)]
    pub role: Option<String>,
}

impl From<NewUserPayload> for NewUserDraft {
    fn from(p: NewUserPayload) -> Self {
        NewUserDraft {
            username: p.username,
            display_name: p.display_name,
            password: p.password,
            role: p.role,
        }
    }
}

/// A self-registration (备案申请): the participant and its first administrator.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegistrationPayload {
    pub participant: ParticipantPayload,
    pub admin: NewUserPayload,
}

impl From<RegistrationPayload> for RegistrationRequest {
    fn from(p: RegistrationPayload) -> Self {
        RegistrationRequest {
            participant: p.participant.into(),
            admin: p.admin.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantView {
    /// The participant ID the center assigned (唯一共建方 ID).
    pub id: String,
    pub name: String,
    pub uscc: String,
    pub kind: String,
    pub business_roles: Vec<String>,
    pub region_code: String,
    pub region_name: String,
    pub address: String,
    pub contact: ContactPayload,
    /// submitted, approved or rejected.
    pub status: String,
    pub review_reason: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Participant> for ParticipantView {
    fn from(p: Participant) -> Self {
        ParticipantView {
            region_name: p.spec.region.name().to_owned(),
            name: p.spec.name,
            uscc: p.spec.uscc.to_string(),
            kind: p.spec.kind.to_string(),
            business_roles: p
                .spec
                .business_roles
                .iter()
                .map(|r| r.to_string())
                .collect(),
            region_code: p.spec.region.to_string(),
            address: p.spec.address,
            contact: ContactPayload {
                name: p.spec.contact.name,
                phone: p.spec.contact.phone,
                email: p.spec.contact.email,
            },
            status: p.status.to_string(),
            review_reason: p.review_reason,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
            id: p.id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationView {
    pub participant: ParticipantView,
    pub admin: UserView,
}

/// A reviewer's decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReviewPayload {
    /// approve or reject.
    #[schema(example = "approve")]
    pub decision: String,
    /// Required for a rejection.
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SitePayload {
    pub name: String,
    /// GS1 Global Location Number, 13 digits.
    #[serde(default)]
    pub gln: Option<String>,
    pub address: String,
    pub region_code: String,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
}

impl From<SitePayload> for SiteDraft {
    fn from(p: SitePayload) -> Self {
        SiteDraft {
            name: p.name,
            gln: p.gln,
            address: p.address,
            region_code: p.region_code,
            latitude: p.latitude,
            longitude: p.longitude,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SiteView {
    pub id: String,
    pub participant_id: String,
    pub name: String,
    pub gln: Option<String>,
    pub address: String,
    pub region_code: String,
    pub region_name: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Site> for SiteView {
    fn from(s: Site) -> Self {
        SiteView {
            region_name: s.spec.region.name().to_owned(),
            name: s.spec.name,
            gln: s.spec.gln.map(|g| g.to_string()),
            address: s.spec.address,
            region_code: s.spec.region.to_string(),
            latitude: s.spec.coordinates.map(|c| c.latitude),
            longitude: s.spec.coordinates.map(|c| c.longitude),
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
            participant_id: s.participant_id,
            id: s.id,
        }
    }
}

/// A product (SAMR general data requirements 一(二)).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProductPayload {
    /// GTIN-8, -12, -13 or -14 with its check digit.
    #[schema(example = "6901234567892")]
    pub gtin: String,
    pub name: String,
    /// A category code of GET /api/v1/categories.
    #[schema(example = "e-bike")]
    pub category: String,
    /// 产品单元 within the category.
    #[serde(default)]
    pub unit: Option<String>,
    /// 规格型号.
    pub model: String,
    /// 执行标准.
    #[serde(default)]
    pub standard: Option<String>,
    /// 生产许可证号 / 强制性认证证书编号; required in licensed categories.
    #[serde(default)]
    pub license_no: Option<String>,
    #[serde(default)]
    pub shelf_life_days: Option<i64>,
    /// ISO 3166-1 alpha-2.
    #[serde(default)]
    pub origin_country: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

impl From<ProductPayload> for ProductDraft {
    fn from(p: ProductPayload) -> Self {
        ProductDraft {
            gtin: p.gtin,
            name: p.name,
            category: p.category,
            unit: p.unit,
            model: p.model,
            standard: p.standard,
            license_no: p.license_no,
            shelf_life_days: p.shelf_life_days,
            origin_country: p.origin_country,
            description: p.description,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductView {
    pub id: String,
    pub participant_id: String,
    /// The 14-digit form.
    pub gtin: String,
    pub name: String,
    pub category: String,
    pub category_name: String,
    pub unit: Option<String>,
    pub model: String,
    pub standard: Option<String>,
    pub license_no: Option<String>,
    pub shelf_life_days: Option<u32>,
    pub origin_country: Option<String>,
    pub description: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Product> for ProductView {
    fn from(p: Product) -> Self {
        ProductView {
            gtin: p.spec.gtin.to_string(),
            name: p.spec.name,
            category: p.spec.category.code.to_owned(),
            category_name: p.spec.category.name_zh.to_owned(),
            unit: p.spec.unit,
            model: p.spec.model,
            standard: p.spec.standard,
            license_no: p.spec.license_no,
            shelf_life_days: p.spec.shelf_life_days,
            origin_country: p.spec.origin_country,
            description: p.spec.description,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
            participant_id: p.participant_id,
            id: p.id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryView {
    pub version: i64,
    pub valid_from: DateTime<Utc>,
    /// Absent for the current version.
    pub valid_to: Option<DateTime<Utc>>,
    pub changed_by: Option<String>,
    /// The record as it was.
    #[schema(value_type = Object)]
    pub snapshot: serde_json::Value,
}

impl From<HistoryEntry> for HistoryView {
    fn from(h: HistoryEntry) -> Self {
        HistoryView {
            version: h.version,
            valid_from: h.valid_from,
            valid_to: h.valid_to,
            changed_by: h.changed_by,
            snapshot: h.snapshot,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: String,
    pub participant_id: Option<String>,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            id: u.id,
            participant_id: u.participant_id,
            username: u.username,
            display_name: u.display_name,
            role: u.role.to_string(),
            disabled: u.disabled,
            created_at: u.created_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginPayload {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    pub user: UserView,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiKeyPayload {
    pub name: String,
    /// Defaults to member_staff for members; never more than the issuer's role.
    #[serde(default)]
    pub role: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyView {
    pub id: String,
    pub participant_id: String,
    pub name: String,
    /// The first characters of the token.
    pub prefix: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiKey> for ApiKeyView {
    fn from(k: ApiKey) -> Self {
        ApiKeyView {
            id: k.id,
            participant_id: k.participant_id,
            name: k.name,
            prefix: k.prefix,
            role: k.role.to_string(),
            created_at: k.created_at,
            revoked_at: k.revoked_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyCreatedView {
    /// The key, shown this once; send it as `Authorization: Bearer <token>`.
    pub token: String,
    pub key: ApiKeyView,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeView {
    /// user, api_key or anonymous.
    pub actor: String,
    pub actor_id: Option<String>,
    pub role: String,
    pub permissions: Vec<String>,
    pub participant_id: Option<String>,
    /// The registration status of the actor's participant.
    pub participant_status: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditView {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_role: String,
    pub actor_participant_id: Option<String>,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl From<AuditEntry> for AuditView {
    fn from(e: AuditEntry) -> Self {
        let r = e.record;
        AuditView {
            seq: e.seq,
            at: r.at,
            actor_kind: r.actor_kind,
            actor_id: r.actor_id,
            actor_role: r.actor_role,
            actor_participant_id: r.actor_participant_id,
            action: r.action,
            target_kind: r.target_kind,
            target_id: r.target_id,
            detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
            ip: r.origin.ip,
            user_agent: r.origin.user_agent,
        }
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PageView<T> {
    pub items: Vec<T>,
    /// Size of the whole list.
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ParticipantQuery {
    /// submitted, approved or rejected.
    pub status: Option<String>,
    pub kind: Option<String>,
    /// A part of the name.
    pub q: Option<String>,
    pub offset: Option<i64>,
    /// 1–500, default 50.
    pub limit: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub target_id: Option<String>,
    pub actor_id: Option<String>,
    pub action: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RegionQuery {
    /// A province (XX0000) or prefecture (XXXX00) code: list the regions under it.
    pub parent: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegionView {
    pub code: String,
    pub name: String,
}

impl RegionView {
    pub fn of(code: &str) -> Option<RegionView> {
        region_name(code).map(|name| RegionView {
            code: code.to_owned(),
            name: name.to_owned(),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CategoryView {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// key_industrial_product or imported_food.
    pub group: String,
    pub license_required: bool,
    pub units_zh: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HealthView {
    /// ok, or unavailable when the database does not answer.
    pub status: String,
    pub database: String,
    pub version: String,
}
