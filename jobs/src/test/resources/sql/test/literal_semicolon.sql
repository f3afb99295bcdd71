-- a semicolon inside a literal and a comment is fine; one
select 'a;b' as x -- ; here
