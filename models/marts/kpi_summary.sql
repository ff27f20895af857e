with

kpi_history as (

    select * from {{ ref('kpi_history') }}

),

final as (

    -- the KPIs of kpis.json: kpi_history at the as-of date D itself
    select
        kpi,
        group_attribute,
        group_value,
        value,
        n,
        suppressed,
        unavailable,
        ci_low,
        ci_high

    from kpi_history
    where as_of_date = {{ as_of_date() }}

)

select * from final
