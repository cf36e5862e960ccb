using MudBlazor;

namespace ReviewPortal.Web.Infrastructure.Refusals;

/// <summary>
/// The one place a refusal becomes what people see: a snackbar on a page, problem details on an endpoint. Field errors go
/// next to their fields on the form that sent them (the page reads <see cref="Refusal.FieldErrors"/>); the snackbar carries
/// the sentence.
/// </summary>
public static class RefusalDisplay
{
    /// <summary>A change that lost a race (conflict, busy ledger) is a warning: trying again can work. Anything else is an error.</summary>
    public static Severity Severity(this Refusal refusal) =>
        refusal.Kind is RefusalKind.Conflict or RefusalKind.Busy ? MudBlazor.Severity.Warning : MudBlazor.Severity.Error;

    public static void Show(this ISnackbar snackbar, Refusal refusal) => snackbar.Add(refusal.Message, refusal.Severity());

    /// <summary>The value, or null after showing the refusal: for a page that reads something and shows nothing else when refused.</summary>
    public static T? ValueOrShow<T>(this ISnackbar snackbar, Result<T> result)
    {
        if (!result.Ok)
        {
            snackbar.Show(result.Refusal);
        }
        return result.Value;
    }

    /// <summary>Shows the refusal, or <paramref name="done"/> of the value as a success; answers whether the handler did it.</summary>
    public static bool Show<T>(this ISnackbar snackbar, Result<T> result, Func<T, string> done, Severity severity = MudBlazor.Severity.Success)
    {
        if (!result.Ok)
        {
            snackbar.Show(result.Refusal);
            return false;
        }
        snackbar.Add(done(result.Value), severity);
        return true;
    }

    /// <inheritdoc cref="Show{T}(ISnackbar, Result{T}, Func{T, string}, Severity)"/>
    public static bool Show(this ISnackbar snackbar, Result result, string done, Severity severity = MudBlazor.Severity.Success)
    {
        if (!result.Ok)
        {
            snackbar.Show(result.Refusal);
            return false;
        }
        snackbar.Add(done, severity);
        return true;
    }

    public static int StatusCode(this RefusalKind kind) => kind switch
    {
        RefusalKind.Forbidden => StatusCodes.Status403Forbidden,
        RefusalKind.NotFound => StatusCodes.Status404NotFound,
        RefusalKind.Invalid => StatusCodes.Status400BadRequest,
        RefusalKind.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    /// <summary>Problem details (RFC 9457) for an endpoint: the status of the kind, the sentence as the detail.</summary>
    public static IResult ToProblem(this Refusal refusal) => refusal.FieldErrors is { Count: > 0 } errors
        ? Microsoft.AspNetCore.Http.Results.ValidationProblem(errors.ToDictionary(e => e.Key, e => new[] { e.Value }), refusal.Message)
        : Microsoft.AspNetCore.Http.Results.Problem(detail: refusal.Message, statusCode: refusal.Kind.StatusCode());
}
