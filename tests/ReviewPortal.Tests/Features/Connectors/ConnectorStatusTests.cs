using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>What an admin sees on the Connectors page after a sync and an ingestion run (on SQLite).</summary>
public sealed class ConnectorStatusTests(ConnectorAdminAuthorizationTests.Portal portal) : IClassFixture<ConnectorAdminAuthorizationTests.Portal>
{
    [Fact]
    public async Task GetConnectorStatus_Admin_ReportsTheRunsAndEvents()
    {
        var status = (await portal.GetRequiredService<GetConnectorStatus>().HandleAsync(new Viewer(null, "admin", new HashSet<string> { Roles.Admin }))).Value;

        Assert.NotNull(status);
        Assert.Equal((await portal.StoredActivityIdsAsync()).Count, status.TotalEvents);
        Assert.Contains(status.Runs, r => r.Job == IngestActivityJob.JobName);
        Assert.Contains(status.Runs, r => r.Job == SyncDirectoryJob.JobName);
    }
}
