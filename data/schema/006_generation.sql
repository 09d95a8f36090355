-- A counter that every change to what matching reads moves on (a trial added, changed or
-- deleted; criteria compiled again), so that a snapshot built from the store (the match index,
-- cli/src/match_index.hpp) can tell whether it still describes it. Sites, conditions and the
-- search index change only with their trial's row.
CREATE TABLE store_generation (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO store_generation (id, value) VALUES (1, 0);

CREATE TRIGGER trials_inserted AFTER INSERT ON trials
BEGIN UPDATE store_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER trials_updated AFTER UPDATE ON trials
BEGIN UPDATE store_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER trials_deleted AFTER DELETE ON trials
BEGIN UPDATE store_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER judging_inserted AFTER INSERT ON trial_judging
BEGIN UPDATE store_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER judging_updated AFTER UPDATE ON trial_judging
BEGIN UPDATE store_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER judging_deleted AFTER DELETE ON trial_judging
BEGIN UPDATE store_generation SET value = value + 1 WHERE id = 1; END;
