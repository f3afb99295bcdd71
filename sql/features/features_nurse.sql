-- features_nurse: one row per nurse (users.role = 'nurse') who signed up by the end of the local
-- day ${as_of_date}, i.e. created_at < ${cutoff_utc} (the UTC instant of the next local midnight).
--
-- Point-in-time rules (features as of D never change when later events arrive):
--   * an event counts only when its own timestamp is before the cutoff: applied_at for an
--     application, signed_at for a signature, start_date for a contract start; a contract exists
--     at D when its created_at (else signed_at, else start_date) is before the cutoff;
--   * a status is known at D only when the row's updated_at (its creation timestamp when
--     updated_at is missing) is before the cutoff; otherwise the row counts as undecided at D:
--     an application accepted after D is not an acceptance, a contract completed or cancelled
--     after D is neither completed nor cancelled.
-- Windows: "last N days" = the local dates D-N+1 .. D (N = 30, 90).
--   tenure_days              D - local date of created_at;
--   applications_30d / _90d  applications with applied_date in the window;
--   acceptance_rate_90d      applications accepted at D / all applications of the 90-day window,
--                            null when the nurse has none;
--   contracts_completed / _cancelled  contracts with that status known at D;
--   hours_worked_90d         hours_worked of contracts completed at D whose local end date falls
--                            in the 90-day window (0 when none);
--   mean_accepted_rate       mean hourly_rate of the nurse's contracts signed before the cutoff;
--   days_since_last_contract D - the latest local start date of the nurse's contracts started
--                            before the cutoff (null when none);
--   city, specialty          from the dim_nurse version valid at the cutoff, else the user's.
--
-- Columns:
--   nurse_id                  users.id of a nurse (role 'nurse') created before the cutoff D+1 00:00 local
--   as_of_date                the run's logical date D the row was computed as of (partition column)
--   tenure_days               D - local date (Europe/Paris) of users.created_at, in days
--   applications_30d          the nurse's applications, any status, applied before the cutoff D+1 00:00 local
--                             with local applied_date in D-29..D (the last 30 days); 0 when none
--   applications_90d          the same with applied_date in D-89..D (the last 90 days); 0 when none
--   acceptance_rate_90d       applications of the 90-day window whose status accepted is known at D
--                             (coalesce(updated_at, applied_at) before the cutoff) / applications_90d;
--                             null when applications_90d is 0
--   contracts_completed       the nurse's contracts existing at D (coalesce(created_at, signed_at,
--                             start_date) before the cutoff) whose status completed is known at D
--                             (coalesce(updated_at, created_at, signed_at, start_date) before the
--                             cutoff), whatever their dates; 0 when none
--   contracts_cancelled       the same with status cancelled; 0 when none
--   hours_worked_90d          sum of hours_worked (hours) of the contracts counted in contracts_completed
--                             whose end_local_date is in D-89..D (the last 90 days); 0 when none
--   mean_accepted_rate        mean hourly_rate (contract's, else mission's), EUR per hour, of the
--                             nurse's existing contracts signed before the cutoff; null when none
--   days_since_last_contract  D - the latest start_local_date of the nurse's existing contracts started
--                             before the cutoff (any status), in days; null when none
--   city                      city of the nurse's dim_nurse version in force at the cutoff (valid_from <
--                             cutoff <= valid_to, or current), else users.city; may be null
--   specialty                 specialty of that same dim_nurse version, else users.specialty; may be null
with

nurses as (
    select id as nurse_id, city, specialty, created_at
    from clean_users
    where role = 'nurse' and created_at < ${cutoff_utc}
),

applications as (
    select
        nurse_id,
        status,
        applied_date,
        coalesce(updated_at, applied_at) < ${cutoff_utc} as status_known
    from clean_mission_applications
    where applied_at < ${cutoff_utc}
),

contracts as (
    select
        nurse_id,
        status,
        start_date,
        start_local_date,
        end_local_date,
        hourly_rate,
        hours_worked,
        signed_at,
        coalesce(updated_at, created_at, signed_at, start_date) < ${cutoff_utc} as status_known
    from fact_contract
    where coalesce(created_at, signed_at, start_date) < ${cutoff_utc}
),

versions_at_cutoff as (
    select nurse_id, city, specialty
    from dim_nurse
    where nurse_key <> -1
        and valid_from < ${cutoff_utc}
        and (valid_to is null or valid_to >= ${cutoff_utc})
),

application_stats as (
    select
        nurse_id,
        count(case when applied_date >= ${as_of_date} - 29 then 1 end) as applications_30d,
        count(case when applied_date >= ${as_of_date} - 89 then 1 end) as applications_90d,
        count(case when applied_date >= ${as_of_date} - 89 and status_known and status = 'accepted' then 1 end)
            as accepted_90d
    from applications
    group by nurse_id
),

contract_stats as (
    select
        nurse_id,
        count(case when status_known and status = 'completed' then 1 end) as contracts_completed,
        count(case when status_known and status = 'cancelled' then 1 end) as contracts_cancelled,
        cast(sum(
            case
                when status_known and status = 'completed' and end_local_date >= ${as_of_date} - 89
                    and end_local_date <= ${as_of_date} then try_cast(hours_worked as decimal(24, 6))
            end
        ) as double) as hours_worked_90d,
        cast(avg(case when signed_at < ${cutoff_utc} then try_cast(hourly_rate as decimal(24, 6)) end) as double)
            as mean_accepted_rate,
        max(case when start_date < ${cutoff_utc} then start_local_date end) as last_contract_date
    from contracts
    group by nurse_id
),

final as (
    select
        nurses.nurse_id,
        ${as_of_date} as as_of_date,
        unix_date(${as_of_date})
            - unix_date(cast(from_utc_timestamp(nurses.created_at, ${business_zone}) as date)) as tenure_days,
        coalesce(application_stats.applications_30d, cast(0 as bigint)) as applications_30d,
        coalesce(application_stats.applications_90d, cast(0 as bigint)) as applications_90d,
        try_divide(
            cast(application_stats.accepted_90d as double), cast(application_stats.applications_90d as double)
        ) as acceptance_rate_90d,
        coalesce(contract_stats.contracts_completed, cast(0 as bigint)) as contracts_completed,
        coalesce(contract_stats.contracts_cancelled, cast(0 as bigint)) as contracts_cancelled,
        coalesce(contract_stats.hours_worked_90d, cast(0 as double)) as hours_worked_90d,
        contract_stats.mean_accepted_rate,
        unix_date(${as_of_date}) - unix_date(contract_stats.last_contract_date) as days_since_last_contract,
        case when versions_at_cutoff.nurse_id is null then nurses.city else versions_at_cutoff.city end as city,
        case
            when versions_at_cutoff.nurse_id is null then nurses.specialty else versions_at_cutoff.specialty
        end as specialty
    from nurses
    left join application_stats
        on application_stats.nurse_id = nurses.nurse_id
    left join contract_stats
        on contract_stats.nurse_id = nurses.nurse_id
    left join versions_at_cutoff
        on versions_at_cutoff.nurse_id = nurses.nurse_id
)

select * from final
