-- dim_establishment: one row per user of role 'establishment' (establishment_key = user id),
-- plus the unknown member (key -1) that facts use for an establishment they cannot find.
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
