-- prev_dim_nurse_empty: no rows; the schema of dim_nurse, used as the previous run's dim_nurse
-- on the first run.
with

final as (
    select
        cast(null as bigint) as nurse_key,
        cast(null as bigint) as nurse_id,
        cast(null as string) as email_hmac,
        cast(null as string) as city,
        cast(null as string) as specialty,
        cast(null as timestamp) as valid_from,
        cast(null as timestamp) as valid_to,
        cast(null as boolean) as is_current
    from (select 1 as one) as seed
    where 1 = 0
)

select * from final
