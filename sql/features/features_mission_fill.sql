-- features_mission_fill: training set, one row per mission posted and started by the end of the
-- local day ${as_of_date} (created_at and start_at before ${cutoff_utc}), drafts excluded.
-- Features are those known when the mission was posted; the label is the outcome known at D.
--
--   rate_vs_city_specialty_median  hourly_rate / the exact median hourly_rate of the non-draft
--       missions of the same city x specialty posted in the 30 local days before this mission's
--       local posting day (posting day excluded); null when there are none. Computed in linear
--       time: each mission's rate is copied to the 30 days it is "prior" to, then joined on
--       (city, specialty, posting day) and aggregated.
--   lead_time_hours    created_at -> start_at, in hours;
--   start_weekday      ISO weekday (1 = Monday) of the local service date;
--   start_hour         local hour of start_at in the business time zone;
--   duration_hours     start_at -> end_at, in hours;
--   establishment_prior_missions   non-draft missions of the same establishment posted strictly
--       before this one; establishment_prior_fill_rate: the share of them filled (first contract
--       signed) strictly before this one was posted, null when there are none. Event-based: one
--       running window over the establishment's posting and filling events, no self-join.
--       Both are null when the mission has no establishment id.
--   filled (label)     a contract of the mission signed before the cutoff, or the mission's status
--       in (filled, in_progress, completed) known at D (updated_at, else created_at, before the
--       cutoff). A status change after D leaves the label as it was at D.
-- Limitation: the sources keep no status history, so a mission that was still a draft at D and
-- published later is read as posted at its created_at.
with

missions as (
    select
        mission_id,
        establishment_id,
        city,
        specialty,
        hourly_rate,
        status,
        created_at,
        updated_at,
        start_at,
        service_date,
        duration_hours,
        first_signed_at,
        cast(from_utc_timestamp(created_at, ${business_zone}) as date) as posted_date
    from fact_mission
    where status <> 'draft' and created_at < ${cutoff_utc}
),

calendar as (
    select date_key, weekday from dim_date
),

day_offsets as (
    select n from (
        values (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14), (15),
            (16), (17), (18), (19), (20), (21), (22), (23), (24), (25), (26), (27), (28), (29), (30)
    ) as t(n)
),

started as (
    select * from missions where start_at < ${cutoff_utc}
),

target_days as (
    select distinct city, specialty, posted_date from started
),

prior_rates as (
    select missions.city, missions.specialty, missions.posted_date + day_offsets.n as target_date, missions.hourly_rate
    from missions
    cross join day_offsets
),

rate_medians as (
    select
        target_days.city,
        target_days.specialty,
        target_days.posted_date,
        median(prior_rates.hourly_rate) as median_rate
    from target_days
    inner join prior_rates
        on prior_rates.city = target_days.city
        and prior_rates.specialty = target_days.specialty
        and prior_rates.target_date = target_days.posted_date
    group by target_days.city, target_days.specialty, target_days.posted_date
),

establishment_events as (
    select establishment_id, mission_id, unix_micros(created_at) as event_us, 1 as is_post
    from missions
    where establishment_id is not null
    union all
    select
        establishment_id,
        cast(null as bigint) as mission_id,
        unix_micros(greatest(created_at, first_signed_at)) as event_us,
        0 as is_post
    from missions
    where establishment_id is not null and first_signed_at is not null
),

establishment_history as (
    select
        mission_id,
        count(case when is_post = 1 then 1 end) over prior_events as prior_missions,
        count(case when is_post = 0 then 1 end) over prior_events as prior_filled
    from establishment_events
    window prior_events as (
        partition by establishment_id
        order by event_us
        range between unbounded preceding and 1 preceding
    )
),

postings as (
    select mission_id, prior_missions, prior_filled from establishment_history where mission_id is not null
),

final as (
    select
        started.mission_id,
        ${as_of_date} as as_of_date,
        started.establishment_id,
        started.city,
        started.specialty,
        started.posted_date,
        started.hourly_rate,
        try_divide(started.hourly_rate, rate_medians.median_rate) as rate_vs_city_specialty_median,
        cast(unix_micros(started.start_at) - unix_micros(started.created_at) as double) / 3600000000.0
            as lead_time_hours,
        calendar.weekday as start_weekday,
        cast(hour(from_utc_timestamp(started.start_at, ${business_zone})) as int) as start_hour,
        started.duration_hours,
        postings.prior_missions as establishment_prior_missions,
        try_divide(cast(postings.prior_filled as double), cast(postings.prior_missions as double))
            as establishment_prior_fill_rate,
        case
            when started.first_signed_at < ${cutoff_utc} then true
            when started.status in ('filled', 'in_progress', 'completed')
                and coalesce(started.updated_at, started.created_at) < ${cutoff_utc} then true
            else false
        end as filled
    from started
    left join rate_medians
        on rate_medians.city = started.city
        and rate_medians.specialty = started.specialty
        and rate_medians.posted_date = started.posted_date
    left join calendar
        on calendar.date_key = started.service_date
    left join postings
        on postings.mission_id = started.mission_id
)

select * from final
