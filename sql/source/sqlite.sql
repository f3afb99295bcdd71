-- Operational source schema of the nurselink apps: SQLite flavour.
--
-- SQLite is dynamically typed: a declared type only gives the column an affinity, and the apps
-- rely on it.
--   * DATETIME / DATE columns have NUMERIC affinity: ISO-8601 text stays TEXT
--     ('2025-03-04T07:00:00', '2025-03-04 07:00:00.250', '...+01:00', '...Z', '...+0100',
--     '2025-03-04'), Unix epoch numbers (seconds, or milliseconds) stay INTEGER.
--   * TEXT timestamp columns (mission_applications) only ever hold ISO-8601 text.
--   * missions.hourly_rate and contracts.hours_worked are REAL: a well-formed number becomes REAL,
--     a value typed with a decimal comma ('42,5') stays TEXT.
--   * contracts.hourly_rate was added by `ALTER TABLE contracts ADD COLUMN hourly_rate` without a
--     type: it keeps whatever the service binds (REAL, INTEGER, or TEXT such as '42.5' or '42,5').
--   * Enum values (role, status) are free TEXT: the apps do not check them.
-- Foreign keys are declared for documentation; SQLite enforces them only under
-- PRAGMA foreign_keys=ON, which the apps do not set.
--
-- Merged exports (several app databases concatenated, as the `generate --dirty` sample simulates)
-- use the same tables with PRIMARY KEY, UNIQUE and NOT NULL dropped and a plain index on id:
-- such files can hold null ids and the same id more than once.
--
-- Statement order is the bulk-load order: tables first, indexes after the data.

CREATE TABLE users (
  id          INTEGER PRIMARY KEY,
  email       TEXT NOT NULL UNIQUE,
  full_name   TEXT,
  role        TEXT NOT NULL,
  city        TEXT,
  specialty   TEXT,
  created_at  DATETIME NOT NULL,
  updated_at  DATETIME
);

CREATE TABLE missions (
  id                INTEGER PRIMARY KEY,
  establishment_id  INTEGER NOT NULL REFERENCES users(id),
  title             TEXT NOT NULL,
  specialty         TEXT,
  location          TEXT,
  hourly_rate       REAL,
  status            TEXT NOT NULL DEFAULT 'draft',
  start_at          DATETIME NOT NULL,
  end_at            DATETIME NOT NULL,
  created_at        DATETIME NOT NULL,
  updated_at        DATETIME
);

CREATE TABLE mission_applications (
  id          INTEGER PRIMARY KEY,
  mission_id  INTEGER NOT NULL REFERENCES missions(id),
  nurse_id    INTEGER NOT NULL REFERENCES users(id),
  status      TEXT NOT NULL DEFAULT 'pending',
  applied_at  TEXT NOT NULL,
  updated_at  TEXT
);

CREATE TABLE contracts (
  id              INTEGER PRIMARY KEY,
  mission_id      INTEGER NOT NULL REFERENCES missions(id),
  nurse_id        INTEGER NOT NULL REFERENCES users(id),
  application_id  INTEGER REFERENCES mission_applications(id),
  status          TEXT NOT NULL DEFAULT 'pending',
  start_date      DATE NOT NULL,
  end_date        DATE,
  hourly_rate,
  hours_worked    REAL,
  signed_at       DATETIME,
  created_at      DATETIME NOT NULL,
  updated_at      DATETIME
);

CREATE INDEX users_role ON users(role);
CREATE INDEX missions_establishment ON missions(establishment_id);
CREATE INDEX missions_location ON missions(location);
CREATE UNIQUE INDEX mission_applications_mission_nurse ON mission_applications(mission_id, nurse_id);
CREATE INDEX mission_applications_nurse ON mission_applications(nurse_id);
CREATE INDEX contracts_mission ON contracts(mission_id);
CREATE INDEX contracts_status ON contracts(status);
