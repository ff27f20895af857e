with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

plans as (

    select * from {{ ref('stg_hr__succession_plans') }}

),

plan_dates as (

    select distinct plan_date
    from plans

),

current_plan_dates as (

    -- the current plan at D: the rows with the latest plan_date <= D, taken
    -- over the whole export (a plan is reviewed as a whole)
    select
        evaluation_dates.as_of_date,
        max(plan_dates.plan_date) as plan_date

    from evaluation_dates
    inner join plan_dates
        on plan_dates.plan_date <= evaluation_dates.as_of_date
    group by evaluation_dates.as_of_date

),

final as (

    select
        current_plan_dates.as_of_date,
        plans.role_id,
        plans.incumbent_id,
        plans.successor_id,
        plans.role_title,
        plans.department,
        plans.readiness,
        plans.is_critical,
        plans.plan_date

    from current_plan_dates
    inner join plans
        on current_plan_dates.plan_date = plans.plan_date

)

select * from final
