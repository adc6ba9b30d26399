-- Issue 6: calls from a chat (one-to-one peer to peer, groups through the media server) and
-- video lessons for a class. docs/subsystems/calls.md

-- A video lesson «урок» for a class, planned or started at once; its call is made when the
-- teacher starts it. Its link and its attendance are posted in the class chat.
CREATE TABLE lessons (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  class_id        uuid NOT NULL REFERENCES classes (id),
  chat_id         uuid NOT NULL REFERENCES chats (id),
  teacher_id      uuid NOT NULL REFERENCES users (id),
  title           text NOT NULL,
  scheduled_for   timestamptz,
  waiting_room    boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL,
  started_at      timestamptz,
  ended_at        timestamptz
);
CREATE INDEX lessons_class ON lessons (class_id, created_at);
-- Staff invited to a lesson besides the class.
CREATE TABLE lesson_guests (
  lesson_id uuid NOT NULL REFERENCES lessons (id),
  user_id   uuid NOT NULL REFERENCES users (id),
  PRIMARY KEY (lesson_id, user_id)
);

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
  -- A lesson's call (kind 'lesson'); the host is its teacher.
  kind            text NOT NULL DEFAULT 'call' CHECK (kind IN ('call', 'lesson')),
  lesson_id       uuid UNIQUE REFERENCES lessons (id),
  waiting_room    boolean NOT NULL DEFAULT false,
  CHECK ((mode = 'sfu') = (media_room IS NOT NULL)),
  CHECK ((kind = 'lesson') = (lesson_id IS NOT NULL))
);
-- At most one call in progress per chat: starting another joins it.
CREATE UNIQUE INDEX calls_one_live_per_chat ON calls (chat_id) WHERE ended_at IS NULL;
CREATE INDEX calls_live ON calls (started_at) WHERE ended_at IS NULL;

CREATE TABLE call_participants (
  call_id       uuid NOT NULL REFERENCES calls (id),
  user_id       uuid NOT NULL REFERENCES users (id),
  state         text NOT NULL CHECK (state IN ('invited', 'waiting', 'joined', 'left', 'declined', 'removed')),
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
  -- The host muted them (their audio is stopped at the media server until the host lets them speak).
  muted_by_host boolean NOT NULL DEFAULT false,
  -- A raised hand; the queue is in this order.
  hand_raised_at timestamptz,
  -- When the device's socket closed while joined: it leaves unless it comes back within a grace period.
  disconnected_at timestamptz,
  PRIMARY KEY (call_id, user_id)
);
CREATE INDEX call_participants_connection ON call_participants (connection_id) WHERE connection_id IS NOT NULL;
CREATE INDEX call_participants_user ON call_participants (user_id, call_id);
