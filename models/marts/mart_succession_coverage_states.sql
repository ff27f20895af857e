with

roles as (

    select * from {{ ref('mart_succession_coverage') }}

),

final as (

    -- always exactly one row (zeros without a current plan): each critical
    -- role is in exactly one of the three coverage states
    -- (count of a case, not sum: a count over no rows is 0, a sum null)
    select
        count(*) as n_critical_roles,
        count(case when has_ready_now_successor_employed then 1 end) as n_roles_ready_now,
        count(case when has_successor_employed and not has_ready_now_successor_employed then 1 end)
            as n_roles_later_ready_only,
        count(case when not has_successor_employed then 1 end) as n_roles_uncovered

    from roles

)

select * from final
