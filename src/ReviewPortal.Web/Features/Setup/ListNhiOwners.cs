using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Setup;

/// <summary>
/// A page of non-human identities (API keys, service accounts, agents, admin keys) with their accountable owner and
/// what upstream says (the key's creator or sponsor), searchable; optionally only those whose owner is missing or has
/// left. Admin and Compliance; anyone else is refused.
/// </summary>
public sealed class ListNhiOwners(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public sealed record Query(string? Search, bool NeedsOwnerOnly, int Page, int PageSize);

    public async Task<Result<(IReadOnlyList<NhiOwnerRow> Rows, int Total)>> HandleAsync(Viewer viewer, Query query,
        CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsAndCompliance(viewer, "can see who owns what") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var nhis = db.Identities.AsNoTracking().Where(i => i.Kind != IdentityKind.Person && i.Status != "archived");
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim().ToLower();
            nhis = nhis.Where(i => i.DisplayName.ToLower().Contains(term) || i.ExternalId.Contains(term)
                || (i.Owner != null && i.Owner.DisplayName.ToLower().Contains(term)));
        }
        if (query.NeedsOwnerOnly)
        {
            nhis = nhis.Where(i => i.OwnerId == null || i.Owner!.EmploymentStatus == EmploymentStatus.Departed);
        }
        var total = await nhis.CountAsync(cancellationToken);
        var pageSize = Math.Clamp(query.PageSize, 1, 100);
        var rows = await nhis
            .OrderBy(i => i.DisplayName).ThenBy(i => i.Id)
            .Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize)
            .Select(i => new NhiOwnerRow(i.Id, i.DisplayName, i.Kind, i.Status,
                i.Owner != null ? new PersonRef(i.Owner.Id, i.Owner.DisplayName, i.Owner.EmploymentStatus) : null,
                i.UpstreamOwner != null ? new PersonRef(i.UpstreamOwner.Id, i.UpstreamOwner.DisplayName, i.UpstreamOwner.EmploymentStatus) : null,
                i.OwnerAssignedAt != null, i.OwnerVersion))
            .ToListAsync(cancellationToken);
        return (rows, total);
    }
}

public sealed record NhiOwnerRow(int Id, string Name, IdentityKind Kind, string Status, PersonRef? Owner, PersonRef? Upstream,
    bool ChosenInPortal, int Version)
{
    public string Source => SetupWords.OwnerSource(ChosenInPortal, Owner is not null);
}
