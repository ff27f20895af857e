with

source as (

    select * from {{ source('mentoring', 'sessions') }}

),

renamed as (

    select
        -- ids
        session_id,
        match_id,

        -- text
        initiated_by,
        status as session_status,

        -- numbers
        duration_minutes,

        -- dates
        session_date

    from source

)

select * from renamed
