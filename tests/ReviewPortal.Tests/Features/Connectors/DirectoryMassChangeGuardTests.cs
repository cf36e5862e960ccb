using System.Globalization;
using Hangfire;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReviewPortal.Claude;
using ReviewPortal.Tests.Infrastructure.Jobs;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// A directory sync whose upstream answer is empty or cut short would close most grants and then verify remediation
/// against the void. The guard stops it before it changes anything, records and audits a blocked run, alerts the IAM
/// team once a day, and lets an admin apply a genuine large change once.
/// </summary>
public sealed class DirectoryMassChangeGuardTests : IAsyncLifetime
{
    private readonly Portal _portal = new();

    /// <summary>The connector portal with an admin alert address and a Hangfire client that only records what is queued.</summary>
    public sealed class Portal : ConnectorPortalFactory
    {
        public const string AlertsTo = "iam-team@northwind.example";

        public RecordingJobClient Jobs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // Email options are read while services are registered: UseSetting reaches that point.
            builder.UseSetting("Email:AdminAlertsTo", AlertsTo);
            builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?> { ["Email:AdminAlertsTo"] = AlertsTo }));
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<IBackgroundJobClient>();
                services.AddSingleton<IBackgroundJobClient>(Jobs);
            });
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private static readonly Viewer Admin = new(null, "Ada Admin", new HashSet<string> { Roles.Admin });

    /// <summary>Every people listing (organization users, group members, workspace members) answered empty; keys still listed.</summary>
    private static (IComplianceClient, IAdminClient) EmptyAnswer(ConnectorPortalFactory portal) => (
        new EditedDirectoryClient(portal.Compliance) { Users = (_, _) => [], Members = (_, _) => [] },
        new EditedAdminClient(portal.Admin) { Members = (_, _) => [] });

    /// <summary>Every people listing stopped after its first few records, as a paging fault would leave it.</summary>
    private static (IComplianceClient, IAdminClient) TruncatedAnswer(ConnectorPortalFactory portal) => (
        new EditedDirectoryClient(portal.Compliance) { Users = (_, users) => users.Take(5), Members = (_, members) => members.Take(1) },
        new EditedAdminClient(portal.Admin) { Members = (_, members) => members.Take(1) });

    private Task<IngestionRun> SyncWithAsync((IComplianceClient Compliance, IAdminClient Admin) answer) =>
        _portal.SyncJobWith(answer.Compliance, admin: answer.Admin).RunAsync();

    /// <summary>Everything a sync writes about identities, resources and entitlements, to compare before and after.</summary>
    private static async Task<List<string>> DirectoryRowsAsync(ConnectorPortalFactory portal)
    {
        await using var db = await portal.CreateDbContextAsync();
        var identities = await db.Identities.AsNoTracking().OrderBy(i => i.Id)
            .Select(i => new { i.Id, i.ExternalId, i.DisplayName, i.Email, i.Status, i.EmploymentStatus, i.DepartedAt, i.LastSyncedAt, i.OwnerId, i.ManagerId, i.KeyHint })
            .ToListAsync();
        var resources = await db.Resources.AsNoTracking().OrderBy(r => r.Id).Select(r => new { r.Id, r.ExternalId, r.Name, r.ParentId, r.OwnerId }).ToListAsync();
        var entitlements = await db.Entitlements.AsNoTracking().OrderBy(e => e.Id)
            .Select(e => new { e.Id, e.ResourceId, e.Kind, e.Value, e.DisplayName, e.ReducesToId }).ToListAsync();
        return [.. identities.Select(i => $"{i}"), .. resources.Select(r => $"{r}"), .. entitlements.Select(e => $"{e}")];
    }

    /// <summary>A revoke that remediation already carried out, waiting for the next sync to verify it.</summary>
    private static async Task<long> SucceededRemediationAsync(ConnectorPortalFactory portal)
    {
        await using var db = await portal.CreateDbContextAsync();
        var grant = await db.Grants.Where(g => g.EndedAt == null && g.Entitlement.Kind == EntitlementKind.OrgRole && g.Identity.ExternalId.StartsWith("user_"))
            .OrderBy(g => g.Id).FirstAsync();
        var now = portal.Time.GetUtcNow();
        var task = new RemediationTask
        {
            GrantId = grant.Id, Action = RemediationAction.RemoveOrgUser, Status = RemediationStatus.Succeeded,
            CreatedAt = now, NextAttemptAt = now, CompletedAt = now,
        };
        db.RemediationTasks.Add(task);
        await db.SaveChangesAsync();
        return task.Id;
    }

    private async Task<RemediationTask> TaskAsync(long id)
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.RemediationTasks.AsNoTracking().SingleAsync(t => t.Id == id);
    }

    private async Task<List<OutboxEmail>> AlertsAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.OutboxEmails.AsNoTracking().Where(m => m.DeduplicationKey.StartsWith(OutboxKeys.AdminAlert)).OrderBy(m => m.Id).ToListAsync();
    }

    private async Task<List<AuditEntry>> AuditAsync(string action)
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(a => a.Action == action).OrderBy(a => a.Sequence).ToListAsync();
    }

    public static TheoryData<string> Answers => ["empty", "truncated"];

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Sync_UpstreamAnswerEmptyOrTruncated_IsBlockedAndChangesNothing(string answer)
    {
        await _portal.SyncAsync();
        var grants = await SyncDirectoryJobTests.GrantsAsync(_portal);
        var directory = await DirectoryRowsAsync(_portal);
        var taskId = await SucceededRemediationAsync(_portal);
        var auditsBefore = (await AuditAsync("grant.closed")).Count + (await AuditAsync("grant.opened")).Count;
        _portal.Time.Advance(TimeSpan.FromHours(1));

        var run = await SyncWithAsync(answer == "empty" ? EmptyAnswer(_portal) : TruncatedAnswer(_portal));

        Assert.Equal(IngestionRunStatus.Blocked, run.Status);
        var open = grants.Count(g => g.EndedAt is null);
        Assert.Matches($@"^Blocked: this sync would close \d+ of {open} open grants \(\d+ %\), more than the {open / 5} one sync may close", run.Error);
        Assert.Contains("Nothing was changed", run.Error, StringComparison.Ordinal);
        Assert.Equal(grants, await SyncDirectoryJobTests.GrantsAsync(_portal));
        Assert.Equal(directory, await DirectoryRowsAsync(_portal));
        var task = await TaskAsync(taskId);
        Assert.Equal((RemediationStatus.Succeeded, null), (task.Status, task.VerifiedAt));
        Assert.Equal(auditsBefore, (await AuditAsync("grant.closed")).Count + (await AuditAsync("grant.opened")).Count);
        var stored = await _portal.StoredRunAsync(run.Id);
        Assert.Equal((IngestionRunStatus.Blocked, run.Error), (stored.Status, stored.Error));
        var audit = Assert.Single(await AuditAsync("connector.directory-sync-blocked"));
        Assert.Equal(("IngestionRun", run.Id.ToString(CultureInfo.InvariantCulture)), (audit.TargetType, audit.TargetId));
        Assert.Contains($"\"alertedTo\":\"{Portal.AlertsTo}\"", audit.After, StringComparison.Ordinal);
        var mail = Assert.Single(await AlertsAsync());
        Assert.Equal((Portal.AlertsTo, "admin-alert:directory-mass-change:2026-11-26"), (mail.To, mail.DeduplicationKey));
        Assert.StartsWith("Directory sync blocked: it would close ", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("/admin/connectors", mail.TextBody, StringComparison.Ordinal);
    }

    /// <summary>
    /// The sync writes identities before the guard judges its grants (a chunk at a time, to keep a company's sync in
    /// bounded memory); a blocked sync must take those writes back too: no new key, no renamed one, no manager moved.
    /// </summary>
    [Fact]
    public async Task Sync_BlockedWithNewAndRenamedIdentities_WritesNoneOfThem()
    {
        await _portal.SyncAsync();
        var directory = await DirectoryRowsAsync(_portal);
        _portal.Time.Advance(TimeSpan.FromHours(1));
        var (compliance, _) = EmptyAnswer(_portal);
        var renamedAndNew = new EditedAdminClient(_portal.Admin)
        {
            Members = (_, _) => [],
            Key = k => k with { Id = $"{k.Id}_reissued", Name = $"{k.Name} (reissued)" },
        };

        var run = await SyncWithAsync((compliance, renamedAndNew));

        Assert.Equal(IngestionRunStatus.Blocked, run.Status);
        Assert.Equal(directory, await DirectoryRowsAsync(_portal));
    }

    [Fact]
    public async Task Sync_BlockedEveryHour_OneAlertMailADayButEveryRunRecordedAndAudited()
    {
        await _portal.SyncAsync();
        for (var hour = 1; hour <= 3; hour++)
        {
            _portal.Time.Advance(TimeSpan.FromHours(1));
            Assert.Equal(IngestionRunStatus.Blocked, (await SyncWithAsync(EmptyAnswer(_portal))).Status);
        }
        Assert.Single(await AlertsAsync());

        _portal.Time.Advance(TimeSpan.FromHours(12)); // the next day, 03:00 UTC

        Assert.Equal(IngestionRunStatus.Blocked, (await SyncWithAsync(EmptyAnswer(_portal))).Status);
        Assert.Equal(new[] { "admin-alert:directory-mass-change:2026-11-26", "admin-alert:directory-mass-change:2026-11-27" },
            (await AlertsAsync()).Select(m => m.DeduplicationKey));
        Assert.Equal(4, (await AuditAsync("connector.directory-sync-blocked")).Count);
    }

    [Fact]
    public async Task Sync_ClosingMoreThanTheFloorButWithinTheShare_IsApplied()
    {
        await _portal.SyncAsync();
        var open = (await SyncDirectoryJobTests.GrantsAsync(_portal)).Count(g => g.EndedAt is null);
        var options = _portal.GetRequiredService<IngestionOptions>();
        var removed = options.MaxGrantsClosedFloor + 1;
        Assert.InRange(removed, 1, open * options.MaxGrantsClosedShare);
        var org = _portal.Organization;
        // As DirectoryResyncTests: Console admins and billing members are not removed from a workspace on their own.
        var admins = org.ConsoleMembers.Where(m => m.Role is "admin" or "billing").Select(m => m.UserId).ToHashSet();
        var live = org.WorkspaceList.Where(w => w.ArchivedAt is null).Select(w => w.Id).ToHashSet();
        foreach (var member in org.WorkspaceMembers.Where(m => !admins.Contains(m.UserId) && live.Contains(m.WorkspaceId)).Take(removed).ToList())
        {
            await _portal.Admin.RemoveWorkspaceMemberAsync(member.WorkspaceId, member.UserId);
        }
        _portal.Time.Advance(TimeSpan.FromHours(1));

        var run = await _portal.SyncAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        Assert.Equal((0, removed), SyncDirectoryJobTests.Counts(run));
        Assert.Empty(await AlertsAsync());
    }

    [Fact]
    public async Task GetConnectorStatus_LatestSyncBlocked_ShowsWhyWhatWasAlertedAndWhatApplyingWouldClose()
    {
        await _portal.SyncAsync();
        _portal.Time.Advance(TimeSpan.FromHours(1));
        var run = await SyncWithAsync(EmptyAnswer(_portal));

        var status = (await _portal.GetRequiredService<GetConnectorStatus>().HandleAsync(Admin)).Value;

        var blocked = status!.BlockedSync;
        Assert.NotNull(blocked);
        Assert.Equal((run.Id, run.Error, Portal.AlertsTo), (blocked.RunId, blocked.Error, blocked.AlertedTo));
        Assert.True(blocked.WouldClose > blocked.Limit);
        Assert.Equal(blocked.OpenGrants / 5, blocked.Limit);
        Assert.Contains(status.Runs, r => r.Id == run.Id && r.Status == IngestionRunStatus.Blocked && r.Error == run.Error);

        _portal.Time.Advance(TimeSpan.FromHours(1));
        await _portal.SyncAsync(); // upstream answers in full again

        Assert.Null((await _portal.GetRequiredService<GetConnectorStatus>().HandleAsync(Admin)).Value!.BlockedSync);
    }

    [Fact]
    public async Task ApplyAnyway_Admin_QueuesOneSyncApprovedForTheBlockedChange_WhichClosesTheGrantsAndVerifies()
    {
        await _portal.SyncAsync();
        var taskId = await SucceededRemediationAsync(_portal);
        _portal.Time.Advance(TimeSpan.FromHours(1));
        var blocked = await SyncWithAsync(EmptyAnswer(_portal));
        var wouldClose = (await _portal.GetRequiredService<GetConnectorStatus>().HandleAsync(Admin)).Value!.BlockedSync!.WouldClose;

        var result = await _portal.GetRequiredService<ApplyBlockedSync>().HandleAsync(Admin, blocked.Id, "corr-apply");

        Assert.True(result.Ok);
        var queued = Assert.Single(_portal.Jobs.Created);
        Assert.Equal((typeof(SyncDirectoryJob), nameof(SyncDirectoryJob.RunApprovedAsync)), (queued.Type, queued.Method.Name));
        Assert.Equal(new object[] { blocked.Id, wouldClose }, queued.Args.Take(2));
        var approval = Assert.Single(await AuditAsync(ApplyBlockedSync.AuditAction));
        Assert.Equal(("Ada Admin", "corr-apply", "IngestionRun", blocked.Id.ToString(CultureInfo.InvariantCulture)),
            (approval.Actor, approval.CorrelationId, approval.TargetType, approval.TargetId));

        // What Hangfire runs; upstream still answers the same.
        _portal.Time.Advance(TimeSpan.FromMinutes(1));
        var (compliance, admin) = EmptyAnswer(_portal);
        var applied = await _portal.SyncJobWith(compliance, admin: admin).RunApprovedAsync(blocked.Id, wouldClose);

        Assert.Equal(IngestionRunStatus.Succeeded, applied.Status);
        Assert.Equal(wouldClose, SyncDirectoryJobTests.Counts(applied).Closed);
        Assert.Equal(RemediationStatus.Verified, (await TaskAsync(taskId)).Status);
        var audit = Assert.Single(await AuditAsync("connector.directory-sync"), a => a.TargetId == applied.Id.ToString(CultureInfo.InvariantCulture));
        Assert.Contains($"\"approvedRun\":{blocked.Id}", audit.After, StringComparison.Ordinal);
        Assert.Null((await _portal.GetRequiredService<GetConnectorStatus>().HandleAsync(Admin)).Value!.BlockedSync);
    }

    [Fact]
    public async Task ApprovedSync_UpstreamNowSaysEvenLess_IsBlockedAgain()
    {
        await _portal.SyncAsync();
        _portal.Time.Advance(TimeSpan.FromHours(1));
        var blocked = await SyncWithAsync(TruncatedAnswer(_portal));
        var approved = (await _portal.GetRequiredService<GetConnectorStatus>().HandleAsync(Admin)).Value!.BlockedSync!.WouldClose;
        var grants = await SyncDirectoryJobTests.GrantsAsync(_portal);

        var (compliance, admin) = EmptyAnswer(_portal);
        var run = await _portal.SyncJobWith(compliance, admin: admin).RunApprovedAsync(blocked.Id, approved);

        Assert.Equal(IngestionRunStatus.Blocked, run.Status);
        Assert.Equal(grants, await SyncDirectoryJobTests.GrantsAsync(_portal));
        var again = (await _portal.GetRequiredService<GetConnectorStatus>().HandleAsync(Admin)).Value!.BlockedSync!;
        Assert.Equal((run.Id, approved), (again.RunId, again.Limit));
        Assert.True(again.WouldClose > approved);
    }

    public static TheoryData<string[]> NonAdmins => [[], [Roles.Compliance], [Roles.AppOwner]];

    [Theory]
    [MemberData(nameof(NonAdmins))]
    public async Task ApplyAnyway_NonAdmin_QueuesNothingAuditsNothing(string[] roles)
    {
        await _portal.SyncAsync();
        _portal.Time.Advance(TimeSpan.FromHours(1));
        var blocked = await SyncWithAsync(EmptyAnswer(_portal));

        var result = await _portal.GetRequiredService<ApplyBlockedSync>().HandleAsync(new Viewer(null, "someone", roles.ToHashSet()), blocked.Id, "corr-non-admin");

        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
        Assert.Empty(_portal.Jobs.Created);
        await using var db = await _portal.CreateDbContextAsync();
        Assert.False(await db.AuditEntries.AnyAsync(a => a.CorrelationId == "corr-non-admin"));
    }

    [Fact]
    public async Task ApplyAnyway_BlockedRunNoLongerTheLatestSync_QueuesNothing()
    {
        await _portal.SyncAsync();
        _portal.Time.Advance(TimeSpan.FromHours(1));
        var blocked = await SyncWithAsync(EmptyAnswer(_portal));
        _portal.Time.Advance(TimeSpan.FromHours(1));
        await _portal.SyncAsync();

        var result = await _portal.GetRequiredService<ApplyBlockedSync>().HandleAsync(Admin, blocked.Id, "corr-stale");

        Assert.False(result.Ok);
        Assert.Contains("no longer the latest", result.Refusal.Message, StringComparison.Ordinal);
        Assert.Empty(_portal.Jobs.Created);
        Assert.Empty(await AuditAsync(ApplyBlockedSync.AuditAction));
    }
}

