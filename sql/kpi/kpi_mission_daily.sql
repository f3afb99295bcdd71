-- kpi_mission_daily: one row per service_date x city x specialty (local service date of the
-- missions, drafts excluded); service_month is carried for partitioning. Definitions: see
-- int_mission_kpis.sql.
with

daily as (
    select * from int_mission_kpis where grain = 'day'
),

final as (
    select
        service_date,
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
        median_time_to_fill_hours,
        service_month
    from daily
)

select * from final
