using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>
/// The admin's fulfilment queue: approved requests the API could not provision (to do by hand), and those whose
/// provisioning failed and is being retried automatically (visible, with when and why, but nothing to do yet). Not those
/// simply waiting for their start date.
/// </summary>
public sealed class ListAwaitingFulfilment(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<Result<IReadOnlyList<AwaitingFulfilment>>> HandleAsync(Viewer viewer, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "fulfil access by hand") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.AccessRequests.AsNoTracking()
            .Where(r => r.Status == AccessRequestStatus.Approved && (r.ProvisionAt == null || r.ProvisionAttempts > 0))
            .OrderBy(r => r.RequestedAt)
            .Select(r => new AwaitingFulfilment(r.Id, r.Beneficiary.DisplayName, r.BeneficiaryId, r.Entitlement.DisplayName, r.FulfilmentNote,
                r.ProvisionAt))
            .ToListAsync(cancellationToken);
    }
}

/// <param name="RetryingAt">Set while the portal is still provisioning it (next attempt then): nothing to confirm by hand yet.</param>
public sealed record AwaitingFulfilment(long RequestId, string Beneficiary, int BeneficiaryId, string Entitlement, string? Note,
    DateTimeOffset? RetryingAt = null);
