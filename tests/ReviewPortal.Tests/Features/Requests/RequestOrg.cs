using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Requests;

/// <summary>
/// A small organization for request tests, written straight to the portal's SQLite database.
/// Rita (manager Max) owns the key RitasKey; Pete (manager Max) owns PetesKey; Olga (manager Boss) owns the
/// prod workspace; Sam is a second owner; Fred is a named fallback approver; the IAM admin confirms manual work.
/// prod offers Developer (requestable, at most 90 days, never permanent), Viewer (requestable, permanent
/// allowed) and Admin (not requestable). Each instance is tagged, so many can share one database.
/// </summary>
public sealed class RequestOrg
{
    private RequestOrg(PortalAppFactory portal, TestOrg org) => (Portal, Org) = (portal, org);

    public PortalAppFactory Portal { get; }
    public TestOrg Org { get; }
    public Identity Boss { get; private set; } = null!;
    public Identity Max { get; private set; } = null!;
    public Identity Rita { get; private set; } = null!;
    public Identity RitasKey { get; private set; } = null!;
    public Identity Pete { get; private set; } = null!;
    public Identity PetesKey { get; private set; } = null!;
    public Identity Olga { get; private set; } = null!;
    public Identity Sam { get; private set; } = null!;
    public Identity Fred { get; private set; } = null!;
    public Resource Prod { get; private set; } = null!;
    public Entitlement Developer { get; private set; } = null!;
    public Entitlement Viewer { get; private set; } = null!;
    public Entitlement ProdAdmin { get; private set; } = null!;

    public static async Task<RequestOrg> CreateAsync(PortalAppFactory portal)
    {
        var org = new TestOrg("requests");
        var o = new RequestOrg(portal, org);
        o.Boss = org.Person("Boss");
        o.Max = org.Person("Max", manager: o.Boss);
        o.Rita = org.Person("Rita", manager: o.Max);
        o.RitasKey = org.Key("ritas-pipeline", o.Rita, kind: IdentityKind.ServiceAccount);
        o.Pete = org.Person("Pete", manager: o.Max);
        o.PetesKey = org.Key("petes-key", o.Pete);
        o.Olga = org.Person("Olga", manager: o.Boss);
        o.Sam = org.Person("Sam", manager: o.Boss);
        o.Fred = org.Person("Fred", manager: o.Boss);
        o.Prod = org.Workspace("prod", o.Olga);
        o.Developer = Requestable(org.Role(o.Prod, "workspace_developer"), maxDays: 90, permanent: false);
        o.Viewer = Requestable(org.Role(o.Prod, "workspace_user"), maxDays: null, permanent: true);
        o.ProdAdmin = org.Role(o.Prod, "workspace_admin", privileged: true);
        await org.SaveAsync(portal);
        return o;
    }

    private static Entitlement Requestable(Entitlement entitlement, int? maxDays, bool permanent)
    {
        entitlement.IsRequestable = true;
        entitlement.MaxDurationDays = maxDays;
        entitlement.AllowsPermanent = permanent;
        return entitlement;
    }

    public Viewer As(Identity identity, params string[] roles) => TestOrg.Viewer(identity, roles);

    /// <summary>A fresh requestable role on prod with its own approval policy (so tests don't share policies).</summary>
    public async Task<Entitlement> RoleWithPolicyAsync(ApprovalFlow flow, Identity? second = null, Identity? fallback = null, int escalateAfterDays = 3)
    {
        await using var db = await Portal.CreateDbContextAsync();
        var entitlement = new Entitlement
        {
            ResourceId = Prod.Id, Kind = EntitlementKind.WorkspaceRole, Value = $"custom_{Guid.NewGuid():N}"[..20],
            DisplayName = $"{Prod.Name}: custom {Guid.NewGuid():N}"[..40], IsRequestable = true, MaxDurationDays = 90, AllowsPermanent = false,
        };
        db.Entitlements.Add(entitlement);
        await db.SaveChangesAsync();
        db.ApprovalPolicies.Add(new ApprovalPolicy
        {
            EntitlementId = entitlement.Id, Flow = flow, SecondApproverId = second?.Id, FallbackApproverId = fallback?.Id,
            EscalateAfterDays = escalateAfterDays,
        });
        await db.SaveChangesAsync();
        return entitlement;
    }

    public static SubmitAccessRequest.Command Command(Entitlement entitlement, Identity beneficiary, int? days = 30,
        string justification = "Deploying the evaluation pipeline for the Q1 launch.") =>
        new() { EntitlementId = entitlement.Id, BeneficiaryId = beneficiary.Id, DurationDays = days, Justification = justification };

    public Task<Result<long>> SubmitAsync(Identity requester, SubmitAccessRequest.Command command) =>
        Portal.GetRequiredService<SubmitAccessRequest>().HandleAsync(As(requester), command, $"test-{Guid.NewGuid():N}");

    /// <summary>Submits and insists it was accepted.</summary>
    public async Task<long> SubmitOkAsync(Identity requester, Entitlement entitlement, Identity? beneficiary = null, int? days = 30)
    {
        var result = await SubmitAsync(requester, Command(entitlement, beneficiary ?? requester, days));
        Assert.Null(result.Refusal);
        return result.Value;
    }

    /// <param name="version">The step's version as the approver's page showed it; by default, as it is now (a page just loaded).</param>
    public async Task<Result<ApprovalResult>> DecideAsync(Viewer viewer, long stepId, bool approve = true, string? comment = null, int? version = null) =>
        await Portal.GetRequiredService<DecideApproval>().HandleAsync(viewer,
            new DecideApproval.Command(stepId, approve, comment, version ?? await VersionAsync(stepId)), $"test-{Guid.NewGuid():N}");

    /// <summary>The step's version now, as a freshly loaded approvals page shows it (0 for a step that does not exist).</summary>
    public async Task<int> VersionAsync(long stepId)
    {
        await using var db = await Portal.CreateDbContextAsync();
        return await db.ApprovalSteps.Where(s => s.Id == stepId).Select(s => s.Version).FirstOrDefaultAsync();
    }

    public async Task<AccessRequest> RequestAsync(long requestId)
    {
        await using var db = await Portal.CreateDbContextAsync();
        var request = await db.AccessRequests.AsNoTracking().Include(r => r.Steps).SingleAsync(r => r.Id == requestId);
        request.Steps = [.. request.Steps.OrderBy(s => s.Order)];
        return request;
    }

    public async Task<ApprovalStep> StepAsync(long requestId, int order) => (await RequestAsync(requestId)).Steps.Single(s => s.Order == order);

    /// <summary>Counts that must not move when input is refused: requests, steps and audit entries in the whole database.</summary>
    public async Task<(int Requests, int Steps, long Audit)> CountsAsync()
    {
        await using var db = await Portal.CreateDbContextAsync();
        return (await db.AccessRequests.CountAsync(), await db.ApprovalSteps.CountAsync(), await db.AuditEntries.LongCountAsync());
    }

    public async Task<List<AuditEntry>> AuditAsync(string action, string targetType, string targetId)
    {
        await using var db = await Portal.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == action && e.TargetType == targetType && e.TargetId == targetId)
            .OrderBy(e => e.Sequence).ToListAsync();
    }
}
