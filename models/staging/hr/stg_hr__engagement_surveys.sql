with

source as (

    select * from {{ source('hr', 'engagement_surveys') }}

),

renamed as (

    select
        -- ids
        employee_id,

        -- numbers
        {{ to_double('engagement_score') }} as engagement_score,
        enps,

        -- dates
        survey_date

    from source

)

select * from renamed
