with

activity as (

    select * from {{ ref('mart_match_activity') }}

),

final as (

    -- always exactly one row (zeros before the first match)
    -- (count of a case, not sum: a count over no rows is 0, a sum null)
    select
        count(*) as n_matches,
        count(case when is_active then 1 end) as n_active_matches,
        count(case when is_at_risk then 1 end) as n_at_risk_matches

    from activity

)

select * from final
