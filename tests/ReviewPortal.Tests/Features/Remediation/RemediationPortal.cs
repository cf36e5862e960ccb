using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Simulation;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Features.Remediation;

namespace ReviewPortal.Tests.Features.Remediation;

/// <summary>An Admin API request as it left the client (one per attempt), with the simulated API's answer.</summary>
public sealed record WireCall(string Method, string Path, string? Body, int Status);

/// <summary>
/// The seeded portal for remediation tests: the client's own retries are off (their waits run on the frozen fake
/// clock and would hang under injected 429/5xx), so one faulted request is one failed attempt of the job; and every
/// Admin API request is recorded on the wire, below the retry and budget handlers.
/// </summary>
public sealed class RemediationPortal(int maxAttempts = 8) : PortalAppFactory
{
    private readonly List<WireCall> _calls = [];

    /// <summary>Admin API calls that change something (POST/DELETE), in order.</summary>
    public IReadOnlyList<WireCall> Mutations
    {
        get
        {
            lock (_calls)
            {
                return _calls.Where(c => c.Method != "GET").ToList();
            }
        }
    }

    public void ClearCalls()
    {
        lock (_calls)
        {
            _calls.Clear();
        }
    }

    public SimulationFaults Faults => Services.GetRequiredService<SimulationFaults>();
    public IAdminClient Admin => GetRequiredService<IAdminClient>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var settings = new Dictionary<string, string?>
        {
            ["Claude:Retry:MaxRetryAttempts"] = "0",
            ["Remediation:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
        builder.ConfigureTestServices(services =>
            services.AddHttpClient<IAdminClient, AdminClient>().AddHttpMessageHandler(() => new RecordingHandler(this)));
    }

    public Task<RemediationRunResult> RunRemediationAsync() => GetRequiredService<ExecuteRemediationJob>().RunAsync();

    /// <summary>A directory sync a minute later (the simulated API's per-minute budget starts afresh, as it would in real time).</summary>
    public async Task<IngestionRun> SyncAsync()
    {
        Time.Advance(TimeSpan.FromMinutes(1));
        var run = await GetRequiredService<SyncDirectoryJob>().RunAsync();
        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        return run;
    }

    public async Task<Grant> GrantAsync(Func<IQueryable<Grant>, IQueryable<Grant>> filter)
    {
        await using var db = await CreateDbContextAsync();
        return await filter(db.Grants.AsNoTracking().Include(g => g.Identity).Include(g => g.Entitlement).ThenInclude(e => e.Resource)
                .Where(g => g.EndedAt == null))
            .OrderBy(g => g.Id).FirstAsync();
    }

    /// <summary>An open workspace grant with the given role, held by a person who is not an org admin or billing member.</summary>
    public Task<Grant> WorkspaceGrantAsync(string role, int skip = 0) => GrantAsync(q => q
        .Where(g => g.Entitlement.Kind == EntitlementKind.WorkspaceRole && g.Entitlement.Value == role
            && g.Entitlement.Resource.ExternalId.StartsWith("wrkspc_") && g.Identity.ExternalId.StartsWith("user_")
            && !q.Any(o => o.IdentityId == g.IdentityId && o.EndedAt == null && o.Entitlement.Kind == EntitlementKind.OrgRole
                && (o.Entitlement.Value == "admin" || o.Entitlement.Value == "billing")))
        .OrderBy(g => g.Id).Skip(skip));

    public Task<Grant> ConsoleRoleGrantAsync(string role, int skip = 0) => GrantAsync(q => q
        .Where(g => g.Entitlement.Kind == EntitlementKind.OrgRole && g.Entitlement.Value == role
            && g.Entitlement.Resource.Platform == Platform.ClaudeConsole)
        .OrderBy(g => g.Id).Skip(skip));

    public Task<Grant> ActiveKeyGrantAsync(int skip = 0) => GrantAsync(q => q
        .Where(g => g.Entitlement.Kind == EntitlementKind.ApiKey && g.Identity.ExternalId.StartsWith("apikey_")
            && !g.Identity.ExternalId.Contains("Sim"))
        .OrderBy(g => g.Id).Skip(skip));

    public async Task<long> CreateTaskAsync(Grant grant, RemediationAction action, string? target = null)
    {
        await using var db = await CreateDbContextAsync();
        var task = new RemediationTask
        {
            GrantId = grant.Id, Action = action, TargetValue = target, Status = RemediationStatus.Pending,
            CreatedAt = Time.GetUtcNow(), NextAttemptAt = Time.GetUtcNow(),
        };
        db.RemediationTasks.Add(task);
        await db.SaveChangesAsync();
        return task.Id;
    }

    public async Task<RemediationTask> TaskAsync(long id)
    {
        await using var db = await CreateDbContextAsync();
        return await db.RemediationTasks.AsNoTracking().SingleAsync(t => t.Id == id);
    }

    public async Task<List<AuditEntry>> AuditAsync(long taskId, string? action = null)
    {
        await using var db = await CreateDbContextAsync();
        var id = taskId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.AuditEntries.AsNoTracking()
            .Where(e => e.TargetType == nameof(RemediationTask) && e.TargetId == id && (action == null || e.Action == action))
            .OrderBy(e => e.Sequence).ToListAsync();
    }

    public async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }
        return list;
    }

    private sealed class RecordingHandler(RemediationPortal portal) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            var response = await base.SendAsync(request, cancellationToken);
            lock (portal._calls)
            {
                portal._calls.Add(new WireCall(request.Method.Method, request.RequestUri!.AbsolutePath, body, (int)response.StatusCode));
            }
            return response;
        }
    }
}
