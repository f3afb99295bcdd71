-- The marts of the PostgreSQL warehouse: every gold table of the lake (dim_*, fact_*, kpi_*,
-- features_*), with the columns of its Parquet files in the same order and the matching types
-- (BIGINT -> bigint, INT -> integer, DOUBLE -> double precision, STRING -> text, DATE -> date,
-- TIMESTAMP -> timestamptz, BOOLEAN -> boolean). The lake's partition column is the last column.
--
-- The loader replaces one lake partition at a time (DELETE of the partition + COPY, in one
-- transaction). A row whose partition value changes (a mission moved to another month) is, for the
-- time between the two partition transactions, in both partitions: the keys of the facts
-- partitioned in the lake therefore include their partition column.

-- Dimensions (published as a whole) -----------------------------------------------------------

CREATE TABLE dim_date (
    date_key    date    NOT NULL PRIMARY KEY,
    year        integer,
    month       integer,
    day         integer,
    weekday     integer,
    iso_week    integer,
    is_weekend  boolean,
    year_month  text
);

CREATE TABLE dim_location (
    location_key  bigint NOT NULL PRIMARY KEY,   -- -1: unknown
    city          text
);

CREATE TABLE dim_establishment (
    establishment_key  bigint NOT NULL PRIMARY KEY,   -- the user id; -1: unknown
    establishment_id   bigint,
    email_hmac         text,
    city               text,
    location_key       bigint,
    created_at         timestamptz,
    updated_at         timestamptz
);

-- SCD type 2 on city and specialty: one row per version.
CREATE TABLE dim_nurse (
    nurse_key    bigint NOT NULL PRIMARY KEY,   -- -1: unknown
    nurse_id     bigint,
    email_hmac   text,
    city         text,
    specialty    text,
    valid_from   timestamptz,
    valid_to     timestamptz,
    is_current   boolean
);
CREATE INDEX dim_nurse_nurse_id_idx ON dim_nurse (nurse_id, valid_from);

-- Facts ---------------------------------------------------------------------------------------

-- One row per mission; service date = local date of start_at.
CREATE TABLE fact_mission (
    mission_key         bigint NOT NULL,
    mission_id          bigint,
    establishment_key   bigint,
    establishment_id    bigint,
    location_key        bigint,
    city                text,
    specialty           text,
    hourly_rate         double precision,
    status              text,
    start_at            timestamptz,
    end_at              timestamptz,
    created_at          timestamptz,
    updated_at          timestamptz,
    service_date        date,
    duration_hours      double precision,
    applications_count  bigint,
    first_signed_at     timestamptz,
    time_to_fill_hours  double precision,
    service_month       text   NOT NULL,
    PRIMARY KEY (mission_key, service_month)
);
CREATE INDEX fact_mission_month_idx ON fact_mission (service_month);
CREATE INDEX fact_mission_date_idx ON fact_mission (service_date);
CREATE INDEX fact_mission_city_idx ON fact_mission (city, specialty);
CREATE INDEX fact_mission_establishment_idx ON fact_mission (establishment_key);

-- One row per application.
CREATE TABLE fact_application (
    application_key  bigint NOT NULL,
    application_id   bigint,
    mission_key      bigint,
    mission_id       bigint,
    nurse_key        bigint,
    nurse_id         bigint,
    status           text,
    applied_at       timestamptz,
    updated_at       timestamptz,
    applied_date     date,
    applied_month    text   NOT NULL,
    PRIMARY KEY (application_key, applied_month)
);
CREATE INDEX fact_application_month_idx ON fact_application (applied_month);
CREATE INDEX fact_application_date_idx ON fact_application (applied_date);
CREATE INDEX fact_application_mission_idx ON fact_application (mission_key);
CREATE INDEX fact_application_nurse_idx ON fact_application (nurse_key);

-- One row per contract; gross_amount = hours_worked x hourly_rate. Partitioned by the month of
-- start_date ('YYYY-MM', or 'unknown'); the loader creates fact_contract_<YYYY_MM> on demand. The
-- indexes below are created on every partition, present and future.
CREATE TABLE fact_contract (
    contract_key       bigint NOT NULL,
    contract_id        bigint,
    mission_key        bigint,
    mission_id         bigint,
    nurse_key          bigint,
    nurse_id           bigint,
    establishment_key  bigint,
    establishment_id   bigint,
    application_id     bigint,
    status             text,
    city               text,
    specialty          text,
    start_date         timestamptz,
    end_date           timestamptz,
    start_local_date   date,
    end_local_date     date,
    hourly_rate        double precision,
    hours_worked       double precision,
    gross_amount       double precision,
    signed_at          timestamptz,
    created_at         timestamptz,
    updated_at         timestamptz,
    start_month        text   NOT NULL,
    PRIMARY KEY (contract_key, start_month)
) PARTITION BY LIST (start_month);
CREATE INDEX fact_contract_date_idx ON fact_contract (start_local_date);
CREATE INDEX fact_contract_city_idx ON fact_contract (city, specialty);
CREATE INDEX fact_contract_mission_idx ON fact_contract (mission_key);
CREATE INDEX fact_contract_nurse_idx ON fact_contract (nurse_key);

