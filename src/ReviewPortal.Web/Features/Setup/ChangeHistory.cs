using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Setup;

/// <summary>
/// Who changed a setup target, what and when, read from the audit ledger (the entries are the history; nothing else is
/// kept). Setup handlers write before/after as objects whose text properties are the words a reader sees ("Owner":
/// "Olga Owens"); numbers (ids) are for machines and are not shown. Admin and Compliance.
/// </summary>
public sealed class GetChangeHistory(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public const int Shown = 20;

    public async Task<Result<IReadOnlyList<ChangeEntry>>> HandleAsync(Viewer viewer, ChangeTarget target, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsAndCompliance(viewer, "can see the change history") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(e => e.TargetType == target.Type && e.TargetId == target.Id && target.Actions.Contains(e.Action))
            .OrderByDescending(e => e.Sequence).Take(Shown)
            .Select(e => new { e.OccurredAt, e.Actor, e.Action, e.Before, e.After })
            .ToListAsync(cancellationToken);
        return entries.Select(e => new ChangeEntry(e.OccurredAt, e.Actor, SetupWords.Action(e.Action), Changes(e.Before, e.After))).ToList();
    }

    /// <summary>
    /// The message for a save refused because someone changed the target after the viewer opened it, naming the latest
    /// change the ledger holds for it.
    /// </summary>
    internal static async Task<string> ConflictMessageAsync(ReviewPortalDbContext db, ChangeTarget target, string what,
        CancellationToken cancellationToken)
    {
        var latest = await db.AuditEntries.AsNoTracking()
            .Where(e => e.TargetType == target.Type && e.TargetId == target.Id && target.Actions.Contains(e.Action))
            .OrderByDescending(e => e.Sequence).Select(e => new { e.Actor, e.OccurredAt }).FirstOrDefaultAsync(cancellationToken);
        var who = latest is null ? $"Someone changed {what}" : $"{SetupWords.Actor(latest.Actor)} changed {what} at {latest.OccurredAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC,";
        return $"{who} after you opened it. Your change was not saved: reload to see theirs, then decide again.";
    }

    /// <summary>Each text property that differs between before and after (all of after's for a first save).</summary>
    internal static IReadOnlyList<FieldChange> Changes(string? before, string? after)
    {
        var old = Texts(before);
        var now = Texts(after);
        return old.Keys.Concat(now.Keys).Distinct(StringComparer.Ordinal)
            .Select(k => new FieldChange(k, old.GetValueOrDefault(k), now.GetValueOrDefault(k)))
            .Where(c => !string.Equals(c.Before, c.After, StringComparison.Ordinal))
            .ToList();
    }

    private static Dictionary<string, string?> Texts(string? json)
    {
        var texts = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return texts;
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                {
                    texts[property.Name] = property.Value.GetString();
                }
            }
        }
        catch (JsonException)
        {
            // An entry written by an older version in another shape shows as an action without fields.
        }
        return texts;
    }
}

/// <summary>An audit target and the actions that change it (other entries about the same target are not setup history).</summary>
public sealed record ChangeTarget(string Type, string Id, IReadOnlyList<string> Actions)
{
    public static ChangeTarget ResourceOwners(int resourceId) => new(nameof(Resource), resourceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [SetupWords.ResourceOwnersChanged]);

    public static ChangeTarget NhiOwner(int identityId) => new(nameof(Identity), identityId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [SetupWords.IdentityOwnerChanged]);

    /// <summary>A policy's history follows what it applies to (<see cref="ApprovalPolicy.ScopeKey"/>), across removing and re-creating it.</summary>
    public static ChangeTarget Policy(string scopeKey) => new(nameof(ApprovalPolicy), scopeKey, [SetupWords.PolicySaved, SetupWords.PolicyRemoved]);

    public static ChangeTarget Defaults { get; } = new(nameof(PortalDefaults), PortalDefaults.SingletonId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [SetupWords.DefaultsChanged]);
}

public sealed record ChangeEntry(DateTimeOffset At, string Actor, string Action, IReadOnlyList<FieldChange> Changes);

public sealed record FieldChange(string Field, string? Before, string? After);
