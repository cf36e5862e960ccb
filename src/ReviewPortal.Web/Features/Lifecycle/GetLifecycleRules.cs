using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Lifecycle;

/// <summary>The lifecycle rules as configured (defaults where never saved) and what each last run opened. Admin and Compliance.</summary>
public sealed class GetLifecycleRules(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<Result<LifecycleRulesView>> HandleAsync(Viewer viewer, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsAndCompliance(viewer, "can see the lifecycle rules") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var saved = await db.LifecycleRules.AsNoTracking()
            .Select(r => new
            {
                Rule = r,
                UpdatedBy = db.Identities.Where(i => i.Id == r.UpdatedById).Select(i => i.DisplayName).FirstOrDefault(),
                Campaign = db.Campaigns.Where(c => c.Id == r.LastCampaignId)
                    .Select(c => new LastMicroReview(c.Id, c.Name, c.Status, c.Items.Count, c.Items.Count(i => i.Outcome != null))).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var rules = LifecycleRule.Keys.Select(key =>
        {
            var row = saved.FirstOrDefault(s => s.Rule.Key == key);
            var rule = row?.Rule ?? LifecycleRule.Default(key);
            return new LifecycleRuleView(key, rule.Enabled, rule.DormantDays, rule.ReviewDays, row is null ? null : rule.UpdatedAt, row?.UpdatedBy,
                rule.LastRunAt, rule.LastRunOpened, row?.Campaign);
        }).ToList();
        return new LifecycleRulesView(rules, viewer.IsAdmin);
    }
}

public sealed record LifecycleRulesView(IReadOnlyList<LifecycleRuleView> Rules, bool CanEdit)
{
    public LifecycleRuleView this[string key] => Rules.Single(r => r.Key == key);

    public UpdateLifecycleRules.Command ToCommand() => new()
    {
        DepartedOwnerEnabled = this[LifecycleRule.DepartedOwner].Enabled,
        DepartedOwnerReviewDays = this[LifecycleRule.DepartedOwner].ReviewDays,
        DormantKeysEnabled = this[LifecycleRule.DormantKeys].Enabled,
        DormantDays = this[LifecycleRule.DormantKeys].DormantDays,
        DormantKeysReviewDays = this[LifecycleRule.DormantKeys].ReviewDays,
    };
}

public sealed record LifecycleRuleView(string Key, bool Enabled, int DormantDays, int ReviewDays, DateTimeOffset? UpdatedAt, string? UpdatedBy,
    DateTimeOffset? LastRunAt, int LastRunOpened, LastMicroReview? LastCampaign);

public sealed record LastMicroReview(int Id, string Name, CampaignStatus Status, int Items, int Decided);
