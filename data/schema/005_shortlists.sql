-- Shortlists kept per patient (trialmatch shortlist), so the next one can say what is new: the
-- patient's assessment in short and the trials listed with their verdict and score.
CREATE TABLE shortlists (
    id          INTEGER PRIMARY KEY,
    patient_id  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    as_of       TEXT NOT NULL,
    assessment  TEXT NOT NULL,
    entries     TEXT NOT NULL -- JSON: [{"nct_id", "verdict", "score", "rank"}]
);
CREATE INDEX shortlists_by_patient ON shortlists (patient_id, id);
