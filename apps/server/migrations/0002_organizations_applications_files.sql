-- Organizations in a tree, people's roles in them, uploaded files, and registration applications.

CREATE TABLE organizations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind        text NOT NULL CHECK (kind IN ('region', 'municipality', 'school', 'college', 'centre')),
  name        text NOT NULL,
  short_name  text NOT NULL,
  inn         text,
  address     text NOT NULL DEFAULT '',
  parent_id   uuid REFERENCES organizations (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organizations_parent ON organizations (parent_id);

-- One row per role a person holds in an organization. A role ends (ended_at) instead of being
-- deleted, so history stays; access checks look at rows with ended_at IS NULL only.
CREATE TABLE memberships (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  user_id         uuid NOT NULL REFERENCES users (id),
  role            text NOT NULL CHECK (role IN ('administrator', 'director', 'teacher', 'student', 'parent')),
  -- Teachers only: null until an administrator confirms the status «учитель».
  verified_at     timestamptz,
  verified_by     uuid REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  ended_at        timestamptz
);
CREATE UNIQUE INDEX memberships_active_role ON memberships (organization_id, user_id, role) WHERE ended_at IS NULL;
CREATE INDEX memberships_user ON memberships (user_id) WHERE ended_at IS NULL;

-- Uploaded files. The bytes live in the file store under storage_key; content_type is what the
-- content says it is. An upload is claimed by at most one form through its token (stored hashed).
CREATE TABLE files (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  purpose       text NOT NULL,
  storage_key   text NOT NULL UNIQUE,
  name          text NOT NULL,
  content_type  text NOT NULL,
  size          bigint NOT NULL,
  sha256        text NOT NULL,
  upload_token_hash text UNIQUE,
  uploaded_by   uuid REFERENCES users (id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  claimed_at    timestamptz
);

CREATE TABLE registration_applications (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  org_kind           text NOT NULL CHECK (org_kind IN ('region', 'municipality', 'school', 'college', 'centre')),
  org_name           text NOT NULL,
  org_short_name     text NOT NULL,
  org_inn            text NOT NULL,
  org_address        text NOT NULL,
  org_parent_name    text,
  admin_full_name    text NOT NULL,
  admin_phone        text NOT NULL,
  admin_email        text NOT NULL,
  order_file_id      uuid NOT NULL REFERENCES files (id),
  submitted_at       timestamptz NOT NULL DEFAULT now(),
  reviewed_at        timestamptz,
  reviewed_by        uuid REFERENCES users (id),
  rejection_reason   text,
  organization_id    uuid REFERENCES organizations (id)
);
CREATE INDEX registration_applications_status ON registration_applications (status, submitted_at);
