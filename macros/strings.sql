{% macro sql_string(text) -%}
    {#-
        `text` as a SQL string literal. A quote inside is escaped the
        adapter's way: doubled in DuckDB and PostgreSQL, a backslash in Spark,
        where '' joins two literals into one instead.
    -#}
    {{- return("'" ~ dbt.escape_single_quotes(text) ~ "'") -}}
{%- endmacro %}

{% macro regexp_replace_all(expr, pattern, replacement) -%}
    {#- Every match of `pattern` in `expr` replaced (all three are SQL expressions). -#}
    {{ return(adapter.dispatch('regexp_replace_all')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{#- Spark's fourth argument is a start position; without it every match is replaced. -#}
{% macro spark__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}

{#
    The values of a group joined by a delimiter (a SQL string literal), in
    ascending order: dbt.listagg with `order by` where the engine has one;
    dbt-spark's listagg ignores the order (and warns), so on Spark the values
    are collected, sorted and joined.
#}
{% macro sorted_listagg(measure, delimiter_literal) -%}
    {{ return(adapter.dispatch('sorted_listagg')(measure, delimiter_literal)) }}
{%- endmacro %}

{% macro default__sorted_listagg(measure, delimiter_literal) -%}
    {{ dbt.listagg(measure, delimiter_literal, 'order by ' ~ measure) }}
{%- endmacro %}

{% macro spark__sorted_listagg(measure, delimiter_literal) -%}
    array_join(array_sort(collect_list({{ measure }})), {{ delimiter_literal }})
{%- endmacro %}
