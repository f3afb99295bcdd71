-- missions_popular_city: one row per city x mission among the 20 most popular open missions of that
-- city as of ${as_of_date} (int_mission_popularity: city_rank 1 to 20; a city with fewer qualifying
-- missions has them all), in city then rank order. Each city is published as the JSON array of the
-- Redis key missions:popular:<city>.
--
-- Columns: city, city_rank (1 = most applied to in the city; ties broken by the smaller mission_id),
-- mission_id, title, specialty, hourly_rate, start_at (UTC), applications (clean applications applied
-- before ${cutoff_utc}).
with

ranked as (
    select * from int_mission_popularity
),

final as (
    select city, city_rank, mission_id, title, specialty, hourly_rate, start_at, applications
    from ranked
    where city_rank <= 20
)

select * from final
order by city, city_rank
