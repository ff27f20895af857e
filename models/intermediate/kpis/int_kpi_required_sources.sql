{#- Which sources each KPI needs besides employees (macros/kpi_catalog.sql). -#}
with

required as (

    {% for entry in kpi_catalog() %}
    {%- set outer_loop = loop %}
    {% for source_name in entry.sources %}
    select
        cast('{{ entry.kpi }}' as {{ dbt.type_string() }}) as kpi,
        cast('{{ source_name }}' as {{ dbt.type_string() }}) as source_name
    {% if not (outer_loop.last and loop.last) %}union all{% endif %}
    {% endfor %}
    {% endfor %}

),

final as (

    select * from required

)

select * from final
