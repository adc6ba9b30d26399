-- Issue 5: an event is stored once, whatever the number of its recipients; each recipient's
-- numbered entry points to it. A message to a 400-member chat wrote 400 copies of itself (the
-- per-recipient rows were most of its time under the chat's lock, and most of the log's size).
-- docs/subsystems/realtime.md

CREATE TABLE events (
  id         bigserial PRIMARY KEY,
  name       text NOT NULL,
  payload    jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX events_created ON events (created_at);

-- Each recipient's gap-free sequence (see user_event_counters) pointing to the shared event.
CREATE TABLE user_event_entries (
  user_id    uuid NOT NULL REFERENCES users (id),
  seq        bigint NOT NULL,
  event_id   bigint NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, seq)
);
CREATE INDEX user_event_entries_created ON user_event_entries (created_at);

-- The log kept so far moves over as it is: one event per old row.
WITH old AS (
  SELECT user_id, seq, name, payload, created_at, nextval(pg_get_serial_sequence('events', 'id')) AS event_id FROM user_events
), moved AS (
  INSERT INTO events (id, name, payload, created_at) SELECT event_id, name, payload, created_at FROM old
)
INSERT INTO user_event_entries (user_id, seq, event_id, created_at) SELECT user_id, seq, event_id, created_at FROM old;

DROP TABLE user_events;

-- Each person's events as they receive them (read-only): what the log used to be.
CREATE VIEW user_events AS
  SELECT entry.user_id, entry.seq, event.name, event.payload, entry.created_at
    FROM user_event_entries entry JOIN events event ON event.id = entry.event_id;
