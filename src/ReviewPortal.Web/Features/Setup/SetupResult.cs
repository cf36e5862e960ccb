namespace ReviewPortal.Web.Features.Setup;

public enum SetupStatus
{
    Saved,
    Unchanged,
    Invalid,
    Refused,
    Conflict,
    NotFound,
}

/// <summary>What a setup save did. <see cref="Errors"/> are field messages keyed by the command's property names.</summary>
public sealed record SetupResult(SetupStatus Status, string? Message, IReadOnlyDictionary<string, string>? Errors = null, int? NewVersion = null)
{
    public bool Ok => Status is SetupStatus.Saved or SetupStatus.Unchanged;

    public static SetupResult Refused(string message) => new(SetupStatus.Refused, message);
    public static SetupResult NotFound(string message) => new(SetupStatus.NotFound, message);
    public static SetupResult Conflict(string message) => new(SetupStatus.Conflict, message);

    public static SetupResult Invalid(IReadOnlyDictionary<string, string> errors) =>
        new(SetupStatus.Invalid, string.Join(" ", errors.Values), errors);

    public static SetupResult Invalid(string field, string message) => Invalid(new Dictionary<string, string> { [field] = message });

    public static SetupResult Invalid(FluentValidation.Results.ValidationResult validation) =>
        Invalid(validation.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.First().ErrorMessage));
}
