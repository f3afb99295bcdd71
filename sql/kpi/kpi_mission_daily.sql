-- kpi_mission_daily: one row per service_date x city x specialty (local service date of the
-- missions, drafts excluded); service_month is carried for partitioning. Definitions: see
-- int_mission_kpis.sql.
--
-- Columns:
--   service_date                  local date (Europe/Paris) of the missions' start_at
--   city                          the missions' city (missions.location, trimmed); 'unknown' when missing
--   specialty                     the missions' specialty; 'unknown' when missing
--   missions_total                non-draft missions of the grain (drafts never count)
--   missions_completed            missions of the grain with status completed
--   missions_cancelled            missions of the grain with status cancelled
--   missions_filled               missions of the grain with status filled, in_progress or completed
--   avg_hourly_rate               mean missions.hourly_rate over missions_total, EUR per hour (unrounded)
--   completion_rate               missions_completed / missions_total (unrounded)
--   fill_rate                     missions_filled / (missions_total - missions_cancelled);
--                                 null when that divisor is 0
--   applications_total            all applications (any status) to the grain's missions
--   avg_applications_per_mission  applications_total / missions_total
--   median_time_to_fill_hours     exact median, in hours, of created_at -> earliest non-null contract
--                                 signed_at, over the grain's missions that have one (mean of the two
--                                 middle values for an even count); null when none
--   service_month                 'YYYY-MM' of service_date (partition column)
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
