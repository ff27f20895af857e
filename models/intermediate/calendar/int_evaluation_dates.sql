{#- D and the last `trend_months` month-ends before it, from the var alone. -#}
{%- set dates = evaluation_dates() -%}

with

dates as (

    {% for iso in dates %}
    select
        {{ date_literal(iso) }} as as_of_date,
        {{ 'true' if loop.first else 'false' }} as is_as_of_date
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        as_of_date,
        is_as_of_date,
        {{ add_days('as_of_date', -30) }} as as_of_minus_30_days,
        {{ add_days('as_of_date', -90) }} as as_of_minus_90_days,
        {{ add_days('as_of_date', -180) }} as as_of_minus_180_days,
        {{ add_days('as_of_date', -365) }} as as_of_minus_365_days,
        {{ add_days('as_of_date', -(var('at_risk_days') | int)) }} as as_of_minus_at_risk_days,
        extract(year from as_of_date) as as_of_year

    from dates

)

select * from final
