using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>The recurring campaigns, with what their last run did and when the next one is.</summary>
public sealed class ListCampaignTemplates(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<Result<IReadOnlyList<CampaignTemplateRow>>> HandleAsync(Viewer viewer, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsAndCompliance(viewer, "can see the recurring campaigns") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.CampaignTemplates.AsNoTracking().OrderBy(t => t.Name)
            .Select(t => new CampaignTemplateRow(t.Id, t.Name, t.Schedule, t.CronExpression, t.StartsOn, t.DurationDays, t.Enabled, t.NextRunAt,
                t.LastRunAt, t.LastCampaignId, t.LastRunProblem))
            .ToListAsync(cancellationToken);
    }
}

public sealed record CampaignTemplateRow(int Id, string Name, TemplateSchedule Schedule, string? CronExpression, DateOnly StartsOn, int DurationDays,
    bool Enabled, DateTimeOffset? NextRunAt, DateTimeOffset? LastRunAt, int? LastCampaignId, string? LastRunProblem);

/// <summary>A recurring campaign as the wizard edits it.</summary>
public sealed class GetCampaignTemplate(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<Result<CampaignTemplateForm>> HandleAsync(Viewer viewer, int templateId, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can edit recurring campaigns") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var t = await db.CampaignTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == templateId, cancellationToken);
        if (t is null)
        {
            return Refusal.NotFound("No such recurring campaign.");
        }
        return new CampaignTemplateForm
        {
            Id = t.Id, Version = t.Version, Name = t.Name, Schedule = t.Schedule, CronExpression = t.CronExpression, StartsOn = t.StartsOn,
            OriginalStartsOn = t.StartsOn, DurationDays = t.DurationDays, Enabled = t.Enabled, Definition = t.Definition,
        };
    }
}
