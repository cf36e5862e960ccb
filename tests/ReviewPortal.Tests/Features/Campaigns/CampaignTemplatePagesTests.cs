using System.Net;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>The recurring campaigns over HTTP: the wizard in template mode shows the next runs before saving; the list is admins' and Compliance's.</summary>
[Collection(SeededPortalCollection.Name)]
public class CampaignTemplatePagesTests(PortalAppFactory portal)
{
    [Fact]
    public async Task NewRecurringCampaign_Admin_ScheduleWithTheNextRunsBeforeSaving()
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "admin");

        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/campaigns/new?template=new"));

        Assert.Contains("data-testid=\"template-schedule\"", html);
        // Quarterly from tomorrow (the fixed clock says 26 Nov 2026): five runs, three months apart.
        Assert.Contains("Fri 27 Nov 2026 00:00 UTC · Sat 27 Feb 2027 00:00 UTC · Thu 27 May 2027 00:00 UTC · Fri 27 Aug 2027 00:00 UTC · Sat 27 Nov 2027 00:00 UTC", html);
        Assert.Contains("data-testid=\"template-save\"", html);
        Assert.DoesNotContain("data-testid=\"campaign-launch\"", html);
    }

    [Fact]
    public async Task NewCampaign_Admin_SaveAsDraftAndMakeRecurringOffered()
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "admin");

        var html = await client.GetStringAsync("/campaigns/new");

        Assert.Contains("data-testid=\"campaign-save-draft\"", html);
        Assert.Contains("data-testid=\"campaign-make-recurring\"", html);
    }

    /// <summary>A draft opened again shows the reviewers it names (the pickers were empty though the ids were kept).</summary>
    [Fact]
    public async Task OpenDraft_ItsFallbackAndNamedReviewersShownInThePickers()
    {
        await using var own = new PortalAppFactory();
        using var client = own.CreateBrowserClient();
        var admin = await own.SignInAsAsync(client, "admin");
        await using var db = await own.CreateDbContextAsync();
        var people = await db.Identities.AsNoTracking()
            .Where(i => i.Kind == IdentityKind.Person && i.EmploymentStatus == EmploymentStatus.Active && i.Id != admin.IdentityId)
            .OrderBy(i => i.Id).Take(3).Select(i => new { i.Id, i.DisplayName }).ToListAsync();
        var definition = new CampaignDefinition
        {
            Name = "Draft with named reviewers", Reviewer = ReviewerRule.Named, NamedReviewerIds = [people[0].Id, people[1].Id],
            FallbackReviewerId = people[2].Id, EntitlementKinds = [EntitlementKind.OrgRole], IdentityKinds = [IdentityKind.Person],
            DueAt = own.Time.GetUtcNow().AddDays(20),
        };
        var draft = await own.GetRequiredService<SaveCampaignDraft>().HandleAsync(
            new Viewer(admin.IdentityId, admin.FullName, new HashSet<string> { Roles.Admin }), new CampaignDraft(null, definition), "draft-pickers");

        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/campaigns/new?draft={draft.Value}"));

        Assert.Contains("Draft with named reviewers", html);
        Assert.All(people, p => Assert.Contains(p.DisplayName, html));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("compliance")]
    public async Task TemplatesPage_AdminsAndCompliance_Listed(string persona)
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, persona);

        var html = await client.GetStringAsync("/campaigns/templates");

        Assert.Contains("data-testid=\"templates-table\"", html);
        Assert.Equal(persona == "admin", html.Contains("data-testid=\"new-template\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TemplatesPage_Manager_Refused()
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "manager");

        using var response = await client.GetAsync("/campaigns/templates");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }
}
