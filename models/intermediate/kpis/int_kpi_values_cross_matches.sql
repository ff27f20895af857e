with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

matches as (

    select * from {{ ref('int_matches_joined_to_employees') }}

),

final as (

    {% for attribute in group_attributes() %}
    -- matches started on or before D whose mentor and mentee both disclosed
    -- a value; cross when the values differ
    select
        {{ share_kpi_select(
            'cross_' ~ attribute ~ '_match_share',
            'sum(case when matches.mentor_' ~ attribute ~ '_group <> matches.mentee_'
                ~ attribute ~ '_group then 1 else 0 end)',
            'count(*)'
        ) }}
    from evaluation_dates
    inner join matches
        on matches.start_date <= evaluation_dates.as_of_date
    where matches.mentor_{{ attribute }}_group <> 'undisclosed'
      and matches.mentee_{{ attribute }}_group <> 'undisclosed'
    group by evaluation_dates.as_of_date
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
