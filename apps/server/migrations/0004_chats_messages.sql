-- Chats, their members and messages: the core of issue 4 (more chat kinds, attachments,
-- reactions, read receipts and channels build on these tables).

CREATE TABLE chats (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  kind            text NOT NULL CHECK (kind IN ('group', 'direct')),
  title           text NOT NULL DEFAULT '',
  created_by      uuid NOT NULL REFERENCES users (id),
  created_at      timestamptz NOT NULL,
  -- The newest message's number: every message takes the next one, so order is per chat and gap-free.
  last_seq        bigint NOT NULL DEFAULT 0
);
CREATE INDEX chats_organization ON chats (organization_id);

CREATE TABLE chat_members (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  chat_id       uuid NOT NULL REFERENCES chats (id),
  user_id       uuid NOT NULL REFERENCES users (id),
  role          text NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
  joined_at     timestamptz NOT NULL,
  -- Messages with a seq above this are visible to the member; history before joining is not.
  joined_seq    bigint NOT NULL DEFAULT 0,
  last_read_seq bigint NOT NULL DEFAULT 0,
  left_at       timestamptz
);
CREATE UNIQUE INDEX chat_members_active ON chat_members (chat_id, user_id) WHERE left_at IS NULL;
CREATE INDEX chat_members_user ON chat_members (user_id) WHERE left_at IS NULL;

CREATE TABLE messages (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  chat_id     uuid NOT NULL REFERENCES chats (id),
  seq         bigint NOT NULL,
  author_id   uuid NOT NULL REFERENCES users (id),
  -- Chosen by the sending client: a retried send with the same id is the same message.
  client_id   uuid NOT NULL,
  body        text NOT NULL,
  created_at  timestamptz NOT NULL,
  UNIQUE (chat_id, seq),
  UNIQUE (author_id, client_id)
);
