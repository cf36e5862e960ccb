using System.Diagnostics.CodeAnalysis;
using ReviewPortal.Web.Data;

namespace ReviewPortal.Web.Infrastructure.Refusals;

/// <summary>What kind of "no" a handler gave: it decides the snackbar's colour and the HTTP status, never the wording.</summary>
public enum RefusalKind
{
    /// <summary>The viewer may not do this, or may not see this resource (resource-based: not their item, not an admin).</summary>
    Forbidden,
    /// <summary>The resource does not exist (or no longer does).</summary>
    NotFound,
    /// <summary>The input was at fault; <see cref="Refusal.FieldErrors"/> says which field, when one is.</summary>
    Invalid,
    /// <summary>The resource changed under the viewer (a concurrent edit, a state that moved on); reload and try again.</summary>
    Conflict,
    /// <summary>The audit ledger stayed locked by another large change through every attempt; nothing was saved.</summary>
    Busy,
}

/// <summary>
/// The one way a handler says "no" (ADR 0012): the kind, for code, and a sentence meant for the person who asked, with the
/// field errors when the input was at fault. A refusal changes nothing and audits nothing.
/// </summary>
public sealed record Refusal(RefusalKind Kind, string Message, IReadOnlyDictionary<string, string>? FieldErrors = null)
{
    public static Refusal Forbidden(string message) => new(RefusalKind.Forbidden, message);
    public static Refusal NotFound(string message) => new(RefusalKind.NotFound, message);
    public static Refusal Invalid(string message) => new(RefusalKind.Invalid, message);
    /// <summary>Field errors keyed by the command's property name (what a FluentValidation validator reports), in one sentence too.</summary>
    public static Refusal Invalid(IReadOnlyDictionary<string, string> fieldErrors) =>
        new(RefusalKind.Invalid, string.Join(" ", fieldErrors.Values), fieldErrors);
    public static Refusal Conflict(string message) => new(RefusalKind.Conflict, message);
    /// <param name="notDone">What did not happen, without its full stop: "Your decision was not saved".</param>
    public static Refusal Busy(string notDone) => new(RefusalKind.Busy, $"{LedgerBusyException.UserMessage} {notDone}: try again in a moment.");
}

/// <summary>What a handler answers: its value, or a <see cref="Refusal"/>. Handlers return either and let the conversions wrap it.</summary>
public sealed class Result<T>
{
    private Result(T? value, Refusal? refusal)
    {
        Value = value;
        Refusal = refusal;
    }

    public T? Value { get; }
    public Refusal? Refusal { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool Ok => Refusal is null;

    public static implicit operator Result<T>(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);
    public static implicit operator Result<T>(Refusal refusal) => new(default, refusal ?? throw new ArgumentNullException(nameof(refusal)));
}

/// <summary>A command's answer when doing it yields nothing to show but "done": <see cref="Done"/>, or a <see cref="Refusal"/>.</summary>
public sealed class Result
{
    public static readonly Result Done = new(null);

    private Result(Refusal? refusal) => Refusal = refusal;

    public Refusal? Refusal { get; }

    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool Ok => Refusal is null;

    public static implicit operator Result(Refusal refusal) => new(refusal ?? throw new ArgumentNullException(nameof(refusal)));
}
