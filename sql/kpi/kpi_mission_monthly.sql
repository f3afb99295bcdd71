-- kpi_mission_monthly: one row per service_month ('YYYY-MM') x city x specialty, every figure
-- recomputed from the missions of the month (drafts excluded). Definitions: see
-- int_mission_kpis.sql.
with

monthly as (
    select * from int_mission_kpis where grain = 'month'
),

final as (
    select
        service_month,
        city,
        specialty,
        missions_total,
        missions_completed,
        missions_cancelled,
        missions_filled,
        avg_hourly_rate,
        completion_rate,
        fill_rate,
        applications_total,
        avg_applications_per_mission,
        median_time_to_fill_hours
    from monthly
)

select * from final
