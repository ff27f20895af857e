{#-
    A view: the rows are one range join of the evaluation dates with each
    (person, group)'s membership interval, cheaper to compute where it is read
    than to store (25 dates x the workforce). Its grain is tested where it is
    made, on int_participant_index_dates: a (person, group) pair is in a group
    at a date at most once.
-#}
{{ config(materialized='view') }}

with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

index_dates as (

    select * from {{ ref('int_participant_index_dates') }}

),

final as (

    -- in the group at D: its membership started on or before D and has not
    -- ended (a non-participant's ends with their first match: a person in
    -- neither group at D is a non-participant at D)
    select
        evaluation_dates.as_of_date,
        index_dates.employee_id,
        index_dates.participant_group,
        index_dates.index_date

    from evaluation_dates
    inner join index_dates
        on index_dates.membership_start_date <= evaluation_dates.as_of_date
        and coalesce(index_dates.membership_end_date, {{ date_literal('9999-12-31') }})
            > evaluation_dates.as_of_date

)

select * from final
