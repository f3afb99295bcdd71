-- dim_date: one row per local calendar date (business time zone), every date from the earliest
-- to the latest date used by the facts (mission service dates, application dates, contract start
-- and end dates), contiguous up to 100,000 days, and in any case every date the facts use.
-- weekday is ISO (1 = Monday ... 7 = Sunday); iso_week is the ISO-8601 week number.
--
-- Columns:
--   date_key    the local calendar date (business time zone Europe/Paris) the row describes
--   year        calendar year of date_key
--   month       month of date_key, 1-12
--   day         day of the month of date_key, 1-31
--   weekday     ISO weekday of date_key: 1 = Monday ... 7 = Sunday
--   iso_week    ISO-8601 week number of date_key, 1-53 (the week's ISO year may differ from year)
--   is_weekend  true when weekday is 6 or 7 (Saturday, Sunday)
--   year_month  'YYYY-MM' of date_key (the value of the facts' *_month partition columns)
with

missions as (
    select service_date as date_key from clean_missions
),

applications as (
    select applied_date as date_key from clean_mission_applications
),

contracts as (
    select start_local_date as date_key from clean_contracts
    union all
    select end_local_date as date_key from clean_contracts
),

used_dates as (
    select date_key from missions where date_key is not null
    union
    select date_key from applications where date_key is not null
    union
    select date_key from contracts where date_key is not null
),

bounds as (
    select min(date_key) as first_date, max(date_key) as last_date from used_dates
),

day_offsets as (
    -- 0 .. 99,999 days (273 years) from the first date: one range, in Spark and DuckDB alike
    select cast(n as int) as day_offset from range(0, 100000) as offsets(n)
),

range_dates as (
    select bounds.first_date + day_offsets.day_offset as date_key
    from bounds
    inner join day_offsets
        on day_offsets.day_offset <= unix_date(bounds.last_date) - unix_date(bounds.first_date)
),

all_dates as (
    select date_key from range_dates
    union
    select date_key from used_dates
),

with_weekday as (
    select
        date_key,
        cast(((unix_date(date_key) % 7) + 10) % 7 + 1 as int) as weekday
    from all_dates
),

final as (
    select
        date_key,
        cast(year(date_key) as int) as year,
        cast(month(date_key) as int) as month,
        cast(day(date_key) as int) as day,
        weekday,
        cast(weekofyear(date_key) as int) as iso_week,
        weekday >= 6 as is_weekend,
        substring(cast(date_key as string), 1, 7) as year_month
    from with_weekday
)

select * from final
