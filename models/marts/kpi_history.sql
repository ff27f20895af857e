with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

catalog as (

    select * from {{ ref('int_kpi_catalog') }}

),

required_sources as (

    select * from {{ ref('int_kpi_required_sources') }}

),

availability as (

    select * from {{ ref('int_source_availability') }}

),

group_values as (

    select * from {{ ref('int_participation_by_group_and_date') }}

),

department_values as (

    select * from {{ ref('int_workforce_by_department_and_date') }}

),

kpi_values as (

    select * from {{ ref('int_kpi_values_unioned') }}

),

missing_sources as (

    select
        required_sources.kpi,
        count(*) as n_missing,
        {{ sorted_listagg('required_sources.source_name', "', '") }}
            as missing_source_names

    from required_sources
    inner join availability
        on required_sources.source_name = availability.source_name
    where not availability.is_exported
    group by required_sources.kpi

),

grid as (

    -- every KPI at every evaluation date: overall rows, one row per group
    -- value among the people employed on the date, one row per department
    -- that a workforce count sees at the date, one row per attribute
    select
        evaluation_dates.as_of_date,
        catalog.kpi,
        cast(null as {{ dbt.type_string() }}) as group_attribute,
        cast(null as {{ dbt.type_string() }}) as group_value,
        catalog.empty_population_reason

    from catalog
    cross join evaluation_dates
    where catalog.grain = 'overall'

    union all

    select
        group_values.as_of_date,
        catalog.kpi,
        group_values.group_attribute,
        group_values.group_value,
        catalog.empty_population_reason

    from catalog
    inner join group_values
        on catalog.grain = 'group_value'

    union all

    select
        department_values.as_of_date,
        catalog.kpi,
        cast('department' as {{ dbt.type_string() }}) as group_attribute,
        department_values.department_group as group_value,
        catalog.empty_population_reason

    from catalog
    inner join department_values
        on catalog.grain = 'department_value'

    union all

    {% for attribute in group_attributes() %}
    select
        evaluation_dates.as_of_date,
        catalog.kpi,
        cast('{{ attribute }}' as {{ dbt.type_string() }}) as group_attribute,
        cast(null as {{ dbt.type_string() }}) as group_value,
        catalog.empty_population_reason

    from catalog
    cross join evaluation_dates
    where catalog.grain = 'attribute'
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

joined as (

    select
        grid.as_of_date,
        grid.kpi,
        grid.group_attribute,
        grid.group_value,
        kpi_values.value,
        kpi_values.n,
        kpi_values.ci_low,
        kpi_values.ci_high,
        coalesce(kpi_values.is_suppressed, false) as is_suppressed,
        coalesce(kpi_values.empty_reason, grid.empty_population_reason) as empty_reason,
        case
            when missing_sources.n_missing = 1
                then {{ dbt.concat(['missing_sources.missing_source_names', "' was not exported'"]) }}
            when missing_sources.n_missing > 1
                then {{ dbt.concat(['missing_sources.missing_source_names', "' were not exported'"]) }}
        end as missing_source_reason

    from grid
    left join kpi_values
        on grid.as_of_date = kpi_values.as_of_date
        and grid.kpi = kpi_values.kpi
        and coalesce(grid.group_attribute, '') = coalesce(kpi_values.group_attribute, '')
        and coalesce(grid.group_value, '') = coalesce(kpi_values.group_value, '')
    left join missing_sources
        on grid.kpi = missing_sources.kpi

),

classified as (

    select
        *,
        -- published: every source exported, not suppressed, a non-empty population
        (
            missing_source_reason is null
            and not is_suppressed
            and n > 0
            and value is not null
        ) as is_published

    from joined

),

final as (

    select
        as_of_date,
        kpi,
        group_attribute,
        group_value,
        case when is_published then value end as value,
        case when is_published then n end as n,
        (missing_source_reason is null and is_suppressed) as suppressed,
        case
            when missing_source_reason is not null then missing_source_reason
            when is_suppressed then null
            when not is_published then empty_reason
        end as unavailable,
        case when is_published then ci_low end as ci_low,
        case when is_published then ci_high end as ci_high

    from classified

)

select * from final
