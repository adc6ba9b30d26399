-- Issue 6: a participant showing their screen (the others' call windows switch to the screen-share
-- view: that picture large, the others in a strip). docs/subsystems/calls.md
ALTER TABLE call_participants ADD COLUMN screen_sharing boolean NOT NULL DEFAULT false;
