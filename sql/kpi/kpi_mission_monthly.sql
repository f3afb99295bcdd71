-- kpi_mission_monthly: one row per service_month ('YYYY-MM') x city x specialty, every figure
-- recomputed from the missions of the month (drafts excluded). Definitions: see
-- int_mission_kpis.sql.
--
-- Columns:
--   service_month                 'YYYY-MM' of the missions' service_date (local date of start_at)
--   city                          the missions' city (missions.location, trimmed); 'unknown' when missing
--   specialty                     the missions' specialty; 'unknown' when missing
--   missions_total                non-draft missions of the month (drafts never count)
--   missions_completed            missions of the month with status completed
--   missions_cancelled            missions of the month with status cancelled
--   missions_filled               missions of the month with status filled, in_progress or completed
--   avg_hourly_rate               mean missions.hourly_rate over missions_total, EUR per hour (unrounded)
--   completion_rate               missions_completed / missions_total (unrounded)
--   fill_rate                     missions_filled / (missions_total - missions_cancelled);
--                                 null when that divisor is 0
--   applications_total            all applications (any status) to the month's missions
--   avg_applications_per_mission  applications_total / missions_total
--   median_time_to_fill_hours     exact median, in hours, of created_at -> earliest non-null contract
--                                 signed_at, over the month's missions that have one (mean of the two
--                                 middle values for an even count); null when none
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
