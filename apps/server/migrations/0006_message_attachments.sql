-- Issue 4: attachments of chat messages (files, images with previews, video, audio).
-- docs/subsystems/attachments.md

-- What an upload learned about an image when it arrived: its size as shown, and the preview the
-- server made of it (a file of its own, purpose 'chat_attachment_preview', never claimed by a token).
ALTER TABLE files ADD COLUMN width integer;
ALTER TABLE files ADD COLUMN height integer;
ALTER TABLE files ADD COLUMN preview_file_id uuid REFERENCES files (id);
-- Uploads nobody claimed are swept after a day.
CREATE INDEX files_unclaimed ON files (created_at) WHERE claimed_at IS NULL AND upload_token_hash IS NOT NULL;

-- The files a message carries, in the order its author chose. A file belongs to one message.
CREATE TABLE message_attachments (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  message_id uuid NOT NULL REFERENCES messages (id),
  file_id    uuid NOT NULL UNIQUE REFERENCES files (id),
  position   smallint NOT NULL CHECK (position >= 0 AND position < 10),
  kind       text NOT NULL CHECK (kind IN ('image', 'video', 'audio', 'file')),
  UNIQUE (message_id, position)
);
