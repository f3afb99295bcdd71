-- fact_mission: one row per mission, drafts included (status tells them apart; the KPIs leave
-- drafts out). service_date is the local date of start_at (prepared by the clean layer);
-- service_month is its 'YYYY-MM'. city and specialty are 'unknown' when missing. establishment_key
-- is -1 when the establishment is not a known establishment user. first_signed_at is the earliest
-- non-null signed_at of the mission's contracts; time_to_fill_hours runs from created_at to it.
--
-- Columns:
--   mission_key         the mission's key in the star: its source id (missions.id)
--   mission_id          the source missions.id
--   establishment_key   dim_establishment key (= establishment_id); -1 when null or not an establishment user
--   establishment_id    the source missions.establishment_id (may be null or point nowhere)
--   location_key        dim_location key of city; -1 when the mission has no city
--   city                missions.location, trimmed; 'unknown' when missing
--   specialty           the specialty asked for, trimmed; 'unknown' when missing
--   hourly_rate         offered pay, EUR per hour (never null: a mission without one is quarantined)
--   status              draft, open, filled, in_progress, completed or cancelled (lower case; drafts kept)
--   start_at            start of the shift (instant, stored UTC)
--   end_at              end of the shift (instant, stored UTC); never before start_at
--   created_at          when the mission was posted (instant, stored UTC)
--   updated_at          last change of the mission row in the app (instant, stored UTC); null when missing
--   service_date        local date (Europe/Paris) of start_at: the KPIs' day
--   service_month       'YYYY-MM' of service_date (partition column)
--   duration_hours      end_at - start_at, in hours
--   applications_count  applications to the mission in the clean layer, any status; 0 when none
--   first_signed_at     earliest signed_at of the mission's contracts (instant, stored UTC); null if none
--   time_to_fill_hours  first_signed_at - created_at, in hours; null when first_signed_at is null
with

missions as (
    select * from clean_missions
),

applications as (
    select mission_id from clean_mission_applications
),

contracts as (
    select mission_id, signed_at from clean_contracts
),

establishments as (
    select establishment_key from dim_establishment where establishment_key <> -1
),

locations as (
    select location_key, city from dim_location where location_key <> -1
),

application_counts as (
    select mission_id, count(*) as applications_count
    from applications
    group by mission_id
),

first_signatures as (
    select mission_id, min(signed_at) as first_signed_at
    from contracts
    where signed_at is not null
    group by mission_id
),

final as (
    select
        missions.id as mission_key,
        missions.id as mission_id,
        coalesce(establishments.establishment_key, cast(-1 as bigint)) as establishment_key,
        missions.establishment_id,
        coalesce(locations.location_key, cast(-1 as bigint)) as location_key,
        coalesce(missions.city, 'unknown') as city,
        coalesce(missions.specialty, 'unknown') as specialty,
        missions.hourly_rate,
        missions.status,
        missions.start_at,
        missions.end_at,
        missions.created_at,
        missions.updated_at,
        missions.service_date,
        substring(cast(missions.service_date as string), 1, 7) as service_month,
        cast(unix_micros(missions.end_at) - unix_micros(missions.start_at) as double) / 3600000000.0
            as duration_hours,
        coalesce(application_counts.applications_count, cast(0 as bigint)) as applications_count,
        first_signatures.first_signed_at,
        cast(unix_micros(first_signatures.first_signed_at) - unix_micros(missions.created_at) as double)
            / 3600000000.0 as time_to_fill_hours
    from missions
    left join establishments
        on establishments.establishment_key = missions.establishment_id
    left join locations
        on locations.city = missions.city
    left join application_counts
        on application_counts.mission_id = missions.id
    left join first_signatures
        on first_signatures.mission_id = missions.id
)

select * from final
