using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Setup;

/// <summary>
/// A page of Console workspaces and Enterprise organizations and groups with their owner, backup owner and the directory
/// sync's suggestion, searchable by name. Admin and Compliance; anyone else is refused.
/// </summary>
public sealed class ListResourceOwners(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public sealed record Query(string? Search, bool WithoutOwnerOnly, int Page, int PageSize);

    public async Task<Result<(IReadOnlyList<ResourceOwnersRow> Rows, int Total)>> HandleAsync(Viewer viewer, Query query,
        CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsAndCompliance(viewer, "can see who owns what") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var resources = db.Resources.AsNoTracking().Where(r => r.ArchivedAt == null);
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim().ToLower();
            resources = resources.Where(r => r.Name.ToLower().Contains(term) || r.ExternalId.Contains(term));
        }
        if (query.WithoutOwnerOnly)
        {
            resources = resources.Where(r => r.OwnerId == null || r.Owner!.EmploymentStatus == EmploymentStatus.Departed);
        }
        var total = await resources.CountAsync(cancellationToken);
        var pageSize = Math.Clamp(query.PageSize, 1, 100);
        var rows = await resources
            .OrderBy(r => r.Platform).ThenBy(r => r.Kind).ThenBy(r => r.Name).ThenBy(r => r.Id)
            .Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize)
            .Select(r => new ResourceOwnersRow(r.Id, r.Name, SetupWords.Kind(r.Kind, r.Platform), r.Parent != null ? r.Parent.Name : null,
                r.Owner != null ? new PersonRef(r.Owner.Id, r.Owner.DisplayName, r.Owner.EmploymentStatus) : null,
                r.BackupOwner != null ? new PersonRef(r.BackupOwner.Id, r.BackupOwner.DisplayName, r.BackupOwner.EmploymentStatus) : null,
                r.SuggestedOwner != null ? new PersonRef(r.SuggestedOwner.Id, r.SuggestedOwner.DisplayName, r.SuggestedOwner.EmploymentStatus) : null,
                r.OwnerAssignedAt != null, r.OwnerVersion))
            .ToListAsync(cancellationToken);
        return (rows, total);
    }
}

public sealed record ResourceOwnersRow(int Id, string Name, string Kind, string? Parent, PersonRef? Owner, PersonRef? BackupOwner,
    PersonRef? Suggested, bool ChosenInPortal, int Version)
{
    public string Source => SetupWords.OwnerSource(ChosenInPortal, Owner is not null);
}
