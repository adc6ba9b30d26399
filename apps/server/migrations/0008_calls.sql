-- Issue 6: calls from a chat (one-to-one peer to peer, groups through the media server).
-- docs/subsystems/calls.md

CREATE TABLE calls (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  chat_id         uuid NOT NULL REFERENCES chats (id),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  mode            text NOT NULL CHECK (mode IN ('p2p', 'sfu')),
  video           boolean NOT NULL,
  started_by      uuid NOT NULL REFERENCES users (id),
  started_at      timestamptz NOT NULL,
  answered_at     timestamptz,
  ended_at        timestamptz,
  -- The media server room of a group call: the instance's URL and the VideoRoom room id.
  media_instance  text,
  media_room      bigint,
  CHECK ((mode = 'sfu') = (media_room IS NOT NULL))
);
-- At most one call in progress per chat: starting another joins it.
CREATE UNIQUE INDEX calls_one_live_per_chat ON calls (chat_id) WHERE ended_at IS NULL;
CREATE INDEX calls_live ON calls (started_at) WHERE ended_at IS NULL;

CREATE TABLE call_participants (
  call_id       uuid NOT NULL REFERENCES calls (id),
  user_id       uuid NOT NULL REFERENCES users (id),
  state         text NOT NULL CHECK (state IN ('invited', 'joined', 'left', 'declined')),
  joined_at     timestamptz,
  left_at       timestamptz,
  -- Since when they are in the call now (null when not joined); the stretch is added to
  -- seconds_in when they leave: attendance over all their joins.
  present_since timestamptz,
  seconds_in    integer NOT NULL DEFAULT 0,
  -- The device in the call now: its WebSocket connection id, and its media feed (group calls).
  connection_id uuid,
  feed_id       bigint,
  audio_muted   boolean NOT NULL DEFAULT false,
  video_off     boolean NOT NULL DEFAULT false,
  -- When the device's socket closed while joined: it leaves unless it comes back within a grace period.
  disconnected_at timestamptz,
  PRIMARY KEY (call_id, user_id)
);
CREATE INDEX call_participants_connection ON call_participants (connection_id) WHERE connection_id IS NOT NULL;
CREATE INDEX call_participants_user ON call_participants (user_id, call_id);
