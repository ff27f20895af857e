with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

roles as (

    select * from {{ ref('int_succession_roles_by_evaluation_date') }}

),

current_plans as (

    select * from {{ ref('int_succession_plans_current_by_evaluation_date') }}

),

employees as (

    select * from {{ ref('int_employment_spells') }}

),

groups_by_date as (

    select * from {{ ref('int_participant_groups_by_evaluation_date') }}

),

role_counts as (

    select
        as_of_date,
        count(*) as n_roles,
        sum(case when is_critical then 1 else 0 end) as n_critical,
        sum(case when is_critical and has_ready_now_successor_employed then 1 else 0 end) as n_ready_now_covered,
        sum(case when is_critical and has_successor_employed then 1 else 0 end) as n_any_covered,
        sum(case when is_critical and has_senior_incumbent then 1 else 0 end) as n_senior_incumbent,
        sum(case when is_critical and is_knowledge_transfer_gap then 1 else 0 end) as n_knowledge_transfer_gap

    from roles
    group by as_of_date

),

critical_successors as (

    -- distinct successors of critical roles in the current plan, employed on D
    select distinct
        current_plans.as_of_date,
        current_plans.successor_id

    from current_plans
    inner join roles
        on current_plans.as_of_date = roles.as_of_date
        and current_plans.role_id = roles.role_id
    inner join employees
        on current_plans.successor_id = employees.employee_id
    where roles.is_critical
      and {{ is_employed_on('employees.valid_from_date', 'employees.valid_to_date', 'current_plans.as_of_date') }}

),

successor_counts as (

    select
        critical_successors.as_of_date,
        count(*) as n_successors,
        sum(case when mentees.employee_id is not null then 1 else 0 end) as n_mentored

    from critical_successors
    left join groups_by_date as mentees
        on critical_successors.as_of_date = mentees.as_of_date
        and critical_successors.successor_id = mentees.employee_id
        and mentees.participant_group = 'mentee'
    group by critical_successors.as_of_date

),

by_date as (

    select
        evaluation_dates.as_of_date,
        role_counts.n_roles is not null as has_current_plan,
        coalesce(role_counts.n_critical, 0) as n_critical,
        coalesce(role_counts.n_ready_now_covered, 0) as n_ready_now_covered,
        coalesce(role_counts.n_any_covered, 0) as n_any_covered,
        coalesce(role_counts.n_senior_incumbent, 0) as n_senior_incumbent,
        coalesce(role_counts.n_knowledge_transfer_gap, 0) as n_knowledge_transfer_gap,
        coalesce(successor_counts.n_successors, 0) as n_successors,
        coalesce(successor_counts.n_mentored, 0) as n_mentored

    from evaluation_dates
    left join role_counts
        on evaluation_dates.as_of_date = role_counts.as_of_date
    left join successor_counts
        on evaluation_dates.as_of_date = successor_counts.as_of_date

),

final as (

    select
        {{ kpi_select(
            'critical_roles', 'n_critical', 'n_critical',
            empty_reason="case when has_current_plan then 'no critical roles in the current succession plan' end"
        ) }}
    from by_date

    union all

    {% for kpi, covered in [('succession_coverage_ready_now', 'n_ready_now_covered'),
                            ('succession_coverage_any', 'n_any_covered')] %}
    select
        {{ share_kpi_select(
            kpi,
            covered,
            'n_critical',
            empty_reason="case when not has_current_plan then 'no succession plan dated on or before the as-of date' end"
        ) }}
    from by_date

    union all
    {% endfor %}

    select
        {{ share_kpi_select(
            'successors_mentored_share',
            'n_mentored',
            'n_successors',
            empty_reason="case when not has_current_plan then 'no succession plan dated on or before the as-of date' end"
        ) }}
    from by_date

    union all

    -- value: a count of roles; n: critical roles with an employed incumbent aged 60+
    select
        {{ kpi_select(
            'knowledge_transfer_gap_roles',
            'case when n_senior_incumbent > 0 then n_knowledge_transfer_gap end',
            'n_senior_incumbent',
            empty_reason="case when not has_current_plan then 'no succession plan dated on or before the as-of date' end"
        ) }}
    from by_date

)

select * from final
