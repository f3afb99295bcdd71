-- not a query
drop table clean_users
