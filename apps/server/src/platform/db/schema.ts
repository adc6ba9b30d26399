import type { ColumnType, Generated } from 'kysely';

/**
 * Kysely table types, one per table created by the SQL migrations in apps/server/migrations.
 * Keep in step with the migrations: a column added there is added here.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp the database fills in by default. */
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type UsersTable = {
  id: Generated<string>;
  display_name: Generated<string>;
  email: string | null;
  phone: string | null;
  locale: Generated<'ru' | 'en'>;
  is_operator: Generated<boolean>;
  deactivated_at: Timestamp | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  /** A young student's sign-in codes go to this parent's e-mail. */
  guardian_email: string | null;
};

export type SignInCodesTable = {
  id: Generated<string>;
  destination: string;
  channel: 'email' | 'phone';
  code_hash: string;
  attempts: Generated<number>;
  created_at: Timestamp;
  expires_at: Timestamp;
  consumed_at: Timestamp | null;
  superseded_at: Timestamp | null;
};

export type SessionsTable = {
  id: Generated<string>;
  user_id: string;
  token_hash: string;
  csrf_token: string;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
};

/** bigint columns come back as strings from node-postgres and numbers from PGlite; read them with Number(). */
type BigIntColumn = ColumnType<string | number, number, number>;

export type UserEventCountersTable = {
  user_id: string;
  last_seq: BigIntColumn;
};

/** A view (read-only): each person's events, joined from user_event_entries and events. */
export type UserEventsView = {
  user_id: string;
  seq: ColumnType<string | number, never, never>;
  name: ColumnType<string, never, never>;
  payload: ColumnType<unknown, never, never>;
  created_at: ColumnType<Date, never, never>;
};

/** An event, stored once for all its recipients. */
export type EventsTable = {
  id: Generated<string>;
  name: string;
  payload: ColumnType<unknown, string, string>;
  created_at: Timestamp;
};

/** One recipient's numbered entry for an event. */
export type UserEventEntriesTable = {
  user_id: string;
  seq: BigIntColumn;
  event_id: ColumnType<string | number, number | string, number | string>;
  created_at: Timestamp;
};

export type OrganizationKind = 'region' | 'municipality' | 'school' | 'college' | 'centre';
export type Role = 'administrator' | 'director' | 'teacher' | 'student' | 'parent';

export type OrganizationsTable = {
  id: Generated<string>;
  kind: OrganizationKind;
  name: string;
  short_name: string;
  inn: string | null;
  address: Generated<string>;
  parent_id: string | null;
  created_at: GeneratedTimestamp;
  /** Whether students may start direct chats with classmates (an administrator's setting). */
  students_may_message_each_other: Generated<boolean>;
  /** School hours (local hours in time_zone): parents' messages to staff outside them arrive quietly. */
  school_day_starts: Generated<number>;
  school_day_ends: Generated<number>;
  time_zone: Generated<string>;
};

export type MembershipsTable = {
  id: Generated<string>;
  organization_id: string;
  user_id: string;
  role: Role;
  verified_at: Timestamp | null;
  verified_by: string | null;
  created_at: GeneratedTimestamp;
  ended_at: Timestamp | null;
};

export type FilesTable = {
  id: Generated<string>;
  purpose: string;
  storage_key: string;
  name: string;
  content_type: string;
  size: BigIntColumn;
  sha256: string;
  upload_token_hash: string | null;
  uploaded_by: string | null;
  created_at: GeneratedTimestamp;
  claimed_at: Timestamp | null;
  /** Images: the size as shown (orientation applied). */
  width: number | null;
  height: number | null;
  /** Images: the preview the server made (another row of this table). */
  preview_file_id: string | null;
};

export type RegistrationApplicationsTable = {
  id: Generated<string>;
  status: Generated<'pending' | 'approved' | 'rejected'>;
  org_kind: OrganizationKind;
  org_name: string;
  org_short_name: string;
  org_inn: string;
  org_address: string;
  org_parent_name: string | null;
  admin_full_name: string;
  admin_phone: string;
  admin_email: string;
  order_file_id: string;
  submitted_at: GeneratedTimestamp;
  reviewed_at: Timestamp | null;
  reviewed_by: string | null;
  rejection_reason: string | null;
  organization_id: string | null;
};

export type ClassKind = 'class' | 'staff_room';
/** How a person is in a class; 'staff' is the staff room «Учительская». */
export type ClassPlace = 'student' | 'teacher' | 'class_teacher' | 'parent' | 'staff';
export type InvitationRole = 'director' | 'teacher' | 'student' | 'parent';

