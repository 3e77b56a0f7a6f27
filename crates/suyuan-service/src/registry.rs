//! Registry use cases: registration and its review, participants, sites, products, history.

use serde_json::json;
use suyuan_core::access::{Permission, Principal, Role, ScopedAction};
use suyuan_core::accounts::User;
use suyuan_core::audit::{AuditRecord, Origin};
use suyuan_core::registry::{
    Participant, ParticipantDraft, ParticipantKind, Product, ProductDraft, RegistrationStatus,
    ReviewDecision, Site, SiteDraft,
};
use suyuan_core::validation::Violations;
use suyuan_store::{EntityKind, HistoryEntry, Page, PageRequest, ParticipantFilter};

use crate::accounts::{NewUserDraft, validate_new_user};
use crate::ids::new_id;
use crate::{ServiceError, ServiceResult, Services};

/// A self-registration: the participant's data and its first (admin) user.
#[derive(Debug, Clone, Default)]
pub struct RegistrationRequest {
    pub participant: ParticipantDraft,
    pub admin: NewUserDraft,
}

/// Kinds that register themselves; operators and regulators are created by an operator.
const SELF_REGISTERING: &[ParticipantKind] = &[
    ParticipantKind::Enterprise,
    ParticipantKind::ServiceProvider,
    ParticipantKind::Integrator,
];

/// Checks a page window: `limit` 1–500, `offset` not negative.
pub fn page_request(offset: Option<i64>, limit: Option<i64>) -> Result<PageRequest, Violations> {
    let mut violations = Violations::new();
    let offset = offset.unwrap_or(0);
    let limit = limit.unwrap_or(50);
    if offset < 0 {
        violations.add("offset", format!("expected 0 or more, found {offset}"));
    }
    if !(1..=500).contains(&limit) {
        violations.add("limit", format!("expected 1 to 500, found {limit}"));
    }
    violations.finish(|| PageRequest { offset, limit })
}

fn participant_detail(participant: &Participant) -> String {
    json!({
        "name": participant.spec.name,
        "uscc": participant.spec.uscc.as_str(),
        "kind": participant.spec.kind.as_str(),
        "status": participant.status.as_str(),
        "version": participant.version,
    })
    .to_string()
}

