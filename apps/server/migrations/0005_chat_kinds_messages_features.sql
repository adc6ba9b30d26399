-- Issue 4, second slice: chats bound to a class (membership follows the roster), direct chats,
-- channels (the system channels follow the organization's membership), the organization's chat
-- rules, chat settings and personal mute; system messages, replies, edits, deletion for everyone,
-- reactions, mentions, forwarding, pinning, acknowledgements, urgent messages and reports.

ALTER TABLE chats DROP CONSTRAINT chats_kind_check;
ALTER TABLE chats ADD CONSTRAINT chats_kind_check CHECK (kind IN ('group', 'class', 'parents', 'direct', 'channel'));
-- The class a class chat or parents' chat follows; at most one of each kind per class.
ALTER TABLE chats ADD COLUMN class_id uuid REFERENCES classes (id);
ALTER TABLE chats ADD CONSTRAINT chats_class_kind CHECK ((class_id IS NULL) = (kind NOT IN ('class', 'parents')));
CREATE UNIQUE INDEX chats_one_per_class_kind ON chats (class_id, kind) WHERE class_id IS NOT NULL;
-- A direct chat's two people, lower id first: one direct chat per pair and organization.
ALTER TABLE chats ADD COLUMN direct_key text;
ALTER TABLE chats ADD CONSTRAINT chats_direct_key CHECK ((direct_key IS NULL) = (kind <> 'direct'));
CREATE UNIQUE INDEX chats_one_per_pair ON chats (organization_id, direct_key) WHERE direct_key IS NOT NULL;
-- «Пишут только администраторы» (always on for channels).
ALTER TABLE chats ADD COLUMN only_admins_write boolean NOT NULL DEFAULT false;
-- The organization's system channels: «Общешкольный канал» (everyone) and «Сотрудники» (staff).
ALTER TABLE chats ADD COLUMN system_channel text CHECK (system_channel IN ('school', 'staff'));
ALTER TABLE chats ADD CONSTRAINT chats_system_channel_kind CHECK (system_channel IS NULL OR kind = 'channel');
CREATE UNIQUE INDEX chats_one_system_channel ON chats (organization_id, system_channel) WHERE system_channel IS NOT NULL;
ALTER TABLE chats ADD COLUMN description text NOT NULL DEFAULT '';
-- System channels are made by Parta itself.
ALTER TABLE chats ALTER COLUMN created_by DROP NOT NULL;

-- Why a membership exists ('roster': the class roster put them there, and takes them out) and why it ended.
ALTER TABLE chat_members ADD COLUMN source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'roster'));
ALTER TABLE chat_members ADD COLUMN left_reason text CHECK (left_reason IN ('left', 'removed', 'roster'));
ALTER TABLE chat_members ADD COLUMN muted boolean NOT NULL DEFAULT false;
CREATE INDEX chat_members_chat ON chat_members (chat_id);

ALTER TABLE organizations ADD COLUMN students_may_message_each_other boolean NOT NULL DEFAULT true;
-- School hours in the organization's time zone: parents' messages to staff outside them arrive
-- quietly (no sound, no notification) unless marked urgent.
ALTER TABLE organizations ADD COLUMN school_day_starts smallint NOT NULL DEFAULT 8 CHECK (school_day_starts BETWEEN 0 AND 23);
ALTER TABLE organizations ADD COLUMN school_day_ends smallint NOT NULL DEFAULT 18 CHECK (school_day_ends BETWEEN 1 AND 24);
ALTER TABLE organizations ADD COLUMN time_zone text NOT NULL DEFAULT 'Europe/Moscow';

-- System messages have no author and no client id; their content is `system` (jsonb).
ALTER TABLE messages ALTER COLUMN author_id DROP NOT NULL;
ALTER TABLE messages ALTER COLUMN client_id DROP NOT NULL;
ALTER TABLE messages ADD COLUMN kind text NOT NULL DEFAULT 'text' CHECK (kind IN ('text', 'system'));
ALTER TABLE messages ADD COLUMN system jsonb;
ALTER TABLE messages ADD CONSTRAINT messages_kind_shape CHECK (
  (kind = 'text' AND author_id IS NOT NULL AND client_id IS NOT NULL AND system IS NULL)
  OR (kind = 'system' AND author_id IS NULL AND client_id IS NULL AND system IS NOT NULL));
