-- The structure of a school: classes (and the staff room «Учительская»), who is in which class,
-- families, invitation links and join requests.

-- A young student may have no e-mail or phone of their own: their sign-in codes go to a
-- parent's e-mail (guardian_email), and the person who types the code picks the account.
ALTER TABLE users ADD COLUMN guardian_email text;
ALTER TABLE users DROP CONSTRAINT users_check;
ALTER TABLE users ADD CONSTRAINT users_sign_in_destination CHECK (email IS NOT NULL OR phone IS NOT NULL OR guardian_email IS NOT NULL);
CREATE INDEX users_guardian_email ON users (guardian_email) WHERE guardian_email IS NOT NULL;

-- kind 'staff_room' is «Учительская»: one per school, created with it, joined by all staff.
CREATE TABLE classes (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  kind            text NOT NULL DEFAULT 'class' CHECK (kind IN ('class', 'staff_room')),
  name            text NOT NULL,
  grade           integer CHECK (grade BETWEEN 0 AND 12),
  academic_year   text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  archived_at     timestamptz
);
CREATE UNIQUE INDEX classes_name_per_year ON classes (organization_id, academic_year, lower(name)) WHERE archived_at IS NULL;
CREATE UNIQUE INDEX classes_one_staff_room ON classes (organization_id) WHERE kind = 'staff_room';

-- Who is in a class, and as what. Rows end (left_at) instead of being deleted: history stays,
-- access checks read rows with left_at IS NULL. A parent is in a class either through a child
-- (family_links) or directly, by a class invitation (role 'parent' here).
CREATE TABLE class_members (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  class_id    uuid NOT NULL REFERENCES classes (id),
  user_id     uuid NOT NULL REFERENCES users (id),
  role        text NOT NULL CHECK (role IN ('student', 'teacher', 'class_teacher', 'parent', 'staff')),
  joined_at   timestamptz NOT NULL,
  left_at     timestamptz,
  -- Why a row ended: 'transferred', 'graduated', 'left', 'removed'.
  left_reason text
);
CREATE UNIQUE INDEX class_members_active ON class_members (class_id, user_id, role) WHERE left_at IS NULL;
CREATE INDEX class_members_user ON class_members (user_id) WHERE left_at IS NULL;

CREATE TABLE family_links (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  parent_id   uuid NOT NULL REFERENCES users (id),
  child_id    uuid NOT NULL REFERENCES users (id),
  created_at  timestamptz NOT NULL,
  created_by  uuid REFERENCES users (id),
  ended_at    timestamptz,
  CHECK (parent_id <> child_id)
);
CREATE UNIQUE INDEX family_links_active ON family_links (parent_id, child_id) WHERE ended_at IS NULL;
CREATE INDEX family_links_child ON family_links (child_id) WHERE ended_at IS NULL;

-- Links (and their QR codes) that let a person join an organization or a class in one role.
-- Only the SHA-256 of the token is stored; the token is shown once, when the link is made.
CREATE TABLE invitations (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id   uuid NOT NULL REFERENCES organizations (id),
  class_id          uuid REFERENCES classes (id),
  role              text NOT NULL CHECK (role IN ('director', 'teacher', 'student', 'parent')),
  token_hash        text NOT NULL UNIQUE,
  requires_approval boolean NOT NULL DEFAULT false,
  max_uses          integer NOT NULL CHECK (max_uses > 0),
  uses              integer NOT NULL DEFAULT 0,
  expires_at        timestamptz NOT NULL,
  created_by        uuid NOT NULL REFERENCES users (id),
  created_at        timestamptz NOT NULL,
  revoked_at        timestamptz,
  revoked_by        uuid REFERENCES users (id)
);
CREATE INDEX invitations_organization ON invitations (organization_id, created_at DESC);

CREATE TABLE join_requests (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  invitation_id   uuid NOT NULL REFERENCES invitations (id),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  class_id        uuid REFERENCES classes (id),
  user_id         uuid NOT NULL REFERENCES users (id),
  role            text NOT NULL CHECK (role IN ('director', 'teacher', 'student', 'parent')),
  -- What the person wrote about themselves («мама Пети Иванова»), shown to who decides.
  note            text NOT NULL DEFAULT '',
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined')),
  created_at      timestamptz NOT NULL,
  decided_at      timestamptz,
  decided_by      uuid REFERENCES users (id)
);
CREATE UNIQUE INDEX join_requests_one_pending ON join_requests (organization_id, user_id, role, coalesce(class_id, '00000000-0000-0000-0000-000000000000')) WHERE status = 'pending';
CREATE INDEX join_requests_queue ON join_requests (organization_id, status, created_at);
