-- EPCIS events, what is indexed of them, and capture jobs. Times are microseconds since the epoch.

CREATE TABLE capture_jobs (
    id          TEXT PRIMARY KEY NOT NULL,
    owner_id    TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    finished_at INTEGER,
    event_count INTEGER NOT NULL,
    stored      INTEGER NOT NULL DEFAULT 0,
    errors      TEXT NOT NULL DEFAULT '[]',
    error_behaviour TEXT NOT NULL DEFAULT 'rollback'
);

CREATE TABLE events (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id     TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    event_time   INTEGER NOT NULL,
    record_time  INTEGER NOT NULL,
    action       TEXT,
    biz_step     TEXT,
    disposition  TEXT,
    read_point   TEXT,
    biz_location TEXT,
    owner_id     TEXT NOT NULL,
    capture_job  TEXT,
    body         TEXT NOT NULL
);
CREATE INDEX events_event_time ON events (event_time, seq);
CREATE INDEX events_record_time ON events (record_time, seq);
CREATE INDEX events_biz_step ON events (biz_step, event_time);
CREATE INDEX events_disposition ON events (disposition, event_time);
CREATE INDEX events_read_point ON events (read_point, event_time);
CREATE INDEX events_biz_location ON events (biz_location, event_time);
CREATE INDEX events_owner ON events (owner_id, seq);

CREATE TABLE event_identifiers (
    event_seq INTEGER NOT NULL REFERENCES events (seq),
    role      TEXT NOT NULL,
    key       TEXT NOT NULL,
    PRIMARY KEY (key, role, event_seq)
) WITHOUT ROWID;
CREATE INDEX event_identifiers_event ON event_identifiers (event_seq);

CREATE TABLE event_attributes (
    event_seq INTEGER NOT NULL REFERENCES events (seq),
    name      TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (name, value, event_seq)
) WITHOUT ROWID;
CREATE INDEX event_attributes_event ON event_attributes (event_seq);
