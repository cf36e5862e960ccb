using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Requests;

namespace ReviewPortal.Tests.Features.Requests;

public sealed class EscalationRegressionTests
{
    [Fact]
    public async Task Escalate_ManagersManagerOwnsResource_DoesNotGiveSamePersonTwoSteps()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await RequestOrg.CreateAsync(portal);
        Entitlement role;
        await using (var db = await portal.CreateDbContextAsync())
        {
            var ws = new Resource { ExternalId = $"res_{org.Org.Tag}_boss", Kind = ResourceKind.Workspace, Platform = Platform.ClaudeConsole,
                Name = $"{org.Org.Tag} boss-ws", ParentId = org.Org.Organization.Id, OwnerId = org.Boss.Id, CreatedAt = PortalAppFactory.Now };
            role = new Entitlement { Resource = ws, Kind = EntitlementKind.WorkspaceRole, Value = "workspace_developer", DisplayName = "boss-ws: dev",
                IsRequestable = true, MaxDurationDays = 90, AllowsPermanent = false };
            db.Entitlements.Add(role);
            await db.SaveChangesAsync();
        }
        var id = await org.SubmitOkAsync(org.Rita, role);
        Assert.Equal([org.Max.Id, org.Boss.Id], (await org.RequestAsync(id)).Steps.Select(s => s.ApproverId));
        portal.Time.Advance(TimeSpan.FromDays(3));

        await portal.GetRequiredService<EscalateApprovalsJob>().RunAsync();

        var steps = (await org.RequestAsync(id)).Steps;
        Assert.NotEqual(steps[1].ApproverId, steps[0].ApproverId);
    }
}
