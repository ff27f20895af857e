with

employed as (

    select * from {{ ref('int_employees_by_evaluation_date') }}

),

flows as (

    select * from {{ ref('int_workforce_flows_by_evaluation_date') }}

),

headcounts as (

    -- H(D) within the department at D
    select
        as_of_date,
        department_group,
        count(*) as n_headcount

    from employed
    group by as_of_date, department_group

),

flow_counts as (

    select
        as_of_date,
        department_group,
        sum(case when flow = 'headcount_year_before' then 1 else 0 end) as n_headcount_year_before,
        sum(case when flow = 'hire' then 1 else 0 end) as n_hires,
        sum(case when flow = 'separation' then 1 else 0 end) as n_separations,
        sum(case when is_voluntary_separation then 1 else 0 end) as n_voluntary_separations

    from flows
    group by as_of_date, department_group

),

department_values as (

    -- every department that any of the counts sees at the date
    select
        as_of_date,
        department_group
    from headcounts
    union
    select
        as_of_date,
        department_group
    from flow_counts

),

counted as (

    select
        department_values.as_of_date,
        department_values.department_group,
        coalesce(headcounts.n_headcount, 0) as n_headcount,
        coalesce(flow_counts.n_headcount_year_before, 0) as n_headcount_year_before,
        coalesce(flow_counts.n_hires, 0) as n_hires,
        coalesce(flow_counts.n_separations, 0) as n_separations,
        coalesce(flow_counts.n_voluntary_separations, 0) as n_voluntary_separations,
        -- small cell: fewer than min_cell_size employed on D in the department
        {{ is_small_cell('coalesce(headcounts.n_headcount, 0)') }} as is_small

    from department_values
    left join headcounts
        on department_values.as_of_date = headcounts.as_of_date
        and department_values.department_group = headcounts.department_group
    left join flow_counts
        on department_values.as_of_date = flow_counts.as_of_date
        and department_values.department_group = flow_counts.department_group

),

final as (

    select
        as_of_date,
        department_group,
        n_headcount,
        n_headcount_year_before,
        n_hires,
        n_separations,
        n_voluntary_separations,
        is_small,
        {{ with_complementary_suppression('is_small', 'n_headcount', 'as_of_date', 'department_group') }}
            as is_suppressed

    from counted

)

select * from final
