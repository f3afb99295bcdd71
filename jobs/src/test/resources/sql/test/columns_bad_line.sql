-- columns_bad_line: one row per thing.
-- Columns:
--   thing_id     the thing's id
-- label: not in the block's form
select 1 as thing_id
