-- Issue 6: broadcasts «трансляции» — a school event with several speakers publishing through the
-- media server and an audience that watches from a public link. docs/subsystems/broadcasts.md

CREATE TABLE broadcasts (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  title           text NOT NULL,
  description     text NOT NULL DEFAULT '',
  scheduled_for   timestamptz,
  created_by      uuid NOT NULL REFERENCES users (id),
  created_at      timestamptz NOT NULL,
  started_at      timestamptz,
  ended_at        timestamptz,
  -- The public watch link's secret part; null once revoked (a new link gets a new token). Kept as
  -- it is, not hashed: the people who manage the broadcast copy the link again and again, and it
  -- only lets someone watch.
  watch_token     text UNIQUE,
  peak_viewers    integer NOT NULL DEFAULT 0,
  total_views     integer NOT NULL DEFAULT 0
);
CREATE INDEX broadcasts_organization ON broadcasts (organization_id, created_at);

-- Staff who speak; `feed_id` and `connection_id` while one of their devices is on air. The node
-- holding that device's socket refreshes `on_air_seen_at` every few seconds: a speaker whose
-- node stopped without taking them off the air stops counting as on air once it is stale.
CREATE TABLE broadcast_speakers (
  broadcast_id   uuid NOT NULL REFERENCES broadcasts (id),
  user_id        uuid NOT NULL REFERENCES users (id),
  position       integer NOT NULL,
  feed_id        bigint,
  connection_id  uuid,
  on_air_since   timestamptz,
  on_air_seen_at timestamptz,
  PRIMARY KEY (broadcast_id, user_id)
);

-- The media-server rooms of a live broadcast: the origin room speakers publish into, and one
-- room per further Janus instance that viewers beyond the origin's capacity watch from (the
-- speakers' feeds relayed into it). `room_id` is null while the node that claimed the row makes it
-- (a claim older than 30 s is taken over: that node died).
CREATE TABLE broadcast_rooms (
  broadcast_id uuid NOT NULL REFERENCES broadcasts (id),
  instance     text NOT NULL,
  room_id      bigint,
  origin       boolean NOT NULL,
  claimed_at   timestamptz NOT NULL,
  PRIMARY KEY (broadcast_id, instance)
);

-- A speaker's feed (origin feed id) as it appears in a relay room.
CREATE TABLE broadcast_relays (
  broadcast_id uuid NOT NULL REFERENCES broadcasts (id),
  instance     text NOT NULL,
  source_feed  bigint NOT NULL,
  feed_id      bigint,
  claimed_at   timestamptz NOT NULL,
  PRIMARY KEY (broadcast_id, instance, source_feed)
);

-- Viewers watching now, as each node counts its own sockets per media instance; refreshed every
-- few seconds, so a row of a node that died stops counting once it is stale.
CREATE TABLE broadcast_audience (
  broadcast_id uuid NOT NULL REFERENCES broadcasts (id),
  node_id      text NOT NULL,
  instance     text NOT NULL,
  viewers      integer NOT NULL,
  seen_at      timestamptz NOT NULL,
  PRIMARY KEY (broadcast_id, node_id, instance)
);
