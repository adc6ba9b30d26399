-- Issue 6 follow-up: a device's published m-lines (mid and kind, from the media server's answer)
-- are kept with its feed, so the host's mute reaches the media server from any node at once —
-- before the feed's media has connected too, when the media server cannot be asked for them yet.
-- docs/subsystems/calls.md
ALTER TABLE call_participants ADD COLUMN feed_streams jsonb;
