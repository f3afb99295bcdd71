-- missing_view: reads a view nobody registered
select * from no_such_view
