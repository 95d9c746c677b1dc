-- jobmatch schema, version 1.
--
-- Records are kept whole as JSONB (doc), the form the Go types marshal to,
-- with the columns queries filter on beside them. IDs and districts use the
-- "C" collation so ORDER BY id is byte order, the same order as the embedded
-- store. Personal data of graduates (name, national ID, phone, hardship) is
-- never in doc: it is in pii, encrypted by the application (AES-256-GCM),
-- with keyed hashes for change detection (pii_mac) and look-up (nid_hash).

CREATE TABLE settings (
    key   text COLLATE "C" PRIMARY KEY,
    value bytea NOT NULL
);

-- Change feed: one counter row, locked by every transaction that changes
-- posts, so sequence numbers become visible in order (a poller that has seen
-- N never later finds a change numbered below N).
CREATE TABLE post_seq (
    id  int PRIMARY KEY CHECK (id = 1),
    seq bigint NOT NULL
);
INSERT INTO post_seq VALUES (1, 0);

CREATE TABLE posts (
    id          text COLLATE "C" PRIMARY KEY,
    source      text COLLATE "C" NOT NULL,
    external_id text COLLATE "C" NOT NULL,
    kind        text NOT NULL,
    channel     text NOT NULL,
    district    text COLLATE "C" NOT NULL,
    status      text NOT NULL,
    doc         jsonb NOT NULL,
    seq         bigint NOT NULL,
    updated_at  timestamptz NOT NULL,
    UNIQUE (source, external_id)
);
CREATE INDEX posts_seq ON posts (seq);

CREATE TABLE post_tombstones (
    id  text COLLATE "C" PRIMARY KEY,
    seq bigint NOT NULL
);
CREATE INDEX post_tombstones_seq ON post_tombstones (seq);

CREATE TABLE courses (
    id          text COLLATE "C" PRIMARY KEY,
    source      text COLLATE "C" NOT NULL,
    external_id text COLLATE "C" NOT NULL,
    doc         jsonb NOT NULL,
    updated_at  timestamptz NOT NULL,
    UNIQUE (source, external_id)
);

CREATE TABLE graduates (
    id                 text COLLATE "C" PRIMARY KEY,
    hukou_district     text COLLATE "C" NOT NULL,
    residence_district text COLLATE "C" NOT NULL,
    status             text NOT NULL,
    doc                jsonb NOT NULL,
    pii                bytea NOT NULL,
    pii_mac            bytea NOT NULL,
    nid_hash           bytea,
    updated_at         timestamptz NOT NULL
);
CREATE INDEX graduates_hukou ON graduates (hukou_district, id);
CREATE INDEX graduates_residence ON graduates (residence_district, id);
CREATE INDEX graduates_nid ON graduates (nid_hash);

CREATE TABLE import_jobs (
    id          text COLLATE "C" PRIMARY KEY,
    entity      text NOT NULL,
    files       jsonb NOT NULL,
    fingerprint text NOT NULL,
    last_row    int NOT NULL DEFAULT 0,
    accepted    int NOT NULL DEFAULT 0,
    updated     int NOT NULL DEFAULT 0,
    unchanged   int NOT NULL DEFAULT 0,
    duplicate   int NOT NULL DEFAULT 0,
    rejected    int NOT NULL DEFAULT 0,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    elapsed_ns  bigint
);
CREATE INDEX import_jobs_open ON import_jobs (entity, fingerprint) WHERE finished_at IS NULL;

CREATE TABLE import_errors (
    job_id text COLLATE "C" NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
    n      bigserial,
    err    jsonb NOT NULL,
    PRIMARY KEY (job_id, n)
);

CREATE TABLE runs (
    id          text COLLATE "C" PRIMARY KEY,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    status      text NOT NULL,
    note        text NOT NULL DEFAULT ''
);

-- One row per graduate and run; items is the ranked list as JSON.
CREATE TABLE recommendations (
    run_id      text COLLATE "C" NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    graduate_id text COLLATE "C" NOT NULL,
    items       jsonb NOT NULL,
    PRIMARY KEY (run_id, graduate_id)
);
CREATE INDEX recommendations_graduate ON recommendations (graduate_id);

-- The published run: one pointer, flipped in one transaction.
CREATE TABLE current_run (
    id     int PRIMARY KEY CHECK (id = 1),
    run_id text COLLATE "C" NOT NULL REFERENCES runs (id)
);

CREATE TABLE feedback (
    id          text COLLATE "C" PRIMARY KEY,
    graduate_id text COLLATE "C" NOT NULL,
    post_id     text COLLATE "C" NOT NULL,
    type        text NOT NULL,
    at          timestamptz NOT NULL,
    source      text NOT NULL
);
CREATE INDEX feedback_at ON feedback (at, id);
CREATE INDEX feedback_graduate ON feedback (graduate_id);

CREATE TABLE contact_log (
    n           bigserial PRIMARY KEY,
    id          text COLLATE "C" NOT NULL UNIQUE,
    graduate_id text COLLATE "C" NOT NULL,
    at          timestamptz NOT NULL,
    key_id      text NOT NULL,
    method      text NOT NULL,
    outcome     text NOT NULL,
    note        text NOT NULL
);
CREATE INDEX contact_log_graduate ON contact_log (graduate_id, n);

CREATE TABLE shortlist_edits (
    n           bigserial PRIMARY KEY,
    id          text COLLATE "C" NOT NULL UNIQUE,
    graduate_id text COLLATE "C" NOT NULL,
    post_id     text COLLATE "C" NOT NULL,
    action      text NOT NULL,
    key_id      text NOT NULL,
    at          timestamptz NOT NULL,
    note        text NOT NULL
);
CREATE INDEX shortlist_edits_graduate ON shortlist_edits (graduate_id, n);

-- API keys: the hash of the secret only.
CREATE TABLE api_keys (
    id         text COLLATE "C" PRIMARY KEY,
    name       text NOT NULL,
    role       text NOT NULL CHECK (role IN ('portal', 'counselor', 'admin')),
    district   text NOT NULL,
    source     text NOT NULL,
    hash       bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz,
    revoked_at timestamptz
);

CREATE TABLE audit_log (
    n           bigserial PRIMARY KEY,
    id          text COLLATE "C" NOT NULL UNIQUE,
    at          timestamptz NOT NULL,
    key_id      text NOT NULL,
    role        text NOT NULL,
    action      text NOT NULL,
    graduate_id text COLLATE "C" NOT NULL,
    detail      text NOT NULL
);
CREATE INDEX audit_log_graduate ON audit_log (graduate_id, n);