export type ClassesTable = {
  id: Generated<string>;
  organization_id: string;
  kind: Generated<ClassKind>;
  name: string;
  grade: number | null;
  academic_year: string;
  created_at: GeneratedTimestamp;
  archived_at: Timestamp | null;
};

export type ClassMembersTable = {
  id: Generated<string>;
  class_id: string;
  user_id: string;
  role: ClassPlace;
  joined_at: Timestamp;
  left_at: Timestamp | null;
  left_reason: 'transferred' | 'graduated' | 'left' | 'removed' | null;
};

export type FamilyLinksTable = {
  id: Generated<string>;
  parent_id: string;
  child_id: string;
  created_at: Timestamp;
  created_by: string | null;
  ended_at: Timestamp | null;
};

export type InvitationsTable = {
  id: Generated<string>;
  organization_id: string;
  class_id: string | null;
  role: InvitationRole;
  token_hash: string;
  requires_approval: Generated<boolean>;
  max_uses: number;
  uses: Generated<number>;
  expires_at: Timestamp;
  created_by: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
};

export type JoinRequestsTable = {
  id: Generated<string>;
  invitation_id: string;
  organization_id: string;
  class_id: string | null;
  user_id: string;
  role: InvitationRole;
  note: Generated<string>;
  status: Generated<'pending' | 'accepted' | 'declined'>;
  created_at: Timestamp;
  decided_at: Timestamp | null;
  decided_by: string | null;
};

/** A bigint with a database default: optional on insert. */
type DefaultedBigIntColumn = ColumnType<string | number, number | undefined, number>;

export type ChatsTable = {
  id: Generated<string>;
  organization_id: string;
  kind: 'group' | 'class' | 'parents' | 'direct' | 'channel';
  title: Generated<string>;
  created_by: string | null;
  created_at: Timestamp;
  last_seq: DefaultedBigIntColumn;
  class_id: string | null;
  direct_key: string | null;
  only_admins_write: Generated<boolean>;
  system_channel: 'school' | 'staff' | null;
  description: Generated<string>;
  pinned_message_id: string | null;
};

export type ChatMembersTable = {
  id: Generated<string>;
  chat_id: string;
  user_id: string;
  role: Generated<'admin' | 'member'>;
  joined_at: Timestamp;
  joined_seq: DefaultedBigIntColumn;
  last_read_seq: DefaultedBigIntColumn;
  left_at: Timestamp | null;
  source: Generated<'manual' | 'roster'>;
  left_reason: 'left' | 'removed' | 'roster' | null;
  muted: Generated<boolean>;
};

export type MessagesTable = {
  id: Generated<string>;
  chat_id: string;
  seq: BigIntColumn;
  author_id: string | null;
  client_id: string | null;
  body: string;
  created_at: Timestamp;
  kind: Generated<'text' | 'system'>;
  /** A system message's content (StoredSystemEvent), as JSON. */
  system: ColumnType<unknown, string | null | undefined, string | null>;
  reply_to_id: string | null;
  edited_at: Timestamp | null;
  deleted_at: Timestamp | null;
  deleted_by: string | null;
  urgent: Generated<boolean>;
  requires_ack: Generated<boolean>;
  /** A forwarded message's origin (StoredForward), as JSON. */
  forwarded_from: ColumnType<unknown, string | null | undefined, string | null>;
  /** Generated by the database from the body (Russian full-text search). */
  search: ColumnType<string, never, never>;
};

export type ChatInvitationsTable = {
  id: Generated<string>;
  chat_id: string;
  token_hash: string;
  max_uses: number;
  uses: Generated<number>;
  expires_at: Timestamp;
  created_by: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
};

export type MessageMentionsTable = { message_id: string; user_id: string };

export type MessageAcksTable = { message_id: string; user_id: string; created_at: Timestamp };

export type MessageReportsTable = {
  id: Generated<string>;
  message_id: string;
  organization_id: string;
  reporter_id: string;
  reason: string;
  message_text: string;
  created_at: Timestamp;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
  resolution: 'deleted' | 'dismissed' | null;
};

export type MessageReactionsTable = {
  message_id: string;
  user_id: string;
  emoji: string;
  created_at: Timestamp;
};

export type MessageAttachmentsTable = {
  id: Generated<string>;
  message_id: string;
  file_id: string;
  position: number;
  kind: 'image' | 'video' | 'audio' | 'file';
};

