{#- The KPI dictionary's list (macros/kpi_catalog.sql) as a table: one row per KPI and grain. -#}
with

catalog as (

    {% for entry in kpi_catalog() %}
    {%- set outer_loop = loop %}
    {% for grain in entry.grains %}
    select
        cast('{{ entry.kpi }}' as {{ dbt.type_string() }}) as kpi,
        cast('{{ grain }}' as {{ dbt.type_string() }}) as grain,
        cast('{{ entry.empty }}' as {{ dbt.type_string() }}) as empty_population_reason
    {% if not (outer_loop.last and loop.last) %}union all{% endif %}
    {% endfor %}
    {% endfor %}

),

final as (

    select * from catalog

)

select * from final
