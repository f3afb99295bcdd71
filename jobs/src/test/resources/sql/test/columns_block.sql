-- columns_block: one row per thing. A header with a column block,
-- a continued description and a CTE named like a table.
--
-- Columns:
--   thing_id     the thing's id
--   label        what the thing is called, continued
--       on a second line
with

clean_things as (
    select id from clean_missions
),

final as (
    select clean_things.id as thing_id, t.label
    from clean_things
    left join dim_location as t on t.location_key = clean_things.id
)
select * from final
