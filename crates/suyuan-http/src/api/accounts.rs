//! Account routes: sign-in sessions, the current principal, users, API keys, the audit log.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use suyuan_service::Services;
use suyuan_service::registry::page_request;
use suyuan_store::AuditFilter;

use super::payloads::*;
use crate::extract::{ApiJson, ApiQuery, Auth, ClientOrigin, SESSION_COOKIE};
use crate::problem::{ApiError, ApiResult, Problem};

pub const TAG: &str = "accounts";

/// Sign in with a user name and password; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/session", tag = TAG,
    request_body = LoginPayload,
    responses(
        (status = 200, description = "Signed in; the `suyuan_session` cookie is set", body = SessionView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    State(services): State<Services>,
    ClientOrigin(origin): ClientOrigin,
    ApiJson(payload): ApiJson<LoginPayload>,
) -> ApiResult<impl IntoResponse> {
    let signed_in = services
        .login(&origin, &payload.username, &payload.password)
        .await?;
    let max_age = (signed_in.session.expires_at - signed_in.session.created_at).num_seconds();
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}",
        signed_in.token
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(SessionView {
            user: signed_in.user.into(),
            expires_at: signed_in.session.expires_at,
        }),
    ))
}

/// Sign out: ends the session and clears the cookie.
#[utoipa::path(delete, path = "/api/v1/session", tag = TAG,
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn logout(
    State(services): State<Services>,
    Auth(principal): Auth,
    ClientOrigin(origin): ClientOrigin,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let token = crate::extract::session_token(&headers).ok_or_else(|| {
        ApiError::new(
            crate::problem::ProblemKind::Unauthenticated,
            "there is no session to end",
        )
    })?;
    services.logout(&principal, &origin, &token).await?;
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]))
}

/// Who the request acts as, and what it may do.
#[utoipa::path(get, path = "/api/v1/me", tag = TAG,
    responses((status = 200, body = MeView)))]
pub async fn me(Auth(principal): Auth) -> Json<MeView> {
    Json(MeView {
        actor: principal.actor.kind().to_owned(),
        actor_id: principal.actor.id().map(str::to_owned),
        role: principal.role.to_string(),
        permissions: principal
            .role
            .permissions()
            .iter()
            .map(|p| p.to_string())
            .collect(),
        participant_id: principal.participant_id().map(str::to_owned),
        participant_status: principal.membership.as_ref().map(|m| m.status.to_string()),
    })
}

/// List a participant's users.
#[utoipa::path(get, path = "/api/v1/participants/{id}/users", tag = TAG,
    params(("id" = String, Path, description = "Participant ID")),
    responses(
        (status = 200, body = Vec<UserView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_users(
    State(services): State<Services>,
    Auth(principal): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<UserView>>> {
    let users = services.users(&principal, &id).await?;
    Ok(Json(users.into_iter().map(Into::into).collect()))
}

/// Add a user to a participant.
#[utoipa::path(post, path = "/api/v1/participants/{id}/users", tag = TAG,
    params(("id" = String, Path, description = "Participant ID")),
    request_body = NewUserPayload,
    responses(
        (status = 201, body = UserView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_user(
    State(services): State<Services>,
    Auth(principal): Auth,
    ClientOrigin(origin): ClientOrigin,
    Path(id): Path<String>,
    ApiJson(payload): ApiJson<NewUserPayload>,
) -> ApiResult<impl IntoResponse> {
    let user = services
        .create_user(&principal, &origin, &id, payload.into())
        .await?;
    Ok((StatusCode::CREATED, Json(UserView::from(user))))
}

/// List a participant's API keys (tokens are never shown again).
#[utoipa::path(get, path = "/api/v1/participants/{id}/api-keys", tag = TAG,
    params(("id" = String, Path, description = "Participant ID")),
    responses(
        (status = 200, body = Vec<ApiKeyView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_api_keys(
    State(services): State<Services>,
    Auth(principal): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ApiKeyView>>> {
    let keys = services.api_keys(&principal, &id).await?;
    Ok(Json(keys.into_iter().map(Into::into).collect()))
}

/// Issue an API key for a participant's machine clients.
#[utoipa::path(post, path = "/api/v1/participants/{id}/api-keys", tag = TAG,
    params(("id" = String, Path, description = "Participant ID")),
    request_body = ApiKeyPayload,
    responses(
        (status = 201, description = "The key; its token is shown only now", body = ApiKeyCreatedView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_api_key(
    State(services): State<Services>,
    Auth(principal): Auth,
    ClientOrigin(origin): ClientOrigin,
    Path(id): Path<String>,
    ApiJson(payload): ApiJson<ApiKeyPayload>,
) -> ApiResult<impl IntoResponse> {
    let issued = services
        .create_api_key(
            &principal,
            &origin,
            &id,
            &payload.name,
            payload.role.as_deref(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiKeyCreatedView {
            token: issued.token,
            key: issued.key.into(),
        }),
    ))
}

/// Revoke an API key.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = TAG,
    params(("id" = String, Path, description = "API key ID")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn revoke_api_key(
    State(services): State<Services>,
    Auth(principal): Auth,
    ClientOrigin(origin): ClientOrigin,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    services.revoke_api_key(&principal, &origin, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The audit log, newest first (operators and regulators).
#[utoipa::path(get, path = "/api/v1/audit", tag = TAG,
    params(AuditQuery),
    responses(
        (status = 200, body = PageView<AuditView>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn audit_log(
    State(services): State<Services>,
    Auth(principal): Auth,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> ApiResult<Json<PageView<AuditView>>> {
    let page = page_request(query.offset, query.limit).map_err(|v| ApiError::invalid(&v))?;
    let filter = AuditFilter {
        target_id: query.target_id,
        actor_id: query.actor_id,
        action: query.action,
    };
    let result = services.audit_log(&principal, &filter, page).await?;
    Ok(Json(PageView {
        items: result.items.into_iter().map(Into::into).collect(),
        total: result.total,
        offset: page.offset,
        limit: page.limit,
    }))
}
