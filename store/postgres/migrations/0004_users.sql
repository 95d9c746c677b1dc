-- jobmatch schema, version 3: people's accounts and sessions (issue 12).

-- A counselor or an administrator who signs in to the workspace. doc is
-- matcher.User as JSON (the password only as its argon2id hash); name is
-- what they sign in with.
CREATE TABLE users (
    id   text COLLATE "C" PRIMARY KEY,
    name text COLLATE "C" NOT NULL UNIQUE,
    doc  jsonb NOT NULL
);

-- A signed-in session, under the SHA-256 of its cookie's token (the token
-- itself is never stored).
CREATE TABLE sessions (
    hash       bytea PRIMARY KEY,
    user_id    text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       text NOT NULL,
    created_at timestamptz NOT NULL,
    seen_at    timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
