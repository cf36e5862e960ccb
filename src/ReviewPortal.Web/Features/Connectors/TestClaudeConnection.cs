using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Models;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// An admin's "Test connection": one small read of every Claude API the portal uses, with each key, saying what works
/// and, for what does not, the API's status, error type and request id, so a missing scope shows before the first sync
/// fails on it. Reads only (nothing changes upstream); audited. The portal never calls the Compliance API's chat or file
/// endpoints (<c>ClaudeEndpointsTests</c> holds the clients to that), though the users endpoints need
/// <c>read:compliance_user_data</c>, the scope that would also allow them.
/// </summary>
public sealed class TestClaudeConnection(IComplianceClient compliance, IAdminClient admin, IOptions<ClaudeOptions> claude,
    IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    public sealed record Check(string Key, string Call, string Purpose, bool Ok, string Outcome, string? RequestId);

    public sealed record Report(string? ComplianceKeyHint, string? AdminKeyHint, IReadOnlyList<Check> Checks,
        DateTimeOffset? LastSyncSucceeded, DateTimeOffset? LastIngestSucceeded)
    {
        public bool AllOk => Checks.All(c => c.Ok);
    }

    public async Task<Result<Report>> HandleAsync(Viewer viewer, string correlationId, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can test the Claude connection") is { } refused)
        {
            return refused;
        }
        var checks = new List<Check>();
        string? organization = null, workspace = null;
        checks.Add(await CheckAsync("Compliance", "List organizations", "the directory sync", async ct =>
        {
            organization = (await FirstAsync(compliance.ListOrganizationsAsync(ct), ct))?.Uuid;
            return organization is null ? "no organization listed" : null;
        }, cancellationToken));
        if (organization is not null)
        {
            checks.Add(await CheckAsync("Compliance", "List an organization's users", "who holds access (needs read:compliance_user_data)",
                async ct => (await FirstAsync(compliance.ListOrganizationUsersAsync(organization, ct), ct)) is null ? "no user listed" : null,
                cancellationToken));
        }
        checks.Add(await CheckAsync("Compliance", "List groups", "group memberships",
            async ct => { await FirstAsync(compliance.ListGroupsAsync(ct: ct), ct); return null; }, cancellationToken));
        checks.Add(await CheckAsync("Compliance", "Read the Activity Feed", "thirty-day activity (needs read:compliance_activities)",
            async ct =>
            {
                await compliance.ListActivitiesAsync(new ActivityQuery { Limit = 1, CreatedAtGte = time.GetUtcNow().AddDays(-1) }, ct);
                return null;
            }, cancellationToken));
        checks.Add(await CheckAsync("Admin", "List workspaces", "Console workspaces", async ct =>
        {
            workspace = (await FirstAsync(admin.ListWorkspacesAsync(false, ct), ct))?.Id;
            return null;
        }, cancellationToken));
        if (workspace is not null)
        {
            checks.Add(await CheckAsync("Admin", "List a workspace's members", "workspace roles",
                async ct => { await FirstAsync(admin.ListWorkspaceMembersAsync(workspace, ct), ct); return null; }, cancellationToken));
        }
        checks.Add(await CheckAsync("Admin", "List API keys", "API keys and their owners",
            async ct => { await FirstAsync(admin.ListApiKeysAsync(null, ct), ct); return null; }, cancellationToken));
        checks.Add(await CheckAsync("Admin", "List organization users", "remediation of organization roles",
            async ct => { await FirstAsync(admin.ListUsersAsync(null, ct), ct); return null; }, cancellationToken));

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var options = claude.Value;
        var report = new Report(KeyHint.For(options.ComplianceKey), KeyHint.For(options.AdminKey), checks,
            await LastSucceededAsync(db, SyncDirectoryJob.JobName, cancellationToken),
            await LastSucceededAsync(db, IngestActivityJob.JobName, cancellationToken));
        db.Audit(new AuditActor(viewer.IdentityId, viewer.Name, time.GetUtcNow(), correlationId), "connector.connection-tested",
            new AuditTarget("Connector", "claude"), after: new { ok = report.AllOk, failed = checks.Where(c => !c.Ok).Select(c => $"{c.Key}: {c.Call}: {c.Outcome}") });
        await db.SaveChangesAsync(cancellationToken);
        return report;
    }

    /// <param name="call">Returns null when the answer is usable, else what is odd about it (the check still passes).</param>
    private static async Task<Check> CheckAsync(string key, string name, string purpose, Func<CancellationToken, Task<string?>> call,
        CancellationToken cancellationToken)
    {
        try
        {
            var note = await call(cancellationToken);
            return new Check(key, name, purpose, true, note is null ? "works" : $"works ({note})", null);
        }
        catch (ClaudeApiException api)
        {
            return new Check(key, name, purpose, false, api.Summary, api.RequestId);
        }
        catch (Exception ex) when (ClaudeFailure.Classify(ex) is { } kind)
        {
            return new Check(key, name, purpose, false, kind switch
            {
                ClaudeFailureKind.CircuitOpen => "not tried: the API failed repeatedly just before (circuit open); test again in a minute",
                ClaudeFailureKind.TimedOut => "no answer in time",
                _ => $"unreachable: {ex.Message}",
            }, null);
        }
    }

    private static async Task<T?> FirstAsync<T>(IAsyncEnumerable<T> items, CancellationToken cancellationToken) where T : class
    {
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            return item;
        }
        return null;
    }

    private static Task<DateTimeOffset?> LastSucceededAsync(ReviewPortalDbContext db, string job, CancellationToken cancellationToken) =>
        db.IngestionRuns.Where(r => r.Job == job && r.Status == IngestionRunStatus.Succeeded)
            .OrderByDescending(r => r.Id).Select(r => r.EndedAt).FirstOrDefaultAsync(cancellationToken);
}
