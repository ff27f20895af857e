{% macro group_value(column) -%}
    {#- The dictionary's group value: trimmed, lower-cased; empty = undisclosed. -#}
    coalesce(nullif(lower(trim({{ column }})), ''), 'undisclosed')
{%- endmacro %}

{% macro blank_to_null(column) -%}
    {#- Empty or blank strings mean "no value" in the exports. -#}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{% macro department_group(column) -%}
    {#- The dictionary's department group value: trimmed, lower-cased. -#}
    lower(trim({{ column }}))
{%- endmacro %}
