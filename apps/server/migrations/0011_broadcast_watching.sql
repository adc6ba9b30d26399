-- Issue 6 follow-up: a viewer is counted as watching once its media connects (the media server
-- says the WebRTC connection is up), not as soon as its socket opens, so sockets that never take
-- the media do not count. `viewers` stays the number placed on the instance (its load, for
-- placing further viewers). docs/subsystems/broadcasts.md
ALTER TABLE broadcast_audience ADD COLUMN watching integer NOT NULL DEFAULT 0;
