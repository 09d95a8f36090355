-- trialmatch store, schema version 2: registry refresh.

-- What a refresh run did beyond an import.
ALTER TABLE runs ADD COLUMN pages   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN scope   TEXT    NOT NULL DEFAULT '';

-- The refresh scope, saved on first use, and the watermark: the registry data date of the last
-- successful run (incremental runs start a few days before it). One row.
CREATE TABLE refresh_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    scope       TEXT NOT NULL,          -- canonical query text (see RefreshScope::to_text)
    watermark   TEXT,                   -- YYYY-MM-DD, null before the first successful run
    updated_at  TEXT NOT NULL
);

-- Pages fetched by a run that has not been applied yet. A run that dies keeps them, and the next
-- run with the same query reuses them instead of fetching again; a successful run deletes them
-- in the same transaction that applies them.
CREATE TABLE refresh_pages (
    query       TEXT    NOT NULL,       -- the full query of the listing the page belongs to
    page_index  INTEGER NOT NULL,
    body        TEXT    NOT NULL,       -- the response body, as received
    next_token  TEXT,                   -- the page's nextPageToken, null on the last page
    total_count INTEGER,                -- totalCount, on the first page only
    studies     INTEGER NOT NULL,       -- study objects in the page
    fetched_at  TEXT    NOT NULL,
    PRIMARY KEY (query, page_index)
);

-- Trials brought, changed or marked removed by a run, for the change report.
CREATE TABLE run_trials (
    run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    nct_id   TEXT    NOT NULL,
    outcome  TEXT    NOT NULL,          -- new | updated | removed
    PRIMARY KEY (run_id, nct_id)
) WITHOUT ROWID;
