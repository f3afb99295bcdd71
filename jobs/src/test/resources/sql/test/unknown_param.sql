-- unknown_param
select ${nope} as x
