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

counted as (

    select
        by_attribute.as_of_date,
        by_attribute.group_attribute,
        by_attribute.group_value,
        by_attribute.n_employed,
        by_attribute.n_participants,
        totals.n_employed_total,
        totals.n_participants_total,
        -- small cell: employed headcount or participant count below min_cell_size
        (
            {{ is_small_cell('by_attribute.n_employed') }}
            or {{ is_small_cell('by_attribute.n_participants') }}
        ) as is_small

    from by_attribute
    inner join totals
        on by_attribute.as_of_date = totals.as_of_date

),

final as (

    -- participation_rate and representation_index share this flag, so they
    -- are always suppressed together (the index follows from the rate);
    -- the complementary cell is the published value with the fewest employed
    select
        as_of_date,
        group_attribute,
        group_value,
        n_employed,
        n_participants,
        n_employed_total,
        n_participants_total,
        is_small,
        {{ with_complementary_suppression(
            'is_small', 'n_employed', 'as_of_date, group_attribute', 'group_value'
        ) }} as is_suppressed

    from counted

)

select * from final
