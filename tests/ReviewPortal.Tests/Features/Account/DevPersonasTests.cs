using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Features.Account;

/// <summary>The rules that find each demo persona in the synced simulated organization.</summary>
[Collection(SeededPortalCollection.Name)]
public class DevPersonasTests(PortalAppFactory portal)
{
    [Fact]
    public async Task Engineer_SeededOrganization_IsAReportOfTheManagerWhoOwnsAnActiveNhiAndHoldsNoPortalRole()
    {
        var manager = await portal.PersonaAsync("manager");

        var engineer = await portal.PersonaAsync("engineer");

        await using var db = await portal.CreateDbContextAsync();
        var person = await db.Identities.AsNoTracking().SingleAsync(i => i.Id == engineer.IdentityId);
        Assert.Equal((IdentityKind.Person, EmploymentStatus.Active, manager.IdentityId),
            (person.Kind, person.EmploymentStatus, person.ManagerId));
        Assert.True(await db.Identities.AnyAsync(n => n.OwnerId == person.Id && n.Status == "active"
            && (n.Kind == IdentityKind.ApiKey || n.Kind == IdentityKind.ServiceAccount || n.Kind == IdentityKind.Agent)));
        Assert.Empty(engineer.Roles);
        Assert.Equal("Requester", engineer.RoleName);
    }
}
