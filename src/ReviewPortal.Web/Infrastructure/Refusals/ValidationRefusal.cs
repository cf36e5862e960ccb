using FluentValidation.Results;

namespace ReviewPortal.Web.Infrastructure.Refusals;

public static class ValidationRefusal
{
    /// <summary>A failed validation as <see cref="RefusalKind.Invalid"/>: each property's first message, keyed by the property's name.</summary>
    public static Refusal ToRefusal(this ValidationResult validation) =>
        Refusal.Invalid(validation.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.First().ErrorMessage));

    /// <summary>One field at fault, found by the handler rather than the validator (it needed the database).</summary>
    public static Refusal OnField(string field, string message) => Refusal.Invalid(new Dictionary<string, string> { [field] = message });
}
