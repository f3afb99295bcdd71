-- dim_establishment: one row per user of role 'establishment' (establishment_key = user id),
-- plus the unknown member (key -1) that facts use for an establishment they cannot find.
--
-- Columns:
--   establishment_key  the establishment's key in the star: its user id (users.id); -1: unknown member
--   establishment_id   the source users.id of the establishment; null on the unknown member
--   email_hmac         keyed pseudonym (HMAC) of the email, never the email itself; null if none or on key -1
--   city               the user's city, trimmed (null when none); 'unknown' on the unknown member
--   location_key       dim_location key of city; -1 when the city is null, and on the unknown member
--   created_at         when the account was created (instant, stored UTC); null on the unknown member
--   updated_at         last change of the user row (instant, stored UTC); null when missing or on key -1
with

users as (
    select * from clean_users
),

locations as (
    select location_key, city from dim_location where location_key <> -1
),

establishments as (
    select
        users.id as establishment_key,
        users.id as establishment_id,
        users.email_hmac,
        users.city,
        coalesce(locations.location_key, cast(-1 as bigint)) as location_key,
        users.created_at,
        users.updated_at
    from users
    left join locations
        on locations.city = users.city
    where users.role = 'establishment'
),

unknown as (
    select
        cast(-1 as bigint) as establishment_key,
        cast(null as bigint) as establishment_id,
        cast(null as string) as email_hmac,
        'unknown' as city,
        cast(-1 as bigint) as location_key,
        cast(null as timestamp) as created_at,
        cast(null as timestamp) as updated_at
),

final as (
    select * from establishments
    union all
    select * from unknown
)

select * from final
