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
public sealed class EvidenceRefresher(IDbContextFactory<ReviewPortalDbContext> contexts, IngestUsageJob usage, TimeProvider time,
    ILogger<EvidenceRefresher> logger)
{
    /// <param name="launchJson">The item's launch snapshot: a lifecycle micro-review keeps its rule's recommendation.</param>
    public async Task<ItemEvidence?> BuildAsync(long grantId, CampaignDefinition definition, string launchJson,
        CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var holder = await db.Grants.AsNoTracking().Where(g => g.Id == grantId)
            .Select(g => new { g.Identity.ExternalId, g.Identity.Kind }).FirstOrDefaultAsync(cancellationToken);
        if (holder is not null)
        {
            await RereadUsageAsync(holder.Kind, holder.ExternalId, cancellationToken);
        }
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
    /// The holder's usage of the evidence window is read again before the evidence is rebuilt, outside any unit of work (it is
    /// HTTP), filtered upstream to that key or that member (<see cref="IngestUsageJob.RereadAsync"/>), so their newest usage is
    /// in the rollups. A holder with no usage of their own (an Admin API key, a federated workload) has nothing to read. A read
    /// that fails (rate limited, the API down) leaves the rollups as stored: the snapshot is then as fresh as the last run,
    /// and its as-of time says when it was taken.
    /// </summary>
    private async Task RereadUsageAsync(IdentityKind kind, string externalId, CancellationToken cancellationToken)
    {
        UsageSubject? subject = kind switch
        {
            IdentityKind.ApiKey => UsageSubject.ApiKey,
            IdentityKind.Person or IdentityKind.ServiceAccount => UsageSubject.Account,
            _ => null,
        };
        if (subject is null)
        {
            return;
        }
        try
        {
            await usage.RereadAsync(subject.Value, externalId, EvidenceBuilder.Days, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Usage of {Subject} could not be re-read; the refreshed evidence uses the usage as stored", externalId);
        }
    }
}
