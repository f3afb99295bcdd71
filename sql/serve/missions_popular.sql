-- missions_popular: one row per mission among the 50 most popular open missions as of
-- ${as_of_date} (int_mission_popularity: popularity_rank 1 to 50), in rank order. Published as the
-- JSON array of the Redis key missions:popular.
--
-- Columns: mission_id, title, specialty, city, hourly_rate, start_at (UTC), applications (clean
-- applications applied before ${cutoff_utc}), popularity_rank (1 = most applied to; ties broken by
-- the smaller mission_id).
with

ranked as (
    select * from int_mission_popularity
),

final as (
    select mission_id, title, specialty, city, hourly_rate, start_at, applications, popularity_rank
    from ranked
    where popularity_rank <= 50
)

select * from final
order by popularity_rank
