-- The registry (participants, sites, products with their change history), accounts
-- (users, sessions, API keys) and the audit log. Times are microseconds since the epoch.

CREATE TABLE participants (
    id             TEXT PRIMARY KEY NOT NULL,
    name           TEXT NOT NULL,
    uscc           TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    business_roles TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    address        TEXT NOT NULL,
    contact_name   TEXT NOT NULL,
    contact_phone  TEXT NOT NULL,
    contact_email  TEXT,
    status         TEXT NOT NULL,
    review_reason  TEXT,
    version        INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX participants_status ON participants (status, created_at);
CREATE INDEX participants_created ON participants (created_at, id);

CREATE TABLE sites (
    id             TEXT PRIMARY KEY NOT NULL,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    name           TEXT NOT NULL,
    gln            TEXT UNIQUE,
    address        TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    latitude       REAL,
    longitude      REAL,
    version        INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX sites_participant ON sites (participant_id);

CREATE TABLE products (
    id              TEXT PRIMARY KEY NOT NULL,
    participant_id  TEXT NOT NULL REFERENCES participants (id),
    gtin            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    category        TEXT NOT NULL,
    unit            TEXT,
    model           TEXT NOT NULL,
    standard        TEXT,
    license_no      TEXT,
    shelf_life_days INTEGER,
    origin_country  TEXT,
    description     TEXT,
    version         INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX products_participant ON products (participant_id);

-- One row per version of a registry entity; the current version has no valid_to.
CREATE TABLE registry_history (
    entity_kind TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    version     INTEGER NOT NULL,
    snapshot    TEXT NOT NULL,
    valid_from  INTEGER NOT NULL,
    valid_to    INTEGER,
    changed_by  TEXT,
    PRIMARY KEY (entity_kind, entity_id, version)
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY NOT NULL,
    participant_id TEXT REFERENCES participants (id),
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX users_participant ON users (participant_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_keys (
    id             TEXT PRIMARY KEY NOT NULL,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    name           TEXT NOT NULL,
    prefix         TEXT NOT NULL,
    token_hash     TEXT NOT NULL UNIQUE,
    role           TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    revoked_at     INTEGER
);
CREATE INDEX api_keys_participant ON api_keys (participant_id);

CREATE TABLE audit_log (
    seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
    at                   INTEGER NOT NULL,
    actor_kind           TEXT NOT NULL,
    actor_id             TEXT,
    actor_role           TEXT NOT NULL,
    actor_participant_id TEXT,
    action               TEXT NOT NULL,
    target_kind          TEXT NOT NULL,
    target_id            TEXT NOT NULL,
    detail               TEXT NOT NULL,
    ip                   TEXT,
    user_agent           TEXT
);
CREATE INDEX audit_log_target ON audit_log (target_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
