-- Compiled eligibility criteria (docs/criteria.md), one row per criterion in source order.
-- trials.criteria_version is the compiler version the rows were made with; 0 = to compile.
ALTER TABLE trials ADD COLUMN criteria_version INTEGER NOT NULL DEFAULT 0;

CREATE TABLE criteria (
    trial_id     INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
    ordinal      INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    source_begin INTEGER NOT NULL,
    source_end   INTEGER NOT NULL,
    first_line   INTEGER NOT NULL,
    last_line    INTEGER NOT NULL,
    scope        TEXT    NOT NULL DEFAULT '',
    parent       INTEGER,
    negated      INTEGER NOT NULL DEFAULT 0,
    params       TEXT    NOT NULL DEFAULT '{}',
    PRIMARY KEY (trial_id, ordinal)
) WITHOUT ROWID;

CREATE INDEX criteria_by_type ON criteria (type);
