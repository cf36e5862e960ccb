using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Requests;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Setup;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Setup;

/// <summary>
/// <see cref="RequestOrg"/> plus a second workspace, staging (owned by Olga, requestable Staging dev), and policies saved
/// through the real handler by the org's admin. The default policy is one per database: a test that sets it has its own portal.
/// </summary>
public sealed class PolicyOrg
{
    private PolicyOrg(RequestOrg requests) => Requests = requests;

    public RequestOrg Requests { get; }
    public Resource Staging { get; private set; } = null!;
    public Entitlement StagingDev { get; private set; } = null!;
    public Viewer Admin => Requests.Org.AdminViewer;

    public static async Task<PolicyOrg> CreateAsync(Tests.Infrastructure.PortalAppFactory portal)
    {
        var o = new PolicyOrg(await RequestOrg.CreateAsync(portal));
        await using var db = await portal.CreateDbContextAsync();
        o.Staging = new Resource
        {
            ExternalId = $"res_{o.Requests.Org.Tag}_staging", Kind = ResourceKind.Workspace, Platform = Platform.ClaudeConsole,
            Name = $"{o.Requests.Org.Tag} staging", ParentId = o.Requests.Org.Organization.Id, OwnerId = o.Requests.Olga.Id, CreatedAt = RequestOrgNow,
        };
        o.StagingDev = new Entitlement
        {
            Resource = o.Staging, Kind = EntitlementKind.WorkspaceRole, Value = "workspace_developer", DisplayName = $"{o.Staging.Name}: developer",
            IsRequestable = true, MaxDurationDays = 90, AllowsPermanent = false,
        };
        db.Entitlements.Add(o.StagingDev);
        await db.SaveChangesAsync();
        return o;
    }

    private static DateTimeOffset RequestOrgNow => Tests.Infrastructure.PortalAppFactory.Now;

    public static SaveApprovalPolicy.Command ForEntitlement(Entitlement entitlement, ApprovalFlow flow, Identity? second = null, Identity? fallback = null,
        int escalateAfterDays = 3, int? maxDays = null, int? expectedVersion = null) => new()
        {
            Scope = ApprovalPolicyScope.Entitlement, EntitlementId = entitlement.Id, Flow = flow, SecondApproverId = second?.Id,
            FallbackApproverId = fallback?.Id, EscalateAfterDays = escalateAfterDays, MaxDurationDays = maxDays, ExpectedVersion = expectedVersion,
        };

    public static SaveApprovalPolicy.Command ForResource(Resource resource, ApprovalFlow flow, Identity? second = null, Identity? fallback = null,
        int escalateAfterDays = 3, int? maxDays = null, int? expectedVersion = null) => new()
        {
            Scope = ApprovalPolicyScope.Resource, ResourceId = resource.Id, Flow = flow, SecondApproverId = second?.Id,
            FallbackApproverId = fallback?.Id, EscalateAfterDays = escalateAfterDays, MaxDurationDays = maxDays, ExpectedVersion = expectedVersion,
        };

    public static SaveApprovalPolicy.Command Default(ApprovalFlow flow, Identity? second = null, Identity? fallback = null, int? expectedVersion = null) => new()
    {
        Scope = ApprovalPolicyScope.Default, Flow = flow, SecondApproverId = second?.Id, FallbackApproverId = fallback?.Id, ExpectedVersion = expectedVersion,
    };

    public Task<Result<SetupResult>> SaveAsync(SaveApprovalPolicy.Command command, Viewer? viewer = null) =>
        Requests.Portal.GetRequiredService<SaveApprovalPolicy>().HandleAsync(viewer ?? Admin, command, $"test-{Guid.NewGuid():N}");

    public async Task SaveOkAsync(SaveApprovalPolicy.Command command)
    {
        var result = await SaveAsync(command);
        Assert.True(result.Value?.Status == SetupStatus.Saved, result.Refusal?.Message);
    }

    public async Task<Result<SetupResult>> RemoveAsync(ApprovalPolicyScope scope, int? entitlementId, int? resourceId, Viewer? viewer = null)
    {
        await using var db = await Requests.Portal.CreateDbContextAsync();
        var policy = await db.ApprovalPolicies.AsNoTracking().SingleAsync(p => p.Scope == scope && p.EntitlementId == entitlementId && p.ResourceId == resourceId);
        return await Requests.Portal.GetRequiredService<RemoveApprovalPolicy>().HandleAsync(viewer ?? Admin,
            new RemoveApprovalPolicy.Command(policy.Id, policy.Version), $"test-{Guid.NewGuid():N}");
    }

    /// <summary>Who the submitted request's steps went to, in order.</summary>
    public async Task<List<(ApproverKind Kind, int Approver)>> RouteAsync(Identity requester, Entitlement entitlement)
    {
        var request = await Requests.RequestAsync(await Requests.SubmitOkAsync(requester, entitlement));
        return request.Steps.Select(s => (s.ApproverKind, s.ApproverId)).ToList();
    }
}