export type CallsTable = {
  id: Generated<string>;
  chat_id: string;
  organization_id: string;
  mode: 'p2p' | 'sfu';
  video: boolean;
  started_by: string;
  started_at: Timestamp;
  answered_at: Timestamp | null;
  ended_at: Timestamp | null;
  media_instance: string | null;
  media_room: BigIntColumn | null;
  kind: Generated<'call' | 'lesson'>;
  lesson_id: string | null;
  waiting_room: Generated<boolean>;
};

export type LessonsTable = {
  id: Generated<string>;
  organization_id: string;
  class_id: string;
  chat_id: string;
  teacher_id: string;
  title: string;
  scheduled_for: Timestamp | null;
  waiting_room: Generated<boolean>;
  created_at: Timestamp;
  started_at: Timestamp | null;
  ended_at: Timestamp | null;
};

export type LessonGuestsTable = { lesson_id: string; user_id: string };

export type CallParticipantsTable = {
  call_id: string;
  user_id: string;
  state: 'invited' | 'waiting' | 'joined' | 'left' | 'declined' | 'removed';
  joined_at: Timestamp | null;
  left_at: Timestamp | null;
  present_since: Timestamp | null;
  seconds_in: Generated<number>;
  connection_id: string | null;
  feed_id: BigIntColumn | null;
  /** The feed's m-lines, `[{ mid, type }]` as JSON (from the media server's answer); null without a feed. */
  feed_streams: ColumnType<Array<{ mid: string; type: 'audio' | 'video' | 'data' }> | null, string | null | undefined, string | null>;
  audio_muted: Generated<boolean>;
  screen_sharing: Generated<boolean>;
  video_off: Generated<boolean>;
  muted_by_host: Generated<boolean>;
  hand_raised_at: Timestamp | null;
  disconnected_at: Timestamp | null;
};

export type BroadcastsTable = {
  id: Generated<string>;
  organization_id: string;
  title: string;
  description: Generated<string>;
  scheduled_for: Timestamp | null;
  created_by: string;
  created_at: Timestamp;
  started_at: Timestamp | null;
  ended_at: Timestamp | null;
  watch_token: string | null;
  peak_viewers: Generated<number>;
  total_views: Generated<number>;
};

export type BroadcastSpeakersTable = {
  broadcast_id: string;
  user_id: string;
  position: number;
  feed_id: BigIntColumn | null;
  connection_id: string | null;
  on_air_since: Timestamp | null;
  on_air_seen_at: Timestamp | null;
};

export type BroadcastRoomsTable = { broadcast_id: string; instance: string; room_id: BigIntColumn | null; origin: boolean; claimed_at: Timestamp };

export type BroadcastRelaysTable = { broadcast_id: string; instance: string; source_feed: BigIntColumn; feed_id: BigIntColumn | null; claimed_at: Timestamp };

/** One node's viewers of a broadcast on one media instance: placed there (`viewers`, its load) and with media up (`watching`, the count shown). */
export type BroadcastAudienceTable = { broadcast_id: string; node_id: string; instance: string; viewers: number; watching: Generated<number>; seen_at: Timestamp };

export type DB = {
  broadcasts: BroadcastsTable;
  broadcast_speakers: BroadcastSpeakersTable;
  broadcast_rooms: BroadcastRoomsTable;
  broadcast_relays: BroadcastRelaysTable;
  broadcast_audience: BroadcastAudienceTable;
  lessons: LessonsTable;
  lesson_guests: LessonGuestsTable;
  calls: CallsTable;
  call_participants: CallParticipantsTable;
  chats: ChatsTable;
  chat_members: ChatMembersTable;
  messages: MessagesTable;
  message_reactions: MessageReactionsTable;
  message_attachments: MessageAttachmentsTable;
  message_mentions: MessageMentionsTable;
  message_acks: MessageAcksTable;
  message_reports: MessageReportsTable;
  chat_invitations: ChatInvitationsTable;
  classes: ClassesTable;
  class_members: ClassMembersTable;
  family_links: FamilyLinksTable;
  invitations: InvitationsTable;
  join_requests: JoinRequestsTable;
  organizations: OrganizationsTable;
  memberships: MembershipsTable;
  files: FilesTable;
  registration_applications: RegistrationApplicationsTable;
  users: UsersTable;
  sign_in_codes: SignInCodesTable;
  sessions: SessionsTable;
  user_event_counters: UserEventCountersTable;
  user_events: UserEventsView;
  events: EventsTable;
  user_event_entries: UserEventEntriesTable;
};
