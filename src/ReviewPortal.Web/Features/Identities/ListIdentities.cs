using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Identities;

/// <summary>A server-side page of the identities the viewer may read, searchable by name or email.</summary>
public sealed class ListIdentities(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    /// <param name="DormantKeysOnly">Only active API keys unused for <see cref="DormantApiKeys.After"/> (the home page's card).</param>
    public sealed record Query(string? Search, IdentityKind? Kind, int Page, int PageSize, bool DormantKeysOnly = false);

    public async Task<Result<(IReadOnlyList<IdentityRow> Rows, int Total)>> HandleAsync(Viewer viewer, Query query,
        CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var identities = db.Identities.AsNoTracking().VisibleTo(viewer);
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim().ToLower();
            identities = identities.Where(i => i.DisplayName.ToLower().Contains(term)
                || (i.Email != null && i.Email.Contains(term)) || i.ExternalId.Contains(term));
        }
        if (query.Kind is { } kind)
        {
            identities = identities.Where(i => i.Kind == kind);
        }
        if (query.DormantKeysOnly)
        {
            identities = identities.WhereDormantApiKey(db.UsageRollups, time.GetUtcNow());
        }
        var total = await identities.CountAsync(cancellationToken);
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var rows = await identities
            .OrderBy(i => i.DisplayName).ThenBy(i => i.Id)
            .Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize)
            .Select(i => new IdentityRow(i.Id, i.Kind, i.DisplayName, i.Email, i.Department,
                i.Manager != null ? i.Manager.DisplayName : null, i.Owner != null ? i.Owner.DisplayName : null,
                i.EmploymentStatus, i.Status, i.LastActiveAt,
                i.Grants.Count(g => g.EndedAt == null)))
            .ToListAsync(cancellationToken);
        return (rows, total);
    }
}

public sealed record IdentityRow(int Id, IdentityKind Kind, string DisplayName, string? Email, string? Department,
    string? Manager, string? Owner, EmploymentStatus EmploymentStatus, string Status, DateTimeOffset? LastActiveAt, int OpenGrants);
