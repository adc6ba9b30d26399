-- Accounts, one-time sign-in codes, sessions and the per-user event log.

CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  display_name  text NOT NULL DEFAULT '',
  email         text UNIQUE,
  phone         text UNIQUE,
  locale        text NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'en')),
  is_operator   boolean NOT NULL DEFAULT false,
  deactivated_at timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (email IS NOT NULL OR phone IS NOT NULL)
);

-- A code is sent to a destination (normalized e-mail or phone), not to an account:
-- the account is found or created only when the code is verified.
CREATE TABLE sign_in_codes (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  destination  text NOT NULL,
  channel      text NOT NULL CHECK (channel IN ('email', 'phone')),
  code_hash    text NOT NULL,
  attempts     integer NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  consumed_at  timestamptz,
  superseded_at timestamptz
);
CREATE INDEX sign_in_codes_destination_created ON sign_in_codes (destination, created_at DESC);

CREATE TABLE sessions (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (id),
  token_hash   text NOT NULL UNIQUE,
  csrf_token   text NOT NULL,
  user_agent   text,
  created_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE revoked_at IS NULL;

-- Per-user event sequence: the counter row is locked while an event is appended, so each
-- user's events get gap-free numbers in commit order.
CREATE TABLE user_event_counters (
  user_id  uuid PRIMARY KEY REFERENCES users (id),
  last_seq bigint NOT NULL DEFAULT 0
);

CREATE TABLE user_events (
  user_id    uuid NOT NULL REFERENCES users (id),
  seq        bigint NOT NULL,
  name       text NOT NULL,
  payload    jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, seq)
);
CREATE INDEX user_events_created ON user_events (created_at);
