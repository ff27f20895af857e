with

current_plans as (

    select * from {{ ref('int_succession_plans_current_by_evaluation_date') }}

),

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

employees as (

    select * from {{ ref('int_employment_spells') }}

),

groups_by_date as (

    select * from {{ ref('int_participant_groups_by_evaluation_date') }}

),

roles as (

    -- one row per role: a role is critical when its plan rows say so (any
    -- row); a role has one incumbent (rows disagreeing: the greatest id)
    select
        as_of_date,
        role_id,
        max(role_title) as role_title,
        max(department) as department,
        max(incumbent_id) as incumbent_id,
        max(case when is_critical then 1 else 0 end) = 1 as is_critical,
        max(plan_date) as plan_date

    from current_plans
    group by as_of_date, role_id

),

successors as (

    select
        current_plans.as_of_date,
        current_plans.role_id,
        current_plans.successor_id,
        current_plans.readiness,
        {{ is_employed_on('employees.valid_from_date', 'employees.valid_to_date', 'current_plans.as_of_date') }}
            as is_employed

    from current_plans
    inner join employees
        on current_plans.successor_id = employees.employee_id

),

successor_counts as (

    select
        as_of_date,
        role_id,
        count(distinct successor_id) as n_successors,
        count(distinct case when is_employed then successor_id end) as n_successors_employed,
        count(distinct case when is_employed and readiness = 'ready_now' then successor_id end)
            as n_ready_now_successors_employed

    from successors
    group by as_of_date, role_id

),

mentors_by_date as (

    select
        as_of_date,
        employee_id

    from groups_by_date
    where participant_group = 'mentor'

),

joined as (

    select
        roles.as_of_date,
        roles.role_id,
        roles.incumbent_id,
        roles.role_title,
        roles.department,
        roles.is_critical,
        roles.plan_date,
        coalesce(successor_counts.n_successors, 0) as n_successors,
        coalesce(successor_counts.n_successors_employed, 0) as n_successors_employed,
        coalesce(successor_counts.n_ready_now_successors_employed, 0) as n_ready_now_successors_employed,
        coalesce(successor_counts.n_successors_employed, 0) > 0 as has_successor_employed,
        coalesce(successor_counts.n_ready_now_successors_employed, 0) > 0 as has_ready_now_successor_employed,
        coalesce(
            {{ is_employed_on('incumbents.valid_from_date', 'incumbents.valid_to_date', 'roles.as_of_date') }},
            false
        ) as is_incumbent_employed,
        evaluation_dates.as_of_year - incumbents.birth_year as incumbent_age,
        (mentors_by_date.employee_id is not null) as is_incumbent_mentor

    from roles
    inner join evaluation_dates
        on roles.as_of_date = evaluation_dates.as_of_date
    left join successor_counts
        on roles.as_of_date = successor_counts.as_of_date
        and roles.role_id = successor_counts.role_id
    left join employees as incumbents
        on roles.incumbent_id = incumbents.employee_id
    left join mentors_by_date
        on roles.as_of_date = mentors_by_date.as_of_date
        and roles.incumbent_id = mentors_by_date.employee_id

),

final as (

    select
        *,
        -- the knowledge-transfer population: an employed incumbent aged 60+
        -- (year(D) - birth_year >= 60); a gap when that incumbent mentors nobody
        coalesce(is_incumbent_employed and incumbent_age >= 60, false) as has_senior_incumbent,
        coalesce(is_incumbent_employed and incumbent_age >= 60 and not is_incumbent_mentor, false)
            as is_knowledge_transfer_gap

    from joined

)

select * from final
