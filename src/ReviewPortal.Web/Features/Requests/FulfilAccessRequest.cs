using ReviewPortal.Web.Components.Shared;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>
/// Provisions an approved request: workspace roles for people through the Admin API (add the
/// member, or change the role of an existing one); everything the API cannot create (API keys,
/// seats, org roles, groups) becomes a manual step for an admin. The grant records the request,
/// and its history the request and every approval: the trail reviewers see later.
/// </summary>
public sealed class FulfilAccessRequest(IDbContextFactory<ReviewPortalDbContext> contexts, IAdminClient admin, TimeProvider time,
    ILogger<FulfilAccessRequest> logger)
{
    public async Task HandleAsync(long requestId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var request = await db.AccessRequests.Include(r => r.Entitlement).ThenInclude(e => e.Resource)
            .Include(r => r.Beneficiary).Include(r => r.Requester).Include(r => r.Steps).ThenInclude(s => s.Approver)
            .FirstAsync(r => r.Id == requestId, cancellationToken);
        if (request.Status != AccessRequestStatus.Approved || await db.Grants.AnyAsync(g => g.AccessRequestId == requestId, cancellationToken))
        {
            return; // Already fulfilled (a retry after success does nothing).
        }
        var entitlement = request.Entitlement;
        if (request.StartsAt > time.GetUtcNow())
        {
            // Approved ahead of its start date: ProvisionScheduledRequestsJob comes back for it then.
            request.ProvisionAt = request.StartsAt;
            request.FulfilmentNote = $"Starts {request.StartsAt:yyyy-MM-dd}: provisioned automatically on that day.";
            db.Audit(actor, "request.fulfilment-scheduled", request, after: new { request.StartsAt }, identityId: request.BeneficiaryId);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        request.ProvisionAt = null;
        string? note;
        var provisioned = false;
        if (entitlement.Kind == EntitlementKind.WorkspaceRole && request.Beneficiary.Kind == IdentityKind.Person
            && request.Beneficiary.ExternalId.StartsWith("user_", StringComparison.Ordinal))
        {
            try
            {
                await ProvisionWorkspaceRoleAsync(entitlement.Resource.ExternalId, request.Beneficiary.ExternalId, entitlement.Value, cancellationToken);
                provisioned = true;
                note = $"Added to workspace {entitlement.Resource.Name} as {entitlement.Value} through the Admin API.";
            }
            catch (ClaudeApiException ex)
            {
                logger.LogWarning("Provisioning request {RequestId} failed: {Status} {Type}", requestId, ex.StatusCode, ex.ErrorType);
                note = $"The Admin API refused ({ex.ErrorType}: {ex.ApiMessage}). Add {request.Beneficiary.DisplayName} to {entitlement.Resource.Name} as {entitlement.Value} by hand, then confirm.";
            }
        }
        else
        {
            note = $"The Admin API cannot grant {entitlement.DisplayName}. Grant it to {request.Beneficiary.DisplayName} in the Claude console, then confirm here.";
        }

        // The note quotes the Admin API's refusal and upstream names, neither of bounded length.
        request.FulfilmentNote = MaxLengths.Truncate(note, MaxLengths.AccessRequest.FulfilmentNote);
        if (provisioned)
        {
            RecordGrant(db, request, actor, "provisioned through the Admin API");
        }
        db.Audit(actor, provisioned ? "request.fulfilled" : "request.fulfilment-manual", request, after: new { note }, identityId: request.BeneficiaryId);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Creates the grant with its trail (shared with the admin's manual confirmation).</summary>
    public void RecordGrant(ReviewPortalDbContext db, AccessRequest request, AuditActor actor, string how)
    {
        var now = time.GetUtcNow();
        var start = request.StartsAt > now ? request.StartsAt : now;
        var grant = new Grant
        {
            IdentityId = request.BeneficiaryId, EntitlementId = request.EntitlementId, GrantedAt = start,
            ExpiresAt = request.DurationDays is { } days ? start.AddDays(days) : null, Source = GrantSource.AccessRequest, AccessRequest = request,
        };
        grant.History.Add(new GrantEvent { OccurredAt = request.RequestedAt, Kind = GrantEvent.Requested, Detail = $"Requested: \"{request.Justification}\"",
            ActorDescription = request.Requester.DisplayName, ActorIdentityId = request.RequesterId });
        foreach (var step in request.Steps.Where(s => s.Status == ApprovalStatus.Approved).OrderBy(s => s.Order))
        {
            grant.History.Add(new GrantEvent { OccurredAt = step.DecidedAt ?? now, Kind = "approved",
                Detail = $"Approved (step {step.Order}, {Humanize.Approver(step.ApproverKind)}){(step.Comment is null ? "" : $": {step.Comment}")}",
                ActorDescription = step.Approver.DisplayName, ActorIdentityId = step.ApproverId });
        }
        grant.History.Add(new GrantEvent { OccurredAt = now, Kind = GrantEvent.Provisioned, Detail = how, ActorDescription = actor.Name });
        db.Grants.Add(grant);
        request.Status = AccessRequestStatus.Fulfilled;
        request.CompletedAt = now;
        db.Audit(actor, "grant.opened", grant, after: new { source = "access-request", requestId = request.Id, how, grant.ExpiresAt },
            identityId: request.BeneficiaryId);
    }

    private async Task ProvisionWorkspaceRoleAsync(string workspaceId, string userId, string role, CancellationToken cancellationToken)
    {
        try
        {
            await admin.AddWorkspaceMemberAsync(workspaceId, userId, role, cancellationToken);
        }
        catch (ClaudeApiException ex) when (ex.StatusCode is System.Net.HttpStatusCode.BadRequest or System.Net.HttpStatusCode.Conflict)
        {
            // Already a member with another role: the documented way is to update that member's role.
            await admin.UpdateWorkspaceMemberRoleAsync(workspaceId, userId, role, cancellationToken);
        }
    }
}
