using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Web.Features.Demo;

/// <summary>
/// First run of the demo: the real pipeline fills the empty portal from the simulated Claude
/// organization (directory sync, then Activity Feed ingestion), then the demo personas get work.
/// </summary>
public sealed class DemoBootstrap(
    IDbContextFactory<ReviewPortalDbContext> contexts,
    SyncDirectoryJob sync,
    IngestActivityJob ingest,
    DemoWorkSeeder work,
    ILogger<DemoBootstrap> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (await db.Campaigns.AnyAsync(cancellationToken))
            {
                return;
            }
        }
        logger.LogInformation("Demo: loading the simulated Claude organization through the connector");
        var synced = await sync.RunAsync(cancellationToken);
        var ingested = await ingest.RunAsync(cancellationToken);
        logger.LogInformation("Demo: directory {Sync}, activity {Stored} events stored", synced.Details, ingested.Stored);

        await work.SeedAsync(cancellationToken);
    }
}
