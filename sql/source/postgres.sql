-- Operational source schema of the nurselink apps: PostgreSQL flavour (production).
--
-- Proper types: bigint ids, timestamptz instants, date for the contract days (local dates in the
-- business time zone), numeric money, enums as text with CHECK constraints.
-- Statement order is the bulk-load order: tables (primary keys and checks), then the data,
-- then foreign keys and secondary indexes.

CREATE TABLE users (
  id          bigint PRIMARY KEY,
  email       text NOT NULL UNIQUE,
  full_name   text,
  role        text NOT NULL CHECK (role IN ('nurse', 'establishment', 'admin')),
  city        text,
  specialty   text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE missions (
  id                bigint PRIMARY KEY,
  establishment_id  bigint NOT NULL,
  title             text NOT NULL,
  specialty         text,
  location          text,
  hourly_rate       numeric(10,2) NOT NULL CHECK (hourly_rate >= 0),
  status            text NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft', 'open', 'filled', 'in_progress', 'completed', 'cancelled')),
  start_at          timestamptz NOT NULL,
  end_at            timestamptz NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT missions_range CHECK (end_at >= start_at)
);

CREATE TABLE mission_applications (
  id          bigint PRIMARY KEY,
  mission_id  bigint NOT NULL,
  nurse_id    bigint NOT NULL,
  status      text NOT NULL DEFAULT 'pending'
              CHECK (status IN ('pending', 'accepted', 'rejected', 'withdrawn')),
  applied_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT mission_applications_once UNIQUE (mission_id, nurse_id)
);

CREATE TABLE contracts (
  id              bigint PRIMARY KEY,
  mission_id      bigint NOT NULL,
  nurse_id        bigint NOT NULL,
  application_id  bigint,
  status          text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'signed', 'active', 'completed', 'cancelled', 'disputed')),
  start_date      date NOT NULL,
  end_date        date,
  hourly_rate     numeric(10,2) CHECK (hourly_rate >= 0),
  hours_worked    numeric(6,2) CHECK (hours_worked >= 0),
  signed_at       timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT contracts_range CHECK (end_date IS NULL OR end_date >= start_date)
);

ALTER TABLE missions ADD CONSTRAINT missions_establishment_fk
  FOREIGN KEY (establishment_id) REFERENCES users(id);
ALTER TABLE mission_applications ADD CONSTRAINT mission_applications_mission_fk
  FOREIGN KEY (mission_id) REFERENCES missions(id);
ALTER TABLE mission_applications ADD CONSTRAINT mission_applications_nurse_fk
  FOREIGN KEY (nurse_id) REFERENCES users(id);
ALTER TABLE contracts ADD CONSTRAINT contracts_mission_fk
  FOREIGN KEY (mission_id) REFERENCES missions(id);
ALTER TABLE contracts ADD CONSTRAINT contracts_nurse_fk
  FOREIGN KEY (nurse_id) REFERENCES users(id);
ALTER TABLE contracts ADD CONSTRAINT contracts_application_fk
  FOREIGN KEY (application_id) REFERENCES mission_applications(id);

CREATE INDEX users_role ON users(role);
CREATE INDEX missions_establishment ON missions(establishment_id);
CREATE INDEX missions_status ON missions(status);
CREATE INDEX missions_location ON missions(location);
CREATE INDEX missions_start_at ON missions(start_at);
CREATE INDEX mission_applications_nurse ON mission_applications(nurse_id);
CREATE INDEX contracts_mission ON contracts(mission_id);
CREATE INDEX contracts_nurse ON contracts(nurse_id);
CREATE INDEX contracts_application ON contracts(application_id);
CREATE INDEX contracts_status ON contracts(status);
