{#
    Seeds on Spark with the session method. dbt-spark binds each CSV value
    as '<value>' without escaping it (dbt/adapters/spark/session.py,
    _fix_binding), so a value with an apostrophe, as kpi_catalog's
    definitions have, breaks the insert. Here the values are written as
    literals escaped the Spark way (sql_string, macros/strings.sql), null as
    null, each cast to the column's type as dbt-spark does.
#}

{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do types.append(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {% set sql %}
        insert into {{ this.render() }} values
        {% for row in agate_table.rows -%}
        ({%- for value in row -%}
            cast({{ 'null' if value is none else sql_string(value | string) }} as {{ types[loop.index0] }})
            {{- ", " if not loop.last -}}
        {%- endfor -%}){{ "," if not loop.last }}
        {% endfor %}
    {% endset %}
    {% do adapter.add_query(sql, abridge_sql_log=True) %}
    {{ return(sql) }}
{% endmacro %}
