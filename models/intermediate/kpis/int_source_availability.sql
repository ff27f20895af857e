{%- set sources = contract_sources() -%}

with

file_loads as (

    select * from {{ ref('stg_ingestion__file_loads') }}

),

contract_sources as (

    {% for source_name in sources %}
    select cast('{{ source_name }}' as {{ dbt.type_string() }}) as source_name
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

loads as (

    select
        source_name,
        count(*) as n_files,
        sum(rows_accepted) as n_rows_accepted

    from file_loads
    group by source_name

),

final as (

    -- a source absent from raw.file_loads was not in the drop: not exported
    select
        contract_sources.source_name,
        loads.source_name is not null as is_exported,
        coalesce(loads.n_files, 0) as n_files,
        coalesce(loads.n_rows_accepted, 0) as n_rows_accepted

    from contract_sources
    left join loads
        on contract_sources.source_name = loads.source_name

)

select * from final
