-- dim_nurse: one row per version of a nurse (SCD type 2 on city and specialty), plus the unknown
-- member (nurse_key -1, city and specialty 'unknown').
-- Stateful: reads the previous run's dim_nurse (view prev_dim_nurse, possibly empty) and the
-- current users of role 'nurse':
--   * a nurse seen for the first time opens version 1, valid from its created_at;
--   * a nurse whose city and specialty equal its current version keeps that row unchanged;
--   * a nurse whose city or specialty changed has its current version closed at the user's
--     updated_at (this run's ${cutoff_utc} when updated_at is missing, never before the
--     version's own valid_from) and a new current version opened at that instant;
--   * versions of nurses no longer in the users are kept as they were.
-- valid_to is null on the current version (valid_from <= t < valid_to otherwise). email_hmac is a
-- type-1 attribute: every version carries the nurse's latest pseudonym. New versions get the keys
-- after the previous maximum, in nurse_id order, so keys never change from one run to the next.
--
-- Columns:
--   nurse_key   surrogate key of one version of a nurse, stable across runs (new versions numbered
--               after the previous maximum, in nurse_id order); -1 for the unknown member
--   nurse_id    the source users.id of the nurse (role 'nurse'); null on the unknown member
--   email_hmac  keyed pseudonym (HMAC-SHA256) of the email, never the email itself; type 1: every version
--               carries the nurse's latest one; null on the unknown member
--   city        the nurse's city during this version (users.city, trimmed; may be null); 'unknown' on key -1
--   specialty   the nurse's specialty during this version (trimmed; may be null); 'unknown' on key -1
--   valid_from  instant (stored UTC) the version starts: the user's created_at for a first version
--               (1970-01-01 00:00 UTC when missing), else the change instant: users.updated_at, or the
--               run's cutoff D+1 00:00 local when missing, never before the previous valid_from;
--               1970-01-01 00:00 UTC on the unknown member
--   valid_to    instant (stored UTC) the version ends, exclusive (valid_from <= t < valid_to): the
--               next version's valid_from; null on the current version
--   is_current  true on the nurse's latest version (also for a nurse no longer in the users) and on
--               the unknown member; false on closed versions
with

previous as (
    select * from prev_dim_nurse where nurse_key <> -1
),

nurses as (
    select
        id as nurse_id,
        email_hmac,
        city,
        specialty,
        coalesce(created_at, timestamp '1970-01-01 00:00:00') as created_at,
        coalesce(updated_at, ${cutoff_utc}) as changed_at
    from clean_users
    where role = 'nurse'
),

previous_current as (
    select * from previous where is_current
),

compared as (
    select
        nurses.*,
        previous_current.valid_from as previous_valid_from,
        case
            when previous_current.nurse_key is null then 'new'
            when previous_current.city is not distinct from nurses.city
                and previous_current.specialty is not distinct from nurses.specialty then 'unchanged'
            else 'changed'
        end as change_kind
    from nurses
    left join previous_current
        on previous_current.nurse_id = nurses.nurse_id
),

kept_versions as (
    select
        previous.nurse_key,
        previous.nurse_id,
        case when compared.nurse_id is null then previous.email_hmac else compared.email_hmac end as email_hmac,
        previous.city,
        previous.specialty,
        previous.valid_from,
        case
            when previous.is_current and compared.change_kind = 'changed'
                then greatest(compared.changed_at, previous.valid_from)
            else previous.valid_to
        end as valid_to,
        previous.is_current and coalesce(compared.change_kind, 'gone') <> 'changed' as is_current
    from previous
    left join compared
        on compared.nurse_id = previous.nurse_id
),

opened_versions as (
    select
        nurse_id,
        email_hmac,
        city,
        specialty,
        case
            when change_kind = 'new' then created_at
            else greatest(changed_at, previous_valid_from)
        end as valid_from
    from compared
    where change_kind <> 'unchanged'
),

key_base as (
    select coalesce(max(nurse_key), cast(0 as bigint)) as max_key from previous
),

numbered_versions as (
    select
        key_base.max_key + row_number() over (order by opened_versions.nurse_id) as nurse_key,
        opened_versions.nurse_id,
        opened_versions.email_hmac,
        opened_versions.city,
        opened_versions.specialty,
        opened_versions.valid_from,
        cast(null as timestamp) as valid_to,
        true as is_current
    from opened_versions
    cross join key_base
),

unknown as (
    select
        cast(-1 as bigint) as nurse_key,
        cast(null as bigint) as nurse_id,
        cast(null as string) as email_hmac,
        'unknown' as city,
        'unknown' as specialty,
        timestamp '1970-01-01 00:00:00' as valid_from,
        cast(null as timestamp) as valid_to,
        true as is_current
),

final as (
    select
        cast(nurse_key as bigint) as nurse_key, nurse_id, email_hmac, city, specialty,
        valid_from, valid_to, is_current
    from kept_versions
    union all
    select
        cast(nurse_key as bigint) as nurse_key, nurse_id, email_hmac, city, specialty,
        valid_from, valid_to, is_current
    from numbered_versions
    union all
    select * from unknown
)

select * from final
