namespace ReviewPortal.Web.Features.Setup;

public enum SetupStatus
{
    Saved,
    /// <summary>What was saved is already in force: nothing written, nothing audited.</summary>
    Unchanged,
}

/// <summary>What a setup save did (a refused save is a <see cref="Infrastructure.Refusals.Refusal"/> instead), with the target's version now.</summary>
public sealed record SetupResult(SetupStatus Status, string Message, int? NewVersion = null);
