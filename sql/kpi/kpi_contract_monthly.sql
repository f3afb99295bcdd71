-- kpi_contract_monthly: one row per start_month ('YYYY-MM' of the contract's local start date)
-- x city x specialty of the contract's mission ('unknown' for an unknown mission).
--   contracts_total and contracts_<status> for each contract status;
--   hours_worked      sum of hours_worked (0 when none recorded);
--   gross_amount      sum of hours_worked x hourly_rate (0 when none);
--   avg_contract_rate mean hourly_rate (the contract's, else its mission's);
--   active_nurses     distinct nurse ids with a contract in the grain;
--   active_establishments  distinct establishment ids (of the missions) with a contract in the grain.
--
-- Columns:
--   start_month            'YYYY-MM' of start_local_date, the local date of start_date (partition column)
--   city                   the mission's city; 'unknown' when the mission is unknown or has none
--   specialty              the mission's specialty; 'unknown' when the mission is unknown or has none
--   contracts_total        contracts of the grain, every status
--   contracts_pending      contracts of the grain with status pending
--   contracts_signed       contracts of the grain with status signed
--   contracts_active       contracts of the grain with status active
--   contracts_completed    contracts of the grain with status completed
--   contracts_cancelled    contracts of the grain with status cancelled
--   contracts_disputed     contracts of the grain with status disputed
--   hours_worked           sum of hours_worked, in hours, every status (0 when none recorded)
--   gross_amount           sum of gross_amount (hours_worked x hourly_rate), in EUR (0 when none)
--   avg_contract_rate      mean hourly_rate (contract's, else mission's), EUR per hour; null when none
--   active_nurses          distinct nurse_id with a contract of the grain, any status
--   active_establishments  distinct establishment_id of the missions of the grain's contracts, any status
with

contracts as (
    select * from fact_contract
),

final as (
    select
        start_month,
        city,
        specialty,
        count(*) as contracts_total,
        count(case when status = 'pending' then 1 end) as contracts_pending,
        count(case when status = 'signed' then 1 end) as contracts_signed,
        count(case when status = 'active' then 1 end) as contracts_active,
        count(case when status = 'completed' then 1 end) as contracts_completed,
        count(case when status = 'cancelled' then 1 end) as contracts_cancelled,
        count(case when status = 'disputed' then 1 end) as contracts_disputed,
        coalesce(cast(sum(try_cast(hours_worked as decimal(24, 6))) as double), cast(0 as double)) as hours_worked,
        coalesce(cast(sum(try_cast(gross_amount as decimal(24, 6))) as double), cast(0 as double)) as gross_amount,
        cast(avg(try_cast(hourly_rate as decimal(24, 6))) as double) as avg_contract_rate,
        count(distinct nurse_id) as active_nurses,
        count(distinct establishment_id) as active_establishments
    from contracts
    group by start_month, city, specialty
)

select * from final
