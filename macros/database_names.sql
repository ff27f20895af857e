{#
    Where a model is built. dbt's default, except that a model configured
    with a database of its own (`+database: dbt_scratch`, the intermediate
    models in dbt_project.yml) is built there on DuckDB only: dbt_scratch is
    an in-memory database the DuckDB profile attaches (profiles/profiles.yml)
    and pipelines/transform/executor.py attaches the same way. On PostgreSQL
    and Spark every model is built in the target's own database.
#}

{% macro generate_database_name(custom_database_name=none, node=none) -%}
    {%- if target.type != 'duckdb' -%}
        {{ return(dbt.default__generate_database_name(none, node)) }}
    {%- endif -%}
    {{ return(dbt.default__generate_database_name(custom_database_name, node)) }}
{%- endmacro %}
