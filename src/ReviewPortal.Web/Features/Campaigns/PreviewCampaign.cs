using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>The blast radius before launch: items per reviewer, recommendations, and what silence would remove.</summary>
public sealed class PreviewCampaign(IDbContextFactory<ReviewPortalDbContext> contexts, IValidator<CampaignDefinition> validator, TimeProvider time)
{
    public async Task<Result<CampaignPreview>> HandleAsync(Viewer viewer, CampaignDefinition definition, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can plan campaigns") is { } refused)
        {
            return refused;
        }
        definition = await CampaignFallback.WithDefaultAsync(contexts, definition, cancellationToken);
        var validation = await validator.ValidateAsync(definition, cancellationToken);
        if (!validation.IsValid)
        {
            return validation.ToRefusal();
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var plan = await CampaignPlanner.PlanAsync(db, definition, time.GetUtcNow(), cancellationToken);
        var reviewerIds = plan.Items.Select(i => i.ReviewerId).Distinct().ToList();
        var names = await db.Identities.Where(i => reviewerIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.DisplayName, cancellationToken);
        return new CampaignPreview(
            plan.Items.Count,
            plan.Items.GroupBy(i => i.ReviewerId).Select(g => new ReviewerLoad(g.Key, names.GetValueOrDefault(g.Key, "?"), g.Count(),
                    g.Key == definition.FallbackReviewerId))
                .OrderByDescending(r => r.Items).ToList(),
            plan.Items.GroupBy(i => i.Evidence.Recommendation.Recommendation).ToDictionary(g => g.Key, g => g.Count()),
            plan.GrantsRemovedByDefault,
            plan.PrivilegedLostByDefault.Select(i => $"{i.Grant.IdentityName}: {i.Grant.EntitlementName}").Take(50).ToList(),
            plan.PrivilegedLostByDefault.Count,
            plan.BlockReason)
        {
            AutoKept = plan.Items.Count(i => i.AutoKeep is not null),
        };
    }
}

public sealed record CampaignPreview(
    int Items,
    IReadOnlyList<ReviewerLoad> Reviewers,
    IReadOnlyDictionary<Recommendation, int> Recommendations,
    int GrantsRemovedByDefault,
    IReadOnlyList<string> PrivilegedLostByDefault,
    int PrivilegedLostCount,
    string? LaunchBlockedReason)
{
    /// <summary>How many items the exception policy would keep at launch (the launch keeps exactly these).</summary>
    public int AutoKept { get; init; }
}

public sealed record ReviewerLoad(int ReviewerId, string Name, int Items, bool IsFallback);
