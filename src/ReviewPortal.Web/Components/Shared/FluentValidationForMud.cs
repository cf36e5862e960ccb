using FluentValidation;

namespace ReviewPortal.Web.Components.Shared;

/// <summary>
/// Lets a FluentValidation validator drive MudForm field feedback (the same validator the handler
/// runs again before saving: validation in one place, used twice).
/// </summary>
public static class FluentValidationForMud
{
    public static Func<object, string, Task<IEnumerable<string>>> ForMudForm<T>(this IValidator<T> validator) => async (model, propertyName) =>
    {
        var result = await validator.ValidateAsync(ValidationContext<T>.CreateWithOptions((T)model, o => o.IncludeProperties(propertyName)));
        return result.IsValid ? [] : result.Errors.Select(e => e.ErrorMessage);
    };
}
