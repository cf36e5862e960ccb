using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// One item's evidence built again as of now, the way the launch built it (<see cref="EvidenceBuilder"/> over the same
/// grant): what "Refresh evidence" stores as a new snapshot. Null when the grant is no longer held.
/// </summary>
public sealed class EvidenceRefresher(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    /// <param name="launchJson">The item's launch snapshot: a lifecycle micro-review keeps its rule's recommendation.</param>
    public async Task<ItemEvidence?> BuildAsync(long grantId, int identityId, CampaignDefinition definition, string launchJson,
        CancellationToken cancellationToken)
    {
        await RereadUsageAsync(identityId, cancellationToken);
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
    /// Where the usage re-read plugs in (issue #16, point 1): pull this identity's usage buckets from the Claude usage
    /// report into the rollups before the evidence is rebuilt, outside any unit of work (it is an HTTP call). Until usage
    /// ingestion exists the rebuild reads what the database already holds, so this does nothing.
    /// </summary>
    public Task RereadUsageAsync(int identityId, CancellationToken cancellationToken) => Task.CompletedTask;
}
