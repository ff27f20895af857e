with

source as (

    select * from {{ source('hr', 'succession_plans') }}

),

renamed as (

    select
        -- ids
        role_id,
        {{ blank_to_null('incumbent_id') }} as incumbent_id,
        {{ blank_to_null('successor_id') }} as successor_id,

        -- text
        {{ blank_to_null('role_title') }} as role_title,
        {{ blank_to_null('department') }} as department,
        readiness,

        -- booleans
        is_critical,

        -- dates
        plan_date

    from source

)

select * from renamed
