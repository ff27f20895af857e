with

employed as (

    select * from {{ ref('int_employees_by_evaluation_date') }}

),

by_attribute as (

    {% for attribute in ['gender', 'ethnicity'] %}
    select
        as_of_date,
        '{{ attribute }}' as group_attribute,
        {{ attribute }}_group as group_value,
        count(*) as n_employed,
        sum(case when is_participant then 1 else 0 end) as n_participants

    from employed
    group by as_of_date, {{ attribute }}_group
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

totals as (

    select
        as_of_date,
        count(*) as n_employed_total,
        sum(case when is_participant then 1 else 0 end) as n_participants_total

    from employed
    group by as_of_date

),

final as (

    select
        by_attribute.as_of_date,
        by_attribute.group_attribute,
        by_attribute.group_value,
        by_attribute.n_employed,
        by_attribute.n_participants,
        totals.n_employed_total,
        totals.n_participants_total,
        -- small-cell rule: employed headcount or participant count below min_cell_size
        (
            by_attribute.n_employed < {{ var('min_cell_size') }}
            or by_attribute.n_participants < {{ var('min_cell_size') }}
        ) as is_suppressed

    from by_attribute
    inner join totals
        on by_attribute.as_of_date = totals.as_of_date

)

select * from final
