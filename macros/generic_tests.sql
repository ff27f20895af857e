{#
    Generic data tests the project needs (no package hub is reachable, so
    these stand in for dbt_utils' equivalents).
#}

{% test unique_combination_of_columns(model, combination_of_columns) %}
    {#- Null-safe: a null is a value of its own, as in a group key. -#}
    with keyed as (
        select
            {% for column in combination_of_columns -%}
            coalesce(cast({{ column }} as {{ dbt.type_string() }}), '<null>') as key_{{ loop.index }}{{ "," if not loop.last }}
            {% endfor %}
        from {{ model }}
    )
    select *, count(*) as n_rows
    from keyed
    group by {% for column in combination_of_columns %}key_{{ loop.index }}{{ ", " if not loop.last }}{% endfor %}
    having count(*) > 1
{% endtest %}

{% test expression_is_true(model, expression) %}
    select * from {{ model }} where not ({{ expression }})
{% endtest %}

{% test between_zero_and_one(model, column_name) %}
    {#- A rate or share is a fraction in [0, 1], not a percentage. -#}
    select * from {{ model }}
    where {{ column_name }} is not null and ({{ column_name }} < 0 or {{ column_name }} > 1)
{% endtest %}

{% test row_count_where(model, condition, expected) %}
    {#- Fails unless exactly `expected` rows satisfy `condition`. -#}
    select count(*) as n_rows
    from {{ model }}
    where {{ condition }}
    having count(*) <> {{ expected }}
{% endtest %}

{% test not_null_columns(model, columns) %}
    {#-
        Several not-null checks in one query: one failing row per null cell.
        Keys keep their own per-column not_null test; this covers the other
        columns that must always have a value, at the cost of one query per
        model instead of one per column (the build runs on every night).
    -#}
    {% for column in columns %}
    select '{{ column }}' as column_name
    from {{ model }}
    where {{ column }} is null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
{% endtest %}

{% test unique_key(model, columns) %}
    {#-
        The model's key: no column of it is null and no combination repeats.
        One query instead of a uniqueness test plus one not_null per column.
    -#}
    select
        {% for column in columns %}{{ column }}, {% endfor %}
        count(*) as n_rows
    from {{ model }}
    group by {% for column in columns %}{{ column }}{{ ", " if not loop.last }}{% endfor %}
    having count(*) > 1
        {% for column in columns %}or {{ column }} is null {% endfor %}
{% endtest %}

{% test words_in(model, column_name, vocabulary) %}
    {#-
        A space-separated list column holds only the words of a vocabulary
        (`kpi_grains` or `contract_sources`, macros/kpi_catalog.sql): a
        misspelt word would otherwise drop silently out of the join that
        splits the list.
    -#}
    {%- if vocabulary == 'kpi_grains' -%}{%- set words = kpi_grains() -%}
    {%- elif vocabulary == 'contract_sources' -%}{%- set words = contract_sources() -%}
    {%- else -%}{{ exceptions.raise_compiler_error('words_in: unknown vocabulary ' ~ vocabulary) }}
    {%- endif -%}
    {%- set state = namespace(rest="' ' || " ~ column_name ~ " || ' '") -%}
    {%- for word in words -%}
        {%- set state.rest = "replace(" ~ state.rest ~ ", ' " ~ word ~ " ', ' ')" -%}
    {%- endfor %}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} is not null and trim({{ state.rest }}) <> ''
{% endtest %}

{% test intervals_do_not_overlap(model, partition_by, from_column, to_column) %}
    {#-
        The rows of each `partition_by` value hold over [from, to) (null: open
        at that end) and no two overlap: a date falls in at most one of them,
        so a range join with dates gives at most one row per (date, value).
        Empty intervals (from >= to) hold nowhere and are not compared.
    -#}
    with intervals as (
        select
            {{ partition_by }} as partition_value,
            coalesce({{ from_column }}, {{ date_literal('0001-01-01') }}) as from_date,
            coalesce({{ to_column }}, {{ date_literal('9999-12-31') }}) as to_date
        from {{ model }}
    ),

    ordered as (
        select
            partition_value,
            from_date,
            to_date,
            lead(from_date) over (
                partition by partition_value order by from_date, to_date
            ) as next_from_date
        from intervals
        where from_date < to_date
    )

    select * from ordered
    where next_from_date < to_date
{% endtest %}
