-- What matching reads of a trial's compiled criteria (kind, type, parent, negation, parameters),
-- one compact row per trial (data/src/judging_codec.hpp), so a match reads one row per candidate
-- instead of one per criterion. Written with the criteria rows; a trial without one is judged
-- from its criteria rows. Existing stores fill it at their next compile, so every trial is
-- marked to compile again.
CREATE TABLE trial_judging (
    trial_id INTEGER PRIMARY KEY REFERENCES trials (id) ON DELETE CASCADE,
    data     BLOB    NOT NULL
);

UPDATE trials SET criteria_version = 0;
