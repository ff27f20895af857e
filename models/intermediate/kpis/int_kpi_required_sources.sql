{#- Which sources each KPI needs besides employees (macros/kpi_catalog.sql). -#}
{#- KPIs that need employees only (the workforce KPIs) have no row. -#}
{%- set pairs = [] -%}
{%- for entry in kpi_catalog() -%}
    {%- for source_name in entry.sources -%}
        {%- do pairs.append((entry.kpi, source_name)) -%}
    {%- endfor -%}
{%- endfor -%}

with

required as (

    {% for kpi, source_name in pairs %}
    select
        cast('{{ kpi }}' as {{ dbt.type_string() }}) as kpi,
        cast('{{ source_name }}' as {{ dbt.type_string() }}) as source_name
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select * from required

)

select * from final
