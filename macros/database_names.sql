{#
    Where a model is built. dbt's default, except that a model configured
    with a database of its own (`+database: dbt_scratch`, the intermediate
    models in dbt_project.yml) is built there on DuckDB only: dbt_scratch is
    an in-memory database the DuckDB profile attaches (profiles/profiles.yml)
    and pipelines/transform/executor.py attaches the same way, unless its meta
    says kept_in_warehouse (what the mart checks read). On PostgreSQL and
    Spark every model is built in the target's own database.
#}

{% macro generate_database_name(custom_database_name=none, node=none) -%}
    {%- set kept = node is not none and (node.config.meta or {}).get('kept_in_warehouse') -%}
    {%- if target.type != 'duckdb' or kept -%}
        {{ return(dbt.default__generate_database_name(none, node)) }}
    {%- endif -%}
    {{ return(dbt.default__generate_database_name(custom_database_name, node)) }}
{%- endmacro %}
