with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

index_dates as (

    select * from {{ ref('int_participant_index_dates') }}

),

candidates_by_date as (

    -- matches and programs dated after a date do not count at that date
    select
        evaluation_dates.as_of_date,
        index_dates.employee_id,
        index_dates.participant_group,
        index_dates.index_date

    from evaluation_dates
    inner join index_dates
        on index_dates.membership_start_date <= evaluation_dates.as_of_date

),

participants_by_date as (

    select distinct
        as_of_date,
        employee_id

    from candidates_by_date
    where participant_group in ('mentee', 'mentor')

),

final as (

    select
        candidates_by_date.as_of_date,
        candidates_by_date.employee_id,
        candidates_by_date.participant_group,
        candidates_by_date.index_date

    from candidates_by_date
    left join participants_by_date
        on candidates_by_date.as_of_date = participants_by_date.as_of_date
        and candidates_by_date.employee_id = participants_by_date.employee_id
    -- a non-participant is in neither group at that date
    where candidates_by_date.participant_group <> 'non_participant'
       or participants_by_date.employee_id is null

)

select * from final
