-- A member's events in time order straight from an index: a member's query (which always
-- carries its own owner) pages through its events without sorting them all.
DROP INDEX events_owner;
CREATE INDEX events_owner_event_time ON events (owner_id, event_time, seq);
