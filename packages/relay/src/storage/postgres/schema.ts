/**
 * PostgreSQL schema for the relay (docs/spec/relay-storage.md §4). Created at open inside one
 * transaction holding an advisory lock, so nodes starting together do not race on DDL.
 * `tree_state` is the single row every sequencing transaction locks FOR UPDATE: the one
 * sequencer, shared by however many relay processes use the database (Tessera's design).
 */
/**
 * 2: several relay nodes per database — `channels.revision` and `access_revision`, so a node
 * learns of access lists other nodes stored. Version 1 (one relay per database, which held
 * RELAY_LOCK for its life) is stepped forward by the same idempotent script; a version-1 relay
 * refuses a version-2 database, so old and new nodes never share one.
 */
export const SCHEMA_VERSION = 2;

/**
 * Keys of the advisory locks: held while creating or checking the schema; and, by version-1
 * relays, for the relay's life (postgres-storage.ts checks none is running before migrating).
 * 'hotl' in ASCII, then 1 and 2: below 2^53, so the JavaScript numbers reach PostgreSQL
 * exactly (a larger key rounds, and two keys can collide).
 */
export const SCHEMA_LOCK = 0x686f746c_0001;
export const RELAY_LOCK = 0x686f746c_0002;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);

-- The one row sequencing locks: the log's size. Integration never touches it.
CREATE TABLE IF NOT EXISTS tree_state (
  id       int    PRIMARY KEY CHECK (id = 1),
  log_size bigint NOT NULL CHECK (log_size >= 0)
);
INSERT INTO tree_state (id, log_size) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS streams (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tag      bytea  NOT NULL UNIQUE,
  last_seq bigint NOT NULL,
  chain    bytea  NOT NULL
);

-- One row per log entry, idx = log index; record is the 146-byte log record.
CREATE TABLE IF NOT EXISTS log (
  idx       bigint PRIMARY KEY,
  stream    bigint NOT NULL REFERENCES streams (id),
  seq       bigint NOT NULL,
  item_hash bytea  NOT NULL,
  record    bytea  NOT NULL,
  body      bytea  NOT NULL,
  UNIQUE (stream, seq),
  UNIQUE (stream, item_hash)
);

-- Revocations by item hash (GET /v1/revocations/<hash>): a partial index over the log rows whose
-- record is of kind 3 (byte 1 of the record), so envelopes cost it nothing. CREATE INDEX IF NOT
-- EXISTS builds it over the rows already there when a relay that has it first opens an older
-- database (schema version 1 either way: no data migration).
CREATE INDEX IF NOT EXISTS log_revocation ON log (item_hash) WHERE get_byte(record, 1) = 3;

-- One MLS commit per epoch (protocol.md §5.1), claimed in the transaction of its log row.
CREATE TABLE IF NOT EXISTS epochs (
  stream bigint NOT NULL REFERENCES streams (id),
  epoch  bigint NOT NULL,
  seq    bigint NOT NULL,
  PRIMARY KEY (stream, epoch)
);

CREATE TABLE IF NOT EXISTS tiles (
  level  int    NOT NULL,
  idx    bigint NOT NULL,
  width  int    NOT NULL,
  hashes bytea  NOT NULL,
  PRIMARY KEY (level, idx)
);

-- The signed checkpoint; its size is the integrated size (tiles stored up to it).
CREATE TABLE IF NOT EXISTS checkpoint (
  id   int    PRIMARY KEY CHECK (id = 1),
  size bigint NOT NULL,
  note text   NOT NULL
);

CREATE TABLE IF NOT EXISTS devices (
  key         bytea  PRIMARY KEY,
  party       text   NOT NULL,
  member      text   NOT NULL,
  roles       int    NOT NULL,
  not_before  bigint NOT NULL,
  not_after   bigint NOT NULL,
  certificate bytea  NOT NULL,
  revoked_at  bigint
);

CREATE TABLE IF NOT EXISTS channels (
  id         bytea  PRIMARY KEY,
  creator    bytea  NOT NULL,
  version    bigint NOT NULL,
  membership bytea  NOT NULL
);

-- Schema 2: the access revision at which the channel's current list was stored.
ALTER TABLE channels ADD COLUMN IF NOT EXISTS revision bigint NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS channels_revision ON channels (revision);

-- One row: incremented by every accepted membership, under its row lock, so revisions commit
-- in order and a node that has read revision r has seen every list stored before it.
CREATE TABLE IF NOT EXISTS access_revision (
  id int    PRIMARY KEY CHECK (id = 1),
  n  bigint NOT NULL
);
INSERT INTO access_revision (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS channel_members (
  channel bytea NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  device  bytea NOT NULL,
  PRIMARY KEY (channel, device)
);

CREATE TABLE IF NOT EXISTS mailbox (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  recipient  bytea  NOT NULL,
  kind       int    NOT NULL,
  sender     bytea  NOT NULL,
  body       bytea  NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS mailbox_recipient ON mailbox (recipient, kind, id);
`;
