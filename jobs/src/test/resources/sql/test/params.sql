-- params: one row with every parameter
select ${as_of_date} as as_of_date, ${cutoff_utc} as cutoff_utc, ${business_zone} as zone, ${run_id} as run_id;
