-- int_mission_kpis: the mission KPIs at two grains at once (GROUPING SETS), so that the daily
-- and the monthly marts share one definition and the monthly figures are recomputed from the
-- missions (never averages of daily averages; medians recomputed):
--   grain = 'day':   one row per service_date x city x specialty;
--   grain = 'month': one row per service_month x city x specialty (service_date null).
-- Drafts are never counted. Definitions (SPEC, KPIs):
--   missions_total      missions of the grain;
--   missions_completed  status completed;  missions_cancelled  status cancelled;
--   missions_filled     status in (filled, in_progress, completed);
--   avg_hourly_rate     mean hourly_rate;  completion_rate = completed / total;
--   fill_rate           filled / (total - cancelled), null when that divisor is 0;
--   applications_total  applications to those missions (any status);
--   avg_applications_per_mission = applications_total / total;
--   median_time_to_fill_hours  exact median over the missions that have a first signature.
with

missions as (
    select * from fact_mission where status <> 'draft'
),

aggregated as (
    select
        case when grouping(service_date) = 0 then 'day' else 'month' end as grain,
        service_month,
        service_date,
        city,
        specialty,
        count(*) as missions_total,
        count(case when status = 'completed' then 1 end) as missions_completed,
        count(case when status = 'cancelled' then 1 end) as missions_cancelled,
        count(case when status in ('filled', 'in_progress', 'completed') then 1 end) as missions_filled,
        cast(avg(try_cast(hourly_rate as decimal(24, 6))) as double) as avg_hourly_rate,
        cast(sum(applications_count) as bigint) as applications_total,
        median(time_to_fill_hours) as median_time_to_fill_hours
    from missions
    group by grouping sets (
        (service_month, service_date, city, specialty),
        (service_month, city, specialty)
    )
),

final as (
    select
        grain,
        service_month,
        service_date,
        city,
        specialty,
        missions_total,
        missions_completed,
        missions_cancelled,
        missions_filled,
        avg_hourly_rate,
        try_divide(cast(missions_completed as double), cast(missions_total as double)) as completion_rate,
        try_divide(cast(missions_filled as double), cast(missions_total - missions_cancelled as double))
            as fill_rate,
        applications_total,
        try_divide(cast(applications_total as double), cast(missions_total as double))
            as avg_applications_per_mission,
        median_time_to_fill_hours
    from aggregated
)

select * from final
