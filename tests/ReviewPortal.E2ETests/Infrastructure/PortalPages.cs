using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace ReviewPortal.E2ETests.Infrastructure;

/// <summary>The pages a signed-in persona can reach, for the tests that walk all of them (policy headers, words, axe).</summary>
public static class PortalPages
{
    /// <summary>The navigation the persona sees (read from the current page), plus one detail page of each kind they may open.</summary>
    public static async Task<List<string>> OfAsync(IPage page, DemoData data, string persona)
    {
        var links = await page.GetByRole(AriaRole.Navigation, new() { Name = "Portal sections" }).GetByRole(AriaRole.Link).AllAsync();
        var pages = new List<string>();
        foreach (var link in links)
        {
            if (await link.GetAttributeAsync("href") is { Length: > 0 } href)
            {
                pages.Add(href.StartsWith('/') ? href : "/" + href);
            }
        }
        var me = (await data.PersonaAsync(persona)).IdentityId;
        var identity = await data.QueryAsync(db => db.Identities.Where(i => i.Id == me || i.ManagerId == me).OrderBy(i => i.Id).Select(i => i.Id).FirstAsync());
        pages.Add($"/identities/{identity}");
        if (persona is Personas.Admin or Personas.Compliance)
        {
            var campaign = await data.QueryAsync(db => db.Campaigns.OrderBy(c => c.Id).Select(c => c.Id).FirstAsync());
            pages.Add($"/campaigns/{campaign}");
        }
        if (persona == Personas.Admin)
        {
            pages.Add("/campaigns/new");
        }
        return pages.Distinct().ToList();
    }
}
