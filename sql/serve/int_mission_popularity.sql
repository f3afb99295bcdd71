-- int_mission_popularity: one row per open mission of the clean layer that starts at or after the
-- end of the local day ${as_of_date} (start_at >= ${cutoff_utc}, the UTC instant of the next local
-- midnight in ${business_zone}), with its popularity and its ranks. Read by missions_popular and
-- missions_popular_city; published to Redis by the serve job.
--
-- Columns:
--   mission_id      missions.id
--   title           the mission's title
--   specialty       the mission's specialty
--   city            the mission's city (missions.location trimmed)
--   hourly_rate     the posted hourly rate
--   start_at        the UTC instant the mission starts
--   applications    clean applications to the mission applied before ${cutoff_utc}, whatever their
--                   status (0 when none); applications after D are not counted
--   popularity_rank rank among every qualifying mission: applications descending, then mission_id
--                   ascending (1 = most popular; no ties)
--   city_rank       the same rank among the qualifying missions of its city (null city: null)
-- No establishment, no person: the apps show missions by id.
with

missions as (
    select id as mission_id, title, specialty, city, hourly_rate, start_at
    from clean_missions
    where status = 'open' and start_at >= ${cutoff_utc}
),

applications as (
    select mission_id, count(*) as applications
    from clean_mission_applications
    where applied_at < ${cutoff_utc}
    group by mission_id
),

counted as (
    select
        missions.mission_id,
        missions.title,
        missions.specialty,
        missions.city,
        missions.hourly_rate,
        missions.start_at,
        coalesce(applications.applications, cast(0 as bigint)) as applications
    from missions
    left join applications
        on applications.mission_id = missions.mission_id
),

final as (
    select
        mission_id,
        title,
        specialty,
        city,
        hourly_rate,
        start_at,
        applications,
        row_number() over (order by applications desc, mission_id asc) as popularity_rank,
        case
            when city is not null
                then row_number() over (partition by city order by applications desc, mission_id asc)
        end as city_rank
    from counted
)

select * from final
