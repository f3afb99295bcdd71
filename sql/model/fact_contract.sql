-- fact_contract: one row per contract, partitioned by start_month ('YYYY-MM' of the local
-- start_local_date). hourly_rate is the contract's rate, or its mission's rate when the contract
-- has none; gross_amount = hours_worked x hourly_rate (null when either is missing).
-- mission_key, establishment_key (the mission's establishment) are -1 when unknown; city and
-- specialty are the mission's, 'unknown' for an unknown mission. nurse_key is the dim_nurse
-- version valid at start_date (see int_nurse_versions), -1 when the nurse is unknown.
--
-- Columns:
--   contract_key       the contract's key in the star: its source id (contracts.id)
--   contract_id        the source contracts.id
--   mission_key        fact_mission key (= mission_id); -1 when mission_id is null or matches no mission
--   mission_id         the source contracts.mission_id as extracted (may be null or point nowhere)
--   nurse_key          dim_nurse key of the nurse's version valid at start_date (a first version also covers
--                      earlier instants); -1 when nurse_id is null or no dim_nurse nurse has it
--   nurse_id           the source contracts.nurse_id as extracted (users.id of the nurse)
--   establishment_key  the mission's establishment_key; -1 when the mission or its establishment is unknown
--   establishment_id   the mission's source establishment_id; null when the mission is unknown
--   application_id     the source contracts.application_id (the accepted application), unchecked; may be null
--   status             pending, signed, active, completed, cancelled or disputed (lower case)
--   city               the mission's city; 'unknown' when the mission is unknown or has none
--   specialty          the mission's specialty; 'unknown' when the mission is unknown or has none
--   start_date         contract start: instant despite its name, stored UTC (a bare date = local midnight)
--   end_date           end of the contract (instant, stored UTC); never before start_date; null when open
--   start_local_date   local date (Europe/Paris) of start_date
--   end_local_date     local date (Europe/Paris) of end_date; null when end_date is null
--   start_month        'YYYY-MM' of start_local_date (partition column)
--   hourly_rate        EUR per hour: the contract's rate, else its mission's; null when neither has one
--   hours_worked       hours worked under the contract; null until reported
--   gross_amount       hours_worked x hourly_rate, in EUR; null when either is null
--   signed_at          when the contract was signed (instant, stored UTC); null while unsigned
--   created_at         when the contract was created (instant, stored UTC); null when missing
--   updated_at         last change of the contract row in the app (instant, stored UTC); null when missing
with

contracts as (
    select * from clean_contracts
),

missions as (
    select mission_key, establishment_key, establishment_id, city, specialty, hourly_rate from fact_mission
),

nurse_versions as (
    select * from int_nurse_versions
),

joined as (
    select
        contracts.*,
        missions.mission_key,
        missions.establishment_key,
        missions.establishment_id,
        missions.city,
        missions.specialty,
        coalesce(contracts.hourly_rate, missions.hourly_rate) as effective_rate,
        nurse_versions.nurse_key as version_key
    from contracts
    left join missions
        on missions.mission_key = contracts.mission_id
    left join nurse_versions
        on nurse_versions.nurse_id = contracts.nurse_id
        and (nurse_versions.lookup_from is null or nurse_versions.lookup_from <= contracts.start_date)
        and (nurse_versions.valid_to is null or contracts.start_date < nurse_versions.valid_to)
),

final as (
    select
        id as contract_key,
        id as contract_id,
        coalesce(mission_key, cast(-1 as bigint)) as mission_key,
        mission_id,
        coalesce(version_key, cast(-1 as bigint)) as nurse_key,
        nurse_id,
        coalesce(establishment_key, cast(-1 as bigint)) as establishment_key,
        establishment_id,
        application_id,
        status,
        coalesce(city, 'unknown') as city,
        coalesce(specialty, 'unknown') as specialty,
        start_date,
        end_date,
        start_local_date,
        end_local_date,
        substring(cast(start_local_date as string), 1, 7) as start_month,
        effective_rate as hourly_rate,
        hours_worked,
        hours_worked * effective_rate as gross_amount,
        signed_at,
        created_at,
        updated_at
    from joined
)

select * from final
