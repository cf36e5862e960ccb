using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>Approved requests the API could not provision: the admin's manual queue (not those waiting for their start date).</summary>
public sealed class ListAwaitingFulfilment(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<IReadOnlyList<AwaitingFulfilment>> HandleAsync(Viewer viewer, CancellationToken cancellationToken = default)
    {
        if (!viewer.IsAdmin)
        {
            return [];
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.AccessRequests.AsNoTracking().Where(r => r.Status == AccessRequestStatus.Approved && r.ProvisionAt == null)
            .OrderBy(r => r.RequestedAt)
            .Select(r => new AwaitingFulfilment(r.Id, r.Beneficiary.DisplayName, r.BeneficiaryId, r.Entitlement.DisplayName, r.FulfilmentNote))
            .ToListAsync(cancellationToken);
    }
}

public sealed record AwaitingFulfilment(long RequestId, string Beneficiary, int BeneficiaryId, string Entitlement, string? Note);
