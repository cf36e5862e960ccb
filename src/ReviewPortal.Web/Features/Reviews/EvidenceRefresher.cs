using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// One item's evidence built again as of now, the way the launch built it (<see cref="EvidenceBuilder"/> over the same
/// grant): what "Refresh evidence" stores as a new snapshot. Null when the grant is no longer held.
/// </summary>
public sealed class EvidenceRefresher(IDbContextFactory<ReviewPortalDbContext> contexts, IngestUsageJob usage, TimeProvider time)
{
    /// <param name="launchJson">The item's launch snapshot: a lifecycle micro-review keeps its rule's recommendation.</param>
    public async Task<ItemEvidence?> BuildAsync(long grantId, CampaignDefinition definition, string launchJson,
        CancellationToken cancellationToken)
    {
        await RereadUsageAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var grant = await CampaignScope.Select(db, definition with { Activity = ActivityFilter.All, ResourceIds = [], Departments = [], Roles = [] }, now)
            .FirstOrDefaultAsync(g => g.GrantId == grantId, cancellationToken);
        if (grant is null)
        {
            return null;
        }
        var evidence = (await EvidenceBuilder.LoadAsync(db, [grant], now, cancellationToken)).Build(grant);
        // A lifecycle micro-review asks the rule's question (departed owner, dormant key); the general recommender
        // would answer another one, so the refreshed evidence keeps the rule's recommendation next to today's figures.
        if (definition.LifecycleRule is not null && ItemEvidence.FromJson(launchJson) is { } opened)
        {
            evidence = evidence with { Recommendation = opened.Recommendation };
        }
        return evidence;
    }

    /// <summary>
    /// Usage is re-read before the evidence is rebuilt, outside any unit of work (it is HTTP): the usage ingestion's own
    /// catch-up, which reads again the last days upstream may still revise, so the holder's newest usage is in the rollups.
    /// The usage report has no per-identity read that would be cheaper for a key than the day's page. A run that cannot
    /// read (rate limited, another node's run holding the lease, the API down) leaves the rollups as stored: the snapshot
    /// is then as fresh as the last run, and its as-of time says when it was taken.
    /// </summary>
    private async Task RereadUsageAsync(CancellationToken cancellationToken)
    {
        try
        {
            await usage.RunAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The run recorded and logged its failure; the refresh goes on with the rollups as stored.
        }
    }
}