impl Services {
    /// Submits a registration (备案申请): the participant waits for review, its admin user can
    /// sign in at once to follow it and correct its data.
    pub async fn submit_registration(
        &self,
        principal: &Principal,
        origin: &Origin,
        request: RegistrationRequest,
    ) -> ServiceResult<(Participant, User)> {
        principal.require(Permission::RegistrationSubmit)?;
        let mut violations = Violations::new();
        let spec = request
            .participant
            .validate("/participant", &mut violations);
        if let Some(spec) = &spec
            && !SELF_REGISTERING.contains(&spec.kind)
        {
            violations.add(
                "/participant/kind",
                format!(
                    "expected enterprise, service_provider or integrator (operators and regulators are created by the center's operator), found {:?}",
                    spec.kind.as_str()
                ),
            );
        }
        let admin = validate_new_user(
            &request.admin,
            "/admin",
            &[Role::MemberAdmin],
            &mut violations,
        );
        let (Some(spec), Some(admin)) = (spec, admin) else {
            return Err(violations.into());
        };
        if !violations.is_empty() {
            return Err(violations.into());
        }
        let now = suyuan_core::clock::now();
        let participant = Participant {
            id: new_id("p"),
            spec,
            status: RegistrationStatus::Submitted,
            review_reason: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let user = self
            .build_user(admin, Some(participant.id.clone()), Role::MemberAdmin)
            .await?;
        let audit = AuditRecord::new(
            principal,
            origin,
            "registration.submit",
            "participant",
            &participant.id,
            participant_detail(&participant),
        );
        self.store
            .insert_participant(&participant, Some(&user), &audit)
            .await?;
        tracing::info!(participant.id = %participant.id, "registration submitted");
        Ok((participant, user))
    }

    /// Creates a participant directly, already approved (operators, regulators, migrations).
    pub async fn create_participant(
        &self,
        principal: &Principal,
        origin: &Origin,
        draft: ParticipantDraft,
    ) -> ServiceResult<Participant> {
        principal.require(Permission::ParticipantCreate)?;
        let mut violations = Violations::new();
        let Some(spec) = draft.validate("", &mut violations) else {
            return Err(violations.into());
        };
        let now = suyuan_core::clock::now();
        let participant = Participant {
            id: new_id("p"),
            spec,
            status: RegistrationStatus::Approved,
            review_reason: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let audit = AuditRecord::new(
            principal,
            origin,
            "participant.create",
            "participant",
            &participant.id,
            participant_detail(&participant),
        );
        self.store
            .insert_participant(&participant, None, &audit)
            .await?;
        Ok(participant)
    }

    /// Decides on a submitted registration (备案审核).
    pub async fn review_registration(
        &self,
        principal: &Principal,
        origin: &Origin,
        participant_id: &str,
        decision: ReviewDecision,
    ) -> ServiceResult<Participant> {
        principal.require(Permission::RegistrationReview)?;
        let current = self.existing_participant(participant_id).await?;
        if !current.status.can_be_reviewed() {
            return Err(ServiceError::Conflict {
                message: format!(
                    "the registration of {participant_id} is {}; only submitted registrations are reviewed",
                    current.status
                ),
                pointer: Some("/decision".into()),
            });
        }
        let reviewed = Participant {
            status: decision.outcome(),
            review_reason: decision.reason().map(str::to_owned),
            version: current.version + 1,
            updated_at: suyuan_core::clock::now(),
            ..current
        };
        let audit = AuditRecord::new(
            principal,
            origin,
            "registration.review",
            "participant",
            participant_id,
            json!({
                "decision": reviewed.status.as_str(),
                "reason": reviewed.review_reason,
            })
            .to_string(),
        );
        self.store.update_participant(&reviewed, &audit).await?;
        Ok(reviewed)
    }

    pub async fn participant(&self, principal: &Principal, id: &str) -> ServiceResult<Participant> {
        principal.require_on(ScopedAction::ParticipantRead, id)?;
        self.existing_participant(id).await
    }

    pub async fn list_participants(
        &self,
        principal: &Principal,
        filter: &ParticipantFilter,
        page: PageRequest,
    ) -> ServiceResult<Page<Participant>> {
        principal.require(Permission::ParticipantReadAny)?;
        Ok(self.store.list_participants(filter, page).await?)
    }

    /// Replaces a participant's registration data. A member that changes its name or code, or
    /// corrects a rejected registration, sends it back to review.
    pub async fn update_participant(
        &self,
        principal: &Principal,
        origin: &Origin,
        id: &str,
        draft: ParticipantDraft,
    ) -> ServiceResult<Participant> {
        principal.require_on(ScopedAction::ParticipantUpdate, id)?;
        let current = self.existing_participant(id).await?;
        let mut violations = Violations::new();
        let Some(spec) = draft.validate("", &mut violations) else {
            return Err(violations.into());
        };
        if spec.kind != current.spec.kind
            && !principal.role.grants(Permission::ParticipantUpdateAny)
        {
            return Err(Violations::single(
                "/kind",
                format!(
                    "the kind cannot be changed by the participant, found {:?}",
                    spec.kind.as_str()
                ),
            )
            .into());
        }
        let operator_edit = principal.role.grants(Permission::ParticipantUpdateAny);
        let identity_changed = spec.name != current.spec.name || spec.uscc != current.spec.uscc;
        let status = if operator_edit {
            current.status
        } else if identity_changed {
            RegistrationStatus::Submitted
        } else {
            current.status.after_owner_edit()
        };
        let updated = Participant {
            spec,
            status,
            version: current.version + 1,
            updated_at: suyuan_core::clock::now(),
            ..current
        };
        let audit = AuditRecord::new(
            principal,
            origin,
            "participant.update",
            "participant",
            id,
            participant_detail(&updated),
        );
        self.store.update_participant(&updated, &audit).await?;
        Ok(updated)
    }

    /// Every version of a participant, site or product, oldest first.
    pub async fn history(
        &self,
        principal: &Principal,
        kind: EntityKind,
        id: &str,
    ) -> ServiceResult<Vec<HistoryEntry>> {
        let owner = match kind {
            EntityKind::Participant => self.existing_participant(id).await?.id,
            EntityKind::Site => self.existing_site(id).await?.participant_id,
            EntityKind::Product => self.existing_product(id).await?.participant_id,
        };
        principal.require_on(ScopedAction::ParticipantRead, &owner)?;
        Ok(self.store.history(kind, id).await?)
    }

    pub async fn add_site(
        &self,
        principal: &Principal,
        origin: &Origin,
        participant_id: &str,
        draft: SiteDraft,
    ) -> ServiceResult<Site> {
        principal.require_on(ScopedAction::SiteWrite, participant_id)?;
        self.existing_participant(participant_id).await?;
        let spec = draft.validate()?;
        let now = suyuan_core::clock::now();
        let site = Site {
            id: new_id("s"),
            participant_id: participant_id.to_owned(),
            spec,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let audit = AuditRecord::new(
            principal,
            origin,
            "site.create",
            "site",
            &site.id,
            json!({ "participant": participant_id, "name": site.spec.name, "region": site.spec.region.as_str() })
                .to_string(),
        );
        self.store.insert_site(&site, &audit).await?;
        Ok(site)
    }

    pub async fn update_site(
        &self,
        principal: &Principal,
        origin: &Origin,
        site_id: &str,
        draft: SiteDraft,
    ) -> ServiceResult<Site> {
        let current = self.existing_site(site_id).await?;
        principal.require_on(ScopedAction::SiteWrite, &current.participant_id)?;
        let spec = draft.validate()?;
        let updated = Site {
            spec,
            version: current.version + 1,
            updated_at: suyuan_core::clock::now(),
            ..current
        };
        let audit = AuditRecord::new(
            principal,
            origin,
            "site.update",
            "site",
            site_id,
            json!({ "name": updated.spec.name, "version": updated.version }).to_string(),
        );
        self.store.update_site(&updated, &audit).await?;
        Ok(updated)
    }

    pub async fn sites(
        &self,
        principal: &Principal,
        participant_id: &str,
    ) -> ServiceResult<Vec<Site>> {
        principal.require_on(ScopedAction::ParticipantRead, participant_id)?;
        self.existing_participant(participant_id).await?;
        Ok(self.store.sites_of(participant_id).await?)
    }

    pub async fn site(&self, principal: &Principal, site_id: &str) -> ServiceResult<Site> {
        let site = self.existing_site(site_id).await?;
        principal.require_on(ScopedAction::ParticipantRead, &site.participant_id)?;
        Ok(site)
    }

    pub async fn add_product(
        &self,
        principal: &Principal,
        origin: &Origin,
        participant_id: &str,
        draft: ProductDraft,
    ) -> ServiceResult<Product> {
        principal.require_on(ScopedAction::ProductWrite, participant_id)?;
        self.existing_participant(participant_id).await?;
        let spec = draft.validate()?;
        let now = suyuan_core::clock::now();
        let product = Product {
            id: new_id("g"),
            participant_id: participant_id.to_owned(),
            spec,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let audit = AuditRecord::new(
            principal,
            origin,
            "product.create",
            "product",
            &product.id,
            json!({ "participant": participant_id, "gtin": product.spec.gtin.as_str(), "name": product.spec.name })
                .to_string(),
        );
        self.store.insert_product(&product, &audit).await?;
        Ok(product)
    }

    pub async fn update_product(
        &self,
        principal: &Principal,
        origin: &Origin,
        product_id: &str,
        draft: ProductDraft,
    ) -> ServiceResult<Product> {
        let current = self.existing_product(product_id).await?;
        principal.require_on(ScopedAction::ProductWrite, &current.participant_id)?;
        let spec = draft.validate()?;
        let updated = Product {
            spec,
            version: current.version + 1,
            updated_at: suyuan_core::clock::now(),
            ..current
        };
        let audit = AuditRecord::new(
            principal,
            origin,
            "product.update",
            "product",
            product_id,
            json!({ "gtin": updated.spec.gtin.as_str(), "name": updated.spec.name, "version": updated.version })
                .to_string(),
        );
        self.store.update_product(&updated, &audit).await?;
        Ok(updated)
    }

    pub async fn products(
        &self,
        principal: &Principal,
        participant_id: &str,
    ) -> ServiceResult<Vec<Product>> {
        principal.require_on(ScopedAction::ParticipantRead, participant_id)?;
        self.existing_participant(participant_id).await?;
        Ok(self.store.products_of(participant_id).await?)
    }

    pub async fn product(&self, principal: &Principal, product_id: &str) -> ServiceResult<Product> {
        let product = self.existing_product(product_id).await?;
        principal.require_on(ScopedAction::ParticipantRead, &product.participant_id)?;
        Ok(product)
    }

    pub(crate) async fn existing_participant(&self, id: &str) -> ServiceResult<Participant> {
        self.store
            .participant(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                kind: "participant",
                id: id.to_owned(),
            })
    }

    async fn existing_site(&self, id: &str) -> ServiceResult<Site> {
        self.store
            .site(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                kind: "site",
                id: id.to_owned(),
            })
    }

    async fn existing_product(&self, id: &str) -> ServiceResult<Product> {
        self.store
            .product(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                kind: "product",
                id: id.to_owned(),
            })
    }
}
