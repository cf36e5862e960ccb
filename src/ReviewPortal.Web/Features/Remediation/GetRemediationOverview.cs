using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Remediation;

/// <summary>
/// The remediation page: counts per status (drift first), the tasks needing attention before the rest, and who
/// confirmed each manual task (from the audit ledger, the record of who did what). Admin and Compliance only.
/// </summary>
public sealed class GetRemediationOverview(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<Result<RemediationOverview>> HandleAsync(Viewer viewer, RemediationStatus? status = null, int take = 500,
        CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsAndCompliance(viewer, "can see remediation tasks") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var counts = await db.RemediationTasks.GroupBy(t => t.Status).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var tasks = db.RemediationTasks.AsNoTracking();
        if (status is { } only)
        {
            tasks = tasks.Where(t => t.Status == only);
        }
        var rows = await tasks
            .OrderBy(t => t.Status == RemediationStatus.Drift ? 0 : t.Status == RemediationStatus.Failed ? 1 : t.Status == RemediationStatus.ManualRequired ? 2
                : t.Status == RemediationStatus.Running ? 3 : t.Status == RemediationStatus.Pending ? 4 : t.Status == RemediationStatus.Succeeded ? 5 : 6)
            .ThenByDescending(t => t.Id)
            .Take(take)
            .Select(t => new RemediationTaskView(t.Id, t.ReviewItemId, t.Grant.IdentityId, t.Grant.Identity.DisplayName, t.Grant.Identity.Kind,
                t.Grant.Entitlement.DisplayName, t.Grant.Entitlement.Resource.Name, t.Action, t.TargetValue, t.Status, t.Attempts, t.NextAttemptAt,
                t.LastError, t.Instructions, t.CreatedAt, t.CompletedAt, t.VerifiedAt, null))
            .ToListAsync(cancellationToken);

        var ids = rows.Select(r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var confirmations = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == MarkRemediationDone.AuditAction && e.TargetType == nameof(RemediationTask) && ids.Contains(e.TargetId))
            .OrderBy(e => e.Sequence)
            .Select(e => new { e.TargetId, e.Actor, e.OccurredAt })
            .ToListAsync(cancellationToken);
        var confirmedBy = confirmations.GroupBy(c => c.TargetId).ToDictionary(g => g.Key, g => g.Last());
        rows = rows.Select(r => confirmedBy.TryGetValue(r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), out var c)
            ? r with { ConfirmedBy = $"{c.Actor} on {c.OccurredAt:yyyy-MM-dd HH:mm} UTC" } : r).ToList();
        return new RemediationOverview(counts, rows);
    }
}

public sealed record RemediationOverview(IReadOnlyDictionary<RemediationStatus, int> Counts, IReadOnlyList<RemediationTaskView> Tasks)
{
    public int Count(RemediationStatus status) => Counts.GetValueOrDefault(status);
}

public sealed record RemediationTaskView(long Id, long? ReviewItemId, int IdentityId, string Identity, IdentityKind IdentityKind, string Entitlement,
    string Resource, RemediationAction Action, string? Target, RemediationStatus Status, int Attempts, DateTimeOffset? NextAttemptAt,
    string? LastError, string? Instructions, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, DateTimeOffset? VerifiedAt, string? ConfirmedBy);
