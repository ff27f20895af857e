{#- Which sources each KPI needs besides employees (seeds/kpi_catalog.csv, required_sources). -#}
{#- KPIs that need employees only (the workforce KPIs) have no row. -#}
with

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

contract_sources as (

    {% for source_name in contract_sources() %}
    select cast('{{ source_name }}' as {{ dbt.type_string() }}) as source_name
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        catalog.kpi,
        contract_sources.source_name

    from catalog
    inner join contract_sources
        on {{ dbt.concat(["' '", 'catalog.required_sources', "' '"]) }}
        like {{ dbt.concat(["'% '", 'contract_sources.source_name', "' %'"]) }}

)

select * from final
