with

employed as (

    select * from {{ ref('int_employees_by_evaluation_date') }}

),

by_attribute as (

    {% for attribute in group_attributes() %}
    select
        as_of_date,
        '{{ attribute }}' as group_attribute,
        {{ attribute }}_group as group_value,
        count(*) as n_employed,
        sum(case when is_leader then 1 else 0 end) as n_leaders

    from employed
    group by as_of_date, {{ attribute }}_group
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

totals as (

    select
        as_of_date,
        count(*) as n_employed_total,
        sum(case when is_leader then 1 else 0 end) as n_leaders_total

    from employed
    group by as_of_date

),

counted as (

    select
        by_attribute.as_of_date,
        by_attribute.group_attribute,
        by_attribute.group_value,
        by_attribute.n_employed,
        by_attribute.n_leaders,
        totals.n_employed_total,
        totals.n_leaders_total,
        -- small cells: representation_share by the employed headcount,
        -- leadership_representation_share by the number of leaders
        {{ is_small_cell('by_attribute.n_employed') }} as is_small_headcount,
        {{ is_small_cell('by_attribute.n_leaders') }} as is_small_leadership

    from by_attribute
    inner join totals
        on by_attribute.as_of_date = totals.as_of_date

),

final as (

    select
        as_of_date,
        group_attribute,
        group_value,
        n_employed,
        n_leaders,
        n_employed_total,
        n_leaders_total,
        {{ with_complementary_suppression(
            'is_small_headcount', 'n_employed', 'as_of_date, group_attribute', 'group_value'
        ) }} as is_representation_suppressed,
        {{ with_complementary_suppression(
            'is_small_leadership', 'n_leaders', 'as_of_date, group_attribute', 'group_value'
        ) }} as is_leadership_suppressed

    from counted

)

select * from final