ALTER TABLE messages ADD COLUMN reply_to_id uuid REFERENCES messages (id);
ALTER TABLE messages ADD COLUMN edited_at timestamptz;
-- Deleted for everyone: the body is emptied, the row (and its place in the sequence) stays.
ALTER TABLE messages ADD COLUMN deleted_at timestamptz;
ALTER TABLE messages ADD COLUMN deleted_by uuid REFERENCES users (id);

ALTER TABLE messages ADD COLUMN urgent boolean NOT NULL DEFAULT false;
-- A channel post that asks «прочитал и подтверждаю».
ALTER TABLE messages ADD COLUMN requires_ack boolean NOT NULL DEFAULT false;
-- A forwarded message's origin (author and time, as they were).
ALTER TABLE messages ADD COLUMN forwarded_from jsonb;

ALTER TABLE chats ADD COLUMN pinned_message_id uuid REFERENCES messages (id);

CREATE TABLE message_mentions (
  message_id uuid NOT NULL REFERENCES messages (id),
  user_id    uuid NOT NULL REFERENCES users (id),
  PRIMARY KEY (message_id, user_id)
);
CREATE INDEX message_mentions_user ON message_mentions (user_id);

CREATE TABLE message_acks (
  message_id uuid NOT NULL REFERENCES messages (id),
  user_id    uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (message_id, user_id)
);

-- Reports of a message to the organization's administrators and the class teacher.
CREATE TABLE message_reports (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  message_id      uuid NOT NULL REFERENCES messages (id),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  reporter_id     uuid NOT NULL REFERENCES users (id),
  reason          text NOT NULL,
  -- What the message said when it was reported: moderators see it even if it is edited or deleted later.
  message_text    text NOT NULL,
  created_at      timestamptz NOT NULL,
  resolved_at     timestamptz,
  resolved_by     uuid REFERENCES users (id),
  resolution      text CHECK (resolution IN ('deleted', 'dismissed')),
  UNIQUE (message_id, reporter_id)
);
CREATE INDEX message_reports_open ON message_reports (organization_id) WHERE resolved_at IS NULL;

-- Invitation links to a chat, for people of its organization (the same rules as organization
-- links: a 192-bit secret stored as SHA-256, an expiry, a use limit, immediate revocation).
CREATE TABLE chat_invitations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  chat_id     uuid NOT NULL REFERENCES chats (id),
  token_hash  text NOT NULL UNIQUE,
  max_uses    integer NOT NULL CHECK (max_uses > 0),
  uses        integer NOT NULL DEFAULT 0,
  expires_at  timestamptz NOT NULL,
  created_by  uuid NOT NULL REFERENCES users (id),
  created_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX chat_invitations_chat ON chat_invitations (chat_id);

-- One reaction per person per message.
CREATE TABLE message_reactions (
  message_id uuid NOT NULL REFERENCES messages (id),
  user_id    uuid NOT NULL REFERENCES users (id),
  emoji      text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (message_id, user_id)
);

-- Search with Russian morphology («учебники» finds «учебник»); deleted and system messages have an empty body.
ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('russian', body)) STORED;
CREATE INDEX messages_search ON messages USING gin (search);

-- Every existing organization gets its system channels with its current members (new ones get
-- them when they are set up; the roster sync keeps them in step).
INSERT INTO chats (organization_id, kind, title, created_by, created_at, system_channel, only_admins_write)
SELECT o.id, 'channel', ch.title, NULL, now(), ch.code, true
  FROM organizations o
 CROSS JOIN (VALUES ('school', 'Общешкольный канал'), ('staff', 'Сотрудники')) AS ch (code, title);
INSERT INTO chat_members (chat_id, user_id, role, source, joined_at)
SELECT c.id, m.user_id,
       CASE WHEN bool_or(m.role = 'administrator') THEN 'admin' ELSE 'member' END,
       'roster', now()
  FROM chats c JOIN memberships m ON m.organization_id = c.organization_id AND m.ended_at IS NULL
 WHERE c.system_channel = 'school' OR (c.system_channel = 'staff' AND m.role IN ('administrator', 'director', 'teacher'))
 GROUP BY c.id, m.user_id;
