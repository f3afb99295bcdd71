-- kpi_headline: one row per run (its as_of_date; the run itself is in etl_runs): the operations dashboard query over all non-draft missions
-- (total_missions, avg_rate = AVG(hourly_rate), completed_missions), plus completion_rate and
-- fill_rate (same definitions as int_mission_kpis.sql; null when their divisor is 0).
--
-- Columns:
--   as_of_date          the run's logical date D the row was computed as of
--   total_missions      non-draft missions in fact_mission at the run, all service dates
--   avg_rate            AVG(hourly_rate) over those missions, EUR per hour (unrounded)
--   completed_missions  those missions with status completed
--   completion_rate     completed_missions / total_missions; null when total_missions is 0
--   fill_rate           filled / (total_missions - cancelled), filled = status filled, in_progress or
--                       completed, cancelled = status cancelled; null when that divisor is 0
with

missions as (
    select * from fact_mission where status <> 'draft'
),

totals as (
    select
        count(*) as total_missions,
        cast(avg(try_cast(hourly_rate as decimal(24, 6))) as double) as avg_rate,
        count(case when status = 'completed' then 1 end) as completed_missions,
        count(case when status = 'cancelled' then 1 end) as cancelled_missions,
        count(case when status in ('filled', 'in_progress', 'completed') then 1 end) as filled_missions
    from missions
),

final as (
    select
        ${as_of_date} as as_of_date,
        total_missions,
        avg_rate,
        completed_missions,
        try_divide(cast(completed_missions as double), cast(total_missions as double)) as completion_rate,
        try_divide(cast(filled_missions as double), cast(total_missions - cancelled_missions as double))
            as fill_rate
    from totals
)

select * from final
