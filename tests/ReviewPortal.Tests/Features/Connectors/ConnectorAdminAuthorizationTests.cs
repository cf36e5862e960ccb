using Hangfire;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReviewPortal.Tests.Infrastructure.Jobs;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Jobs;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// Connector health and "run now" are Admin-only in the handlers themselves: anyone else gets
/// nothing back, nothing is queued and nothing is audited.
/// </summary>
public sealed class ConnectorAdminAuthorizationTests(ConnectorAdminAuthorizationTests.Portal portal)
    : IClassFixture<ConnectorAdminAuthorizationTests.Portal>
{
    /// <summary>An ingested portal whose Hangfire client only records what would be queued.</summary>
    public sealed class Portal : ConnectorPortalFactory, IAsyncLifetime
    {
        public RecordingJobClient Jobs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<IBackgroundJobClient>();
                services.AddSingleton<IBackgroundJobClient>(Jobs);
            });
        }

        public async Task InitializeAsync()
        {
            await SyncAsync();
            await IngestAsync();
        }

        Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
    }

    public static TheoryData<string[]> NonAdmins => new() { Array.Empty<string>(), new[] { Roles.Compliance }, new[] { Roles.AppOwner }, new[] { Roles.Compliance, Roles.AppOwner } };

    private static Viewer ViewerWith(string[] roles) => new(null, "someone", roles.ToHashSet());

    [Theory]
    [MemberData(nameof(NonAdmins))]
    public async Task GetConnectorStatus_NonAdmin_IsForbidden(string[] roles)
    {
        Assert.Equal(RefusalKind.Forbidden, (await portal.GetRequiredService<GetConnectorStatus>().HandleAsync(ViewerWith(roles))).Refusal?.Kind);
    }

    [Theory]
    [MemberData(nameof(NonAdmins))]
    public async Task RunConnectorNow_NonAdmin_ReturnsNullQueuesNothingAuditsNothing(string[] roles)
    {
        var queued = portal.Jobs.Created.Count;

        var id = await portal.GetRequiredService<RunJobNow>().HandleAsync(ViewerWith(roles), IngestActivityJob.JobName, "corr-non-admin");

        Assert.Equal(RefusalKind.Forbidden, id.Refusal?.Kind);
        Assert.Equal(queued, portal.Jobs.Created.Count);
        await using var db = await portal.CreateDbContextAsync();
        Assert.False(await db.AuditEntries.AnyAsync(a => a.CorrelationId == "corr-non-admin"));
    }

    [Fact]
    public async Task RunConnectorNow_Admin_QueuesTheJobAndAuditsTheRequest()
    {
        var queued = portal.Jobs.Created.Count;

        var id = await portal.GetRequiredService<RunJobNow>().HandleAsync(ViewerWith([Roles.Admin]), SyncDirectoryJob.JobName, "corr-admin");

        Assert.True(id.Ok);
        Assert.Equal(queued + 1, portal.Jobs.Created.Count);
        Assert.Equal(typeof(SyncDirectoryJob), portal.Jobs.Created.Last().Type);
        await using var db = await portal.CreateDbContextAsync();
        var audit = await db.AuditEntries.SingleAsync(a => a.CorrelationId == "corr-admin");
        Assert.Equal("connector.run-requested", audit.Action);
    }
}
