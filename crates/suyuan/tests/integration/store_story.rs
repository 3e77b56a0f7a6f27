//! The storage story: one sequence of reads and writes against the `Store` trait, run on
//! every backend, so SQLite and PostgreSQL behave alike.

use chrono::Duration;
use suyuan_core::access::{Principal, Role};
use suyuan_core::accounts::{ApiKey, Session, User};
use suyuan_core::audit::{AuditRecord, Origin};
use suyuan_core::registry::{
    Participant, ParticipantDraft, Product, ProductDraft, RegistrationStatus, Site, SiteDraft,
};
use suyuan_core::validation::Violations;
use suyuan_store::{AuditFilter, EntityKind, PageRequest, ParticipantFilter, Store, StoreError};

use crate::support::{fresh_databases, gtin13, uscc};

fn audit(action: &str, target: &str) -> AuditRecord {
    AuditRecord::new(
        &Principal::system(),
        &Origin {
            ip: Some("127.0.0.1".into()),
            user_agent: Some("store story".into()),
        },
        action,
        "test",
        target,
        "{}".into(),
    )
}

fn participant(id: &str, name: &str, uscc_body: &str) -> Participant {
    let draft = ParticipantDraft {
        name: name.into(),
        uscc: uscc(uscc_body),
        kind: "enterprise".into(),
        business_roles: vec!["producer".into(), "retailer".into()],
        region_code: "440115".into(),
        address: "广州市南沙区".into(),
        contact_name: "李明".into(),
        contact_phone: "020-12345678".into(),
        contact_email: None,
    };
    let mut violations = Violations::new();
    let spec = draft
        .validate("", &mut violations)
        .expect("valid participant");
    let now = suyuan_core::clock::now();
    Participant {
        id: id.into(),
        spec,
        status: RegistrationStatus::Submitted,
        review_reason: None,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

fn user(id: &str, participant_id: &str, username: &str) -> User {
    User {
        id: id.into(),
        participant_id: Some(participant_id.into()),
        username: username.into(),
        display_name: "测试用户".into(),
        role: Role::MemberAdmin,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".into(),
        created_at: suyuan_core::clock::now(),
        disabled: false,
    }
}

#[tokio::test]
async fn storage_story_holds_on_every_backend() {
    for db in fresh_databases().await {
        let store = db.store().await;
        story(store.as_ref())
            .await
            .unwrap_or_else(|e| panic!("[{}] {e}", db.backend));
    }
}

async fn story(store: &dyn Store) -> Result<(), String> {
    store.ping().await.map_err(|e| e.to_string())?;

    // A registration stores the participant and its first user together.
    let first = participant("p_first", "南沙第一贸易有限公司", "91440115MA59AAAA1");
    let admin = user("u_first", "p_first", "first.admin");
    store
        .insert_participant(
            &first,
            Some(&admin),
            &audit("registration.submit", "p_first"),
        )
        .await
        .map_err(|e| e.to_string())?;
    let read = store
        .participant("p_first")
        .await
        .map_err(|e| e.to_string())?;
    check(read.as_ref() == Some(&first), format!("read back {read:?}"))?;

    // A second participant with the same USCC is a duplicate; nothing of it is stored,
    // not even its user.
    let copy = participant("p_copy", "复制公司", "91440115MA59AAAA1");
    let copy_user = user("u_copy", "p_copy", "copy.admin");
    match store
        .insert_participant(
            &copy,
            Some(&copy_user),
            &audit("registration.submit", "p_copy"),
        )
        .await
    {
        Err(StoreError::Duplicate { field: "uscc", .. }) => {}
        other => return Err(format!("duplicate USCC gave {other:?}")),
    }
    check(
        store
            .participant("p_copy")
            .await
            .map_err(|e| e.to_string())?
            .is_none(),
        "the duplicate participant was stored".into(),
    )?;
    check(
        store
            .user_by_username("copy.admin")
            .await
            .map_err(|e| e.to_string())?
            .is_none(),
        "the duplicate's user was stored".into(),
    )?;

    // Updates need the current version and keep the history.
    let approved = Participant {
        status: RegistrationStatus::Approved,
        version: 2,
        updated_at: suyuan_core::clock::now(),
        ..first.clone()
    };
    store
        .update_participant(&approved, &audit("registration.review", "p_first"))
        .await
        .map_err(|e| e.to_string())?;
    match store
        .update_participant(&approved, &audit("registration.review", "p_first"))
        .await
    {
        Err(StoreError::StaleVersion { expected: 1, .. }) => {}
        other => return Err(format!("stale update gave {other:?}")),
    }
    let history = store
        .history(EntityKind::Participant, "p_first")
        .await
        .map_err(|e| e.to_string())?;
    check(
        history.len() == 2,
        format!("history has {} versions", history.len()),
    )?;
    check(
        history[0].valid_to.is_some() && history[1].valid_to.is_none(),
        "the old version is closed and the new one open".into(),
    )?;
    check(
        history[0].snapshot["status"] == "submitted" && history[1].snapshot["status"] == "approved",
        format!("snapshots {:?}", history),
    )?;

    // Listing filters and pages.
    let second = participant("p_second", "南沙第二零售有限公司", "91440115MA59BBBB2");
    store
        .insert_participant(&second, None, &audit("participant.create", "p_second"))
        .await
        .map_err(|e| e.to_string())?;
    let all = store
        .list_participants(
            &ParticipantFilter::default(),
            PageRequest {
                offset: 0,
                limit: 1,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    check(
        all.total == 2 && all.items.len() == 1,
        format!("page {all:?}"),
    )?;
    let submitted = store
        .list_participants(
            &ParticipantFilter {
                status: Some(RegistrationStatus::Submitted),
                ..Default::default()
            },
            PageRequest {
                offset: 0,
                limit: 10,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    check(
        submitted.total == 1 && submitted.items[0].id == "p_second",
        format!("submitted {submitted:?}"),
    )?;
    let by_name = store
        .list_participants(
            &ParticipantFilter {
                name_contains: Some("零售".into()),
                ..Default::default()
            },
            PageRequest {
                offset: 0,
                limit: 10,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    check(by_name.total == 1, format!("by name {by_name:?}"))?;

    // Sites and products, with unique GLN and GTIN.
    let now = suyuan_core::clock::now();
    let site = Site {
        id: "s_one".into(),
        participant_id: "p_first".into(),
        spec: SiteDraft {
            name: "南沙仓".into(),
            gln: Some("6901234000009".into()),
            address: "南沙区".into(),
            region_code: "440115".into(),
            latitude: Some(22.79),
            longitude: Some(113.55),
        }
        .validate()
        .map_err(|e| e.to_string())?,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store
        .insert_site(&site, &audit("site.create", "s_one"))
        .await
        .map_err(|e| e.to_string())?;
    let read_site = store.site("s_one").await.map_err(|e| e.to_string())?;
    check(
        read_site.as_ref() == Some(&site),
        format!("site {read_site:?}"),
    )?;
    let mut other_site = site.clone();
    other_site.id = "s_two".into();
    match store
        .insert_site(&other_site, &audit("site.create", "s_two"))
        .await
    {
        Err(StoreError::Duplicate { field: "gln", .. }) => {}
        other => return Err(format!("duplicate GLN gave {other:?}")),
    }

    let product = Product {
        id: "g_one".into(),
        participant_id: "p_first".into(),
        spec: ProductDraft {
            gtin: gtin13("690123456789"),
            name: "安全帽".into(),
            category: "safety-helmet".into(),
            unit: Some("普通型安全帽".into()),
            model: "A1".into(),
            license_no: Some("XK17-003-00001".into()),
            shelf_life_days: Some(1095),
            origin_country: Some("CN".into()),
            ..Default::default()
        }
        .validate()
        .map_err(|e| e.to_string())?,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store
        .insert_product(&product, &audit("product.create", "g_one"))
        .await
        .map_err(|e| e.to_string())?;
    let by_gtin = store
        .product_by_gtin(product.spec.gtin.as_str())
        .await
        .map_err(|e| e.to_string())?;
    check(
        by_gtin.as_ref() == Some(&product),
        format!("by gtin {by_gtin:?}"),
    )?;
    let mut renamed = product.clone();
    renamed.spec.name = "ABS 安全帽".into();
    renamed.version = 2;
    store
        .update_product(&renamed, &audit("product.update", "g_one"))
        .await
        .map_err(|e| e.to_string())?;
    let product_history = store
        .history(EntityKind::Product, "g_one")
        .await
        .map_err(|e| e.to_string())?;
    check(
        product_history.len() == 2 && product_history[1].snapshot["name"] == "ABS 安全帽",
        format!("product history {product_history:?}"),
    )?;
    check(
        store
            .products_of("p_first")
            .await
            .map_err(|e| e.to_string())?
            .len()
            == 1,
        "products of participant".into(),
    )?;

    // Sessions expire; API keys are found by hash until revoked.
    let session = Session {
        token_hash: "h_session".into(),
        user_id: "u_first".into(),
        created_at: now,
        expires_at: now + Duration::hours(1),
    };
    store
        .insert_session(&session, &audit("session.login", "u_first"))
        .await
        .map_err(|e| e.to_string())?;
    check(
        store
            .live_session("h_session", now)
            .await
            .map_err(|e| e.to_string())?
            .is_some(),
        "live session found".into(),
    )?;
    check(
        store
            .live_session("h_session", now + Duration::hours(2))
            .await
            .map_err(|e| e.to_string())?
            .is_none(),
        "expired session not found".into(),
    )?;
    let key = ApiKey {
        id: "k_one".into(),
        participant_id: "p_first".into(),
        name: "ERP".into(),
        prefix: "sy_abcdefg".into(),
        token_hash: "h_key".into(),
        role: Role::MemberStaff,
        created_at: now,
        revoked_at: None,
    };
    store
        .insert_api_key(&key, &audit("api_key.create", "k_one"))
        .await
        .map_err(|e| e.to_string())?;
    check(
        store
            .api_key_by_token_hash("h_key")
            .await
            .map_err(|e| e.to_string())?
            .as_ref()
            == Some(&key),
        "key by hash".into(),
    )?;
    store
        .revoke_api_key("k_one", now, &audit("api_key.revoke", "k_one"))
        .await
        .map_err(|e| e.to_string())?;
    let revoked = store.api_key("k_one").await.map_err(|e| e.to_string())?;
    check(
        revoked.and_then(|k| k.revoked_at).is_some(),
        "revocation recorded".into(),
    )?;
    match store
        .revoke_api_key("k_one", now, &audit("api_key.revoke", "k_one"))
        .await
    {
        Err(StoreError::NotFound { .. }) => {}
        other => return Err(format!("second revocation gave {other:?}")),
    }

    // Every successful write left exactly one audit line; failed writes left none.
    let log = store
        .audit_log(
            &AuditFilter::default(),
            PageRequest {
                offset: 0,
                limit: 100,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    let actions: Vec<&str> = log
        .items
        .iter()
        .rev()
        .map(|e| e.record.action.as_str())
        .collect();
    check(
        actions
            == [
                "registration.submit",
                "registration.review",
                "participant.create",
                "site.create",
                "product.create",
                "product.update",
                "session.login",
                "api_key.create",
                "api_key.revoke",
            ],
        format!("audit actions {actions:?}"),
    )?;
    let first_entry = &log.items[log.items.len() - 1].record;
    check(
        first_entry.origin.ip.as_deref() == Some("127.0.0.1")
            && first_entry.origin.user_agent.as_deref() == Some("store story"),
        format!("audit origin {first_entry:?}"),
    )?;
    let for_target = store
        .audit_log(
            &AuditFilter {
                target_id: Some("p_first".into()),
                ..Default::default()
            },
            PageRequest {
                offset: 0,
                limit: 100,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    check(
        for_target.total == 2,
        format!("audit for p_first {for_target:?}"),
    )?;
    Ok(())
}

fn check(condition: bool, message: String) -> Result<(), String> {
    if condition { Ok(()) } else { Err(message) }
}
