{#- The KPI catalogue (seeds/kpi_catalog.csv) as one row per KPI and grain it is published at. -#}
with

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

grains as (

    {% for grain in kpi_grains() %}
    select cast('{{ grain }}' as {{ dbt.type_string() }}) as grain
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        catalog.kpi,
        grains.grain,
        catalog.empty_population_reason

    from catalog
    inner join grains
        on {{ dbt.concat(["' '", 'catalog.grains', "' '"]) }}
        like {{ dbt.concat(["'% '", 'grains.grain', "' %'"]) }}

)

select * from final