/// <summary>Without <c>Email:AdminAlertsTo</c> a blocked sync queues no mail: the Connectors page and the audit entry are the alert.</summary>
public sealed class DirectoryMassChangeWithoutAlertAddressTests : IAsyncLifetime
{
    private readonly ConnectorPortalFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task Sync_Blocked_NoMailAndThePageSaysNoAddressIsSet()
    {
        await _portal.SyncAsync();
        _portal.Time.Advance(TimeSpan.FromHours(1));

        var run = await _portal.SyncJobWith(new EditedDirectoryClient(_portal.Compliance) { Users = (_, _) => [], Members = (_, _) => [] }).RunAsync();

        Assert.Equal(IngestionRunStatus.Blocked, run.Status);
        await using var db = await _portal.CreateDbContextAsync();
        Assert.False(await db.OutboxEmails.AnyAsync());
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == "connector.directory-sync-blocked");
        Assert.Contains("\"alertedTo\":null", audit.After, StringComparison.Ordinal);
        var status = (await _portal.GetRequiredService<GetConnectorStatus>().HandleAsync(new Viewer(null, "admin", new HashSet<string> { Roles.Admin }))).Value;
        Assert.Equal(run.Id, status!.BlockedSync!.RunId);
        Assert.Null(status.BlockedSync.AlertedTo);
    }
}
