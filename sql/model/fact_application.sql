-- fact_application: one row per application. mission_key is -1 when the mission is unknown;
-- nurse_key is the dim_nurse version valid at applied_at (see int_nurse_versions), -1 when the
-- nurse is unknown. applied_month = 'YYYY-MM' of the
-- local applied_date.
--
-- Columns:
--   application_key  the application's key in the star: its source id (mission_applications.id)
--   application_id   the source mission_applications.id
--   mission_key      fact_mission key (= mission_id); -1 when mission_id is null or matches no mission
--   mission_id       the source mission_applications.mission_id as extracted (may be null or point nowhere)
--   nurse_key        dim_nurse key of the nurse's version valid at applied_at (a first version also covers
--                    earlier instants); -1 when nurse_id is null or no dim_nurse nurse has it
--   nurse_id         the source mission_applications.nurse_id as extracted (users.id of the nurse)
--   status           pending, accepted, rejected or withdrawn (lower case), as of the latest updated_at
--   applied_at       when the nurse applied (instant, stored UTC)
--   updated_at       last change of the application row in the app (instant, stored UTC); null when missing
--   applied_date     local date (Europe/Paris) of applied_at
--   applied_month    'YYYY-MM' of applied_date (partition column)
with

applications as (
    select * from clean_mission_applications
),

missions as (
    select mission_key from fact_mission
),

nurse_versions as (
    select * from int_nurse_versions
),

final as (
    select
        applications.id as application_key,
        applications.id as application_id,
        coalesce(missions.mission_key, cast(-1 as bigint)) as mission_key,
        applications.mission_id,
        coalesce(nurse_versions.nurse_key, cast(-1 as bigint)) as nurse_key,
        applications.nurse_id,
        applications.status,
        applications.applied_at,
        applications.updated_at,
        applications.applied_date,
        substring(cast(applications.applied_date as string), 1, 7) as applied_month
    from applications
    left join missions
        on missions.mission_key = applications.mission_id
    left join nurse_versions
        on nurse_versions.nurse_id = applications.nurse_id
        and (nurse_versions.lookup_from is null or nurse_versions.lookup_from <= applications.applied_at)
        and (nurse_versions.valid_to is null or applications.applied_at < nurse_versions.valid_to)
)

select * from final
