-- Issue 4, second slice: chats bound to a class (membership follows the roster), direct chats,
-- the organization's setting for student↔student direct chats, chat settings and personal mute;
-- system messages, replies, edits, deletion for everyone and reactions.

ALTER TABLE chats DROP CONSTRAINT chats_kind_check;
ALTER TABLE chats ADD CONSTRAINT chats_kind_check CHECK (kind IN ('group', 'class', 'parents', 'direct'));
-- The class a class chat or parents' chat follows; at most one of each kind per class.
ALTER TABLE chats ADD COLUMN class_id uuid REFERENCES classes (id);
ALTER TABLE chats ADD CONSTRAINT chats_class_kind CHECK ((class_id IS NULL) = (kind NOT IN ('class', 'parents')));
CREATE UNIQUE INDEX chats_one_per_class_kind ON chats (class_id, kind) WHERE class_id IS NOT NULL;
-- A direct chat's two people, lower id first: one direct chat per pair and organization.
ALTER TABLE chats ADD COLUMN direct_key text;
ALTER TABLE chats ADD CONSTRAINT chats_direct_key CHECK ((direct_key IS NULL) = (kind <> 'direct'));
CREATE UNIQUE INDEX chats_one_per_pair ON chats (organization_id, direct_key) WHERE direct_key IS NOT NULL;
-- «Пишут только администраторы».
ALTER TABLE chats ADD COLUMN only_admins_write boolean NOT NULL DEFAULT false;

-- Why a membership exists ('roster': the class roster put them there, and takes them out) and why it ended.
ALTER TABLE chat_members ADD COLUMN source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'roster'));
ALTER TABLE chat_members ADD COLUMN left_reason text CHECK (left_reason IN ('left', 'removed', 'roster'));
ALTER TABLE chat_members ADD COLUMN muted boolean NOT NULL DEFAULT false;
CREATE INDEX chat_members_chat ON chat_members (chat_id);

ALTER TABLE organizations ADD COLUMN students_may_message_each_other boolean NOT NULL DEFAULT true;

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
