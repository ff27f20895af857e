with

source as (

    select * from {{ source('hr', 'performance_reviews') }}

),

renamed as (

    select
        -- ids
        employee_id,

        -- numbers
        {{ to_double('rating') }} as rating,

        -- dates
        review_date

    from source

)

select * from renamed
