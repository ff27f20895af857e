with

roles as (

    select * from {{ ref('int_succession_roles_by_evaluation_date') }}
    where as_of_date = {{ as_of_date() }}
      and is_critical

),

final as (

    -- one row per critical role of the current plan (latest plan_date <= D)
    select
        role_id,
        incumbent_id,
        role_title,
        department,
        n_successors,
        n_successors_employed,
        n_ready_now_successors_employed,
        has_successor_employed,
        has_ready_now_successor_employed,
        incumbent_id is null as is_vacant,
        is_incumbent_employed,
        incumbent_age,
        is_incumbent_mentor,
        has_senior_incumbent,
        is_knowledge_transfer_gap,
        plan_date

    from roles

)

select * from final
