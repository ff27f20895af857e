{% macro is_employed_on(hire_date, termination_date, on_date) -%}
    {#- The dictionary's employed(e, X): hire_date <= X and (termination_date empty or > X). -#}
    ({{ hire_date }} <= {{ on_date }} and ({{ termination_date }} is null or {{ termination_date }} > {{ on_date }}))
{%- endmacro %}
