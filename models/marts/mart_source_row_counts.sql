{#- One staging model per source of the export contract (pipelines/contract.py). -#}
{%- set staging_models = [
    ('employees', 'stg_hr__employees'),
    ('job_history', 'stg_hr__job_history'),
    ('performance_reviews', 'stg_hr__performance_reviews'),
    ('engagement_surveys', 'stg_hr__engagement_surveys'),
    ('succession_plans', 'stg_hr__succession_plans'),
    ('programs', 'stg_mentoring__programs'),
    ('enrollments', 'stg_mentoring__enrollments'),
    ('matches', 'stg_mentoring__matches'),
    ('sessions', 'stg_mentoring__sessions'),
    ('feedback', 'stg_mentoring__feedback'),
] -%}

with

{% for source_name, model in staging_models %}
{{ source_name }} as (

    select * from {{ ref(model) }}

),

{% endfor %}
availability as (

    select * from {{ ref('int_source_availability') }}

),

held as (

    -- one row per contract source: the rows the warehouse holds for it (the
    -- staging models only rename and cast, so these are the raw table's
    -- rows), 0 when the source was not exported. The data-quality report
    -- reconciles them with raw.file_loads' accepted rows.
    {% for source_name, _model in staging_models %}
    select
        cast('{{ source_name }}' as {{ dbt.type_string() }}) as source_name,
        count(*) as n_rows
    from {{ source_name }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        held.source_name,
        held.n_rows,
        availability.is_exported

    from held
    inner join availability
        on held.source_name = availability.source_name

)

select * from final
