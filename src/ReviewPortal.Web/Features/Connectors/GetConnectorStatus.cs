using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewPortal.Claude;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>Ingestion health for admins: a blocked directory sync, recent runs, lag behind now, throughput, types, quarantine.</summary>
public sealed class GetConnectorStatus(IDbContextFactory<ReviewPortalDbContext> contexts, IOptions<ClaudeOptions> claude,
    AdminAlerts alerts, IngestionOptions ingestion, TimeProvider time)
{
    public async Task<Result<ConnectorStatus>> HandleAsync(Viewer viewer, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can see the connectors") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var runs = await db.IngestionRuns.AsNoTracking().OrderByDescending(r => r.Id).Take(20)
            .Select(r => new RunRow(r.Id, r.Job, r.Status, r.StartedAt, r.EndedAt, r.Pages, r.Fetched, r.Stored, r.Duplicates,
                r.Quarantined, r.LastRequestId, r.Error, r.Details))
            .ToListAsync(cancellationToken);
        var newest = await db.ActivityEvents.OrderByDescending(e => e.OccurredAt).Select(e => (DateTimeOffset?)e.OccurredAt)
            .FirstOrDefaultAsync(cancellationToken);
        // Both ends of the time-keyed index: the oldest raw event the retention window has kept.
        var oldest = await db.ActivityEvents.OrderBy(e => e.OccurredAt).Select(e => (DateTimeOffset?)e.OccurredAt)
            .FirstOrDefaultAsync(cancellationToken);
        var dayAgo = now.AddDays(-1);
        var byType = await db.ActivityEvents.AsNoTracking().Where(e => e.OccurredAt >= dayAgo)
            .GroupBy(e => e.Type).OrderByDescending(g => g.Count()).Take(15)
            .Select(g => new TypeCount(g.Key, g.Count())).ToListAsync(cancellationToken);
        var byOrganization = await db.ActivityEvents.AsNoTracking()
            .GroupBy(e => e.OrganizationUuid)
            .Select(g => new { Uuid = g.Key, Count = g.Count(), Newest = g.Max(e => e.OccurredAt) })
            .ToListAsync(cancellationToken);
        var names = await db.Resources.Where(r => r.Kind == ResourceKind.Organization)
            .ToDictionaryAsync(r => r.ExternalId, r => r.Name, cancellationToken);
        var quarantined = await db.QuarantinedRecords.AsNoTracking().OrderByDescending(q => q.Id).Take(20)
            .Select(q => new QuarantineRow(q.Id, q.IngestionRunId, q.ReceivedAt, q.Reason,
                q.RawJson.Length > 300 ? q.RawJson.Substring(0, 300) + "…" : q.RawJson))
            .ToListAsync(cancellationToken);
        var blocked = await BlockedDirectorySync.LatestAsync(db, cancellationToken);
        var usageRun = await db.IngestionRuns.AsNoTracking().Where(r => r.Job == IngestUsageJob.JobName).OrderByDescending(r => r.Id)
            .Select(r => new { r.Status, r.StartedAt, r.Stored, r.Details }).FirstOrDefaultAsync(cancellationToken);
        var usage = usageRun is null ? null : new UsageRunRow(usageRun.Status, usageRun.StartedAt, usageRun.Stored, UsageDays(usageRun.Details),
            await db.UsageRollups.CountAsync(cancellationToken));
        var options = claude.Value;
        return new ConnectorStatus(
            options.Mode.ToString(),
            options.Mode == ClaudeMode.Simulated ? "simulated organization" : options.BaseUrl,
            KeyHint.For(options.ComplianceKey), KeyHint.For(options.AdminKey),
            newest, newest is { } n ? now - n : null,
            ingestion.RetentionDays, oldest,
            await db.ActivityEvents.CountAsync(cancellationToken),
            await db.QuarantinedRecords.CountAsync(cancellationToken),
            runs, byType,
            byOrganization.Select(o => new OrganizationActivity(o.Uuid is null ? "(no organization: sign-ins, API calls)" : names.GetValueOrDefault(o.Uuid, o.Uuid), o.Count, o.Newest))
                .OrderByDescending(o => o.Events).ToList(),
            quarantined,
            blocked is null ? null : new BlockedSyncRow(blocked.RunId, blocked.At, blocked.Error, blocked.Change.Removing, blocked.Change.Total,
                blocked.Change.Limit, alerts.To),
            usage);
    }

    /// <summary>How many days the usage run read, from its details (<c>{"usage":{"days":n}}</c>).</summary>
    private static int UsageDays(string? details)
    {
        if (details is null)
        {
            return 0;
        }
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(details);
            return json.RootElement.TryGetProperty("usage", out var usage) && usage.TryGetProperty("days", out var days) ? days.GetInt32() : 0;
        }
        catch (System.Text.Json.JsonException)
        {
            return 0;
        }
    }
}

public sealed record ConnectorStatus(
    string Mode, string Endpoint, string? ComplianceKeyHint, string? AdminKeyHint,
    DateTimeOffset? NewestEventAt, TimeSpan? Lag, int RetentionDays, DateTimeOffset? OldestEventAt, int TotalEvents, int TotalQuarantined,
    IReadOnlyList<RunRow> Runs, IReadOnlyList<TypeCount> TypesLast24Hours,
    IReadOnlyList<OrganizationActivity> Organizations, IReadOnlyList<QuarantineRow> Quarantined, BlockedSyncRow? BlockedSync,
    UsageRunRow? UsageRun = null);

/// <summary>The usage ingestion's last run: its status, when, the rows it wrote over how many days, and the rows stored in all.</summary>
public sealed record UsageRunRow(IngestionRunStatus Status, DateTimeOffset StartedAt, int RowsWritten, int Days, int TotalRows);

/// <summary>The latest directory sync, blocked by the mass-change guard; <see cref="AlertedTo"/> is null when no admin alert address is set.</summary>
public sealed record BlockedSyncRow(long RunId, DateTimeOffset At, string Error, int WouldClose, int OpenGrants, int Limit, string? AlertedTo);

public sealed record RunRow(long Id, string Job, IngestionRunStatus Status, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    int Pages, int Fetched, int Stored, int Duplicates, int Quarantined, string? RequestId, string? Error, string? Details)
{
    public double? Seconds => EndedAt is { } end ? (end - StartedAt).TotalSeconds : null;
    public double? EventsPerSecond => Seconds is > 0 ? Fetched / Seconds : null;
}

public sealed record TypeCount(string Type, int Count);
public sealed record OrganizationActivity(string Organization, int Events, DateTimeOffset Newest);
public sealed record QuarantineRow(long Id, long RunId, DateTimeOffset ReceivedAt, string Reason, string Excerpt);
