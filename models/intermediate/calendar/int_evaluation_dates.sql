{#-
    D (from the run's parameters) and the last `trend_months` month-ends
    before it. The month-ends are computed in SQL from D, so the compiled SQL
    is the same whatever the night: only the row in raw.run_parameters changes.
-#}
{%- set n_months = var('trend_months') | int -%}

with

parameters as (

    select * from {{ ref('stg_ingestion__run_parameters') }}

),

{% if n_months > 0 %}
months_back as (

    -- 1 .. trend_months (a fixed var): the k-th month before D's month
    select months_back from (
        values {% for k in range(1, n_months + 1) %}({{ k }}){% if not loop.last %}, {% endif %}{% endfor %}
    ) as months (months_back)

),

month_ends as (

    -- the month-end of each of those months; when D is itself a month-end it
    -- is the first of the last `trend_months` month-ends, so one fewer
    -- earlier month-end is kept (D counted once)
    select
        cast(
            {{ dbt.last_day(dbt.dateadd('month', '-1 * months_back.months_back', 'parameters.as_of_date'), 'month') }}
            as date
        ) as as_of_date,
        false as is_as_of_date

    from parameters
    cross join months_back
    where months_back.months_back
        <= {{ n_months }}
        - case
            when cast({{ dbt.last_day('parameters.as_of_date', 'month') }} as date) = parameters.as_of_date
                then 1
            else 0
        end

),
{% endif %}

dates as (

    select
        as_of_date,
        true as is_as_of_date

    from parameters

    {% if n_months > 0 %}
    union all

    select
        as_of_date,
        is_as_of_date

    from month_ends
    {% endif %}

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
