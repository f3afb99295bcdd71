-- features_mission_fill: training set, one row per mission posted and started by the end of the
-- local day ${as_of_date} (created_at and start_at before ${cutoff_utc}), drafts excluded.
-- Features are those known when the mission was posted; the label is the outcome known at D.
--
--   rate_vs_city_specialty_median  hourly_rate / the exact median hourly_rate of the non-draft
--       missions of the same city x specialty posted in the 30 local days before this mission's
--       local posting day (posting day excluded); null when there are none (a missing city or
--       specialty is 'unknown', grouped like any other). The rates are grouped by city x specialty x posting day, then
--       one sliding window over those days (a RANGE frame of 30 to 1 days before) collects the
--       prior rates, whose middle is taken: one sort per posting day, no row copied 30 times.
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
--
-- Columns:
--   mission_id                     missions.id of a non-draft mission whose created_at and start_at are both
--                                  before the cutoff D+1 00:00 local
--   as_of_date                     the run's logical date D the row was computed as of (partition column)
--   establishment_id               source missions.establishment_id (may be null, or not an establishment)
--   city                           the mission's city (missions.location, trimmed); 'unknown' when missing
--   specialty                      the mission's specialty; 'unknown' when missing
--   posted_date                    local date (Europe/Paris) of the mission's created_at
--   hourly_rate                    offered pay, EUR per hour
--   rate_vs_city_specialty_median  hourly_rate / the exact median hourly_rate of the non-draft missions of
--                                  the same city x specialty ('unknown' grouped like any other) posted
--                                  before the cutoff on local dates posted_date-30 .. posted_date-1; null
--                                  when there are none (or that median is 0)
--   lead_time_hours                start_at - created_at, in hours
--   start_weekday                  ISO weekday of service_date (local start date): 1 = Monday .. 7 = Sunday
--   start_hour                     hour of day (0-23) of start_at in local time (Europe/Paris)
--   duration_hours                 end_at - start_at, in hours
--   establishment_prior_missions   non-draft missions of the same establishment_id posted (created_at)
--                                  strictly before this one; null when establishment_id is null
--   establishment_prior_fill_rate  share of those prior missions whose first contract signature
--                                  (first_signed_at) is strictly before this one's created_at; null when
--                                  there are none or establishment_id is null
--   filled                         label: true when a contract of the mission was signed before the cutoff,
--                                  or its status is filled, in_progress or completed with updated_at (else
--                                  created_at) before the cutoff; else false
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

started as (
    select * from missions where start_at < ${cutoff_utc}
),

posting_days as (
    -- one row per city x specialty x local posting day, with that day's rates (hourly_rate is
    -- never null in fact_mission: staging quarantines a mission without one)
    select city, specialty, posted_date, array_agg(hourly_rate) as day_rates
    from missions
    where city is not null and specialty is not null
    group by city, specialty, posted_date
),

rate_windows as (
    select
        city,
        specialty,
        posted_date,
        sort_array(flatten(array_agg(day_rates) over (
            partition by city, specialty
            order by unix_date(posted_date)
            range between 30 preceding and 1 preceding
        ))) as prior_rates
    from posting_days
),

rate_medians as (
    -- the exact median of the sorted rates: the middle one, or the mean of the two middle ones
    -- (bit for bit what median() computes)
    select
        city,
        specialty,
        posted_date,
        case
            when array_size(prior_rates) % 2 = 1 then get(prior_rates, half)
            when array_size(prior_rates) > 0 then (get(prior_rates, half - 1) + get(prior_rates, half)) / 2
        end as median_rate
    from (
        select *, cast(floor(array_size(prior_rates) / 2.0) as int) as half from rate_windows
    ) as sized
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
