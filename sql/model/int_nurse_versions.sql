-- int_nurse_versions: one row per dim_nurse version (unknown member excluded), with the interval
-- the facts use to pick the version valid at an event: [lookup_from, valid_to), where lookup_from is
-- null (unbounded) for a nurse's first version, so that an event dated before the nurse's first
-- version still finds it; valid_to is null (unbounded) for the current version.
with

versions as (
    select nurse_key, nurse_id, valid_from, valid_to from dim_nurse where nurse_key <> -1
),

final as (
    select
        nurse_key,
        nurse_id,
        case
            when row_number() over (partition by nurse_id order by valid_from, nurse_key) = 1 then cast(null as timestamp)
            else valid_from
        end as lookup_from,
        valid_to
    from versions
)

select * from final
