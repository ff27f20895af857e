{#
    Small cells (KPI dictionary, "Groups and small cells").

    Primary suppression hides a group value whose population is below
    min_cell_size. Complementary suppression: where exactly one group value
    of an attribute is suppressed for a KPI at a date, the published values
    would give it away by subtraction from the overall figure, so one more
    is suppressed: the published value with the smallest size (employed
    headcount; fewest leaders for leadership_representation_share), ties to
    the alphabetically first value (a null value last, spelt out: DuckDB and
    PostgreSQL sort nulls last by default, Spark first).
#}

{% macro is_small_cell(size) -%}
    ({{ size }} < {{ var('min_cell_size') }})
{%- endmacro %}

{% macro with_complementary_suppression(is_primary, size, partition_by, group_value) -%}
    {#-
        True for the primary-suppressed rows and for the one complementary
        row of each partition (KPI, attribute, date) that has exactly one
        primary-suppressed row. `is_primary` must be a column (a boolean
        that is never null), not an expression; `partition_by` may be empty
        (the whole table is one breakdown).
    -#}
    {%- set within = 'partition by ' ~ partition_by if partition_by else '' -%}
    {%- set within_side = 'partition by ' ~ (partition_by ~ ', ' if partition_by else '') ~ is_primary -%}
    (
        {{ is_primary }}
        or (
            sum(case when {{ is_primary }} then 1 else 0 end) over ({{ within }}) = 1
            and row_number() over ({{ within_side }} order by {{ size }}, {{ group_value }} nulls last) = 1
        )
    )
{%- endmacro %}
