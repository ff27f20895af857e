with

source as (

    select * from {{ source('mentoring', 'feedback') }}

),

renamed as (

    select
        -- ids
        feedback_id,
        match_id,

        -- text
        respondent_role,

        -- numbers
        satisfaction,
        learning,

        -- dates
        submitted_date

    from source

)

select * from renamed
