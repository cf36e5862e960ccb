using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Web.Features.Demo;

/// <summary>
/// First run of the demo: the real pipeline fills the empty portal from the simulated Claude
/// organization (directory sync, then Activity Feed ingestion, then usage ingestion), then the demo personas get work.
/// </summary>
public sealed class DemoBootstrap(
    IDbContextFactory<ReviewPortalDbContext> contexts,
    SyncDirectoryJob sync,
    IngestActivityJob ingest,
    IngestUsageJob usage,
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
        var used = await usage.RunAsync(cancellationToken);
        logger.LogInformation("Demo: directory {Sync}, activity {Stored} events stored, {Rows} usage rows", synced.Details, ingested.Stored, used.Stored);

        await work.SeedAsync(cancellationToken);
    }
}