-- KPI marts (primary key = grain) ---------------------------------------------------------------

CREATE TABLE kpi_mission_daily (
    service_date                  date   NOT NULL,
    city                          text   NOT NULL,
    specialty                     text   NOT NULL,
    missions_total                bigint,
    missions_completed            bigint,
    missions_cancelled            bigint,
    missions_filled               bigint,
    avg_hourly_rate               double precision,
    completion_rate               double precision,
    fill_rate                     double precision,
    applications_total            bigint,
    avg_applications_per_mission  double precision,
    median_time_to_fill_hours     double precision,
    service_month                 text   NOT NULL,
    PRIMARY KEY (service_date, city, specialty)
);
CREATE INDEX kpi_mission_daily_month_idx ON kpi_mission_daily (service_month);
CREATE INDEX kpi_mission_daily_city_idx ON kpi_mission_daily (city, specialty, service_date);

CREATE TABLE kpi_mission_monthly (
    city                          text   NOT NULL,
    specialty                     text   NOT NULL,
    missions_total                bigint,
    missions_completed            bigint,
    missions_cancelled            bigint,
    missions_filled               bigint,
    avg_hourly_rate               double precision,
    completion_rate               double precision,
    fill_rate                     double precision,
    applications_total            bigint,
    avg_applications_per_mission  double precision,
    median_time_to_fill_hours     double precision,
    service_month                 text   NOT NULL,
    PRIMARY KEY (service_month, city, specialty)
);
CREATE INDEX kpi_mission_monthly_city_idx ON kpi_mission_monthly (city, specialty, service_month);

CREATE TABLE kpi_contract_monthly (
    city                   text   NOT NULL,
    specialty              text   NOT NULL,
    contracts_total        bigint,
    contracts_pending      bigint,
    contracts_signed       bigint,
    contracts_active       bigint,
    contracts_completed    bigint,
    contracts_cancelled    bigint,
    contracts_disputed     bigint,
    hours_worked           double precision,
    gross_amount           double precision,
    avg_contract_rate      double precision,
    active_nurses          bigint,
    active_establishments  bigint,
    start_month            text   NOT NULL,
    PRIMARY KEY (start_month, city, specialty)
);
CREATE INDEX kpi_contract_monthly_city_idx ON kpi_contract_monthly (city, specialty, start_month);

-- One headline row per logical date.
CREATE TABLE kpi_headline (
    total_missions      bigint,
    avg_rate            double precision,
    completed_missions  bigint,
    completion_rate     double precision,
    fill_rate           double precision,
    as_of_date          date   NOT NULL PRIMARY KEY
);

-- ML feature sets (one snapshot per as_of_date) --------------------------------------------------

CREATE TABLE features_nurse (
    nurse_id                  bigint NOT NULL,
    tenure_days               integer,
    applications_30d          bigint,
    applications_90d          bigint,
    acceptance_rate_90d       double precision,
    contracts_completed       bigint,
    contracts_cancelled       bigint,
    hours_worked_90d          double precision,
    mean_accepted_rate        double precision,
    days_since_last_contract  integer,
    city                      text,
    specialty                 text,
    as_of_date                date   NOT NULL,
    PRIMARY KEY (as_of_date, nurse_id)
);

CREATE TABLE features_mission_fill (
    mission_id                     bigint NOT NULL,
    establishment_id               bigint,
    city                           text,
    specialty                      text,
    posted_date                    date,
    hourly_rate                    double precision,
    rate_vs_city_specialty_median  double precision,
    lead_time_hours                double precision,
    start_weekday                  integer,
    start_hour                     integer,
    duration_hours                 double precision,
    establishment_prior_missions   bigint,
    establishment_prior_fill_rate  double precision,
    filled                         boolean,
    as_of_date                     date   NOT NULL,
    PRIMARY KEY (as_of_date, mission_id)
);
