-- dim_location: one row per city (missions.location trimmed, and the users' cities), plus the
-- unknown member (location_key -1, city 'unknown'). Keys are dense in city order and recomputed
-- by every run, together with the facts that reference them.
--
-- Columns:
--   location_key  dense key 1..n in city order, recomputed every run; -1 for the unknown member
--   city          distinct city of the missions (location) or users, trimmed, as written; 'unknown' on key -1
with

mission_cities as (
    select city from clean_missions
),

user_cities as (
    select city from clean_users
),

cities as (
    select city from mission_cities where city is not null
    union
    select city from user_cities where city is not null
),

known as (
    select
        cast(row_number() over (order by city) as bigint) as location_key,
        city
    from cities
),

unknown as (
    select cast(-1 as bigint) as location_key, 'unknown' as city
),

final as (
    select location_key, city from known
    union all
    select location_key, city from unknown
)

select * from final
