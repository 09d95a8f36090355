-- trialmatch store, schema version 1.
-- One row per registry study in `trials`; repeating parts in child tables keyed by trial id and
-- ordinal (source order). Lists of short strings are joined with U+001F (unit separator).
-- Dates are registry text ("2024", "2024-05", "2024-05-17") with their type beside them.

CREATE TABLE trials (
    id                          INTEGER PRIMARY KEY,
    nct_id                      TEXT    NOT NULL UNIQUE,
    brief_title                 TEXT    NOT NULL DEFAULT '',
    official_title              TEXT    NOT NULL DEFAULT '',
    acronym                     TEXT    NOT NULL DEFAULT '',
    brief_summary               TEXT    NOT NULL DEFAULT '',
    org_study_id                TEXT    NOT NULL DEFAULT '',
    overall_status              TEXT    NOT NULL DEFAULT '',
    status_verified_date        TEXT,
    why_stopped                 TEXT    NOT NULL DEFAULT '',
    start_date                  TEXT,
    start_date_type             TEXT,
    primary_completion_date     TEXT,
    primary_completion_date_type TEXT,
    completion_date             TEXT,
    completion_date_type        TEXT,
    first_submitted             TEXT,
    first_posted                TEXT,
    first_posted_type           TEXT,
    last_update_submitted       TEXT,
    last_update_posted          TEXT,
    last_update_posted_type     TEXT,
    study_type                  TEXT    NOT NULL DEFAULT '',
    phases                      TEXT    NOT NULL DEFAULT '',
    enrollment                  INTEGER,
    enrollment_type             TEXT    NOT NULL DEFAULT '',
    criteria_text               TEXT    NOT NULL DEFAULT '',
    minimum_age                 TEXT,
    minimum_age_value           REAL,
    minimum_age_unit            TEXT,
    minimum_age_days            INTEGER,
    maximum_age                 TEXT,
    maximum_age_value           REAL,
    maximum_age_unit            TEXT,
    maximum_age_days            INTEGER,
    sex                         TEXT    NOT NULL DEFAULT '',
    healthy_volunteers          INTEGER,
    std_ages                    TEXT    NOT NULL DEFAULT '',
    lead_sponsor                TEXT    NOT NULL DEFAULT '',
    lead_sponsor_class          TEXT    NOT NULL DEFAULT '',
    version_holder              TEXT,
    content_hash                INTEGER NOT NULL,   -- FNV-1a 64 of the compact raw record
    first_imported_at           TEXT    NOT NULL,
    updated_at                  TEXT    NOT NULL,
    removed_at                  TEXT                -- set when the trial left the registry or scope
);
CREATE INDEX trials_status ON trials (overall_status);

CREATE TABLE trial_records (
    trial_id INTEGER PRIMARY KEY REFERENCES trials (id) ON DELETE CASCADE,
    json     TEXT NOT NULL                          -- the study as received, compact JSON
);

CREATE TABLE sites (
    trial_id INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
    ordinal  INTEGER NOT NULL,
    facility TEXT NOT NULL DEFAULT '',
    status   TEXT NOT NULL DEFAULT '',
    city     TEXT NOT NULL DEFAULT '',
    state    TEXT NOT NULL DEFAULT '',
    zip      TEXT NOT NULL DEFAULT '',
    country  TEXT NOT NULL DEFAULT '',
    lat      REAL,
    lon      REAL,
    PRIMARY KEY (trial_id, ordinal)
) WITHOUT ROWID;
CREATE INDEX sites_country ON sites (country, status);

-- Contacts of a site (site_ordinal >= 0) or central contacts of the trial (site_ordinal = -1).
CREATE TABLE contacts (
    trial_id     INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
    site_ordinal INTEGER NOT NULL,
    ordinal      INTEGER NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    phone_ext    TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (trial_id, site_ordinal, ordinal)
) WITHOUT ROWID;

-- Conditions, keywords and MeSH terms of conditions and interventions.
-- kind: condition | keyword | condition_mesh | condition_ancestor | intervention_mesh | intervention_ancestor
CREATE TABLE conditions (
    trial_id INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    ordinal  INTEGER NOT NULL,
    term     TEXT NOT NULL,
    mesh_id  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (trial_id, kind, ordinal)
) WITHOUT ROWID;
CREATE INDEX conditions_term ON conditions (term COLLATE NOCASE);
CREATE INDEX conditions_mesh ON conditions (mesh_id) WHERE mesh_id <> '';

CREATE TABLE interventions (
    trial_id         INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
    ordinal          INTEGER NOT NULL,
    type             TEXT NOT NULL DEFAULT '',
    name             TEXT NOT NULL DEFAULT '',
    description      TEXT NOT NULL DEFAULT '',
    other_names      TEXT NOT NULL DEFAULT '',
    arm_group_labels TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (trial_id, ordinal)
) WITHOUT ROWID;
CREATE INDEX interventions_name ON interventions (name COLLATE NOCASE);

CREATE TABLE arm_groups (
    trial_id           INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
    ordinal            INTEGER NOT NULL,
    label              TEXT NOT NULL DEFAULT '',
    type               TEXT NOT NULL DEFAULT '',
    description        TEXT NOT NULL DEFAULT '',
    intervention_names TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (trial_id, ordinal)
) WITHOUT ROWID;

CREATE TABLE collaborators (
    trial_id INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
    ordinal  INTEGER NOT NULL,
    name     TEXT NOT NULL DEFAULT '',
    class    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (trial_id, ordinal)
) WITHOUT ROWID;

CREATE TABLE secondary_ids (
    trial_id INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
    ordinal  INTEGER NOT NULL,
    id       TEXT NOT NULL DEFAULT '',
    type     TEXT NOT NULL DEFAULT '',
    domain   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (trial_id, ordinal)
) WITHOUT ROWID;

-- Import and refresh runs: what each did and how it ended.
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,                       -- import | refresh
    source      TEXT NOT NULL DEFAULT '',
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    outcome     TEXT NOT NULL DEFAULT 'running',     -- running | ok | partial | failed
    read        INTEGER NOT NULL DEFAULT 0,
    inserted    INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    detail      TEXT NOT NULL DEFAULT ''
);

-- Each real change to a trial, recorded when a newer version arrives (see engine::diff_trials).
CREATE TABLE history (
    id          INTEGER PRIMARY KEY,
    trial_id    INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
    run_id      INTEGER REFERENCES runs (id),
    recorded_at TEXT NOT NULL,
    version     TEXT NOT NULL DEFAULT '',
    field       TEXT NOT NULL,
    subject     TEXT NOT NULL DEFAULT '',
    before      TEXT NOT NULL DEFAULT '',
    after       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX history_trial ON history (trial_id, id);

-- Full-text search over what people look trials up by; rowid = trials.id.
CREATE VIRTUAL TABLE trial_search USING fts5 (
    title, conditions, keywords, interventions, criteria,
    tokenize = 'unicode61 remove_diacritics 2'
);
